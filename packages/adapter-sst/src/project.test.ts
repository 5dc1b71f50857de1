import { hookContext } from '@awsperm/core/testing';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AwspermError, type ToolProject } from '@awsperm/core';
import { describe, expect, it } from 'vitest';
import { type SstProjectInfo, sst, sstCredentialRules } from './index.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`../test/fixtures/${name}`, import.meta.url));
const HOME = mkdtempSync(join(tmpdir(), 'awsperm-sst-home-'));

async function load(name: string, opts: { stage?: string; region?: string; env?: Record<string, string>; username?: string } = {}): Promise<ToolProject & { config: SstProjectInfo }> {
  const adapter = sst({ username: opts.username ?? 'tester', timeoutMs: 500 });
  const cwd = fixture(name);
  const detection = await adapter.detect(hookContext({ cwd }));
  if (!detection) throw new Error(`not detected: ${name}`);
  const project = await adapter.loadProject({ ...hookContext({ cwd, env: { HOME, ...opts.env }, args: { ...(opts.stage ? { stage: opts.stage } : {}), ...(opts.region ? { region: opts.region } : {}) } }), detection });
  return project as ToolProject & { config: SstProjectInfo };
}

/** A temporary SST v2 project with the given sst.config.ts, and the adapter that detected it. */
async function tempV2Project(config: string) {
  const dir = mkdtempSync(join(tmpdir(), 'awsperm-sst-v2-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ devDependencies: { sst: '2.44.0' } }));
  writeFileSync(join(dir, 'sst.config.ts'), config);
  const adapter = sst({ username: 'tester' });
  const detection = (await adapter.detect(hookContext({ cwd: dir })))!;
  return { adapter, dir, detection };
}

async function fails(name: string, opts: Parameters<typeof load>[1] = {}): Promise<AwspermError> {
  try {
    await load(name, opts);
  } catch (error) {
    expect(AwspermError.is(error)).toBe(true);
    return error as AwspermError;
  }
  throw new Error('expected a failure');
}

function profileOf(p: ToolProject & { config: SstProjectInfo }, env: Record<string, string> = {}, flags: { profile?: string } = {}): string {
  const rules = sstCredentialRules(p.config, { env: { HOME, ...env }, ...flags });
  return `${rules.profile.name} (${rules.profile.reason})`;
}

describe('detection and version', () => {
  it('reports the version per major', async () => {
    const adapter = sst();
    expect((await adapter.detect(hookContext({ cwd: fixture('v1-basic') })))?.toolVersion).toBe('1.18.4');
    expect((await adapter.detect(hookContext({ cwd: fixture('v1-personal-stage') })))?.toolVersion).toBe('1.x');
    expect((await adapter.detect(hookContext({ cwd: fixture('v2-stage-profile') })))?.toolVersion).toBe('2.44.0');
    expect((await adapter.detect(hookContext({ cwd: fixture('v2-env-stage') })))?.toolVersion).toBe('2.x');
    expect((await adapter.detect(hookContext({ cwd: fixture('v3-stage-profile') })))?.toolVersion).toBe('3.17.0');
    expect((await adapter.detect(hookContext({ cwd: fixture('v3-monorepo/packages/app') })))?.toolVersion).toBe('4.17.0');
    expect((await adapter.detect(hookContext({ cwd: fixture('ts-project') })))?.toolVersion).toBe('2.x');
  });

  it('finds v2 and v3 configs walking up (monorepos)', async () => {
    const v2 = await load('v2-monorepo/packages/web');
    expect(v2.root).toBe(fixture('v2-monorepo'));
    expect(v2.configFile).toBe(join(fixture('v2-monorepo'), 'sst.config.ts'));
    const v3 = await load('v3-monorepo/packages/app');
    expect(v3.root).toBe(fixture('v3-monorepo'));
  });

  it('ambiguous projects say why (exit 2)', async () => {
    const both = await fails('v1v2-ambiguous');
    expect(both.code).toBe('TOOL_AMBIGUOUS');
    expect(both.kind).toBe('usage');
    expect(both.message).toMatch(/both sst\.json \(SST v1\) and sst\.config\.ts/);
    const mismatch = await fails('v3-version-mismatch');
    expect(mismatch.code).toBe('TOOL_AMBIGUOUS');
    expect(mismatch.message).toMatch(/calls \$config\(\.\.\.\) \(SST v3\/v4\), but "sst": "\^2\.44\.0"/);
  });
});

describe('config loading', () => {
  it('a throwing config names the file and the line (exit 2)', async () => {
    const e = await fails('v2-throws');
    expect(e.code).toBe('PROJECT_CONFIG_INVALID');
    expect(e.kind).toBe('config');
    expect(e.message).toContain(`${join(fixture('v2-throws'), 'sst.config.ts')}:4: config() threw: Error: missing REGION`);
    const v3 = await fails('v3-throws', { stage: 'dev' });
    expect(v3.message).toContain(`${join(fixture('v3-throws'), 'sst.config.ts')}:5: app() threw: Error: only prod is allowed`);
    expect((await load('v3-throws', { stage: 'prod' })).name).toBe('boom');
  });

  it('a config that never returns is stopped', async () => {
    const e = await fails('v3-infinite', { stage: 'dev' });
    expect(e.message).toMatch(/took longer than 500 ms/);
  });

  it('invalid configs', async () => {
    expect((await fails('v1-no-name')).message).toMatch(/"name" is required/);
    expect((await fails('v3-no-home', { stage: 'dev' })).message).toMatch(/"home"/);
  });

  it('imports of uninstalled modules do not break loading, and stacks/run never run', async () => {
    const v2 = await load('v2-stage-profile');
    expect(v2.name).toBe('api');
    const v3 = await load('v3-env-stage');
    expect(v3.name).toBe('site');
  });
});

describe('stage, profile and region per version', () => {
  it('v1: --stage, sst.json stage, .sst/stage; SST_STAGE ignored; region from sst.json', async () => {
    const basic = await load('v1-basic', { env: { SST_STAGE: 'ci' } });
    expect(basic.stage).toBeUndefined();
    expect(basic.config.warnings.join('\n')).toMatch(/SST v1 ignores SST_STAGE/);
    expect(basic.region).toBe('eu-west-1');
    expect((await load('v1-json-stage')).stage).toBe('staging');
    expect((await load('v1-json-stage', { stage: 'prod' })).stage).toBe('prod');
    const personal = await load('v1-personal-stage');
    expect([personal.stage, personal.config.stageFrom]).toEqual(['alice', '.sst/stage']);
    expect(profileOf(personal, { AWS_PROFILE: 'p' })).toBe('p (AWS_PROFILE)');
    expect(profileOf(personal, { AWS_PROFILE: 'p' }, { profile: 'flag' })).toBe('flag (--profile)');
  });

  it('v2: a stage-dependent profile follows only --stage (config() sees CLI flags only)', async () => {
    const prod = await load('v2-stage-profile', { stage: 'prod' });
    expect([prod.stage, prod.profile, prod.region]).toEqual(['prod', 'prod-profile', 'us-west-2']);
    expect(profileOf(prod)).toBe('prod-profile (sst.config config().profile)');
    const viaEnv = await load('v2-stage-profile', { env: { SST_STAGE: 'prod' } });
    expect([viaEnv.stage, viaEnv.config.stageFrom, viaEnv.profile]).toEqual(['prod', 'SST_STAGE', 'dev']);
    expect(viaEnv.config.warnings.join('\n')).toMatch(/input\.stage is undefined .* selects profile 'dev', not 'prod-profile'/);
  });

  it('v2: config(input) receives --profile with the other CLI flags', async () => {
    const { adapter, dir, detection } = await tempV2Project(
      'export default { config(input) { return { name: "api", region: input.profile === "ops" ? "eu-west-1" : "us-east-1" }; }, stacks() {} };\n',
    );
    expect((await adapter.loadProject({ ...hookContext({ cwd: dir, env: { HOME }, args: { stage: 'dev', profile: 'ops' } }), detection })).region).toBe('eu-west-1');
    expect((await adapter.loadProject({ ...hookContext({ cwd: dir, env: { HOME }, args: { stage: 'dev' } }), detection })).region).toBe('us-east-1');
  });

  it('v2: environment keys cancel --profile and the config profile', async () => {
    const prod = await load('v2-stage-profile', { stage: 'prod' });
    const env = { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'x' };
    const rules = sstCredentialRules(prod.config, { env: { HOME, ...env }, profile: "flag" });
    expect(rules.profile.name).toBe('default');
    expect(rules.chain[0]?.skip).toBeUndefined();
  });

  it('v2: SST_STAGE from .env, CDK qualifier and cfn exec role; .sst/stage walking up', async () => {
    const p = await load('v2-env-stage');
    expect([p.stage, p.config.stageFrom, p.config.qualifier, p.config.cloudFormationRole]).toEqual(['qa', 'SST_STAGE', 'jobs1234', 'arn:aws:iam::123456789012:role/jobs-cfn']);
    const mono = await load('v2-monorepo/packages/web');
    expect([mono.stage, mono.region]).toEqual(['bob', 'eu-north-1']);
  });

  it('v3: app(input) gets the resolved stage; SST_STAGE, .sst/stage, the username rule', async () => {
    const prod = await load('v3-stage-profile', { env: { SST_STAGE: 'prod' } });
    expect([prod.stage, prod.profile, prod.region]).toEqual(['prod', 'prod-profile', 'eu-central-1']);
    const dev = await load('v3-stage-profile', { stage: 'pr-12' });
    expect(dev.profile).toBe('dev');
    expect((await load('v3-stage-profile', { username: 'Jane.Doe' })).stage).toBe('janedoe');
    const none = await fails('v3-stage-profile', { username: 'root' });
    expect(none.message).toMatch(/No stage specified/);
    const mono = await load('v3-monorepo/packages/app');
    expect([mono.stage, mono.profile, mono.region]).toEqual(['carol', 'acme-carol', 'us-east-2']);
  });

  it('v3: AWS_PROFILE beats the config profile from 3.2.64; not before', async () => {
    const current = await load('v3-stage-profile', { stage: 'prod', env: { AWS_PROFILE: 'env-profile' } });
    expect(profileOf(current, { AWS_PROFILE: 'env-profile' })).toMatch(/^env-profile \(AWS_PROFILE/);
    const old = await load('v3-old', { stage: 'dev', env: { AWS_PROFILE: 'env-profile' } });
    expect(old.config.awsProfileFirst).toBe(false);
    expect(profileOf(old, { AWS_PROFILE: 'env-profile' })).toBe('old-config-profile (sst.config.ts providers.aws.profile)');
    const noProfile = await load('v3-old', { stage: 'dev', env: { SST_AWS_NO_PROFILE: '1' } });
    expect(profileOf(noProfile, { SST_AWS_NO_PROFILE: '1' })).toBe('default (default)');
  });

  it('v3: .env.<stage> sets AWS_PROFILE (override in current SST)', async () => {
    const p = await load('v3-env-stage');
    expect([p.stage, p.config.env.AWS_PROFILE]).toEqual(['staging', 'staging-profile']);
    expect(profileOf(p)).toMatch(/^staging-profile \(AWS_PROFILE/);
  });
});

describe('policy sets', () => {
  const ids = async (name: string, features: string[] = [], opts: Parameters<typeof load>[1] = {}) => {
    const p = await load(name, opts);
    const set = await sst().requirements({ ...hookContext({ cwd: p.root, features, scope: { account: '111122223333', region: p.region ?? 'us-east-1' } }), project: p, kind: 'precise' });
    return set.fragments;
  };

  it('v1: CDK bootstrap, deploy, SSTBootstrap, Debug stack with start', async () => {
    expect((await ids('v1-basic')).map((f) => f.id)).toEqual(['sst.cdk-bootstrap', 'sst.cdk-deploy', 'sst.v1-bootstrap']);
    const withStart = await ids('v1-personal-stage', ['start']);
    expect(withStart.map((f) => f.id)).toContain('sst.v1-debug-stack');
    const debug = withStart.find((f) => f.id === 'sst.v1-debug-stack')!;
    expect(debug.statements[0]?.Resource).toBe('arn:aws:cloudformation:us-east-1:111122223333:stack/alice-shop-debug-stack/*');
  });

  it('v2: CDK resources scoped to the qualifier; service role when cdk.cloudFormationExecutionRole is set', async () => {
    const f = await ids('v2-env-stage');
    expect(f.map((x) => x.id)).toEqual(['sst.cdk-bootstrap', 'sst.cdk-deploy', 'sst.cfn-service-role', 'sst.v2-bootstrap']);
    const deploy = f.find((x) => x.id === 'sst.cdk-deploy')!;
    expect(deploy.statements[0]?.Resource).toContain('arn:aws:iam::111122223333:role/cdk-jobs1234-deploy-role-111122223333-us-east-1');
    expect(deploy.statements[2]?.Resource).toBe('arn:aws:cloudformation:us-east-1:111122223333:stack/qa-jobs-*/*');
    expect(f.find((x) => x.id === 'sst.cfn-service-role')!.statements[1]?.Resource).toBe('arn:aws:iam::123456789012:role/jobs-cfn');
    const def = await ids('v2-stage-profile', [], { stage: 'prod' });
    expect(def[0]!.statements.at(-1)?.Resource).toBe('arn:aws:ssm:us-west-2:111122223333:parameter/cdk-bootstrap/hnb659fds/version');
  });

  it('v3: bootstrap and the state of this app and stage', async () => {
    const f = await ids('v3-stage-profile', [], { stage: 'prod' });
    // Then the app's own resources, discovered by running run() in the worker: infra/api.ts's function.
    expect(f.map((x) => x.id)).toEqual(['sst.v3-bootstrap', 'sst.v3-state', 'sst.app.Api', 'sst.app.assets']);
    expect(f[1]!.statements[0]?.Resource).toBe('arn:aws:ssm:eu-central-1:111122223333:parameter/sst/passphrase/web/prod');
  });

  it('documented strategies, with the bootstrap stacks the docs ask for "in addition" (not with AdministratorAccess)', async () => {
    const p = await load('v1-basic');
    const doc = async (features: string[]) => (await sst().requirements({ ...hookContext({ cwd: p.root, features }), project: p, kind: 'documented' })).fragments.map((f) => f.id);
    expect(await doc([])).toEqual(['sst.documented-crud-api', 'sst.cdk-bootstrap', 'sst.v1-bootstrap']);
    expect(await doc(['domains'])).toEqual(['sst.documented-crud-api', 'sst.documented-custom-domain', 'sst.cdk-bootstrap', 'sst.v1-bootstrap']);
    expect(await doc(['admin'])).toEqual(['sst.documented-admin']);
    expect(await doc(['service-role'])).toEqual(['sst.documented-service-role', 'sst.cdk-bootstrap', 'sst.v1-bootstrap']);
    expect(await doc(['start'])).toEqual(['sst.documented-crud-api', 'sst.cdk-bootstrap', 'sst.v1-bootstrap', 'sst.v1-debug-stack']);
  });

  it("v3/v4: the documented set is the v3 page's own policy (no CRUD-API strategy, no bootstrap added); admin keeps AdministratorAccess; v1 strategies refused", async () => {
    const v3 = await load('v3-stage-profile', { stage: 'prod' });
    const doc = async (features: string[], kind: 'documented' | 'precise' = 'documented') =>
      sst().requirements({ ...hookContext({ cwd: v3.root, features, scope: { account: '111122223333', region: 'eu-central-1' } }), project: v3, kind });
    const set = await doc([]);
    expect(set.kind).toBe('documented');
    expect(set.fragments.map((f) => f.id)).toEqual(['sst.documented-v3-bootstrap', 'sst.documented-v3-deployments', 'sst.documented-v3-secrets', 'sst.documented-v3-live']);
    const statements = set.fragments.flatMap((f) => f.statements);
    expect(statements.find((s) => s.Sid === 'ManageBootstrapECRRepo')!.Resource).toEqual(['arn:aws:ecr:eu-central-1:111122223333:repository/sst-asset']);
    expect(statements.find((s) => s.Sid === 'Deployments')).toEqual({ Sid: 'Deployments', Effect: 'Allow', Action: ['*'], Resource: ['*'] });
    expect(JSON.stringify(set)).not.toMatch(/crud-api|lambda:\*|cloudformation:/);
    expect((await doc(['admin'])).fragments.map((f) => f.id)).toEqual(['sst.documented-admin']);
    for (const f of ['domains', 'service-role']) {
      await expect(doc([f])).rejects.toMatchObject({ code: 'USAGE', message: expect.stringContaining(`the feature option ${f}:`) });
      await expect(doc([f], 'precise')).rejects.toMatchObject({ code: 'USAGE' });
    }
    const precise = (await doc([], 'precise')).fragments.map((f) => f.id);
    expect(precise.slice(0, 2)).toEqual(['sst.v3-bootstrap', 'sst.v3-state']);
    expect(precise.filter((id) => id.startsWith('sst.documented'))).toEqual([]);
  });

  it('strategy 2 is the seed page’s CRUD API + DynamoDB set, custom domains add acm, route53 and cloudfront; strategy 1 is AdministratorAccess', async () => {
    const p = await load('v1-basic');
    const set = await sst().requirements({ ...hookContext({ cwd: p.root, features: ['domains'] }), project: p, kind: 'documented' });
    const actions = (id: string) => set.fragments.find((f) => f.id === id)!.statements.flatMap((s) => s.Action);
    expect(actions('sst.documented-crud-api')).toEqual(['cloudformation:*', 'iam:*', 'logs:*', 'lambda:*', 'dynamodb:*', 'apigateway:*']);
    expect(actions('sst.documented-custom-domain')).toEqual(['acm:*', 'route53:*', 'cloudfront:*']);
    expect(set.fragments[0]!.source.url).toBe('https://github.com/sst/sst/blob/v1.18.4/www/docs/advanced/iam-credentials.md');
    const admin = await sst().requirements({ ...hookContext({ cwd: p.root, features: ['admin'] }), project: p, kind: 'documented' });
    expect(admin.fragments[0]!.statements).toEqual([{ Sid: 'AdministratorAccess', Effect: 'Allow', Action: '*', Resource: '*' }]);
  });
});

describe('CloudFormation service role: two principals', () => {
  const ROLE = 'arn:aws:iam::111122223333:role/deploy-cfn';
  const loadWithRole = async (name: string, roleArn: string, stage?: string) => {
    const adapter = sst({ username: 'tester' });
    const cwd = fixture(name);
    const detection = (await adapter.detect(hookContext({ cwd })))!;
    return adapter.loadProject({ ...hookContext({ cwd, env: { HOME }, args: { roleArn, ...(stage ? { stage } : {}) } }), detection });
  };

  it('v1 --role-arn: the caller passes the role; the role creates CDKToolkit, SSTBootstrap and Debug stack resources', async () => {
    const p = await loadWithRole('v1-personal-stage', ROLE);
    const set = await sst().requirements({ ...hookContext({ cwd: p.root, features: ['start'], scope: { account: '111122223333', region: 'eu-west-1' } }), project: p, kind: 'precise' });
    expect(set.fragments.map((f) => f.id)).toEqual(['sst.cdk-bootstrap', 'sst.cdk-deploy', 'sst.cfn-service-role', 'sst.v1-bootstrap', 'sst.v1-debug-stack']);
    const callerActions = set.fragments.flatMap((f) => f.statements.flatMap((s) => s.Action));
    expect(callerActions).not.toContain('iam:CreateRole');
    expect(callerActions).not.toContain('dynamodb:CreateTable');
    expect(set.fragments.find((f) => f.id === 'sst.cfn-service-role')!.statements.find((s) => s.Sid === 'PassServiceRole')!.Resource).toBe(ROLE);
    expect(set.principals?.[0]?.arn).toBe(ROLE);
    expect(set.principals?.[0]?.from).toBe('--role-arn');
    expect(set.principals?.[0]?.fragments.map((f) => f.id)).toEqual(['sst.cdk-bootstrap', 'sst.v1-bootstrap', 'sst.v1-debug-stack']);
    const debug = set.principals![0]!.fragments.find((f) => f.id === 'sst.v1-debug-stack')!;
    expect(debug.statements.find((s) => s.Sid === 'DebugStackTable')!.Resource).toBe('arn:aws:dynamodb:eu-west-1:111122223333:table/alice-shop-debug-stack-*');
    const bucket = set.principals![0]!.fragments.find((f) => f.id === 'sst.v1-bootstrap')!.statements.find((s) => s.Sid === 'BootstrapBucket')!;
    expect(bucket.Resource).toBe('arn:aws:s3:::sstbootstrap-*');
  });

  it('v1 without a role: the caller holds everything, no second principal', async () => {
    const p = await load('v1-personal-stage');
    const set = await sst().requirements({ ...hookContext({ cwd: p.root, features: ['start'], scope: { account: '111122223333', region: 'eu-west-1' } }), project: p, kind: 'precise' });
    expect(set.principals).toBeUndefined();
    expect(set.fragments.flatMap((f) => f.statements.flatMap((s) => s.Action))).toContain('dynamodb:CreateTable');
  });

  it('v2 cdk.cloudFormationExecutionRole: SSTBootstrap through the role, CDKToolkit still with the caller (cdk bootstrap takes no role)', async () => {
    const p = await load('v2-env-stage');
    const set = await sst().requirements({ ...hookContext({ cwd: p.root, features: [], scope: { account: '111122223333', region: 'us-east-1' } }), project: p, kind: 'precise' });
    expect(set.principals?.[0]?.arn).toBe('arn:aws:iam::123456789012:role/jobs-cfn');
    expect(set.principals?.[0]?.from).toBe('cdk.cloudFormationExecutionRole');
    expect(set.principals?.[0]?.fragments.map((f) => f.id)).toEqual(['sst.v2-bootstrap']);
    const toolkit = set.fragments.find((f) => f.id === 'sst.cdk-bootstrap')!;
    expect(toolkit.statements.map((s) => s.Sid)).toContain('ManageToolkitRoles');
  });

  it('v2: CloudFormation pseudo parameters in cdk.cloudFormationExecutionRole are filled with the account and region', async () => {
    const { adapter, dir, detection } = await tempV2Project(
      'export default { config() { return { name: "pseudo", cdk: { cloudFormationExecutionRole: "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cfn-${AWS::Region}" } }; }, stacks() {} };\n',
    );
    const p = await adapter.loadProject({ ...hookContext({ cwd: dir, env: { HOME }, args: { stage: 'dev' } }), detection });
    const set = await adapter.requirements({ ...hookContext({ cwd: p.root, features: [], scope: { account: '111122223333', region: 'eu-west-1' } }), project: p, kind: 'precise' });
    expect(set.principals?.[0]?.arn).toBe('arn:aws:iam::111122223333:role/cfn-eu-west-1');
    const pass = set.fragments.find((f) => f.id === 'sst.cfn-service-role')!.statements.find((s) => s.Sid === 'PassServiceRole')!;
    expect(pass.Resource).toBe('arn:aws:iam::111122223333:role/cfn-eu-west-1');
  });

  it('--role-arn is SST v1 only: v2 and v3 reject it with the reason', async () => {
    await expect(loadWithRole('v2-stage-profile', ROLE, 'dev')).rejects.toThrow(/SST v2 has no --role-arn; its CloudFormation service role is cdk\.cloudFormationExecutionRole/);
    await expect(loadWithRole('v3-stage-profile', ROLE, 'dev')).rejects.toThrow(/Pulumi, not CloudFormation/);
    await expect(loadWithRole('v1-basic', 'not-an-arn')).rejects.toThrow(/'not-an-arn' is not an IAM role ARN/);
  });
});
