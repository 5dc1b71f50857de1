import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, homeTracker, keysSection, type MotoServer, type SeededUser, secretsIn, seedUser, startMoto } from '@awsperm/test-utils/moto';
import { recordingRunner, root } from './helpers.ts';

// What the SST commands compute (stages, profiles, fragments, ARNs, service roles, documented strategies, errors) is
// tested in process in packages/adapter-sst/test/commands.test.ts. This file keeps what only a process shows: exit
// codes, JSON alone on stdout, warnings on stderr, short errors without a stack trace, and no secret in any output.

/** The SST adapter's fixtures: real project layouts per SST major version. */
const fixture = (name: string): string => join(root, 'packages/adapter-sst/test/fixtures', name);
const admin = join(root, 'examples/up-app/policies/administrator.json');

// Each test spawns awsperm, and each v2/v3 run transpiles sst.config.ts: more than the default 30 s per test on a
// loaded two-core machine.
const SPAWNS = { timeout: 90_000 };

let moto: MotoServer;
const users: Record<string, SeededUser> = {};
const homes = homeTracker();
const outputs: string[] = [];
const awsperm = recordingRunner(outputs);
const PROFILES = ['default', 'prod-profile'];

/** A HOME whose credentials file has one profile per seeded user (profile name = user). */
function env(extra: Record<string, string> = {}) {
  const h = homes.home({ credentials: PROFILES.map((p) => keysSection(p, users[p]!)).join('') });
  return cleanEnv(h, extra, moto.endpoint);
}

/** Asserts an error run: exit 2, nothing on stdout, one or two lines on stderr matching `message`, no stack trace. */
function expectUsageError(r: { code: number | null; stdout: string; stderr: string }, message: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(message);
  expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

beforeAll(async () => {
  moto = await startMoto();
  const seeded = await Promise.all(PROFILES.map((p) => seedUser(moto.endpoint, `sst-${p}`)));
  PROFILES.forEach((p, i) => {
    users[p] = seeded[i]!;
  });
});

afterAll(async () => {
  await moto?.stop();
  homes.cleanup();
  expect(secretsIn(outputs.join('\n'), Object.values(users))).toEqual([]);
});

describe('awsperm whoami --tool sst (spawned, against moto)', SPAWNS, () => {
  it('v3: --stage prod selects the stage’s profile; exit 0, the JSON alone on stdout', async () => {
    const r = await awsperm(['whoami', '--tool', 'sst', '--cwd', fixture('v3-stage-profile'), '--stage', 'prod', '--format', 'json'], env());
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.tool).toBe('sst');
    expect(json.stage).toBe('prod');
    expect(json.credentials.profile).toBe('prod-profile');
    expect(json.identity.arn).toBe(users['prod-profile']!.arn);
  });
});

describe('SST error paths: one or two lines, exit 2, no stack trace (spawned)', SPAWNS, () => {
  const cases: [string, string[], RegExp][] = [
    ['v1 and v2 configs side by side', ['whoami', '--cwd', fixture('v1v2-ambiguous')], /holds both sst\.json \(SST v1\) and sst\.config\.ts/],
    ['a throwing v2 config names the file and line (from the worker)', ['whoami', '--cwd', fixture('v2-throws'), '--stage', 'dev'], /v2-throws\/sst\.config\.ts:4: config\(\) threw: Error: missing REGION/],
    ['a v3 run() that never finishes is stopped', ['check', '--cwd', fixture('v3-apps/loops'), '--stage', 'dev', '--policy', admin], /loops\/sst\.config\.ts: run\(\) took longer than \d+ ms and was stopped/],
    ['--role-arn on SST v2', ['check', '--cwd', fixture('v2-stage-profile'), '--stage', 'dev', '--role-arn', 'arn:aws:iam::123456789012:role/x', '--policy', admin], /SST v2 has no --role-arn/],
  ];
  for (const [what, [command, ...args], message] of cases) {
    it(what, async () => {
      expectUsageError(await awsperm([command!, '--tool', 'sst', ...args, '--format', 'json'], env()), message);
    });
  }

  it('--role-arn on Up: a usage error naming the flag', async () => {
    const r = await awsperm(['check', '--tool', 'up', '--cwd', join(root, 'examples/up-app'), '--role-arn', 'arn:aws:iam::111122223333:role/deploy-cfn', '--policy', admin], env());
    expectUsageError(r, /--role-arn: Apex Up deploys without a CloudFormation service role/);
  });
});

describe('awsperm check --tool sst (spawned)', SPAWNS, () => {
  it('an unknown component: exit 1, the text report on stdout', async () => {
    const r = await awsperm(['check', '--tool', 'sst', '--cwd', fixture('v3-apps/unknown-component'), '--stage', 'dev', '--policy', admin], env());
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/Unresolved — no permission data, so not checked:\n.*component sst\.aws\.QuantumLedger "Ledger"/);
  });

  it('strategy 1: AdministratorAccess passes, exit 0', async () => {
    const r = await awsperm(['check', '--tool', 'sst', '--cwd', fixture('v1-basic'), '--stage', 'dev', '--feature', 'documented', '--feature', 'admin', '--policy', admin, '--format', 'json'], env());
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).fragments.map((f: { id: string }) => f.id)).toEqual(['sst.documented-admin']);
  });

  it('--mode auto: the service role’s fallback to local is a warning on stderr, the JSON alone on stdout', async () => {
    const { startSimulateServer } = await import('@awsperm/test-utils/simulate-server');
    const role = 'arn:aws:iam::123456789012:role/sst-denied-cfn';
    const rolePolicy = encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:*', 's3:*', 'ssm:*', 'lambda:*'], Resource: '*' }] }));
    const NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
    const details = `<GetAccountAuthorizationDetailsResponse xmlns="${NS}"><GetAccountAuthorizationDetailsResult><UserDetailList/><GroupDetailList/><RoleDetailList><member><Path>/</Path><RoleName>sst-denied-cfn</RoleName><RoleId>AROAEXAMPLEDENIED</RoleId><Arn>${role}</Arn><CreateDate>2024-01-01T00:00:00Z</CreateDate><AssumeRolePolicyDocument>%7B%7D</AssumeRolePolicyDocument><InstanceProfileList/><RolePolicyList><member><PolicyName>cfn</PolicyName><PolicyDocument>${rolePolicy}</PolicyDocument></member></RolePolicyList><AttachedManagedPolicies/><Tags/></member></RoleDetailList><Policies/><IsTruncated>false</IsTruncated></GetAccountAuthorizationDetailsResult></GetAccountAuthorizationDetailsResponse>`;
    const sim = await startSimulateServer({ answer: () => ({ decision: 'allowed' }), denySources: [role], other: { GetAccountAuthorizationDetails: details } });
    try {
      const h = homes.home({ credentials: keysSection('default', users.default!) });
      const r = await awsperm(
        ['check', '--tool', 'sst', '--cwd', fixture('v1-personal-stage'), '--feature', 'start', '--role-arn', role, '--format', 'json'],
        cleanEnv(h, { AWS_ENDPOINT_URL_STS: moto.endpoint, AWS_ENDPOINT_URL_IAM: sim.endpoint, AWS_REGION: 'eu-west-1' }),
      );
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/iam:SimulatePrincipalPolicy on arn:aws:iam::123456789012:role\/sst-denied-cfn was denied; falling back to local mode for the service role/);
      const json = JSON.parse(r.stdout);
      expect(json.serviceRole.mode).toBe('local');
    } finally {
      await sim.stop();
    }
  });

  it('--feature domains on SST v3 (an SST v1 strategy): exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'awsperm-sst-'));
    writeFileSync(join(dir, 'p.json'), JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }));
    const r = await awsperm(['check', '--tool', 'sst', '--cwd', fixture('v3-stage-profile'), '--stage', 'prod', '--feature', 'documented', '--feature', 'domains', '--policy', join(dir, 'p.json')], env());
    expectUsageError(r, /--feature domains: an SST v1 documented strategy/);
  });
});

describe('the SST config worker, started while awsperm reads the project (spawned)', SPAWNS, () => {
  /** A v3 project in a fresh directory; the worker's command line names it (its read permission). */
  function project(files: Record<string, string> = {}): string {
    const dir = mkdtempSync(join(tmpdir(), 'awsperm-sst-prepared-'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'prepared', private: true, devDependencies: { sst: '3.9.0' } }));
    writeFileSync(join(dir, 'sst.config.ts'), 'export default $config({ app() { return { name: "prepared", home: "aws" }; }, async run() {} });\n');
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  }
  const workersOf = (dir: string): string[] =>
    spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
      .stdout.split('\n')
      .filter((l) => l.includes(`--allow-fs-read=${dir}/*`));
  /** The workers still running a moment after awsperm exited: a SIGKILLed process takes a little while to go, more so on a loaded machine. */
  const workersAfter = async (dir: string): Promise<string[]> => {
    for (let i = 0; i < 40 && workersOf(dir).length > 0; i++) await new Promise((r) => setTimeout(r, 50));
    return workersOf(dir);
  };

  it('serves app(), and no worker outlives the run', async () => {
    const dir = project();
    const r = await awsperm(['policy', '--tool', 'sst', '--cwd', dir, '--stage', 'dev', '--format', 'json'], env());
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).policies[0].name).toMatch(/prepared-dev/);
    expect(await workersAfter(dir)).toEqual([]);
  });

  it('a worker left unused (the stage’s .env changes the locale it must start with) ends with awsperm', async () => {
    const dir = project({ '.env.dev': 'LANG=C.UTF-8\n' });
    const r = await awsperm(['policy', '--tool', 'sst', '--cwd', dir, '--stage', 'dev', '--format', 'json'], env());
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).policies[0].name).toMatch(/prepared-dev/);
    expect(await workersAfter(dir)).toEqual([]);
  });

  it('a project error before app() runs: exit 2, and the started worker is gone', async () => {
    const dir = project();
    const r = await awsperm(['policy', '--tool', 'sst', '--cwd', dir, '--stage', 'bad_stage', '--format', 'json'], env());
    expect(r.code, r.stderr).toBe(2);
    expect(await workersAfter(dir)).toEqual([]);
  });
});
