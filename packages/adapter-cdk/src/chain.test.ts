import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AwspermError, type CheckReport, check, policy } from '@awsperm/core';
import { failureOf, policyDoc, sessionEnv, tempFile } from '@awsperm/test-utils/session';
import { cdk } from './index.ts';

// The deploy chain checked offline, in process: authorization details holding the caller and the bootstrap roles
// with their trust policies as `cdk bootstrap` (version 32) creates them.
const app = (name: string): string => fileURLToPath(new URL(`../test/fixtures/${name}`, import.meta.url));
const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const CALLER = `arn:aws:iam::${ACCOUNT}:user/ci`;
const role = (kind: string, q = 'hnb659fds', account = ACCOUNT, region = REGION) => `arn:aws:iam::${account}:role/cdk-${q}-${kind}-role-${account}-${region}`;
const ALL = { Effect: 'Allow', Action: '*', Resource: '*' };
/** The bootstrap's trust policy of the deploy, publishing and lookup roles: the account, without an external id. */
const accountTrust = (account = ACCOUNT) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: account }, Action: 'sts:AssumeRole', Condition: { Null: { 'sts:ExternalId': 'true' } } }] });
const cfnTrust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'cloudformation.amazonaws.com' }, Action: 'sts:AssumeRole' }] };

interface RoleSpec {
  policy?: object[];
  trust?: object;
}

function details(caller: object[], roles: Record<string, RoleSpec>): string {
  return tempFile(
    'details.json',
    JSON.stringify({
      UserDetailList: [{ UserName: 'ci', UserId: 'AIDAEXAMPLECI', Arn: CALLER, Path: '/', GroupList: [], AttachedManagedPolicies: [], UserPolicyList: [{ PolicyName: 'deploy', PolicyDocument: encodeURIComponent(policyDoc(...caller)) }], Tags: [] }],
      GroupDetailList: [],
      RoleDetailList: Object.entries(roles).map(([arn, spec], i) => ({
        RoleName: arn.split('/').pop(),
        RoleId: `AROAEXAMPLE${i}`,
        Arn: arn,
        Path: '/',
        AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(spec.trust ?? (arn.includes('-cfn-exec-') ? cfnTrust : accountTrust(arn.split(':')[4])))),
        InstanceProfileList: [],
        AttachedManagedPolicies: [],
        RolePolicyList: [{ PolicyName: 'p', PolicyDocument: encodeURIComponent(policyDoc(...(spec.policy ?? [ALL]))) }],
        Tags: [],
      })),
      Policies: [],
    }),
  );
}

const chain = (account = ACCOUNT, region = REGION, q = 'hnb659fds'): Record<string, RoleSpec> =>
  Object.fromEntries(['deploy', 'cfn-exec', 'file-publishing', 'image-publishing', 'lookup'].map((k) => [role(k, q, account, region), {}]));

function run(fixture: string, file: string, extra: Parameters<typeof check>[0] = {}): Promise<CheckReport> {
  return check({ cwd: app(fixture), tool: 'cdk', adapters: [cdk()], env: sessionEnv(), authorizationDetails: file, principal: CALLER, ...extra });
}

const principal = (r: CheckReport, id: string) => r.principals?.find((p) => p.id === id);
const denied = (results: { action: string; resource: string; decision: string }[]) => results.filter((x) => x.decision !== 'allowed').map((x) => `${x.action} ${x.resource}`);

describe('the trust policies of the bootstrap roles', () => {
  it('the bootstrap’s own trust policies let a caller of the account in: the whole chain is OK', async () => {
    const r = await run('multi-stack', details([ALL], chain()));
    expect(r.ok).toBe(true);
    const trust = principal(r, 'cdk-file-publishing-role')!.fragments.find((f) => f.id === 'cdk-file-publishing-role.trust')!;
    expect(trust.requirements[0]!.decision).toBe('allowed');
    expect(principal(r, 'cdk-exec-role')!.fragments.find((f) => f.id === 'cdk-exec-role.trust')!.title).toMatch(/cloudformation\.amazonaws\.com/);
    // The execution role creates the function, so it passes the function's role to Lambda.
    const passes = principal(r, 'cdk-exec-role')!.results.filter((x) => x.action === 'iam:PassRole');
    expect(passes.length).toBeGreaterThan(0);
    expect(passes.every((x) => x.resource.startsWith(`arn:aws:iam::${ACCOUNT}:role/`))).toBe(true);
    expect(r.results.filter((x) => x.action === 'iam:PassRole')).toEqual([]);
    // One row per role the caller assumes, however many stacks publish through it.
    const rows = r.fragments.flatMap((f) => f.requirements.filter((q) => q.action === 'sts:AssumeRole').map((q) => q.resource));
    expect(rows.sort()).toEqual([role('deploy'), role('file-publishing'), role('lookup')]);
  });

  it('a file-publishing role that trusts another account fails that link, naming the role; the caller’s identity is fine', async () => {
    const roles = { ...chain(), [role('file-publishing')]: { trust: accountTrust('999999999999') } };
    const r = await run('multi-stack', details([ALL], roles));
    expect(r.ok).toBe(false);
    expect(r.summary.denied).toBe(0);
    const p = principal(r, 'cdk-file-publishing-role')!;
    expect(p.ok).toBe(false);
    expect(denied(p.results)).toEqual([`sts:AssumeRole ${role('file-publishing')}`]);
    expect(p.results.find((x) => x.decision !== 'allowed')!.reason).toMatch(/does not let the caller arn:aws:iam::111111111111:user\/ci assume the role/);
    expect(r.principals!.filter((x) => !x.ok).map((x) => x.id)).toEqual(['cdk-file-publishing-role']);
  });

  it('a trust policy demanding an external id (which the CDK CLI never sends) fails; an execution role not trusting CloudFormation fails', async () => {
    const externalId = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'secret' } } }] };
    const lambdaTrust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
    const r = await run('multi-stack', details([ALL], { ...chain(), [role('deploy')]: { trust: externalId }, [role('cfn-exec')]: { trust: lambdaTrust } }));
    expect(r.principals!.filter((x) => !x.ok).map((x) => x.id).sort()).toEqual(['cdk-deploy-role', 'cdk-exec-role']);
    expect(denied(principal(r, 'cdk-exec-role')!.results)).toEqual([`sts:AssumeRole ${role('cfn-exec')}`]);
  });

  it('same account: a trust policy naming the caller itself lets it in without an identity permission; naming the account does not', async () => {
    const noAssume = [{ Effect: 'Allow', NotAction: 'sts:AssumeRole', Resource: '*' }, { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: [role('deploy'), role('lookup')] }];
    const direct = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: CALLER }, Action: 'sts:AssumeRole' }] };
    const named = await run('multi-stack', details(noAssume, { ...chain(), [role('file-publishing')]: { trust: direct } }));
    expect(denied(named.results)).toEqual([]);
    expect(named.results.find((x) => x.resource === role('file-publishing'))!.reason).toMatch(/names the caller in its own account/);
    expect(named.ok).toBe(true);
    const account = await run('multi-stack', details(noAssume, chain()));
    expect(denied(account.results)).toEqual([`sts:AssumeRole ${role('file-publishing')}`]);
    expect(account.ok).toBe(false);
  });

  it('cross-account: the role trusting the caller is not enough, its identity must allow sts:AssumeRole too', async () => {
    const prod = (k: string) => role(k, 'hnb659fds', '222222222222', 'eu-central-1');
    const direct = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: CALLER }, Action: 'sts:AssumeRole' }] };
    const roles = { ...chain(), ...Object.fromEntries(['deploy', 'cfn-exec', 'file-publishing', 'lookup'].map((k) => [prod(k), k === 'cfn-exec' ? {} : { trust: direct }])) };
    const onlyHome = [{ Effect: 'Allow', NotAction: 'sts:AssumeRole', Resource: '*' }, { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${ACCOUNT}:role/*` }];
    const r = await run('cross-account', details(onlyHome, roles));
    expect(denied(r.results).sort()).toEqual([`sts:AssumeRole ${prod('deploy')}`, `sts:AssumeRole ${prod('file-publishing')}`, `sts:AssumeRole ${prod('lookup')}`]);
    expect(r.principals!.every((p) => p.ok)).toBe(true);
    // The account's trust alone (the bootstrap default, no --trust) does not let the tools account in.
    const untrusted = await run('cross-account', details([ALL], { ...chain(), ...Object.fromEntries(['deploy', 'cfn-exec', 'file-publishing', 'lookup'].map((k) => [prod(k), {}])) }));
    expect(untrusted.principals!.filter((p) => !p.ok).map((p) => p.id).sort()).toEqual(['cdk-deploy-role-222222222222-eu-central-1', 'cdk-file-publishing-role-222222222222-eu-central-1', 'cdk-lookup-role-222222222222-eu-central-1']);
  });
});

describe('the lookup role: only assumed, its trust checked like the other roles’', () => {
  it('is a principal of its own whose trust fragment is decided; its own policies are not needed for the deploy', async () => {
    const denyAll = { Effect: 'Deny', Action: '*', Resource: '*' };
    const r = await run('multi-stack', details([ALL], { ...chain(), [role('lookup')]: { policy: [denyAll] } }));
    expect(r.ok).toBe(true);
    const p = principal(r, 'cdk-lookup-role')!;
    expect(p.arn).toBe(role('lookup'));
    expect(p.via).toMatch(/^CDK lookup role \(/);
    expect(p.fragments.map((f) => f.id)).toEqual(['cdk-lookup-role.trust']);
    expect(p.results.map((x) => `${x.action} ${x.resource} ${x.decision}`)).toEqual([`sts:AssumeRole ${role('lookup')} allowed`]);
  });

  it('a lookup role that does not trust the caller fails that link, and the reason says the CDK CLI falls back', async () => {
    const r = await run('multi-stack', details([ALL], { ...chain(), [role('lookup')]: { trust: accountTrust('999999999999') } }));
    expect(r.ok).toBe(false);
    expect(r.summary.denied).toBe(0);
    expect(r.principals!.filter((x) => !x.ok).map((x) => x.id)).toEqual(['cdk-lookup-role']);
    const p = principal(r, 'cdk-lookup-role')!;
    expect(denied(p.results)).toEqual([`sts:AssumeRole ${role('lookup')}`]);
    const reason = p.results[0]!.reason!;
    expect(reason).toMatch(/does not let the caller arn:aws:iam::111111111111:user\/ci assume the role/);
    expect(reason).toMatch(/falls back|reads the deployed stacks with the caller’s own credentials/);
    expect(reason).toMatch(/this link of the chain fails/);
    expect(p.fix?.changes?.map((c) => c.kind)).toEqual(['trust']);
    // The other roles' failures carry no such words.
    const other = await run('multi-stack', details([ALL], { ...chain(), [role('deploy')]: { trust: accountTrust('999999999999') } }));
    expect(principal(other, 'cdk-deploy-role')!.results.find((x) => x.decision !== 'allowed')!.reason).not.toMatch(/Lookup role/);
  });

  it('a lookup role naming the caller in its trust policy lets it in without an identity permission (same account)', async () => {
    const direct = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: CALLER }, Action: 'sts:AssumeRole' }] };
    const noLookup = [{ Effect: 'Allow', NotAction: 'sts:AssumeRole', Resource: '*' }, { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: [role('deploy'), role('file-publishing')] }];
    const r = await run('multi-stack', details(noLookup, { ...chain(), [role('lookup')]: { trust: direct } }));
    expect(denied(r.results)).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('missing from the authorization details: named like the other roles', async () => {
    const roles = chain();
    delete roles[role('lookup')];
    const { text } = await failureOf(run('multi-stack', details([ALL], roles)), AwspermError.is);
    expect(text).toMatch(/cdk-hnb659fds-lookup-role-111111111111-eu-west-1, the CDK lookup role/);
  });
});

describe('the deploy role passes the execution role to CloudFormation (iam:PassedToService)', () => {
  const deployPolicy = (service: string) => [
    { Effect: 'Allow', NotAction: 'iam:PassRole', Resource: '*' },
    { Effect: 'Allow', Action: 'iam:PassRole', Resource: '*', Condition: { StringEquals: { 'iam:PassedToService': service } } },
  ];

  it('a PassRole grant conditioned on cloudformation.amazonaws.com passes; on lambda.amazonaws.com it fails, decided', async () => {
    const ok = await run('multi-stack', details([ALL], { ...chain(), [role('deploy')]: { policy: deployPolicy('cloudformation.amazonaws.com') } }));
    const p = principal(ok, 'cdk-deploy-role')!;
    expect(p.summary.unknown).toBe(0);
    expect(p.ok).toBe(true);
    expect(p.results.find((x) => x.action === 'iam:PassRole')!.resource).toBe(role('cfn-exec'));
    const bad = await run('multi-stack', details([ALL], { ...chain(), [role('deploy')]: { policy: deployPolicy('lambda.amazonaws.com') } }));
    const q = principal(bad, 'cdk-deploy-role')!;
    expect(q.ok).toBe(false);
    expect(q.summary.unknown).toBe(0);
    expect(q.results.filter((x) => x.decision !== 'allowed').map((x) => `${x.action} ${x.resource} ${x.decision}`)).toEqual([`iam:PassRole ${role('cfn-exec')} implicitDeny`]);
    expect(bad.ok).toBe(false);
  });
});

describe('the publishing roles’ aws:ResourceAccount condition, decided from the known account', () => {
  it('the bootstrap’s file-publishing policy (conditioned on aws:ResourceAccount) is decided, not unknown', async () => {
    const bootstrapPolicy = [
      { Effect: 'Allow', Action: ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:PutObject*', 's3:Abort*'], Resource: [`arn:aws:s3:::cdk-hnb659fds-assets-${ACCOUNT}-${REGION}`, `arn:aws:s3:::cdk-hnb659fds-assets-${ACCOUNT}-${REGION}/*`], Condition: { StringEquals: { 'aws:ResourceAccount': [ACCOUNT] } } },
    ];
    const ok = await run('multi-stack', details([ALL], { ...chain(), [role('file-publishing')]: { policy: bootstrapPolicy } }));
    const p = principal(ok, 'cdk-file-publishing-role')!;
    expect(p.summary.unknown).toBe(0);
    expect(p.ok).toBe(true);
    const other = bootstrapPolicy.map((s) => ({ ...s, Condition: { StringEquals: { 'aws:ResourceAccount': ['999999999999'] } } }));
    const bad = await run('multi-stack', details([ALL], { ...chain(), [role('file-publishing')]: { policy: other } }));
    expect(principal(bad, 'cdk-file-publishing-role')!.summary.denied).toBeGreaterThan(0);
  });
});

describe('--feature bootstrap: what cdk bootstrap needs', () => {
  it('the caller creates the CDKToolkit stack and its resources; without s3:CreateBucket it fails naming the bucket', async () => {
    const r = await run('container', details([ALL], chain()), { feature: ['bootstrap'] });
    expect(r.ok).toBe(true);
    const actions = new Set(r.results.map((x) => x.action));
    for (const a of ['s3:CreateBucket', 's3:PutBucketPolicy', 'ecr:CreateRepository', 'iam:CreateRole', 'iam:PutRolePolicy', 'ssm:PutParameter', 'kms:CreateKey', 'kms:CreateAlias']) expect(actions, a).toContain(a);
    expect(r.results.map((x) => x.resource)).toContain(`arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/CDKToolkit/*`);
    expect(r.fragments.map((f) => f.id)).toEqual(expect.arrayContaining(['cdk.bootstrap-stack', 'cdk.bootstrap-resources']));
    const noBucket = await run('container', details([{ Effect: 'Allow', NotAction: 's3:CreateBucket', Resource: '*' }], chain()), { feature: ['bootstrap'] });
    expect(denied(noBucket.results)).toEqual([`s3:CreateBucket arn:aws:s3:::cdk-hnb659fds-assets-${ACCOUNT}-${REGION}`]);
    expect(noBucket.fragments.find((f) => f.id === 'cdk.bootstrap-resources')!.title).toMatch(/qualifier hnb659fds, bootstrap version 32/);
  });

  it('an unknown feature is refused', async () => {
    const { text } = await failureOf(run('container', details([ALL], chain()), { feature: ['bootstrapp'] }), AwspermError.is);
    expect(text).toMatch(/bootstrapp/);
  });
});

describe('split stacks: each environment’s templates scoped to it', () => {
  it('a cross-account app checks each stack’s resources in its own account and region', async () => {
    const prod = (k: string) => role(k, 'hnb659fds', '222222222222', 'eu-central-1');
    const roles = { ...chain(), ...Object.fromEntries(['deploy', 'cfn-exec', 'file-publishing', 'lookup'].map((k) => [prod(k), {}])) };
    const r = await run('cross-account', details([ALL], roles));
    const prodExec = principal(r, 'cdk-exec-role-222222222222-eu-central-1')!;
    expect(prodExec.results.map((x) => x.resource)).toContain('arn:aws:dynamodb:eu-central-1:222222222222:table/prod-orders');
    expect(prodExec.results.map((x) => x.resource).filter((x) => x.includes(':dynamodb:') && !x.includes(':eu-central-1:222222222222:'))).toEqual([]);
    const p = await policy({ cwd: app('cross-account'), tool: 'cdk', adapters: [cdk()], env: sessionEnv(), leastPrivilege: true, minimize: false });
    expect(JSON.stringify(p.principals)).toContain('arn:aws:dynamodb:eu-central-1:222222222222:table/prod-orders');
    expect(JSON.stringify(p)).not.toContain('dynamodb:us-east-1');
  });
});

describe('environment-agnostic stacks offline', () => {
  it('take the account of the authorization details’ principal', async () => {
    const r = await run('custom-qualifier', details([ALL], chain(ACCOUNT, REGION, 'team42')), { region: REGION });
    expect(r.ok).toBe(true);
    expect(r.principals!.map((p) => p.arn)).toContain(role('deploy', 'team42'));
  });

  it('their asset manifests’ roles too: a caller allowed to assume exactly those roles passes (no wildcard-account row)', async () => {
    const exact = [{ Effect: 'Allow', NotAction: 'sts:AssumeRole', Resource: '*' }, { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: ['deploy', 'file-publishing', 'lookup'].map((k) => role(k, 'team42')) }];
    const r = await run('custom-qualifier', details(exact, chain(ACCOUNT, REGION, 'team42')), { region: REGION });
    expect(r.results.filter((x) => x.resource.includes(':*:') || x.resource.endsWith('-*-*'))).toEqual([]);
    expect(denied(r.results)).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('with policy files and no account: wildcard-account role ARNs, said in a warning; the check still runs', async () => {
    const file = tempFile('all.json', policyDoc(ALL));
    const wild = (k: string) => `arn:aws:iam::*:role/cdk-team42-${k}-role-*-${REGION}`;
    const r = await check({
      cwd: app('custom-qualifier'),
      tool: 'cdk',
      adapters: [cdk()],
      env: sessionEnv(),
      region: REGION,
      policy: [file],
      rolePolicy: ['deploy', 'cfn-exec', 'file-publishing'].map((k) => `${wild(k)}=${file}`),
    });
    expect(r.ok).toBe(true);
    expect(r.principals!.map((p) => p.arn).sort()).toEqual(['cfn-exec', 'deploy', 'file-publishing', 'lookup'].map(wild).sort());
    expect(r.warnings?.join('\n')).toMatch(/wildcard account \(\*\)/);
  });

  it('with role policy files the trust policies are not known: said once for all the roles, and no trust row is made up', async () => {
    const file = tempFile('all.json', policyDoc(ALL));
    const r = await check({
      cwd: app('multi-stack'),
      tool: 'cdk',
      adapters: [cdk()],
      env: sessionEnv(),
      policy: [file],
      rolePolicy: ['deploy', 'cfn-exec', 'file-publishing'].map((k) => `${role(k)}=${file}`),
    });
    expect(r.ok).toBe(true);
    const notes = (r.warnings ?? []).filter((w) => /trust polic/.test(w));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/not checked/);
    for (const id of ['cdk-deploy-role', 'cdk-exec-role', 'cdk-file-publishing-role', 'cdk-lookup-role']) expect(notes[0]).toContain(id);
    expect(r.principals!.flatMap((p) => p.fragments.map((f) => f.id)).filter((id) => id.endsWith('.trust'))).toEqual([]);
    const lookup = principal(r, 'cdk-lookup-role')!;
    expect(lookup.results).toEqual([]);
    expect(lookup.modeReason).toMatch(/trust policy is not known from policy files/);
    // A policy file cannot be given for a role that is only assumed.
    const { text } = await failureOf(
      check({ cwd: app('multi-stack'), tool: 'cdk', adapters: [cdk()], env: sessionEnv(), policy: [file], rolePolicy: [`${role('lookup')}=${file}`] }),
      AwspermError.is,
    );
    expect(text).toMatch(/is none of the principals/);
  });
});

describe('policy --least-privilege: the caller’s policy and each role’s', () => {
  it('labels the execution role’s policy for --cloudformation-execution-policies (the adapter’s words)', async () => {
    const r = await policy({ cwd: app('multi-stack'), tool: 'cdk', adapters: [cdk()], env: sessionEnv(), leastPrivilege: true });
    expect(r.policies.length).toBeGreaterThan(0);
    const exec = r.principals!.find((p) => p.id === 'cdk-exec-role')!;
    expect(exec.description).toMatch(/cdk bootstrap --cloudformation-execution-policies/);
    expect(JSON.stringify(exec.policies)).toContain('dynamodb:CreateTable');
    expect(r.warnings?.join('\n')).toMatch(/cdk-exec-role polic.*--cloudformation-execution-policies/);
    expect(r.principals!.map((p) => p.id).sort()).toEqual(['cdk-deploy-role', 'cdk-exec-role', 'cdk-file-publishing-role']);
  });
});
