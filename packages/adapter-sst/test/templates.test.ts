// SST v1/v2 projects with synthesized CloudFormation templates (`.build/cdk.out`, or `--template`), run in process
// through core's session API as `awsperm policy|check --tool sst` runs them.
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allPolicies, check, type PolicyOptions, policy, policySizeNotes, renderCheckJson, renderPolicyJson, renderTerraform } from '@awsperm/core';
import { terraformFmtProblems } from '@awsperm/test-utils/hcl-shape';
import { describe, expect, it } from 'vitest';
import { tempFile } from '@awsperm/test-utils/session';
import { sst } from '../src/index.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
// The cloud assembly fixture is core's (template derivation is core's); read as data, not imported.
const cdkOut = join(root, 'packages/core/test/fixtures/cdk-app/cdk.out');
const admin = join(root, 'examples/up-app/policies/administrator.json');
const sstV1 = fileURLToPath(new URL('fixtures/v1-basic', import.meta.url));

const env = (): Record<string, string> => ({ PATH: process.env.PATH ?? '', HOME: mkdtempSync(join(tmpdir(), 'awsperm-home-')), AWS_EC2_METADATA_DISABLED: 'true' });

/** A copy of the SST v1 fixture project, with the cdk.out fixture as its `.build/cdk.out` when asked. */
function sstProject(withCdkOut: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'awsperm-sst-'));
  cpSync(sstV1, dir, { recursive: true });
  if (withCdkOut) cpSync(cdkOut, join(dir, '.build', 'cdk.out'), { recursive: true });
  return dir;
}


type Policies = { document: { Statement: { Action: string | string[] }[] } }[];
const actionsOf = (policies: Policies): string[] => policies.flatMap((p) => p.document.Statement.flatMap((s) => [s.Action].flat()));
const ids = (fragments: { id: string }[]): string[] => fragments.map((f) => f.id);

/** `awsperm policy --tool sst`, in process: the report and what the CLI prints on stderr (warnings, then size notes). */
async function policyRun(cwd: string, options: Partial<PolicyOptions> = {}) {
  const stderr: string[] = [];
  const report = await policy({ cwd, tool: 'sst', ...options, env: env(), adapters: [sst()], log: { warn: (m) => stderr.push(m), note: (m) => stderr.push(m) } });
  stderr.push(...policySizeNotes(report));
  return { report, json: JSON.parse(renderPolicyJson(report)), stderr: stderr.join('\n') };
}

describe('policy --tool sst with templates', () => {
  it('--template <cdk.out> --format terraform is in terraform fmt layout; sizes and the unresolved type are noted', async () => {
    const { report, stderr } = await policyRun(sstProject(false), { template: [cdkOut] });
    const tf = renderTerraform(allPolicies(report));
    expect(terraformFmtProblems(tf)).toEqual([]);
    expect(tf).toMatch(/^resource "aws_iam_policy" "[\w-]+" \{$/m);
    expect(tf).toMatch(/^ {2}policy = jsonencode\(\{$/m);
    expect(tf).toMatch(/^ {2}\}\)$/m);
    expect(tf).toContain('"iam:PassRole"');
    expect(tf).toContain('"arn:aws:iam::123456789012:role/*"');
    expect(stderr).toMatch(/awsperm-sst-notes-[\w-]+: [\d,]+ of 6,144 characters \(without white space\)/);
    expect(stderr).toMatch(/AWS::Foo::Bar \(my-app-dev-AppStack\/NestedStackNestedStackResource9A7B3C1D\/Widget1A2B3C4D\)/);
  });

  it('reads .build/cdk.out by itself, and says when it is missing; SST v3 (Pulumi) says nothing about templates', async () => {
    expect((await policyRun(sstProject(true))).json.unresolvedTypes).toHaveLength(1);
    const missing = await policyRun(sstProject(false));
    expect(missing.stderr).toMatch(/no synthesized templates at .*\.build\/cdk\.out: run `sst build` first/);
    expect(missing.json.unresolvedTypes).toBeUndefined();
    const v3 = await policyRun(fileURLToPath(new URL('fixtures/v3-env-stage', import.meta.url)));
    expect(v3.stderr).not.toMatch(/template/);
    expect(v3.json.unresolvedTypes).toBeUndefined();
  });
});

describe('check --tool sst with templates', () => {
  it('adds the project cdk.out to the tool’s own requirements', async () => {
    const report = await check({ cwd: sstProject(true), tool: 'sst', policy: [admin], env: env(), adapters: [sst()] });
    expect(report.ok).toBe(false);
    const json = JSON.parse(renderCheckJson(report));
    const fragmentIds = ids(json.fragments);
    expect(fragmentIds.some((id: string) => id.startsWith('sst.'))).toBe(true);
    expect(fragmentIds).toContain('template.my-app-dev-AppStack');
    expect(fragmentIds).toContain('template.my-app-dev-AppStack.assets');
    expect(json.unresolvedTypes.map((u: { type: string }) => u.type)).toEqual(['AWS::Foo::Bar']);
  });

  it('with a CloudFormation service role, the stacks are checked against the role and the assets against the caller', async () => {
    const role = 'arn:aws:iam::123456789012:role/deploy-cfn';
    const narrow = tempFile(
      'caller-narrow.json',
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole', 's3:*', 'ecr:*', 'iam:PassRole', 'cloudformation:*', 'ssm:GetParameter*'], Resource: '*' }] }),
    );
    const report = JSON.parse(renderCheckJson(await check({ cwd: sstProject(true), tool: 'sst', roleArn: role, policy: [narrow], rolePolicy: [admin], env: env(), adapters: [sst()] })));
    const callerIds = ids(report.fragments);
    const roleIds = ids(report.serviceRole.fragments);
    expect(roleIds).toContain('template.my-app-dev-AppStack');
    expect(callerIds).not.toContain('template.my-app-dev-AppStack');
    expect(callerIds).toContain('template.my-app-dev-AppStack.assets');
    // The caller lacks lambda:* and dynamodb:*, yet no result of the caller is a stack resource's handler action.
    expect(report.results.some((x: { action: string }) => x.action === 'dynamodb:CreateTable')).toBe(false);
    expect(report.serviceRole.results.find((x: { action: string }) => x.action === 'dynamodb:CreateTable')?.decision).toBe('allowed');
    const printed = (await policyRun(sstProject(true), { leastPrivilege: true, roleArn: role })).json;
    expect(ids(printed.serviceRole.fragments)).toContain('template.my-app-dev-AppStack');
    expect(actionsOf(printed.policies).some((a) => a.toLowerCase().startsWith('dynamodb:'))).toBe(false);
    expect(actionsOf(printed.serviceRole.policies).some((a) => a.toLowerCase().startsWith('dynamodb:'))).toBe(true);
  });
});
