/**
 * A loopback fault-injection proxy for tests: it sits in front of `moto_server` (or any loopback AWS-protocol
 * server), forwards every request, and answers the ones its script picks with a fault instead — throttling (HTTP 400
 * with AWS's query/XML `Throttling` error body), a 500/503 server error, a connection reset, a stalled response, a
 * truncated body, a body of the wrong content type — or rewrites the upstream's answer.
 *
 * Requests are named by the AWS service (from the SigV4 credential scope) and the query protocol's `Action`, so a
 * script can fault `sts:GetCallerIdentity` and leave `iam:GetUser` alone. Nothing here contacts any address but
 * 127.0.0.1.
 */
import { createServer, type IncomingMessage, request as httpRequest, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** What the proxy does with one request. */
export type Fault =
  /** HTTP 400 with the query/XML error body AWS sends when throttling (`Throttling`, "Rate exceeded"). */
  | { kind: 'throttle' }
  /** A server error with AWS's XML error body (`InternalFailure` for 500, `ServiceUnavailable` for 503). */
  | { kind: 'status'; status: 500 | 503 }
  /** The connection is reset after the request is read, before any response byte. */
  | { kind: 'reset' }
  /** The request is read and never answered (until the proxy stops). */
  | { kind: 'stall' }
  /** The upstream's answer with the full `content-length` but only the first half of the body, then the socket closes. */
  | { kind: 'truncate' }
  /** HTTP 200 with an HTML page (`text/html`), as a captive portal or a misrouted proxy would send. */
  | { kind: 'content-type' }
  /** The upstream's answer with its body rewritten (for example known secret values in an STS response). */
  | { kind: 'rewrite'; body: (body: string) => string }
  /** An AWS error of this status and code; the message may echo the request, as `SignatureDoesNotMatch` does. */
  | { kind: 'error'; status: number; code: string; message: (request: { headers: Record<string, string>; body: string }) => string };

/** One request the proxy saw. */
export interface ProxyCall {
  /** `sts`, `iam` … from the SigV4 credential scope (`unknown` when unsigned). */
  service: string;
  /** The query protocol's `Action` form field (`GetCallerIdentity` …), `''` when absent. */
  action: string;
  /** `service:Action`. */
  name: string;
  /** The access key id that signed the request (from the SigV4 credential scope), `''` when unsigned. */
  accessKeyId: string;
  /** The `x-amz-security-token` header (a session token), `''` when absent. */
  sessionToken: string;
  /** The fault applied, if any. */
  fault?: Fault['kind'];
}

/** Picks the fault for a request: `n` counts earlier requests of the same `service:Action` (0 for the first). */
export type FaultScript = (call: { service: string; action: string; name: string; n: number }) => Fault | undefined;

/** A running proxy. */
export interface FaultProxy {
  /** `http://127.0.0.1:PORT`. */
  endpoint: string;
  /** Every request seen, in order. */
  calls: ProxyCall[];
  /** The script; replace it between runs. */
  script: FaultScript;
  /** The requests seen for `service:Action`. */
  count(name: string): number;
  /** Stops the proxy, closing stalled connections. */
  stop(): Promise<void>;
}

const NS: Record<string, string> = {
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
};

/** An AWS query-protocol error body, as IAM and STS send it. */
export function queryErrorXml(service: string, code: string, message: string, type: 'Sender' | 'Receiver' = 'Sender'): string {
  const text = message.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<ErrorResponse xmlns="${NS[service] ?? NS.iam}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${text}</Message></Error><RequestId>fault-proxy-0001</RequestId></ErrorResponse>`;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function serviceOf(req: IncomingMessage): string {
  const auth = String(req.headers.authorization ?? '');
  const m = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(auth);
  return m?.[1] ?? 'unknown';
}

/** Forwards a request to `upstream` and collects the whole answer. */
function forward(upstream: string, req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  const target = new URL(req.url ?? '/', upstream);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'connection') headers[k] = v;
    const out = httpRequest(target, { method: req.method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        const h: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h[k] = v;
        resolve({ status: res.statusCode ?? 502, headers: h, body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    });
    out.on('error', reject);
    out.end(body);
  });
}

/**
 * Starts the proxy on 127.0.0.1 with a free port. `upstream` is where unfaulted requests go: one endpoint, or a
 * function of `service:Action` (for example `iam:SimulatePrincipalPolicy` to a scripted server, the rest to moto).
 */
export async function startFaultProxy(upstream: string | ((name: string) => string), script: FaultScript = () => undefined): Promise<FaultProxy> {
  const calls: ProxyCall[] = [];
  const seen = new Map<string, number>();
  const sockets = new Set<Socket>();
  const route = typeof upstream === 'string' ? () => upstream : upstream;
  const state: FaultProxy = {
    endpoint: '',
    calls,
    script,
    count: (name) => calls.filter((c) => c.name === name).length,
    stop: async () => {},
  };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const service = serviceOf(req);
    const action = new URLSearchParams(body.toString('utf8')).get('Action') ?? '';
    const name = `${service}:${action}`;
    const n = seen.get(name) ?? 0;
    seen.set(name, n + 1);
    const fault = state.script({ service, action, name, n });
    const accessKeyId = /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';
    const sessionToken = String(req.headers['x-amz-security-token'] ?? '');
    calls.push({ service, action, name, accessKeyId, sessionToken, ...(fault ? { fault: fault.kind } : {}) });
    const xml = (status: number, text: string, type = 'text/xml'): void => {
      res.writeHead(status, { 'content-type': type, 'content-length': String(Buffer.byteLength(text)), 'x-amzn-requestid': 'fault-proxy-0001' });
      res.end(text);
    };
    switch (fault?.kind) {
      case 'throttle':
        return xml(400, queryErrorXml(service, 'Throttling', 'Rate exceeded'));
      case 'status':
        return xml(
          fault.status,
          fault.status === 503
            ? queryErrorXml(service, 'ServiceUnavailable', 'Service is unavailable. Please try again later.', 'Receiver')
            : queryErrorXml(service, 'InternalFailure', 'The request processing has failed because of an unknown error.', 'Receiver'),
        );
      case 'reset':
        req.socket.resetAndDestroy();
        return;
      case 'stall':
        return;
      case 'error': {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
        return xml(fault.status, queryErrorXml(service, fault.code, fault.message({ headers, body: body.toString('utf8') })));
      }
      case 'content-type':
        return xml(200, '<!DOCTYPE html><html><head><title>Sign in to the network</title></head><body><p>Please log in.</p></body></html>', 'text/html; charset=utf-8');
      default:
        break;
    }
    const answer = await forward(route(name), req, body);
    let out = answer.body;
    if (fault?.kind === 'rewrite') out = Buffer.from(fault.body(out.toString('utf8')), 'utf8');
    const headers: Record<string, string> = { ...answer.headers, 'content-length': String(out.length) };
    delete headers['transfer-encoding'];
    res.writeHead(answer.status, headers);
    if (fault?.kind === 'truncate') {
      res.write(out.subarray(0, Math.floor(out.length / 2)));
      // Let the half body leave, then close the connection mid-response.
      setTimeout(() => req.socket.destroy(), 20);
      return;
    }
    res.end(out);
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  state.endpoint = `http://127.0.0.1:${port}`;
  state.stop = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return state;
}
