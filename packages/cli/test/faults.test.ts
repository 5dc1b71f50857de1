/**
 * Faults between awsperm and AWS: a loopback fault-injection proxy in front of moto (and of the scripted
 * SimulatePrincipalPolicy server) throttles, fails, resets, stalls, truncates or answers with the wrong content type.
 * awsperm retries what the SDK retries, gives up within `--timeout`, exits 3 with a one- or two-line message naming the
 * call, and never half-prints stdout: `--format json` output is valid JSON or absent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fault, type FaultProxy, startFaultProxy } from '@awsperm/test-utils/fault-proxy';
import { cleanEnv, homeTracker, keysSection, type MotoServer, pool, type SeededUser, secretsIn, seedRole, seedUser, startMoto } from '@awsperm/test-utils/moto';
import { type SimServer, startSimulateServer } from '@awsperm/test-utils/simulate-server';
import { recordingRunner } from './helpers.ts';

let moto: MotoServer;
let sim: SimServer;
let user: SeededUser;
let roleArn: string;
const homes = homeTracker();
const outputs: string[] = [];
const run = recordingRunner(outputs);
const proxies: FaultProxy[] = [];

beforeAll(async () => {
  [moto, sim] = await Promise.all([startMoto(), startSimulateServer({ answer: () => ({ decision: 'allowed', matched: [{ id: 'inline' }] }) })]);
  user = await seedUser(moto.endpoint, 'fault-user', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
  roleArn = (await seedRole(moto.endpoint, 'FaultRole')).arn;
});

afterAll(async () => {
  await Promise.all(proxies.map((p) => p.stop()));
  await Promise.all([moto?.stop(), sim?.stop()]);
  homes.cleanup();
  expect(secretsIn(outputs.join('\n'), [user])).toEqual([]);
});

/** A proxy that faults `target` with `fault` (every time, or only the first attempt), routing simulate calls to `sim`. */
async function proxy(target: string, fault: Fault, times = Number.POSITIVE_INFINITY): Promise<FaultProxy> {
  const p = await startFaultProxy(
    (name) => (name === 'iam:SimulatePrincipalPolicy' ? sim.endpoint : moto.endpoint),
    (call) => (call.name === target && call.n < times ? fault : undefined),
  );
  proxies.push(p);
  return p;
}

/** Runs awsperm against `p` as the default-profile user, timing it. */
async function awsperm(args: string[], p: FaultProxy, extra: Record<string, string> = {}) {
  const h = homes.home({ credentials: keysSection('default', user) });
  const start = Date.now();
  const result = await run(args, cleanEnv(h, extra, p.endpoint));
  return { ...result, ms: Date.now() - start };
}

const FAULTS: [string, Fault][] = [
  ['throttling', { kind: 'throttle' }],
  ['HTTP 500', { kind: 'status', status: 500 }],
  ['HTTP 503', { kind: 'status', status: 503 }],
  ['connection reset', { kind: 'reset' }],
  ['stalled response', { kind: 'stall' }],
  ['truncated body', { kind: 'truncate' }],
  ['wrong content type', { kind: 'content-type' }],
];
/** The faults the SDK retries: one of them on the first attempt only is survived. */
const RETRIED = new Set(['throttling', 'HTTP 500', 'HTTP 503', 'connection reset', 'truncated body']);
/** What the message says for each fault, besides naming the call. */
const SAYS: Record<string, RegExp> = {
  throttling: /throttled every attempt \(Throttling|within 3 s; the last failed attempt: Throttling \(HTTP 400\)/,
  'HTTP 500': /answered HTTP 500 \(InternalFailure\) on every attempt|the last failed attempt: InternalFailure \(HTTP 500\)/,
  'HTTP 503': /answered HTTP 503 \(ServiceUnavailable\) on every attempt|the last failed attempt: ServiceUnavailable \(HTTP 503\)/,
  'connection reset': /connection to AWS.* broke before the answer was complete \(ECONNRESET|the last failed attempt: ECONNRESET/,
  'stalled response': /no answer from AWS.* within 3 s$/m,
  'truncated body': /broke before the answer was complete|could not be read|the last failed attempt: ECONNRESET/,
  'wrong content type': /the endpoint answered with text\/html, not an AWS response/,
};

const TARGETS: { name: string; call: string; args: string[] }[] = [
  { name: 'whoami', call: 'sts:GetCallerIdentity', args: ['whoami', '--format', 'json'] },
  { name: 'check --mode local', call: 'iam:GetAccountAuthorizationDetails', args: ['check', '--action', 's3:GetObject', '--mode', 'local', '--format', 'json'] },
  { name: 'check --mode simulate', call: 'iam:SimulatePrincipalPolicy', args: ['check', '--action', 's3:GetObject', '--mode', 'simulate', '--format', 'json'] },
];

describe.each(TARGETS)('$name with $call faulted', ({ call, args }) => {
  it('every attempt faulted: exit 3 within the timeout, one message naming the call, nothing on stdout', async () => {
    const results = await pool(
      FAULTS.map(([name, fault]) => async () => {
        const p = await proxy(call, fault);
        return { name, p, r: await awsperm([...args, '--timeout', '3'], p) };
      }),
      3,
    );
    for (const { name, p, r } of results) {
      const why = `${name}: ${r.stderr}`;
      expect(r.code, why).toBe(3);
      expect(r.stdout, why).toBe('');
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines.length, why).toBeLessThanOrEqual(2);
      expect(lines[0], why).toMatch(new RegExp(`^awsperm: ${call}: `));
      expect(r.stderr, why).toMatch(SAYS[name]!);
      expect(r.stderr, why).not.toMatch(/\n\s+at /);
      // Bounded: the 3-second timeout plus start-up, never the 30-second default.
      expect(r.ms, why).toBeLessThan(15_000);
      if (RETRIED.has(name)) expect(p.count(call), `${name} was retried`).toBeGreaterThan(1);
      else expect(p.count(call), `${name} was not retried`).toBe(1);
    }
  });

  it('the first attempt faulted: the SDK retry succeeds and the JSON is whole', async () => {
    const results = await pool(
      FAULTS.filter(([name]) => RETRIED.has(name)).map(([name, fault]) => async () => {
        const p = await proxy(call, fault, 1);
        return { name, p, r: await awsperm([...args, '--timeout', '20'], p) };
      }),
      3,
    );
    for (const { name, p, r } of results) {
      expect(r.code, `${name}: ${r.stderr}`).toBe(0);
      const json = JSON.parse(r.stdout);
      expect(json.ok).toBe(true);
      expect(json.identity.arn).toBe(user.arn);
      expect(p.count(call), name).toBe(2);
    }
  });
});

describe.each(TARGETS)('$name with $call answered with garbage', ({ call, args }) => {
  it('XML that is not AWS’s, an HTML page typed as XML, half a document: exit 3, one plain message, no SDK internals', async () => {
    const bodies = ['<Foo><Bar>', '<!doctype html><html><body>Sign in to the Wi-Fi</body></html>', '<GetCallerIdentityResponse><GetCall'];
    const results = await pool(
      bodies.map((body) => async () => {
        const p = await proxy(call, { kind: 'rewrite', body: () => body });
        return { body, r: await awsperm([...args, '--timeout', '5'], p) };
      }),
      3,
    );
    for (const { body, r } of results) {
      const why = `${body}: ${r.stderr}`;
      expect(r.code, why).toBe(3);
      expect(r.stdout, why).toBe('');
      expect(r.stderr, why).toMatch(new RegExp(`^awsperm: ${call}: `));
      expect(r.stderr, why).not.toMatch(/\$response|\$metadata|Deserialization|hidden field|\bUnknown\b|\n\s+at /);
      expect(r.stderr.trimEnd().split('\n').length, why).toBeLessThanOrEqual(2);
    }
  });
});

describe('auto mode whose simulator fails', () => {
  it.each([500, 503] as const)('HTTP %i on every attempt → exit 3, and the hint says --mode local may work', async (status) => {
    const p = await proxy('iam:SimulatePrincipalPolicy', { kind: 'status', status });
    const r = await awsperm(['check', '--action', 's3:GetObject', '--format', 'json', '--timeout', '5'], p);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^awsperm: iam:SimulatePrincipalPolicy: AWS (at .* )?answered HTTP ${status} `));
    expect(lines[1]).toMatch(/^ {2}IAM’s policy simulator is failing: retry later, or run with --mode local /);
    expect(r.stderr).not.toMatch(/\$response|\$metadata|Deserialization|Unknown/);
    // The local mode it suggests does work past the failing simulator.
    const local = await awsperm(['check', '--action', 's3:GetObject', '--mode', 'local', '--format', 'json', '--timeout', '5'], p);
    expect(local.code, local.stderr).toBe(0);
  });

  it('--mode simulate chose the simulator: no suggestion of another mode', async () => {
    const p = await proxy('iam:SimulatePrincipalPolicy', { kind: 'status', status: 500 });
    const r = await awsperm(['check', '--action', 's3:GetObject', '--mode', 'simulate', '--timeout', '5'], p);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).not.toMatch(/--mode local/);
  });
});

describe('the credential exchange (sts:AssumeRole of a role profile) is bounded too', () => {
  it.each([
    ['stalled response', { kind: 'stall' } as Fault, /^awsperm: .*no answer from AWS.* within 3 s/],
    ['throttling', { kind: 'throttle' } as Fault, /^awsperm: .*(throttled every attempt \(Throttling|last failed attempt: Throttling)/],
  ])('%s → exit 3 naming the exchange', async (_name, fault, says) => {
    const p = await proxy('sts:AssumeRole', fault);
    const h = homes.home({ credentials: keysSection('src', user), config: `[profile deploy]\nrole_arn = ${roleArn}\nsource_profile = src\n` });
    const start = Date.now();
    const r = await run(['whoami', '--profile', 'deploy', '--format', 'json', '--timeout', '3'], cleanEnv(h, {}, p.endpoint));
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(says);
    expect(Date.now() - start).toBeLessThan(15_000);
    expect(p.count('sts:AssumeRole')).toBeGreaterThanOrEqual(1);
    expect(p.count('sts:GetCallerIdentity')).toBe(0);
  });
});

describe('--timeout', () => {
  it.each(['0', '-1', 'abc', '', 'Infinity'])('rejects "%s" with exit 2 before any AWS call', async (value) => {
    const p = await proxy('none', { kind: 'stall' });
    const r = await awsperm(['whoami', `--timeout=${value}`], p);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--timeout/);
    expect(r.stdout).toBe('');
    expect(p.calls).toHaveLength(0);
  });

  it('accepts fractions of a second and bounds a stalled check as a whole', async () => {
    const p = await proxy('sts:GetCallerIdentity', { kind: 'stall' });
    const r = await awsperm(['check', '--action', 's3:GetObject', '--mode', 'local', '--timeout', '0.5'], p);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/sts:GetCallerIdentity: no answer from AWS.* within 0\.5 s/);
    expect(r.stderr).toMatch(/--timeout <seconds>/);
  });
});
