/**
 * A loopback HTTP server speaking `cloudformation:DescribeType`'s real query/XML wire format (moto 5 lacks the API),
 * scripted per test: the schema per type, unknown types (TypeNotFoundException, HTTP 404), denial (AccessDenied,
 * HTTP 403) and throttling of the first N calls (Throttling, HTTP 400). It records every call.
 */
import { createServer, type Server } from 'node:http';
import { body, errorXml as iamErrorXml } from '@awsperm/test-utils/simulate-server';

/** Per-test script. */
export interface DescribeTypeScript {
  /** The registry: type name → its schema document (serialised to the `Schema` string). */
  schemas?: Record<string, unknown>;
  /** Answer this many calls with HTTP 400 Throttling first. */
  throttleFirst?: number;
  /** Deny every call with AccessDenied. */
  deny?: boolean;
}

/** One call the server received. */
export interface DescribeTypeCall {
  action: string;
  params: URLSearchParams;
  authorization: string;
}

/** A running scripted server. */
export interface DescribeTypeServer {
  endpoint: string;
  calls: DescribeTypeCall[];
  script: DescribeTypeScript;
  stop(): Promise<void>;
}

const NS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

// The SDK reads a query-protocol error by its Code; the element namespace does not matter to it.
const errorXml = (code: string, message: string) => iamErrorXml(code, message).replace(/xmlns="[^"]*"/, `xmlns="${NS}"`);

/** Starts the server on 127.0.0.1 with a free port. */
export async function startDescribeTypeServer(script: DescribeTypeScript = {}): Promise<DescribeTypeServer> {
  const calls: DescribeTypeCall[] = [];
  const state: DescribeTypeServer = { endpoint: '', calls, script, stop: async () => undefined };
  const server: Server = createServer(async (req, res) => {
    const params = new URLSearchParams(await body(req));
    const action = params.get('Action') ?? '';
    calls.push({ action, params, authorization: String(req.headers.authorization ?? '') });
    const send = (status: number, xml: string) => {
      res.writeHead(status, { 'content-type': 'text/xml' });
      res.end(xml);
    };
    const s = state.script;
    if (s.throttleFirst && calls.length <= s.throttleFirst) return send(400, errorXml('Throttling', 'Rate exceeded'));
    if (s.deny) {
      return send(
        403,
        errorXml('AccessDenied', 'User: arn:aws:iam::123456789012:user/dev is not authorized to perform: cloudformation:DescribeType'),
      );
    }
    if (action !== 'DescribeType') return send(400, errorXml('InvalidAction', `Could not find operation ${action}`));
    const typeName = params.get('TypeName') ?? '';
    const schema = s.schemas && Object.hasOwn(s.schemas, typeName) ? s.schemas[typeName] : undefined;
    if (schema === undefined || params.get('Type') !== 'RESOURCE') {
      return send(404, errorXml('TypeNotFoundException', `The type '${typeName}' cannot be found.`));
    }
    const text = typeof schema === 'string' ? schema : JSON.stringify(schema);
    send(
      200,
      `<DescribeTypeResponse xmlns="${NS}"><DescribeTypeResult><Arn>arn:aws:cloudformation:us-east-1::type/resource/${esc(typeName.replaceAll('::', '-'))}</Arn><Type>RESOURCE</Type><TypeName>${esc(typeName)}</TypeName><DefaultVersionId>00000042</DefaultVersionId><IsDefaultVersion>true</IsDefaultVersion><Schema>${esc(text)}</Schema><Visibility>PUBLIC</Visibility><LastUpdated>2026-11-20T10:00:00.000Z</LastUpdated><TimeCreated>2020-01-01T00:00:00.000Z</TimeCreated></DescribeTypeResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></DescribeTypeResponse>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  state.endpoint = `http://127.0.0.1:${port}`;
  state.stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}
