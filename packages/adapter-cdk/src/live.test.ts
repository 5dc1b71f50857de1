import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CheckReport, check } from '@awsperm/core';
import { cleanEnv, homeTracker, keysSection, type MotoServer, type SeededUser, secretsIn, seedParameter, seedRole, seedUser, setRolePolicy, setTrustPolicy, startMoto } from '@awsperm/test-utils/moto';
import { cdk } from './index.ts';

// The local mode against moto (account 123456789012): the environment-agnostic custom-qualifier app deploys to the
// caller's account; the roles' policies and trust policies are fetched from IAM.
const app = fileURLToPath(new URL('../test/fixtures/custom-qualifier', import.meta.url));
const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const name = (kind: string) => `cdk-team42-${kind}-role-${ACCOUNT}-${REGION}`;
const arn = (kind: string) => `arn:aws:iam::${ACCOUNT}:role/${name(kind)}`;
const all = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
const bootstrapTrust = (account: string) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: account }, Action: 'sts:AssumeRole', Condition: { Null: { 'sts:ExternalId': 'true' } } }] });
const cfnTrust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'cloudformation.amazonaws.com' }, Action: 'sts:AssumeRole' }] };

let moto: MotoServer;
let caller: SeededUser;
const others: SeededUser[] = [];
const homes = homeTracker();
const outputs: string[] = [];

beforeAll(async () => {
  moto = await startMoto();
  caller = await seedUser(moto.endpoint, 'cdk-live-ci', all);
  await seedRole(moto.endpoint, name('deploy'), { policy: all, trust: bootstrapTrust(ACCOUNT) });
  await seedRole(moto.endpoint, name('file-publishing'), { policy: all, trust: bootstrapTrust(ACCOUNT) });
  // Only assumed: its own policy (ReadOnlyAccess in the bootstrap) is not what the deploy needs.
  await seedRole(moto.endpoint, name('lookup'), { trust: bootstrapTrust(ACCOUNT) });
  // The execution role narrowed with --cloudformation-execution-policies to everything but DynamoDB.
  await seedRole(moto.endpoint, name('cfn-exec'), { policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', NotAction: 'dynamodb:*', Resource: '*' }] }, trust: cfnTrust });
  await seedParameter(moto.endpoint, REGION, '/cdk-bootstrap/team42/version', '32');
}, 120_000);

afterAll(async () => {
  await moto?.stop();
  homes.cleanup();
  expect(secretsIn(outputs.join('\n'), [caller, ...others])).toEqual([]);
});

async function live(who: SeededUser = caller, cwd = app): Promise<CheckReport> {
  const env = cleanEnv(homes.home({ credentials: keysSection('default', who) }), {}, moto.endpoint);
  const report = await check({ cwd, tool: 'cdk', adapters: [cdk()], env, region: REGION, mode: 'local' });
  outputs.push(JSON.stringify(report));
  return report;
}

describe('check --mode local against moto: roles and trust policies fetched from IAM', () => {
  it('an execution role narrowed to exclude dynamodb:* fails the app, naming the role and the table', async () => {
    const r = await live();
    expect(r.ok).toBe(false);
    expect(r.summary.denied).toBe(0);
    const exec = r.principals!.find((p) => p.id === 'cdk-exec-role')!;
    expect(exec.arn).toBe(arn('cfn-exec'));
    expect(exec.via).toMatch(/CDK CloudFormation execution role/);
    const denied = exec.results.filter((x) => x.decision !== 'allowed');
    expect(denied.length).toBeGreaterThan(0);
    expect(denied.every((x) => x.action.startsWith('dynamodb:'))).toBe(true);
    expect(denied.map((x) => x.resource)).toContain(`arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/team42-orders`);
    // Its trust policy (read with iam:GetRole or the account details) lets CloudFormation in.
    expect(exec.fragments.find((f) => f.id === 'cdk-exec-role.trust')!.requirements[0]!.decision).toBe('allowed');
    expect(r.principals!.filter((p) => !p.ok).map((p) => p.id)).toEqual(['cdk-exec-role']);
    expect(r.unresolved ?? []).toEqual([]);
  });

  it('a file-publishing role whose trust policy does not let the caller in fails that link', async () => {
    await setTrustPolicy(moto.endpoint, name('file-publishing'), bootstrapTrust('999999999999'));
    try {
      const r = await live();
      const p = r.principals!.find((x) => x.id === 'cdk-file-publishing-role')!;
      expect(p.ok).toBe(false);
      expect(p.results.filter((x) => x.decision !== 'allowed').map((x) => `${x.action} ${x.resource}`)).toEqual([`sts:AssumeRole ${arn('file-publishing')}`]);
      expect(r.principals!.filter((x) => !x.ok).map((x) => x.id).sort()).toEqual(['cdk-exec-role', 'cdk-file-publishing-role']);
    } finally {
      await setTrustPolicy(moto.endpoint, name('file-publishing'), bootstrapTrust(ACCOUNT));
    }
  });

  it('a lookup role whose trust policy does not let the caller in fails that link; the reason says the CDK CLI falls back', async () => {
    const before = await live();
    const ok = before.principals!.find((x) => x.id === 'cdk-lookup-role')!;
    expect(ok.arn).toBe(arn('lookup'));
    expect(ok.results.map((x) => `${x.action} ${x.decision}`)).toEqual(['sts:AssumeRole allowed']);
    await setTrustPolicy(moto.endpoint, name('lookup'), bootstrapTrust('999999999999'));
    try {
      const r = await live();
      const p = r.principals!.find((x) => x.id === 'cdk-lookup-role')!;
      expect(p.ok).toBe(false);
      expect(p.results.filter((x) => x.decision !== 'allowed').map((x) => `${x.action} ${x.resource}`)).toEqual([`sts:AssumeRole ${arn('lookup')}`]);
      expect(p.results[0]!.reason).toMatch(/does not let the caller .* assume the role.*reads the deployed stacks with the caller’s own credentials/);
      expect(r.principals!.filter((x) => !x.ok).map((x) => x.id).sort()).toEqual(['cdk-exec-role', 'cdk-lookup-role']);
    } finally {
      await setTrustPolicy(moto.endpoint, name('lookup'), bootstrapTrust(ACCOUNT));
    }
  });

  it('the deploy role’s iam:PassRole of the execution role is a request passing it to CloudFormation', async () => {
    const deployPolicy = (service: string) => ({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', NotAction: 'iam:PassRole', Resource: '*' },
        { Effect: 'Allow', Action: 'iam:PassRole', Resource: '*', Condition: { StringEquals: { 'iam:PassedToService': service } } },
      ],
    });
    try {
      await setRolePolicy(moto.endpoint, name('deploy'), deployPolicy('cloudformation.amazonaws.com'));
      const ok = (await live()).principals!.find((x) => x.id === 'cdk-deploy-role')!;
      expect(ok.summary.unknown).toBe(0);
      expect(ok.ok).toBe(true);
      await setRolePolicy(moto.endpoint, name('deploy'), deployPolicy('lambda.amazonaws.com'));
      const bad = (await live()).principals!.find((x) => x.id === 'cdk-deploy-role')!;
      expect(bad.ok).toBe(false);
      expect(bad.results.filter((x) => x.decision !== 'allowed').map((x) => `${x.action} ${x.resource} ${x.decision}`)).toEqual([`iam:PassRole ${arn('cfn-exec')} implicitDeny`]);
    } finally {
      await setRolePolicy(moto.endpoint, name('deploy'), all);
    }
  });

  it('a caller who cannot assume the file-publishing role fails naming that link (its identity policy, read from IAM)', async () => {
    const narrow = await seedUser(moto.endpoint, 'cdk-live-narrow', {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', NotAction: 'sts:AssumeRole', Resource: '*' },
        { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: [arn('deploy'), arn('lookup')] },
      ],
    });
    others.push(narrow);
    const r = await live(narrow);
    expect(r.ok).toBe(false);
    expect(r.results.filter((x) => x.decision !== 'allowed').map((x) => `${x.action} ${x.resource}`)).toEqual([`sts:AssumeRole ${arn('file-publishing')}`]);
    const link = r.fragments.find((f) => f.requirements.some((q) => q.decision !== 'allowed'))!;
    expect(link.id).toBe('cdk.assume-file-publishing-role');
    expect(link.title).toBe('Assume the CDK file-publishing role');
    // The role itself is fine: it is the caller's link that fails.
    expect(r.principals!.find((p) => p.id === 'cdk-file-publishing-role')!.ok).toBe(true);
  });

  it('CliCredentialsStackSynthesizer moves every requirement to the caller, checked with its fetched policies', async () => {
    // The fixture, moved to moto's account.
    const dir = mkdtempSync(join(tmpdir(), 'awsperm-cdk-cli-'));
    try {
      cpSync(fileURLToPath(new URL('../test/fixtures/cli-credentials', import.meta.url)), dir, { recursive: true });
      const rewrite = (d: string): void => {
        for (const f of readdirSync(d)) {
          const path = join(d, f);
          if (statSync(path).isDirectory()) rewrite(path);
          else if (f.endsWith('.json')) writeFileSync(path, readFileSync(path, 'utf8').replaceAll('111111111111', ACCOUNT));
        }
      };
      rewrite(dir);
      // Its synthesizer still checks the (default qualifier's) bootstrap version.
      await seedParameter(moto.endpoint, REGION, '/cdk-bootstrap/hnb659fds/version', '32');
      const ok = await live(caller, dir);
      expect(ok.principals ?? []).toEqual([]);
      const actions = new Set(ok.results.map((x) => x.action));
      for (const a of ['cloudformation:CreateChangeSet', 'dynamodb:CreateTable', 'lambda:CreateFunction', 's3:PutObject', 'iam:PassRole']) expect(actions, a).toContain(a);
      expect([...actions]).not.toContain('sts:AssumeRole');
      expect(ok.ok).toBe(true);
      const noDynamo = await seedUser(moto.endpoint, 'cdk-live-no-dynamo', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', NotAction: 'dynamodb:*', Resource: '*' }] });
      others.push(noDynamo);
      const bad = await live(noDynamo, dir);
      expect(bad.ok).toBe(false);
      const denied = bad.results.filter((x) => x.decision !== 'allowed');
      expect(denied.length).toBeGreaterThan(0);
      expect(denied.every((x) => x.action.startsWith('dynamodb:'))).toBe(true);
      expect(denied.map((x) => x.resource)).toContain(`arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/cli-orders`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('simulate mode: the trust policies are read with iam:GetRole; the publishing requests carry aws:ResourceAccount', async () => {
    const { startSimulateServer } = await import('@awsperm/test-utils/simulate-server');
    const doc = encodeURIComponent(JSON.stringify(bootstrapTrust(ACCOUNT)));
    const getRole = `<GetRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetRoleResult><Role><Path>/</Path><RoleName>r</RoleName><RoleId>AROAEXAMPLE</RoleId><Arn>${arn('deploy')}</Arn><CreateDate>2026-01-01T00:00:00Z</CreateDate><AssumeRolePolicyDocument>${doc}</AssumeRolePolicyDocument></Role></GetRoleResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></GetRoleResponse>`;
    const sim = await startSimulateServer({ answer: () => ({ decision: 'allowed' }), other: { GetRole: getRole } });
    try {
      const h = homes.home({ credentials: keysSection('default', caller) });
      const env = cleanEnv(h, { AWS_ENDPOINT_URL_STS: moto.endpoint, AWS_ENDPOINT_URL_SSM: moto.endpoint, AWS_ENDPOINT_URL_IAM: sim.endpoint });
      const r = await check({ cwd: app, tool: 'cdk', adapters: [cdk()], env, region: REGION, mode: 'simulate' });
      outputs.push(JSON.stringify(r));
      // Every role gets the account's trust policy here: the execution role's then does not let CloudFormation in.
      expect(r.principals!.filter((p) => !p.ok).map((p) => p.id)).toEqual(['cdk-exec-role']);
      expect(r.principals!.find((p) => p.id === 'cdk-exec-role')!.results.filter((x) => x.decision !== 'allowed').map((x) => x.action)).toEqual(['sts:AssumeRole']);
      expect(sim.calls.filter((c) => c.action === 'GetRole').map((c) => c.params.get('RoleName')).sort()).toEqual([name('cfn-exec'), name('deploy'), name('file-publishing'), name('lookup')]);
      // The lookup role is only assumed: nothing is simulated on it.
      expect(sim.calls.filter((c) => c.action === 'SimulatePrincipalPolicy' && c.params.get('PolicySourceArn') === arn('lookup'))).toEqual([]);
      const publishing = sim.calls.filter((c) => c.action === 'SimulatePrincipalPolicy' && c.params.get('PolicySourceArn') === arn('file-publishing'));
      expect(publishing.length).toBeGreaterThan(0);
      expect(publishing.every((c) => [...c.params.entries()].some(([k, v]) => k.startsWith('ContextEntries') && v === 'aws:ResourceAccount'))).toBe(true);
    } finally {
      await sim.stop();
    }
  });
});
