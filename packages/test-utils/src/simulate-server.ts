/**
 * A loopback HTTP server speaking `iam:SimulatePrincipalPolicy`'s real query/XML wire format (moto lacks the API),
 * scripted per test: the answer per action and resource, the page size, throttling of the first N calls, denial.
 * It can also answer other IAM read calls with canned XML (for malformed-document and access-denied scenarios).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';

/** The scripted answer for one action on one resource. */
export interface SimAnswer {
  decision: 'allowed' | 'explicitDeny' | 'implicitDeny';
  matched?: { id: string; type?: string }[];
  missing?: string[];
  allowedByBoundary?: boolean;
  allowedByOrganizations?: boolean;
}

/** Per-test script. */
export interface SimScript {
  /** The answer for an action (and resource). Default: implicitDeny. */
  answer?: (action: string, resource: string) => SimAnswer;
  /** Results per page (default: all). */
  pageSize?: number;
  /** Answer this many calls with HTTP 400 Throttling first. */
  throttleFirst?: number;
  /** Deny every call with AccessDenied. */
  deny?: boolean;
  /** Deny the calls simulating these principals (`PolicySourceArn`) with AccessDenied. */
  denySources?: string[];
  /** Canned XML responses for other actions (`Action` form field → response body, HTTP 200), or an error code. */
  other?: Record<string, string | { error: string; status: number }>;
}

/** One call the server received. */
export interface SimCall {
  action: string;
  params: URLSearchParams;
}

/** A running scripted server. */
export interface SimServer {
  endpoint: string;
  calls: SimCall[];
  script: SimScript;
  stop(): Promise<void>;
}

const NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** An IAM error response. */
export function errorXml(code: string, message: string, type = 'Sender'): string {
  return `<ErrorResponse xmlns="${NS}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${esc(message)}</Message></Error><RequestId>req-err</RequestId></ErrorResponse>`;
}

function members(params: URLSearchParams, prefix: string): string[] {
  const out: string[] = [];
  for (let i = 1; params.has(`${prefix}.member.${i}`); i++) out.push(params.get(`${prefix}.member.${i}`)!);
  return out;
}

function resultXml(action: string, resource: string, a: SimAnswer): string {
  const matched = (a.matched ?? [])
    .map(
      (m) =>
        `<member><SourcePolicyId>${esc(m.id)}</SourcePolicyId><SourcePolicyType>${esc(m.type ?? 'IAM Policy')}</SourcePolicyType><StartPosition><Line>1</Line><Column>40</Column></StartPosition><EndPosition><Line>1</Line><Column>90</Column></EndPosition></member>`,
    )
    .join('');
  const missing = (a.missing ?? []).map((k) => `<member>${esc(k)}</member>`).join('');
  const boundary =
    a.allowedByBoundary === undefined ? '' : `<PermissionsBoundaryDecisionDetail><AllowedByPermissionsBoundary>${a.allowedByBoundary}</AllowedByPermissionsBoundary></PermissionsBoundaryDecisionDetail>`;
  const orgs =
    a.allowedByOrganizations === undefined ? '' : `<OrganizationsDecisionDetail><AllowedByOrganizations>${a.allowedByOrganizations}</AllowedByOrganizations></OrganizationsDecisionDetail>`;
  return `<member><EvalActionName>${esc(action)}</EvalActionName><EvalResourceName>${esc(resource)}</EvalResourceName><EvalDecision>${a.decision}</EvalDecision><MatchedStatements>${matched}</MatchedStatements>${missing ? `<MissingContextValues>${missing}</MissingContextValues>` : '<MissingContextValues/>'}${boundary}${orgs}</member>`;
}

/** The whole request body as text (the query protocol's form). */
export function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => resolve(text));
  });
}

/** Starts the server on 127.0.0.1 with a free port. */
export async function startSimulateServer(script: SimScript = {}): Promise<SimServer> {
  const calls: SimCall[] = [];
  const state: SimServer = { endpoint: '', calls, script, stop: async () => {} };
  let simulateCalls = 0;
  const server: Server = createServer(async (req, res) => {
    const params = new URLSearchParams(await body(req));
    const action = params.get('Action') ?? '';
    calls.push({ action, params });
    const send = (status: number, xml: string) => {
      res.writeHead(status, { 'content-type': 'text/xml' });
      res.end(xml);
    };
    const s = state.script;
    if (action !== 'SimulatePrincipalPolicy') {
      const canned = s.other?.[action];
      if (canned === undefined) return send(400, errorXml('InvalidAction', `not scripted: ${action}`));
      if (typeof canned === 'string') return send(200, canned);
      return send(canned.status, errorXml(canned.error, `${canned.error} for ${action}`));
    }
    simulateCalls++;
    if (s.deny || s.denySources?.includes(params.get('PolicySourceArn') ?? '')) return send(403, errorXml('AccessDenied', `User is not authorized to perform: iam:SimulatePrincipalPolicy`));
    if (simulateCalls <= (s.throttleFirst ?? 0)) return send(400, errorXml('Throttling', 'Rate exceeded'));
    const actions = members(params, 'ActionNames');
    const resources = members(params, 'ResourceArns');
    const all: string[] = [];
    for (const action of actions) for (const resource of resources.length ? resources : ['*']) all.push(resultXml(action, resource, (s.answer ?? (() => ({ decision: 'implicitDeny' })))(action, resource)));
    const start = Number(params.get('Marker') ?? '0');
    const size = s.pageSize ?? all.length;
    const page = all.slice(start, start + size);
    const truncated = start + size < all.length;
    send(
      200,
      `<SimulatePrincipalPolicyResponse xmlns="${NS}"><SimulatePrincipalPolicyResult><IsTruncated>${truncated}</IsTruncated>${truncated ? `<Marker>${start + size}</Marker>` : ''}<EvaluationResults>${page.join('')}</EvaluationResults></SimulatePrincipalPolicyResult><ResponseMetadata><RequestId>req-${calls.length}</RequestId></ResponseMetadata></SimulatePrincipalPolicyResponse>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  state.endpoint = `http://127.0.0.1:${port}`;
  state.stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}
