import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { terraformFmtProblems } from '@awsperm/test-utils/hcl-shape';
import { awsperm, policy, root, tempFile } from './helpers.ts';

const cdkOut = join(root, 'packages/core/test/fixtures/cdk-app/cdk.out');
const admin = join(root, 'examples/up-app/policies/administrator.json');
const sstV1 = join(root, 'packages/adapter-sst/test/fixtures/v1-basic');

/** Asserts an error run: the exit code, a short message without a stack trace, and nothing on stdout. */
function expectError(result: ReturnType<typeof awsperm>, code: number, pattern: RegExp): void {
  expect(result.code, result.stderr).toBe(code);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
}

/** A copy of the SST v1 fixture project, with the cdk.out fixture as its `.build/cdk.out` when asked. */
function sstProject(withCdkOut: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'awsperm-sst-'));
  cpSync(sstV1, dir, { recursive: true });
  if (withCdkOut) cpSync(cdkOut, join(dir, '.build', 'cdk.out'), { recursive: true });
  return dir;
}

type Policies = { name: string; size: number; document: { Statement: { Action: string | string[]; Resource: string | string[]; Condition?: unknown }[] } }[];
const actionsOf = (policies: Policies): string[] => policies.flatMap((p) => p.document.Statement.flatMap((s) => [s.Action].flat()));

/** A template of many named resources: every one scoped to its own ARN, so the policy outgrows one managed policy. */
function largeTemplate(): string {
  const Resources: Record<string, unknown> = {};
  for (let i = 0; i < 40; i++) {
    Resources[`Bucket${i}`] = { Type: 'AWS::S3::Bucket', Properties: { BucketName: `my-app-prod-uploads-bucket-${i}` } };
    Resources[`Table${i}`] = { Type: 'AWS::DynamoDB::Table', Properties: { TableName: `my-app-prod-table-${i}` } };
    Resources[`Queue${i}`] = { Type: 'AWS::SQS::Queue', Properties: { QueueName: `my-app-prod-queue-${i}` } };
  }
  return tempFile('large.template.json', JSON.stringify({ Resources }));
}

describe('awsperm policy with templates', () => {
  it('--tool sst --template <cdk.out> --format terraform is in terraform fmt layout', () => {
    const r = awsperm(['policy', '--tool', 'sst', '--cwd', sstProject(false), '--template', cdkOut, '--format', 'terraform']);
    expect(r.code, r.stderr).toBe(0);
    expect(terraformFmtProblems(r.stdout)).toEqual([]);
    expect(r.stdout).toMatch(/^resource "aws_iam_policy" "[\w-]+" \{$/m);
    expect(r.stdout).toMatch(/^ {2}policy = jsonencode\(\{$/m);
    expect(r.stdout).toMatch(/^ {2}\}\)$/m);
    expect(r.stdout).toContain('"iam:PassRole"');
    expect(r.stdout).toContain('"arn:aws:iam::123456789012:role/*"');
    expect(r.stderr).toMatch(/awsperm: awsperm-sst-notes-[\w-]+: [\d,]+ of 6,144 characters \(without white space\)/);
    expect(r.stderr).toMatch(/AWS::Foo::Bar \(my-app-dev-AppStack\/NestedStackNestedStackResource9A7B3C1D\/Widget1A2B3C4D\)/);
  });

  it('--format json lists unresolved types, and every part fits 6,144 characters', () => {
    const r = awsperm(['policy', '--template', cdkOut]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ schemaVersion: 1, tool: null, kind: 'template', minimised: true });
    expect(out.unresolvedTypes).toEqual([{ type: 'AWS::Foo::Bar', resources: ['my-app-dev-AppStack/NestedStackNestedStackResource9A7B3C1D/Widget1A2B3C4D'] }]);
    for (const p of out.policies as Policies) {
      expect(p.size).toBe(JSON.stringify(p.document).length);
      expect(p.size).toBeLessThanOrEqual(6144);
    }
    const statements = (out.policies as Policies).flatMap((p) => p.document.Statement);
    expect(statements).toContainEqual(expect.objectContaining({ Action: 'sts:AssumeRole' }));
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: 'arn:aws:iam::123456789012:role/*',
      Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } },
    });
  });

  it('splits a large template into parts that each fit, and prints every size', () => {
    const r = awsperm(['policy', '--template', largeTemplate(), '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.policies.length).toBeGreaterThan(1);
    for (const p of out.policies as Policies) expect(JSON.stringify(p.document).length).toBeLessThanOrEqual(6144);
    expect(r.stderr).toMatch(new RegExp(`split into ${out.policies.length} managed policies`));
    for (const p of out.policies as Policies) expect(r.stderr).toContain(`awsperm: ${p.name}: ${p.size.toLocaleString('en-US')} of 6,144 characters`);
    // Every bucket ARN survives the split.
    const resources = (out.policies as Policies).flatMap((p) => p.document.Statement.flatMap((s) => [s.Resource].flat()));
    for (let i = 0; i < 40; i++) expect(resources).toContain(`arn:aws:s3:::my-app-prod-uploads-bucket-${i}`);
    const tf = awsperm(['policy', '--template', largeTemplate(), '--format', 'terraform']);
    expect(terraformFmtProblems(tf.stdout)).toEqual([]);
    expect(tf.stdout.match(/^resource "aws_iam_policy"/gm)).toHaveLength(out.policies.length);
  });

  it('minimises by default and keeps every action with --no-minimize', () => {
    const on = JSON.parse(awsperm(['policy', '--template', cdkOut]).stdout);
    const off = JSON.parse(awsperm(['policy', '--template', cdkOut, '--no-minimize']).stdout);
    expect(off.minimised).toBe(false);
    expect(actionsOf(on.policies).some((a) => a.endsWith('*'))).toBe(true);
    expect(actionsOf(off.policies).some((a) => a.endsWith('*'))).toBe(false);
    expect(actionsOf(on.policies).length).toBeLessThan(actionsOf(off.policies).length);
  });

  it('narrows to --operations', () => {
    const all = actionsOf(JSON.parse(awsperm(['policy', '--template', cdkOut, '--no-minimize']).stdout).policies);
    const create = actionsOf(JSON.parse(awsperm(['policy', '--template', cdkOut, '--no-minimize', '--operations', 'create']).stdout).policies);
    expect(all).toContain('dynamodb:DeleteTable');
    expect(create).not.toContain('dynamodb:DeleteTable');
    expect(create).toContain('dynamodb:CreateTable');
  });

  it('--tool sst reads .build/cdk.out by itself, and says when it is missing', () => {
    const r = awsperm(['policy', '--tool', 'sst', '--cwd', sstProject(true)]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).unresolvedTypes).toHaveLength(1);
    const missing = awsperm(['policy', '--tool', 'sst', '--cwd', sstProject(false)]);
    expect(missing.code).toBe(0);
    expect(missing.stderr).toMatch(/no synthesized templates at .*\.build\/cdk\.out: run `sst build` first/);
    expect(JSON.parse(missing.stdout).unresolvedTypes).toBeUndefined();
    const v3 = awsperm(['policy', '--tool', 'sst', '--cwd', join(root, 'packages/adapter-sst/test/fixtures/v3-env-stage')]);
    expect(v3.code, v3.stderr).toBe(0);
    // SST v3 deploys with Pulumi: no template to look for, and nothing to say about templates.
    expect(v3.stderr).not.toMatch(/template/);
    expect(JSON.parse(v3.stdout).unresolvedTypes).toBeUndefined();
  });
});

describe('awsperm check with templates', () => {
  it('a template-only check lists the unresolved type and fails (exit 1), even when every action is allowed', () => {
    const r = awsperm(['check', '--template', cdkOut, '--policy', admin, '--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ tool: null, policySet: 'template', ok: false });
    expect(report.summary.denied).toBe(0);
    expect(report.summary.allowed).toBe(report.summary.required);
    expect(report.unresolvedTypes).toEqual([{ type: 'AWS::Foo::Bar', resources: ['my-app-dev-AppStack/NestedStackNestedStackResource9A7B3C1D/Widget1A2B3C4D'] }]);
    const passRole = report.results.filter((x: { action: string }) => x.action === 'iam:PassRole');
    expect(passRole.map((x: { resource: string }) => x.resource)).toContain('arn:aws:iam::123456789012:role/my-app-dev-fn-role');
    expect(passRole[0].requiredBy).toEqual(['template.my-app-dev-AppStack']);
    const text = awsperm(['check', '--template', cdkOut, '--policy', admin]);
    expect(text.stdout).toMatch(/Unresolved resource types/);
    expect(text.stdout).toMatch(/\? AWS::Foo::Bar {2}my-app-dev-AppStack\/NestedStackNestedStackResource9A7B3C1D\/Widget1A2B3C4D/);
    expect(text.stdout).toMatch(/--cfn-schemas/);
    expect(text.stdout).toMatch(/^NOT OK: .*; 1 resource type unresolved \(not checked\)\.$/m);
    const md = awsperm(['check', '--template', cdkOut, '--policy', admin, '--format', 'markdown']);
    expect(md.stdout).toMatch(/### Unresolved resource types/);
    expect(md.stdout).toMatch(/\| ❔ \| `AWS::Foo::Bar` \|/);
  });

  it('passes with every type resolved and allowed, and reports what a narrow policy lacks', () => {
    const template = tempFile('queue.yaml', "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !Sub '${AWS::Region}-jobs'\n");
    const ok = awsperm(['check', '--template', template, '--policy', admin, '--format', 'json']);
    expect(ok.code, ok.stdout).toBe(0);
    expect(JSON.parse(ok.stdout).unresolvedTypes).toEqual([]);
    const narrow = tempFile('sqs.json', policy({ Effect: 'Allow', Action: 'sqs:Get*', Resource: '*' }));
    const denied = awsperm(['check', '--template', template, '--policy', narrow, '--region', 'eu-west-1', '--format', 'json']);
    expect(denied.code).toBe(1);
    const create = JSON.parse(denied.stdout).results.find((x: { action: string }) => x.action === 'sqs:CreateQueue');
    expect(create).toMatchObject({ resource: 'arn:aws:sqs:eu-west-1:*:eu-west-1-jobs', decision: 'implicitDeny' });
  });

  it('--tool sst adds the project cdk.out to the tool’s own requirements', () => {
    const r = awsperm(['check', '--tool', 'sst', '--cwd', sstProject(true), '--policy', admin, '--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    const ids = report.fragments.map((f: { id: string }) => f.id);
    expect(ids.some((id: string) => id.startsWith('sst.'))).toBe(true);
    expect(ids).toContain('template.my-app-dev-AppStack');
    expect(ids).toContain('template.my-app-dev-AppStack.assets');
    expect(report.unresolvedTypes.map((u: { type: string }) => u.type)).toEqual(['AWS::Foo::Bar']);
  });

  it('with a CloudFormation service role, the stacks are checked against the role and the assets against the caller', () => {
    const role = 'arn:aws:iam::123456789012:role/deploy-cfn';
    const narrow = tempFile('caller-narrow.json', policy({ Effect: 'Allow', Action: ['sts:AssumeRole', 's3:*', 'ecr:*', 'iam:PassRole', 'cloudformation:*', 'ssm:GetParameter*'], Resource: '*' }));
    const r = awsperm(['check', '--tool', 'sst', '--cwd', sstProject(true), '--role-arn', role, '--policy', narrow, '--role-policy', admin, '--format', 'json']);
    const report = JSON.parse(r.stdout);
    const callerIds = report.fragments.map((f: { id: string }) => f.id);
    const roleIds = report.serviceRole.fragments.map((f: { id: string }) => f.id);
    expect(roleIds).toContain('template.my-app-dev-AppStack');
    expect(callerIds).not.toContain('template.my-app-dev-AppStack');
    expect(callerIds).toContain('template.my-app-dev-AppStack.assets');
    // The caller lacks lambda:* and dynamodb:*, yet no result of the caller is a stack resource's handler action.
    expect(report.results.some((x: { action: string }) => x.action === 'dynamodb:CreateTable')).toBe(false);
    expect(report.serviceRole.results.find((x: { action: string }) => x.action === 'dynamodb:CreateTable')?.decision).toBe('allowed');
    const printed = JSON.parse(awsperm(['policy', '--tool', 'sst', '--cwd', sstProject(true), '--least-privilege', '--role-arn', role]).stdout);
    expect(printed.serviceRole.fragments.map((f: { id: string }) => f.id)).toContain('template.my-app-dev-AppStack');
    const callerActions = actionsOf(printed.policies);
    expect(callerActions.some((a) => a.toLowerCase().startsWith('dynamodb:'))).toBe(false);
    expect(actionsOf(printed.serviceRole.policies).some((a) => a.toLowerCase().startsWith('dynamodb:'))).toBe(true);
  });

  it('explains --template, --operations and --cfn-schemas in --help', () => {
    const help = awsperm(['check', '--help']).stdout;
    expect(help).toMatch(/--template <path>/);
    expect(help).toMatch(/--operations <ops>/);
    expect(help).toMatch(/--cfn-schemas <path>/);
    expect(help).toMatch(/unresolved and makes the check fail \(exit 1\)/);
    expect(awsperm(['policy', '--help']).stdout).toMatch(/--no-minimize/);
  });
});

describe('bad template input (exit 2)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'awsperm-bad-templates-'));
  const write = (name: string, content: string): string => {
    const file = join(dir, name);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, content);
    return file;
  };
  const assembly = (name: string, manifest: object, files: Record<string, string> = {}): string => {
    write(`${name}/manifest.json`, JSON.stringify(manifest));
    for (const [f, c] of Object.entries(files)) write(`${name}/${f}`, c);
    return join(dir, name);
  };
  const stackManifest = { version: '36.0.0', artifacts: { S: { type: 'aws:cloudformation:stack', properties: { templateFile: 'S.template.json' } } } };
  const nested = JSON.stringify({ Resources: { N: { Type: 'AWS::CloudFormation::Stack', Metadata: { 'aws:asset:path': 'N.nested.template.json' } } } });

  const cases: [string, string[], RegExp][] = [
    ['a missing template', ['--template', join(dir, 'nope.yaml')], /template not found: .*nope\.yaml/],
    ['malformed YAML', ['--template', write('bad.yaml', 'Resources:\n  Q:\n    Type: [AWS::SQS::Queue\n')], /bad\.yaml:\d+:\d+: malformed YAML: /],
    ['malformed JSON', ['--template', write('bad.json', '{"Resources": {"Q": ')], /bad\.json:1:\d+: malformed JSON: /],
    ['not a template', ['--template', write('policy.json', policy({ Effect: 'Allow', Action: '*', Resource: '*' }))], /policy\.json: not a CloudFormation template: it has no Resources section/],
    ['a directory without cdk.out', ['--template', mkdtempSync(join(tmpdir(), 'awsperm-empty-'))], /neither a cdk\.out/],
    ['an unknown manifest version', ['--template', assembly('v999', { version: '999.0.0', artifacts: {} })], /cloud assembly manifest version 999\.0\.0 is newer than awsperm understands/],
    ['a missing stack template', ['--template', assembly('nostack', stackManifest)], /stack S: its template S\.template\.json is missing/],
    ['a missing nested template', ['--template', assembly('nonested', stackManifest, { 'S.template.json': nested })], /nested stack S\/N: its template N\.nested\.template\.json is missing/],
    ['a bad --operations value', ['--template', cdkOut, '--operations', 'create,destroy'], /option --operations takes create, read, update, delete, list; got "destroy"/],
    ['a missing --cfn-schemas path', ['--template', cdkOut, '--cfn-schemas', join(dir, 'no-schemas.zip')], /no-schemas\.zip/],
  ];
  for (const [what, args, pattern] of cases) {
    it(`check and policy reject ${what}`, () => {
      expectError(awsperm(['check', ...args, '--policy', admin]), 2, pattern);
      expectError(awsperm(['policy', ...args]), 2, pattern);
    });
  }

  it('reads templates before looking for credentials: bad template input exits 2 even without any', () => {
    expectError(awsperm(['check', '--template', write('late.yaml', 'Resources: [\n')]), 2, /late\.yaml:\d+:\d+: malformed YAML/);
    expectError(awsperm(['check', '--template', cdkOut, '--cfn-schemas', join(dir, 'missing.zip')]), 2, /missing\.zip/);
  });

  it('rejects --operations or --cfn-schemas without templates, and --action with --template', () => {
    const up = join(root, 'examples/up-app');
    expectError(awsperm(['policy', '--tool', 'up', '--cwd', up, '--operations', 'create']), 2, /--operations applies to templates, and there are none to read/);
    expectError(awsperm(['check', '--tool', 'up', '--cwd', up, '--policy', admin, '--cfn-schemas', cdkOut]), 2, /--cfn-schemas applies to templates/);
    expectError(awsperm(['check', '--action', 's3:GetObject', '--template', cdkOut, '--policy', admin]), 2, /--action checks ad-hoc actions; check templates without it/);
  });

  it('never echoes a template’s content in an error', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const file = write('secret.yaml', `Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: {Tags: [${secret}\n`);
    const r = awsperm(['policy', '--template', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain(secret);
    expect(readFileSync(file, 'utf8')).toContain(secret);
  });
});
