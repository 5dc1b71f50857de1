import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwspermError, check, policy, renderCheckJson, renderPolicyJson, whoami } from '@awsperm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, keysSection, makeHome, type MotoServer, seedUser, startMoto } from '@awsperm/test-utils/moto';
import { builtinAdapters } from '../src/builtins.ts';
import { awsperm, policy as policyDoc, root, tempFile } from './helpers.ts';

// The session API (what `@awsperm/core` exports for library users) run in process, compared with the spawned CLI.

const upApp = join(root, 'examples/up-app');
const deployer = join(upApp, 'policies/deployer.json');

/** A clean environment for in-process runs: an empty HOME, no AWS variables from the machine. */
function offlineEnv(home = mkdtempSync(join(tmpdir(), 'awsperm-home-'))): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: home, AWS_EC2_METADATA_DISABLED: 'true', CI: 'true' };
}

/** An SST v3 app whose config names a profile but no region: the region comes from the profile. */
function sstV3ProfileApp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'awsperm-sst3-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'shop', private: true, dependencies: { sst: '3.17.0' } }));
  writeFileSync(
    join(dir, 'sst.config.ts'),
    `export default $config({\n  app(input) {\n    return { name: "shop", home: "aws", providers: { aws: { profile: "shop-dev" } } };\n  },\n  async run() {},\n});\n`,
  );
  return dir;
}

/** A HOME whose ~/.aws/config gives the profile `shop-dev` the region eu-west-1. */
function profileHome(credentials = ''): string {
  const home = makeHome({ config: '[profile shop-dev]\nregion = eu-west-1\n', credentials });
  return home.dir;
}

describe('check(): the same JSON as `awsperm check --format json`', () => {
  it('an Up app, offline', async () => {
    const env = offlineEnv();
    const report = await check({ cwd: upApp, tool: 'up', policy: [deployer], env, builtins: builtinAdapters });
    const cli = awsperm(['check', '--tool', 'up', '--cwd', upApp, '--policy', deployer, '--format', 'json'], { env: { HOME: env.HOME! } });
    expect([0, 1], cli.stderr).toContain(cli.code);
    expect(JSON.parse(renderCheckJson(report))).toEqual(JSON.parse(cli.stdout));
    expect(report.ok).toBe(cli.code === 0);
    expect(report.region).toBe('eu-west-1');
  });

  it('an SST v3 app, offline, scoped to its profile’s region', async () => {
    const app = sstV3ProfileApp();
    const home = profileHome();
    const file = tempFile('caller.json', policyDoc({ Effect: 'Allow', Action: ['s3:*', 'ssm:*', 'sts:*', 'iam:*', 'lambda:*'], Resource: '*' }));
    const report = await check({ cwd: app, tool: 'sst', stage: 'dev', policy: [file], env: offlineEnv(home), builtins: builtinAdapters });
    const cli = awsperm(['check', '--tool', 'sst', '--stage', 'dev', '--cwd', app, '--policy', file, '--format', 'json'], { env: { HOME: home } });
    expect([0, 1]).toContain(cli.code);
    expect(JSON.parse(renderCheckJson(report))).toEqual(JSON.parse(cli.stdout));
    expect(report.region).toBe('eu-west-1');
    const resources = report.results.map((r) => r.resource).filter((r) => r.split(':')[3]);
    expect(resources.length).toBeGreaterThan(0);
    for (const r of resources) expect(r.split(':')[3], r).toMatch(/^(eu-west-1|\*)$/);
  });

  it('errors are AwspermErrors, never an exit', async () => {
    const error = await check({ cwd: upApp, tool: 'up', policy: [deployer], feature: ['lgos'], env: offlineEnv(), builtins: builtinAdapters }).catch((e: unknown) => e);
    expect(AwspermError.is(error)).toBe(true);
    expect((error as AwspermError).kind).toBe('usage');
    expect((error as AwspermError).message).toMatch(/unknown feature "lgos" for Apex Up; did you mean "logs"\?/);
    expect((error as AwspermError).hint).toMatch(/logs, metrics/);
  });
});

describe('features are validated by core', () => {
  it('check --feature lgos → exit 2, did you mean logs', () => {
    const r = awsperm(['check', '--tool', 'up', '--cwd', upApp, '--policy', deployer, '--feature', 'lgos']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown feature "lgos" for Apex Up; did you mean "logs"\?/);
    expect(r.stdout).toBe('');
  });

  it('a config `features` entry is validated too; a far miss lists the valid ones without a guess', () => {
    const dir = mkdtempSync(join(tmpdir(), 'awsperm-up-'));
    writeFileSync(join(dir, 'up.json'), JSON.stringify({ name: 'app', regions: ['us-east-1'] }));
    writeFileSync(join(dir, '.awspermrc.json'), JSON.stringify({ features: ['teleport'] }));
    const r = awsperm(['policy', '--tool', 'up', '--cwd', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown feature "teleport" for Apex Up\n/);
    expect(r.stderr).toMatch(/The features of up: documented, logs, metrics/);
  });
});

describe('policy(): --profile and --region scope the ARNs', () => {
  it('SST v3: the profile’s region, as check and whoami use', async () => {
    const app = sstV3ProfileApp();
    const home = profileHome();
    const report = await policy({ cwd: app, tool: 'sst', stage: 'dev', leastPrivilege: true, env: offlineEnv(home), builtins: builtinAdapters });
    expect(report.region).toBe('eu-west-1');
    const text = JSON.stringify(report.policies);
    expect(text).toMatch(/:eu-west-1:/);
    expect(text).not.toMatch(/:us-east-1:/);
    const cli = awsperm(['policy', '--tool', 'sst', '--stage', 'dev', '--cwd', app, '--least-privilege'], { env: { HOME: home } });
    expect(cli.code, cli.stderr).toBe(0);
    expect(JSON.parse(cli.stdout)).toEqual(JSON.parse(renderPolicyJson(report)));
    const overridden = awsperm(['policy', '--tool', 'sst', '--stage', 'dev', '--cwd', app, '--least-privilege', '--region', 'ap-south-1'], { env: { HOME: home } });
    expect(overridden.code, overridden.stderr).toBe(0);
    // SST v3 has no --region flag: the profile's region still decides (as whoami reports).
    expect(JSON.parse(overridden.stdout).region).toBe('eu-west-1');
  });

  it('Up: --region is refused or honoured as Up does, and the JSON names the region', async () => {
    const report = await policy({ cwd: upApp, tool: 'up', env: offlineEnv(), builtins: builtinAdapters });
    expect(report.region).toBe('eu-west-1');
  });
});

describe('whoami(), check() and policy() agree on the region (SST v3, profile region, against moto)', () => {
  let moto: MotoServer;
  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it('whoami reports eu-west-1, and check (live) scopes its ARNs there', async () => {
    const user = await seedUser(moto.endpoint, 'sst-shop-dev', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
    });
    const app = sstV3ProfileApp();
    const home = profileHome(keysSection('shop-dev', user));
    const env = cleanEnv({ dir: home, path: (p) => join(home, p), write: () => '', cleanup: () => {} }, {}, moto.endpoint);
    const who = await whoami({ cwd: app, tool: 'sst', stage: 'dev', env, builtins: builtinAdapters });
    expect(who.region).toBe('eu-west-1');
    expect(who.identity?.arn).toBe(user.arn);
    const report = await check({ cwd: app, tool: 'sst', stage: 'dev', mode: 'local', env, builtins: builtinAdapters });
    expect(report.region).toBe('eu-west-1');
    const regional = report.results.map((r) => r.resource.split(':')[3]).filter(Boolean);
    expect(regional.length).toBeGreaterThan(0);
    expect(new Set(regional)).toEqual(new Set(regional.filter((r) => r === 'eu-west-1' || r === '*')));
    mkdirSync(join(app, '.sst'), { recursive: true });
  });

  it("local mode: the principal's own keys are filled in, and --context decides the rest", async () => {
    const role = 'arn:aws:iam::123456789012:role/fn';
    const user = await seedUser(moto.endpoint, 'ctx-user', {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'iam:GetRole', Resource: '*', Condition: { StringEquals: { 'aws:username': '${aws:username}', 'aws:PrincipalType': 'User' } } },
        { Effect: 'Allow', Action: 'iam:PassRole', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } },
      ],
    });
    const home = makeHome({});
    const env = cleanEnv(home, { AWS_ACCESS_KEY_ID: user.accessKeyId, AWS_SECRET_ACCESS_KEY: user.secretAccessKey, AWS_REGION: 'eu-west-1' }, moto.endpoint);
    const run = (context?: string[]) => check({ action: ['iam:GetRole', 'iam:PassRole'], resource: role, mode: 'local', env, ...(context ? { context } : {}) });
    const bare = await run();
    expect(bare.results.map((r) => [r.action, r.decision, r.contextKeys])).toEqual([
      ['iam:GetRole', 'allowed', undefined],
      ['iam:PassRole', 'unknown', ['aws:SourceIp']],
    ]);
    expect((await run(['aws:SourceIp=203.0.113.5'])).ok).toBe(true);
    expect((await run(['aws:SourceIp=192.0.2.1'])).results.map((r) => r.decision)).toEqual(['allowed', 'implicitDeny']);
    home.cleanup();
  });
});
