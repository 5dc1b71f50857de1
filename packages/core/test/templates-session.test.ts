// What `awsperm policy|check --template` compute, run in process through the session API (the CLI only parses the
// flags into these options and renders): policies derived from CloudFormation templates and cdk.out assemblies,
// their split and sizes, unresolved types, and the errors bad template input raises. The spawned end-to-end set
// (exit codes, stderr, terraform output, --help) stays in packages/cli/test/templates.test.ts.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { terraformFmtProblems } from '@awsperm/test-utils/hcl-shape';
import { describe, expect, it } from 'vitest';
import { policyDoc, sessionEnv, tempFile } from '@awsperm/test-utils/session';
import {
  AwspermError,
  allPolicies,
  type CheckOptions,
  check,
  type PolicyOptions,
  policy,
  policySizeNotes,
  renderCheckJson,
  renderCheckMarkdown,
  renderCheckText,
  renderPolicyJson,
  renderTerraform,
} from '../src/index.ts';

const cdkOut = fileURLToPath(new URL('fixtures/cdk-app/cdk.out', import.meta.url));
const admin = fileURLToPath(new URL('../../../examples/up-app/policies/administrator.json', import.meta.url));

/** A clean environment: an empty HOME, no AWS variables from the machine, instance metadata disabled. */
const env = sessionEnv;
/** An empty project directory: no tool to detect. */
const cwd = (): string => mkdtempSync(join(tmpdir(), 'awsperm-templates-'));


// biome-ignore lint/suspicious/noExplicitAny: JSON output under test
type Json = Record<string, any>;
type Policies = { name: string; size: number; document: { Statement: { Action: string | string[]; Resource: string | string[]; Condition?: unknown }[] } }[];
const actionsOf = (policies: Policies): string[] => policies.flatMap((p) => p.document.Statement.flatMap((s) => [s.Action].flat()));

/** `awsperm policy --format json`, in process. */
async function policyJson(options: Partial<PolicyOptions>): Promise<Json> {
  return JSON.parse(renderPolicyJson(await policy({ cwd: cwd(), env: env(), ...options })));
}
/** `awsperm check`, in process: the report and its JSON. */
async function checkRun(options: Partial<CheckOptions>) {
  const report = await check({ cwd: cwd(), env: env(), ...options });
  return { report, json: JSON.parse(renderCheckJson(report)) as Json };
}

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

describe('policy() with templates', () => {
  it('JSON lists unresolved types, and every part fits 6,144 characters', async () => {
    const out = await policyJson({ template: [cdkOut] });
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

  it('splits a large template into parts that each fit, and notes every size; terraform has one resource per part', async () => {
    const logged: string[] = [];
    const report = await policy({ cwd: cwd(), env: env(), template: [largeTemplate()], log: { note: (m) => logged.push(m), warn: (m) => logged.push(m) } });
    const out = JSON.parse(renderPolicyJson(report));
    expect(out.policies.length).toBeGreaterThan(1);
    for (const p of out.policies as Policies) expect(JSON.stringify(p.document).length).toBeLessThanOrEqual(6144);
    // What the CLI prints on stderr: the session's notes, then each part's size.
    const notes = [...logged, ...policySizeNotes(report)].join('\n');
    expect(notes).toMatch(new RegExp(`split into ${out.policies.length} managed policies`));
    for (const p of out.policies as Policies) expect(notes).toContain(`${p.name}: ${p.size.toLocaleString('en-US')} of 6,144 characters`);
    // Every bucket ARN survives the split.
    const resources = (out.policies as Policies).flatMap((p) => p.document.Statement.flatMap((s) => [s.Resource].flat()));
    for (let i = 0; i < 40; i++) expect(resources).toContain(`arn:aws:s3:::my-app-prod-uploads-bucket-${i}`);
    const tf = renderTerraform(allPolicies(report));
    expect(terraformFmtProblems(tf)).toEqual([]);
    expect(tf.match(/^resource "aws_iam_policy"/gm)).toHaveLength(out.policies.length);
  });

  it('minimises by default and keeps every action with minimize: false (--no-minimize)', async () => {
    const on = await policyJson({ template: [cdkOut] });
    const off = await policyJson({ template: [cdkOut], minimize: false });
    expect(off.minimised).toBe(false);
    expect(actionsOf(on.policies).some((a) => a.endsWith('*'))).toBe(true);
    expect(actionsOf(off.policies).some((a) => a.endsWith('*'))).toBe(false);
    expect(actionsOf(on.policies).length).toBeLessThan(actionsOf(off.policies).length);
  });

  it('narrows to operations (--operations)', async () => {
    const all = actionsOf((await policyJson({ template: [cdkOut], minimize: false })).policies);
    const create = actionsOf((await policyJson({ template: [cdkOut], minimize: false, operations: ['create'] })).policies);
    expect(all).toContain('dynamodb:DeleteTable');
    expect(create).not.toContain('dynamodb:DeleteTable');
    expect(create).toContain('dynamodb:CreateTable');
  });
});

describe('check() with templates', () => {
  it('a template-only check lists the unresolved type and is not OK, even when every action is allowed (JSON, text, markdown)', async () => {
    const { report, json } = await checkRun({ template: [cdkOut], policy: [admin] });
    expect(report.ok).toBe(false);
    expect(json).toMatchObject({ tool: null, policySet: 'template', ok: false });
    expect(json.summary.denied).toBe(0);
    expect(json.summary.allowed).toBe(json.summary.required);
    expect(json.unresolvedTypes).toEqual([{ type: 'AWS::Foo::Bar', resources: ['my-app-dev-AppStack/NestedStackNestedStackResource9A7B3C1D/Widget1A2B3C4D'] }]);
    const passRole = json.results.filter((x: { action: string }) => x.action === 'iam:PassRole');
    expect(passRole.map((x: { resource: string }) => x.resource)).toContain('arn:aws:iam::123456789012:role/my-app-dev-fn-role');
    expect(passRole[0].requiredBy).toEqual(['template.my-app-dev-AppStack']);
    const text = renderCheckText(report);
    expect(text).toMatch(/Unresolved resource types/);
    expect(text).toMatch(/\? AWS::Foo::Bar {2}my-app-dev-AppStack\/NestedStackNestedStackResource9A7B3C1D\/Widget1A2B3C4D/);
    expect(text).toMatch(/the cfnSchemas option/);
    expect(text).toMatch(/^NOT OK: .*; 1 resource type unresolved \(not checked\)\.$/m);
    const md = renderCheckMarkdown(report);
    expect(md).toMatch(/### Unresolved resource types/);
    expect(md).toMatch(/\| ❔ \| `AWS::Foo::Bar` \|/);
  });

  it('passes with every type resolved and allowed, and reports what a narrow policy lacks', async () => {
    const template = tempFile('queue.yaml', "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !Sub '${AWS::Region}-jobs'\n");
    const ok = await checkRun({ template: [template], policy: [admin] });
    expect(ok.report.ok).toBe(true);
    expect(ok.json.unresolvedTypes).toEqual([]);
    const narrow = tempFile('sqs.json', policyDoc({ Effect: 'Allow', Action: 'sqs:Get*', Resource: '*' }));
    const denied = await checkRun({ template: [template], policy: [narrow], region: 'eu-west-1' });
    expect(denied.report.ok).toBe(false);
    const create = denied.json.results.find((x: { action: string }) => x.action === 'sqs:CreateQueue');
    expect(create).toMatchObject({ resource: 'arn:aws:sqs:eu-west-1:*:eu-west-1-jobs', decision: 'implicitDeny' });
  });
});

describe('bad template input: AwspermErrors of one or two lines that exit 2', () => {
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

  /** The error a session call failed with, as the CLI prints it (message, then hint). */
  async function failure(run: Promise<unknown>): Promise<string> {
    const error = await run.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(AwspermError.is(error), String(error)).toBe(true);
    const e = error as AwspermError;
    expect(['usage', 'config']).toContain(e.kind);
    const text = `${e.message}${e.hint ? `\n  ${e.hint}` : ''}`;
    expect(text.trim().split('\n').length).toBeLessThanOrEqual(2);
    return text;
  }

  const cases: [string, () => Partial<CheckOptions>, RegExp][] = [
    ['a missing template', () => ({ template: [join(dir, 'nope.yaml')] }), /template not found: .*nope\.yaml/],
    ['malformed YAML', () => ({ template: [write('bad.yaml', 'Resources:\n  Q:\n    Type: [AWS::SQS::Queue\n')] }), /bad\.yaml:\d+:\d+: malformed YAML: /],
    ['malformed JSON', () => ({ template: [write('bad.json', '{"Resources": {"Q": ')] }), /bad\.json:1:\d+: malformed JSON: /],
    ['not a template', () => ({ template: [write('policy.json', policyDoc({ Effect: 'Allow', Action: '*', Resource: '*' }))] }), /policy\.json: not a CloudFormation template: it has no Resources section/],
    ['a directory without cdk.out', () => ({ template: [mkdtempSync(join(tmpdir(), 'awsperm-empty-'))] }), /neither a cdk\.out/],
    ['an unknown manifest version', () => ({ template: [assembly('v999', { version: '999.0.0', artifacts: {} })] }), /cloud assembly manifest version 999\.0\.0 is newer than awsperm understands/],
    ['a missing stack template', () => ({ template: [assembly('nostack', stackManifest)] }), /stack S: its template S\.template\.json is missing/],
    ['a missing nested template', () => ({ template: [assembly('nonested', stackManifest, { 'S.template.json': nested })] }), /nested stack S\/N: its template N\.nested\.template\.json is missing/],
    ['a missing cfnSchemas path', () => ({ template: [cdkOut], cfnSchemas: [join(dir, 'no-schemas.zip')] }), /no-schemas\.zip/],
  ];
  for (const [what, options, pattern] of cases) {
    it(`check and policy reject ${what}`, async () => {
      expect(await failure(check({ cwd: cwd(), env: env(), ...options(), policy: [admin] }))).toMatch(pattern);
      expect(await failure(policy({ cwd: cwd(), env: env(), ...options() }))).toMatch(pattern);
    });
  }

  it('reads templates before looking for credentials: bad template input fails as usage even without any', async () => {
    expect(await failure(check({ cwd: cwd(), env: env(), template: [write('late.yaml', 'Resources: [\n')] }))).toMatch(/late\.yaml:\d+:\d+: malformed YAML/);
    expect(await failure(check({ cwd: cwd(), env: env(), template: [cdkOut], cfnSchemas: [join(dir, 'missing.zip')] }))).toMatch(/missing\.zip/);
  });

  it('--action with --template is refused', async () => {
    expect(await failure(check({ cwd: cwd(), env: env(), action: ['s3:GetObject'], template: [cdkOut], policy: [admin] }))).toMatch(/the action option checks ad-hoc actions; check templates without it/);
  });

  it('never echoes a template’s content in an error', async () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const file = write('secret.yaml', `Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: {Tags: [${secret}\n`);
    expect(await failure(policy({ cwd: cwd(), env: env(), template: [file] }))).not.toContain(secret);
    expect(readFileSync(file, 'utf8')).toContain(secret);
  });
});
