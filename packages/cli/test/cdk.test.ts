import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { awsperm, policy, root, tempFile } from './helpers.ts';

const fixtures = join(root, 'packages/adapter-cdk/test/fixtures');
const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const role = (kind: string, q = 'hnb659fds', account = ACCOUNT, region = REGION) => `arn:aws:iam::${account}:role/cdk-${q}-${kind}-role-${account}-${region}`;
const CALLER = `arn:aws:iam::${ACCOUNT}:user/ci`;
const ALL = { Effect: 'Allow', Action: '*', Resource: '*' };

interface Details {
  caller: object[];
  roles: Record<string, object[]>;
}

/** An `aws iam get-account-authorization-details` export with the caller and the given roles' inline policies. */
function details({ caller, roles }: Details): string {
  return tempFile(
    'details.json',
    JSON.stringify({
      UserDetailList: [
        { UserName: 'ci', UserId: 'AIDAEXAMPLECI', Arn: CALLER, Path: '/', GroupList: [], AttachedManagedPolicies: [], UserPolicyList: [{ PolicyName: 'deploy', PolicyDocument: encodeURIComponent(policy(...caller)) }], Tags: [] },
      ],
      GroupDetailList: [],
      RoleDetailList: Object.entries(roles).map(([arn, statements], i) => ({
        RoleName: arn.split('/').pop(),
        RoleId: `AROAEXAMPLE${i}`,
        Arn: arn,
        Path: '/',
        AssumeRolePolicyDocument: {},
        InstanceProfileList: [],
        AttachedManagedPolicies: [],
        RolePolicyList: [{ PolicyName: 'p', PolicyDocument: encodeURIComponent(policy(...statements)) }],
        Tags: [],
      })),
      Policies: [],
    }),
  );
}

const chain = (overrides: Partial<Record<string, object[]>> = {}): Record<string, object[]> => ({
  [role('deploy')]: [ALL],
  [role('cfn-exec')]: [ALL],
  [role('file-publishing')]: [ALL],
  [role('lookup')]: [ALL],
  ...Object.fromEntries(Object.entries(overrides).filter((e): e is [string, object[]] => e[1] !== undefined)),
});

function check(fixture: string, file: string, extra: string[] = []) {
  return awsperm(['check', '--cwd', join(fixtures, fixture), '--authorization-details', file, '--principal', CALLER, '--format', 'json', ...extra]);
}

interface Row {
  action: string;
  resource: string;
  decision: string;
}
interface Principal {
  id: string;
  arn: string;
  ok: boolean;
  results: Row[];
}

describe('awsperm check: AWS CDK apps, every link of the deploy chain', () => {
  it('lists cdk among the adapters, and detects a CDK app without --tool', () => {
    const list = awsperm(['adapters', '--cwd', join(fixtures, 'multi-stack')]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/\bcdk\b/);
    const r = check('multi-stack', details({ caller: [ALL], roles: chain() }));
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    // Detected from cdk.json: no --tool was given.
    expect(json.tool).toBe('cdk');
    expect(json.ok).toBe(true);
    const ids = (json.principals as Principal[]).map((p) => p.id).sort();
    expect(ids).toEqual(['cdk-deploy-role', 'cdk-exec-role', 'cdk-file-publishing-role', 'cdk-lookup-role']);
  });

  it('an execution role narrowed to exclude dynamodb:* fails the app, naming the role and the table', () => {
    const narrowed = { Effect: 'Allow', NotAction: 'dynamodb:*', Resource: '*' };
    const file = details({ caller: [ALL], roles: chain({ [role('cfn-exec')]: [narrowed] }) });
    const r = check('multi-stack', file);
    expect(r.code, r.stderr).toBe(1);
    const json = JSON.parse(r.stdout);
    const exec = (json.principals as Principal[]).find((p) => p.id === 'cdk-exec-role')!;
    expect(exec.arn).toBe(role('cfn-exec'));
    expect(exec.ok).toBe(false);
    const denied = exec.results.filter((x) => x.decision !== 'allowed');
    expect(denied.length).toBeGreaterThan(0);
    expect(denied.every((x) => x.action.startsWith('dynamodb:'))).toBe(true);
    expect(denied.map((x) => x.resource)).toContain(`arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/shop-orders`);
    for (const id of ['cdk-deploy-role', 'cdk-file-publishing-role', 'cdk-lookup-role']) expect((json.principals as Principal[]).find((p) => p.id === id)!.ok).toBe(true);
    const text = awsperm(['check', '--cwd', join(fixtures, 'multi-stack'), '--authorization-details', file, '--principal', CALLER]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(role('cfn-exec'));
    expect(text.stdout).toContain('CDK CloudFormation execution role');
    expect(text.stdout).toMatch(/dynamodb:CreateTable/);
    expect(text.stdout).toContain('table/shop-orders');
    expect(text.stdout).toMatch(/NOT OK: the caller and 4 other principals checked; failing: cdk-exec-role\./);
  });

  it('a caller who cannot assume the file-publishing role fails naming that link', () => {
    const caller = [
      { Effect: 'Allow', NotAction: 'sts:AssumeRole', Resource: '*' },
      { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: [role('deploy'), role('lookup')] },
    ];
    const r = check('multi-stack', details({ caller, roles: chain() }));
    expect(r.code, r.stderr).toBe(1);
    const json = JSON.parse(r.stdout);
    const denied = (json.results as Row[]).filter((x) => x.decision !== 'allowed');
    expect(denied.map((x) => `${x.action} ${x.resource}`)).toEqual([`sts:AssumeRole ${role('file-publishing')}`]);
    expect((json.principals as Principal[]).every((p) => p.ok)).toBe(true);
    const text = awsperm(['check', '--cwd', join(fixtures, 'multi-stack'), '--authorization-details', details({ caller, roles: chain() }), '--principal', CALLER]);
    expect(text.stdout).toContain('Assume the CDK file-publishing role');
    expect(text.stdout).toMatch(/✗ sts:AssumeRole\s+on arn:aws:iam::111111111111:role\/cdk-hnb659fds-file-publishing-role-/);
    expect(text.stdout).toMatch(/failing: caller\./);
  });

  it('CliCredentialsStackSynthesizer moves every requirement to the caller', () => {
    const ok = check('cli-credentials', details({ caller: [ALL], roles: {} }));
    expect(ok.code, ok.stderr).toBe(0);
    const json = JSON.parse(ok.stdout);
    expect(json.principals ?? []).toEqual([]);
    const actions = new Set((json.results as Row[]).map((x) => x.action));
    for (const a of ['cloudformation:CreateChangeSet', 'dynamodb:CreateTable', 'lambda:CreateFunction', 's3:PutObject', 'iam:PassRole']) expect(actions, a).toContain(a);
    expect([...actions]).not.toContain('sts:AssumeRole');
    const noDynamo = check('cli-credentials', details({ caller: [{ Effect: 'Allow', NotAction: 'dynamodb:*', Resource: '*' }], roles: {} }));
    expect(noDynamo.code).toBe(1);
    expect((JSON.parse(noDynamo.stdout).results as Row[]).filter((x) => x.decision !== 'allowed').every((x) => x.action.startsWith('dynamodb:'))).toBe(true);
  });

  it('stages, custom output, --stack selection with dependencies', () => {
    const q = (kind: string) => role(kind, 'hnb659fds', ACCOUNT, 'us-east-1');
    const roles = { [q('deploy')]: [ALL], [q('cfn-exec')]: [ALL], [q('file-publishing')]: [ALL], [q('lookup')]: [ALL] };
    const r = awsperm(['policy', '--cwd', join(fixtures, 'stage'), '--least-privilege', '--stack', 'Prod/Api', '--no-minimize']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('stack/Prod-Api/*');
    expect(r.stdout).toContain('stack/Prod-Data/*');
    expect(r.stdout).not.toContain('Beta-');
    const all = check('stage', details({ caller: [ALL], roles }));
    expect(all.code, all.stderr).toBe(0);
    const bad = awsperm(['policy', '--cwd', join(fixtures, 'stage'), '--least-privilege', '--stack', 'Gamma/*']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no stack matches/);
  });

  it('custom qualifier, container assets and a cross-account app name their own roles', () => {
    const qualifier = awsperm(['policy', '--cwd', join(fixtures, 'custom-qualifier'), '--least-privilege', '--region', 'eu-west-1']);
    expect(qualifier.code, qualifier.stderr).toBe(0);
    expect(qualifier.stdout).toContain('cdk-team42-deploy-role-');
    const image = details({ caller: [ALL], roles: { [role('deploy')]: [ALL], [role('cfn-exec')]: [ALL], [role('file-publishing')]: [ALL], [role('lookup')]: [ALL], [role('image-publishing')]: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] } });
    const container = check('container', image);
    expect(container.code, container.stderr).toBe(1);
    const img = (JSON.parse(container.stdout).principals as Principal[]).find((p) => p.id === 'cdk-image-publishing-role')!;
    expect(img.ok).toBe(false);
    expect(img.results.map((x) => x.resource)).toContain(`arn:aws:ecr:${REGION}:${ACCOUNT}:repository/cdk-hnb659fds-container-assets-${ACCOUNT}-${REGION}`);
    const prod = (kind: string) => role(kind, 'hnb659fds', '222222222222', 'eu-central-1');
    const cross = check('cross-account', details({ caller: [ALL], roles: { ...chain(), [prod('deploy')]: [ALL], [prod('cfn-exec')]: [ALL], [prod('file-publishing')]: [ALL], [prod('lookup')]: [ALL] } }));
    expect(cross.code, cross.stderr).toBe(0);
    const ids = (JSON.parse(cross.stdout).principals as Principal[]).map((p) => p.id);
    expect(ids).toContain('cdk-deploy-role-222222222222-eu-central-1');
    expect(ids).toContain('cdk-exec-role-111111111111-eu-west-1');
  });

  it('policy --least-privilege labels the execution role’s policy for --cloudformation-execution-policies; adapters lists the bootstrap feature', () => {
    const r = awsperm(['policy', '--cwd', join(fixtures, 'multi-stack'), '--least-privilege']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/awsperm-cdk-precise-cdk-exec-role polic.*cdk bootstrap --cloudformation-execution-policies/);
    const json = JSON.parse(r.stdout);
    expect(json.principals.find((p: { id: string }) => p.id === 'cdk-exec-role').description).toMatch(/--cloudformation-execution-policies/);
    const list = awsperm(['adapters', '--cwd', join(fixtures, 'multi-stack'), '--format', 'json']);
    expect(list.stdout).toMatch(/bootstrap/);
  });

  it('without a cloud assembly: exit 2, run cdk synth first; --template names another', () => {
    const r = check('not-synthesized', details({ caller: [ALL], roles: {} }));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cdk synth/);
    const dir = mkdtempSync(join(tmpdir(), 'awsperm-cdk-'));
    try {
      cpSync(join(fixtures, 'not-synthesized'), dir, { recursive: true });
      const t = awsperm(['check', '--cwd', dir, '--template', join(fixtures, 'cli-credentials', 'cdk.out'), '--authorization-details', details({ caller: [ALL], roles: {} }), '--principal', CALLER, '--format', 'json']);
      expect(t.code, t.stderr).toBe(0);
      expect(JSON.parse(t.stdout).results.map((x: Row) => x.resource)).toContain(`arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/cli-orders`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
