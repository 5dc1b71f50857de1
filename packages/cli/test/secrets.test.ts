/**
 * The one secrets test: every command × format × error path, with known secret values in the environment, the
 * shared files, a `credential_process`'s output and STS responses (a fault proxy rewrites moto's AssumeRole answer
 * with known keys, and answers some calls with a SignatureDoesNotMatch error that echoes the session token, as AWS
 * does). It fails on any secret key, session token or full access key id in stdout, stderr, or any file a run
 * created or changed in the temporary HOME (the awsperm cache included), TMPDIR or the project directory.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FaultProxy, startFaultProxy } from '@awsperm/test-utils/fault-proxy';
import {
  cleanEnv,
  keysSection,
  makeHome,
  type MotoServer,
  pool,
  processScript,
  runProcess,
  type SeededUser,
  seedRole,
  seedUser,
  startMoto,
  type TempHome,
} from '@awsperm/test-utils/moto';
import { type SimServer, startSimulateServer } from '@awsperm/test-utils/simulate-server';

const bin = fileURLToPath(new URL('../bin/awsperm.cjs', import.meta.url));
const root = fileURLToPath(new URL('../../../', import.meta.url));
const example = join(root, 'examples/up-app');
const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKENdoNotPrintMe0123456789';
/**
 * What the proxy puts in every AssumeRole answer instead of moto's secret and token. (Moto's access key id stays, so
 * that moto still knows the session; the ids it issued are collected and checked like the other secrets.)
 */
const STS = {
  secretAccessKey: 'stsKnownSecretAccessKey/doNotPrintMe+0123456789abcd',
  sessionToken: 'FwoGZXIvYXdzEKNOWNSTSSESSIONTOKENdoNotPrintMe/abcdefghijklmnop0123456789==',
};
const PROCESS_TOKEN = 'processSessionTokenKNOWNdoNotPrintMe9876543210';

let moto: MotoServer;
let sim: SimServer;
let env: SeededUser;
let file: SeededUser;
let proc: SeededUser;
let home: TempHome;
let project: string;
let tmp: string;
/** Rewrites AssumeRole answers; otherwise a plain proxy to moto (simulate calls to the scripted server). */
let sts: FaultProxy;
/** Answers sts:GetCallerIdentity and every IAM call with SignatureDoesNotMatch echoing the signed headers. */
let rejecting: FaultProxy;
/** Throttles every IAM call. */
let faulty: FaultProxy;
/** Never answers sts:GetCallerIdentity. */
let stalling: FaultProxy;
/** The access key ids moto's AssumeRole answers carried. */
const stsKeyIds: string[] = [];

/** The signed headers echoed back, session token included, as AWS's SignatureDoesNotMatch message does. */
const echo = ({ headers }: { headers: Record<string, string> }) =>
  `The request signature we calculated does not match the signature you provided. The Canonical String for this request should have been 'POST\n/\n\nauthorization:${headers.authorization ?? ''}\nx-amz-security-token:${headers['x-amz-security-token'] ?? ''}'`;

beforeAll(async () => {
  [moto, sim] = await Promise.all([startMoto(), startSimulateServer({ answer: () => ({ decision: 'allowed', matched: [{ id: 'inline' }] }) })]);
  [env, file, proc] = await Promise.all([
    seedUser(moto.endpoint, 'secret-env', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'lambda:*', Resource: '*' }] }),
    seedUser(moto.endpoint, 'secret-file'),
    seedUser(moto.endpoint, 'secret-proc'),
  ]);
  const role = await seedRole(moto.endpoint, 'SecretRole', { policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } });
  const route = (name: string) => (name === 'iam:SimulatePrincipalPolicy' ? sim.endpoint : moto.endpoint);
  sts = await startFaultProxy(route, (c) =>
    c.name === 'sts:AssumeRole'
      ? {
          kind: 'rewrite',
          body: (xml) =>
            xml
              .replace(/<AccessKeyId>([^<]*)<\/AccessKeyId>/, (whole, id: string) => {
                stsKeyIds.push(id);
                return whole;
              })
              .replace(/<SecretAccessKey>[^<]*<\/SecretAccessKey>/, `<SecretAccessKey>${STS.secretAccessKey}</SecretAccessKey>`)
              .replace(/<SessionToken>[^<]*<\/SessionToken>/, `<SessionToken>${STS.sessionToken}</SessionToken>`),
        }
      : undefined,
  );
  rejecting = await startFaultProxy(route, (c) =>
    c.name === 'sts:GetCallerIdentity' || c.service === 'iam' ? { kind: 'error', status: 403, code: 'SignatureDoesNotMatch', message: echo } : undefined,
  );
  faulty = await startFaultProxy(route, (c) => (c.service === 'iam' ? { kind: 'throttle' } : undefined));
  stalling = await startFaultProxy(route, (c) => (c.name === 'sts:GetCallerIdentity' ? { kind: 'stall' } : undefined));

  home = makeHome({ credentials: keysSection('default', file) + keysSection('filekeys', file) });
  const processOutput = JSON.stringify({ Version: 1, AccessKeyId: proc.accessKeyId, SecretAccessKey: proc.secretAccessKey, SessionToken: PROCESS_TOKEN });
  home.write(
    '.aws/config',
    [
      '[profile proc]',
      `credential_process = ${processScript(home, 'creds', processOutput)}`,
      '[profile broken]',
      `credential_process = ${processScript(home, 'junk', `oops ${proc.secretAccessKey} ${PROCESS_TOKEN}`)}`,
      '[profile failing]',
      `credential_process = ${processScript(home, 'fails', `{"Version":1,"AccessKeyId":"${proc.accessKeyId}","SecretAccessKey":"${proc.secretAccessKey}"`, 1)}`,
      '[profile role]',
      `role_arn = ${role.arn}`,
      'source_profile = filekeys',
      'region = eu-west-1',
      '',
    ].join('\n'),
  );
  // The awsperm cache another feature fills lives under ~/.cache/awsperm; XDG_CACHE_HOME points there too.
  mkdirSync(home.path('.cache/awsperm'), { recursive: true });
  tmp = home.path('tmp');
  mkdirSync(tmp);
  project = mkdtempSync(join(tmpdir(), 'awsperm-secrets-'));
  writeFileSync(join(project, 'up.json'), '{ "name": "secrets-app", "profile": "filekeys", "regions": ["eu-west-1"] }');
});

afterAll(async () => {
  await Promise.all([moto?.stop(), sim?.stop(), sts?.stop(), rejecting?.stop(), faulty?.stop(), stalling?.stop()]);
  home?.cleanup();
  if (project) rmSync(project, { recursive: true, force: true });
});

interface Run {
  name: string;
  args: string[];
  extra: Record<string, string>;
  endpoint: string;
}

/** Every command × format, the live modes, and the error paths, against the proxies. */
function runs(): Run[] {
  const envKeys = { AWS_ACCESS_KEY_ID: env.accessKeyId, AWS_SECRET_ACCESS_KEY: env.secretAccessKey, AWS_SESSION_TOKEN: SESSION_TOKEN };
  const policy = join(example, 'policies/deployer.json');
  const list: Run[] = [];
  const add = (name: string, args: string[], extra: Record<string, string> = {}, endpoint = sts.endpoint) => list.push({ name, args, extra, endpoint });
  const sources: [string, string[], Record<string, string>][] = [
    ['env keys', [], envKeys],
    ['up', ['--tool', 'up', '--cwd', project], envKeys],
    ['file', ['--profile', 'filekeys'], {}],
    ['process', ['--profile', 'proc'], {}],
    ['assumed role', ['--profile', 'role'], {}],
  ];
  for (const format of ['text', 'json']) {
    for (const [source, args, extra] of sources) {
      add(`whoami ${source} ${format}`, ['whoami', ...args, '--format', format], extra);
      add(`whoami ${source} ${format} --debug`, ['whoami', ...args, '--format', format, '--debug'], extra);
      add(`whoami ${source} ${format} SignatureDoesNotMatch --debug`, ['whoami', ...args, '--format', format, '--debug'], extra, rejecting.endpoint);
    }
    add(`whoami broken process ${format}`, ['whoami', '--profile', 'broken', '--format', format, '--debug']);
    add(`whoami failing process ${format}`, ['whoami', '--profile', 'failing', '--format', format, '--debug']);
    add(`whoami missing profile ${format}`, ['whoami', '--profile', 'nope', '--format', format], envKeys);
    add(`whoami stalled --timeout ${format}`, ['whoami', '--format', format, '--timeout', '1', '--debug'], envKeys, stalling.endpoint);
    add(`lint ${format}`, ['lint', policy, '--format', format], envKeys);
    add(`lint missing file ${format}`, ['lint', '/missing.json', '--format', format, '--debug'], envKeys);
    add(`adapters ${format}`, ['adapters', '--format', format], envKeys);
  }
  for (const format of ['text', 'json', 'markdown']) {
    add(`check offline ${format}`, ['check', '--cwd', project, '--policy', policy, '--format', format], envKeys);
    add(`check local env keys ${format}`, ['check', '--action', 'lambda:GetFunction', '--mode', 'local', '--format', format], envKeys);
    add(`check local assumed role ${format}`, ['check', '--action', 'lambda:GetFunction', '--mode', 'local', '--profile', 'role', '--format', format]);
    add(`check simulate assumed role ${format}`, ['check', '--action', 'lambda:GetFunction', '--mode', 'simulate', '--profile', 'role', '--format', format, '--debug']);
    add(`check up simulate process ${format}`, ['check', '--tool', 'up', '--cwd', project, '--mode', 'simulate', '--format', format], { AWS_PROFILE: 'proc' });
    add(`check local SignatureDoesNotMatch ${format}`, ['check', '--action', 's3:GetObject', '--mode', 'local', '--format', format, '--debug'], envKeys, rejecting.endpoint);
    add(`check local throttled ${format}`, ['check', '--action', 's3:GetObject', '--mode', 'local', '--format', format, '--timeout', '2', '--debug'], envKeys, faulty.endpoint);
  }
  for (const format of ['json', 'terraform', 'cloudformation']) {
    add(`policy ${format}`, ['policy', '--cwd', project, '--format', format], envKeys);
  }
  add('check error --debug', ['check', '--cwd', project, '--policy', '/missing.json', '--debug'], envKeys);
  add('whoami unreachable --debug', ['whoami', '--endpoint-url', 'http://127.0.0.1:9', '--debug'], envKeys);
  add('whoami bad --timeout', ['whoami', '--timeout', 'soon'], envKeys);
  return list;
}

/** Every file under `dir` with a digest of its content. */
function snapshot(dir: string, out = new Map<string, string>()): Map<string, string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) snapshot(path, out);
    else if (entry.isFile()) out.set(path, createHash('sha256').update(readFileSync(path)).digest('hex'));
  }
  return out;
}

describe('no secret in any output or file', () => {
  it('holds for every command, format and error path', async () => {
    const dirs = [home.dir, project];
    const before = new Map([...dirs.flatMap((d) => [...snapshot(d)])]);
    const all = runs();
    const results = await pool(
      all.map((run) => async () => ({
        run,
        result: await runProcess(process.execPath, [bin, ...run.args], cleanEnv(home, { TMPDIR: tmp, XDG_CACHE_HOME: home.path('.cache'), ...run.extra }, run.endpoint), { cwd: root }),
      })),
      6,
    );
    // After the runs: the STS key ids are known once moto has issued them.
    const secrets: [string, string][] = [
      ...[env, file, proc].flatMap((u): [string, string][] => [
        [`secret key of ${u.name}`, u.secretAccessKey],
        [`access key id of ${u.name}`, u.accessKeyId],
      ]),
      ['session token in the environment', SESSION_TOKEN],
      ['session token from credential_process', PROCESS_TOKEN],
      ...stsKeyIds.map((id): [string, string] => ['access key id from STS', id]),
      ['secret key from STS', STS.secretAccessKey],
      ['session token from STS', STS.sessionToken],
    ];
    const leaks: string[] = [];
    for (const { run, result } of results) {
      for (const [what, secret] of secrets) {
        if (result.stdout.includes(secret)) leaks.push(`${run.name}: ${what} on stdout`);
        if (result.stderr.includes(secret)) leaks.push(`${run.name}: ${what} on stderr`);
      }
    }
    const after = new Map([...dirs.flatMap((d) => [...snapshot(d)])]);
    const written = [...after].filter(([path, digest]) => before.get(path) !== digest).map(([path]) => path);
    for (const path of written) {
      const content = readFileSync(path);
      for (const [what, secret] of secrets) if (content.includes(secret)) leaks.push(`${what} written to ${path}`);
    }
    expect(leaks).toEqual([]);

    // Not vacuous: the runs used the credentials, the STS answer's known keys signed the calls that followed, and
    // the error paths were taken.
    const by = (name: string) => results.find((r) => r.run.name === name)!.result;
    for (const source of ['env keys', 'up', 'file', 'process', 'assumed role']) {
      for (const format of ['text', 'json']) {
        expect(by(`whoami ${source} ${format}`).code, `whoami ${source} ${format}: ${by(`whoami ${source} ${format}`).stderr}`).toBe(0);
        const rejected = by(`whoami ${source} ${format} SignatureDoesNotMatch --debug`);
        expect(rejected.code, rejected.stderr).toBe(3);
        expect(rejected.stderr).toMatch(/SignatureDoesNotMatch/);
      }
    }
    expect(sts.calls.filter((c) => c.name === 'sts:AssumeRole').length).toBeGreaterThanOrEqual(6);
    expect(stsKeyIds.length).toBeGreaterThanOrEqual(6);
    expect(sts.calls.some((c) => c.name === 'sts:GetCallerIdentity' && c.sessionToken === STS.sessionToken && stsKeyIds.includes(c.accessKeyId))).toBe(true);
    expect(sts.calls.some((c) => c.service === 'iam' && c.sessionToken === STS.sessionToken)).toBe(true);
    expect(sts.calls.some((c) => c.accessKeyId === proc.accessKeyId)).toBe(true);
    expect(rejecting.calls.some((c) => c.fault === 'error')).toBe(true);
    for (const format of ['text', 'json', 'markdown']) {
      expect(by(`check local assumed role ${format}`).code, by(`check local assumed role ${format}`).stderr).toBe(0);
      expect(by(`check simulate assumed role ${format}`).code, by(`check simulate assumed role ${format}`).stderr).toBe(0);
      expect(by(`check local throttled ${format}`).code).toBe(3);
    }
    expect(by('whoami stalled --timeout json').stderr).toMatch(/no answer from AWS.* within 1 s/);
    expect(by('whoami bad --timeout').code).toBe(2);
  }, 300_000);
});
