// The fix of a failing Up check, in process through core's session API: the policy `check` prints and carries as JSON
// `fix`, `policy --missing` printing only that, and the loop closed — the same check with the fix as one more
// policy file passes; an explicit deny keeps failing and names its statement.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allPolicies, type CheckOptions, check, policy, renderCheckJson, renderCheckMarkdown, renderCheckText } from '@awsperm/core';
import { failureOf, sessionEnv, tempFile } from '@awsperm/test-utils/session';
import { AwspermError } from '@awsperm/core';
import { describe, expect, it } from 'vitest';
import { up } from '../src/index.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const example = join(root, 'examples/up-app');
const examplePolicy = (name: string) => join(example, 'policies', name);
const run = (options: Partial<CheckOptions>) => check({ cwd: example, env: sessionEnv(), adapters: [up()], ...options });

describe('the fix of a failing Up check', () => {
  it('grants exactly the three denied ec2 actions; with it as one more --policy the check passes', async () => {
    const report = await run({ policy: [examplePolicy('deployer.json')] });
    expect(report.ok).toBe(false);
    const denied = report.results.filter((r) => r.decision === 'implicitDeny').map((r) => r.action);
    expect(denied.sort()).toEqual(['ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs']);
    expect(report.fix!.policies).toHaveLength(1);
    const fix = report.fix!.policies[0]!;
    expect(fix.name).toBe('awsperm-up-hello-api-missing');
    expect(fix.document).toEqual({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: [...denied].sort(), Resource: '*' }] });
    expect(report.fix!.changes).toBeUndefined();
    expect(JSON.parse(renderCheckJson(report)).fix).toEqual(report.fix);
    expect(renderCheckText(report)).toContain(JSON.stringify(fix.document, null, 2));
    expect(renderCheckMarkdown(report)).toContain(`### Fix for the caller\n\nGrant the caller this policy`);

    const closed = await run({ policy: [examplePolicy('deployer.json'), tempFile('fix.json', JSON.stringify(fix.document))] });
    expect(closed.ok).toBe(true);
    expect(closed.fix).toBeUndefined();
    expect(JSON.parse(renderCheckJson(closed))).not.toHaveProperty('fix');
  });

  it('policy --missing returns only the fix, the same as check carries', async () => {
    const report = await run({ policy: [examplePolicy('deployer.json')] });
    const missing = await policy({ cwd: example, env: sessionEnv(), adapters: [up()], missing: true, policy: [examplePolicy('deployer.json')] });
    expect(missing.policies).toEqual(report.fix!.policies);
    expect(allPolicies(missing)).toEqual(report.fix!.policies);
    expect(missing.missing).toEqual({ ok: false, sufficient: true });
    const none = await policy({ cwd: example, env: sessionEnv(), adapters: [up()], missing: true, policy: [examplePolicy('administrator.json')] });
    expect(none.policies).toEqual([]);
    expect(none.missing).toEqual({ ok: true, sufficient: true });
  });

  it('an explicit deny: no grant for it; the statement to change is named, and the check keeps failing with the fix', async () => {
    const report = await run({ policy: [examplePolicy('no-passrole.json')] });
    expect(report.fix!.policies).toEqual([]);
    expect(report.fix!.changes).toHaveLength(1);
    const change = report.fix!.changes![0]!;
    expect(change).toMatchObject({ kind: 'explicitDeny', statement: { sid: 'NoPassRole', statementIndex: 1, effect: 'Deny' } });
    expect(change.requests).toEqual([{ action: 'iam:PassRole', resource: 'arn:aws:iam::*:role/hello-api-function' }]);
    expect(renderCheckText(report)).toMatch(/✗ statement 2 \(Sid "NoPassRole"\) of \S+no-passrole\.json denies iam:PassRole: narrow or remove it/);
    const missing = await policy({ cwd: example, env: sessionEnv(), adapters: [up()], missing: true, policy: [examplePolicy('no-passrole.json')], log: { warn: () => {} } });
    expect(missing.missing?.sufficient).toBe(false);
    expect(missing.missing?.changes?.[0]).toMatchObject({ principal: 'caller', kind: 'explicitDeny' });
    expect(missing.warnings?.some((w) => w.includes('Sid "NoPassRole"'))).toBe(true);
  });

  it('from account authorization details with a permission boundary: the grant, and the boundary that must change too', async () => {
    const account = '111122223333';
    const deployer = readFileSync(examplePolicy('deployer.json'), 'utf8');
    // The boundary allows everything but EC2: granting the ec2 actions is not enough.
    const boundary = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', NotAction: 'ec2:*', Resource: '*' }] });
    const details = tempFile(
      'details.json',
      JSON.stringify({
        UserDetailList: [
          {
            Path: '/',
            UserName: 'ci',
            Arn: `arn:aws:iam::${account}:user/ci`,
            GroupList: [],
            UserPolicyList: [{ PolicyName: 'deploy', PolicyDocument: encodeURIComponent(deployer) }],
            AttachedManagedPolicies: [],
            PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: `arn:aws:iam::${account}:policy/NoEc2` },
          },
        ],
        GroupDetailList: [],
        RoleDetailList: [],
        Policies: [{ PolicyName: 'NoEc2', Arn: `arn:aws:iam::${account}:policy/NoEc2`, DefaultVersionId: 'v1', PolicyVersionList: [{ Document: encodeURIComponent(boundary), VersionId: 'v1', IsDefaultVersion: true }] }],
      }),
    );
    const options = { authorizationDetails: details, principal: `arn:aws:iam::${account}:user/ci` };
    const report = await run(options);
    expect(JSON.stringify(report.fix!.policies)).toContain('ec2:DescribeVpcs');
    expect(report.fix!.changes).toEqual([
      expect.objectContaining({ kind: 'boundary', policy: `permission boundary arn:aws:iam::${account}:policy/NoEc2`, message: expect.stringMatching(/^the permission boundary arn:aws:iam::111122223333:policy\/NoEc2 does not allow ec2:DescribeSecurityGroups, ec2:DescribeSubnets, ec2:DescribeVpcs: add them to the boundary/) }),
    ]);
    expect(report.results.find((r) => r.action === 'ec2:DescribeVpcs')!.deniedBy).toEqual({ kind: 'boundary', policy: `permission boundary arn:aws:iam::${account}:policy/NoEc2` });
    const missing = await policy({ cwd: example, env: sessionEnv(), adapters: [up()], missing: true, ...options, log: { warn: () => {} } });
    expect(missing.policies).toEqual(report.fix!.policies);
    expect(missing.missing).toMatchObject({ ok: false, sufficient: false });
  });

  it('the evaluation options go with missing only', async () => {
    const { error, text } = await failureOf(policy({ cwd: example, env: sessionEnv(), adapters: [up()], policy: [examplePolicy('deployer.json')] }), AwspermError.is);
    expect(error.kind).toBe('usage');
    expect(text).toMatch(/the policy option goes with the missing option/);
  });
});
