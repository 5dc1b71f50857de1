// What `awsperm policy|check --tool up` compute, run in process through core's session API (the CLI only parses the
// flags into these options and renders): Up's documented and precise policies, offline checks and their text and
// markdown reports, the round trip, the awsperm config, up.json errors and the JSON contract. The spawned set (exit
// codes, stderr, flag parsing, --help) stays in packages/cli/test/cli.test.ts.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AwspermError,
  allPolicies,
  type CheckOptions,
  check,
  type PolicyOptions,
  policy,
  renderCheckJson,
  renderCheckMarkdown,
  renderCheckText,
  renderCloudFormation,
  renderPolicyJson,
  renderTerraform,
} from '@awsperm/core';
import { describe, expect, it } from 'vitest';
import { failureOf, sessionEnv, tempFile } from '@awsperm/test-utils/session';
import { up } from '../src/index.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const example = join(root, 'examples/up-app');
const examplePolicy = (name: string) => join(example, 'policies', name);
const fixture = (name: string) => fileURLToPath(new URL(`fixtures/${name}`, import.meta.url));
const schema = JSON.parse(readFileSync(join(root, 'packages/core/schema/report.schema.json'), 'utf8'));
const requiredOf = (def: string): string[] => schema.$defs[def].required;

// The seed's list: Up's "AWS Credentials" page, policy statement 1 (37 actions) and the API Gateway statement.
const seedActions = readFileSync(fixture('up-documented-actions.txt'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter(Boolean);

const env = sessionEnv;

// biome-ignore lint/suspicious/noExplicitAny: JSON output under test
type Json = Record<string, any>;

/** `awsperm policy --tool up`, in process. */
async function policyRun(options: Partial<PolicyOptions> = {}) {
  const report = await policy({ cwd: example, tool: 'up', env: env(), adapters: [up()], ...options });
  return { report, json: JSON.parse(renderPolicyJson(report)) as Json };
}
/** `awsperm check` on an Up project (offline), in process: the report, its JSON, text and markdown. */
async function checkRun(options: Partial<CheckOptions>) {
  const report = await check({ cwd: example, env: env(), adapters: [up()], ...options });
  return { report, json: JSON.parse(renderCheckJson(report)) as Json, text: renderCheckText(report), md: renderCheckMarkdown(report) };
}

describe('policy --tool up', () => {
  it("Up's documented policy with exactly the seed's actions", async () => {
    const { json: out } = await policyRun();
    expect(out.schemaVersion).toBe(1);
    expect(out.tool).toBe('up');
    expect(out.policies).toHaveLength(1);
    const [first, second] = out.policies[0].document.Statement;
    expect(first.Action).toEqual(seedActions);
    expect(first.Resource).toBe('*');
    expect(second).toEqual({ Effect: 'Allow', Action: 'apigateway:*', Resource: 'arn:aws:apigateway:*::/*' });
    expect(out.policies[0].size).toBe(JSON.stringify(out.policies[0].document).length);
    for (const key of requiredOf('policyOutput')) expect(out).toHaveProperty(key);
  });

  it('Terraform and CloudFormation', async () => {
    const { report } = await policyRun();
    const tf = renderTerraform(allPolicies(report));
    expect(tf).toMatch(/resource "aws_iam_policy" "awsperm-up-hello-api-documented" \{/);
    expect(tf).toContain('jsonencode(');
    const cfn = renderCloudFormation(allPolicies(report));
    expect(cfn).toContain('Type: AWS::IAM::ManagedPolicy');
    expect(cfn).toContain('"route53domains:*"');
  });
});

describe('check --tool up (offline)', () => {
  it('passes with an AdministratorAccess-like policy', async () => {
    const { report, json } = await checkRun({ tool: 'up', feature: ['documented'], policy: [examplePolicy('administrator.json')] });
    expect(report.ok).toBe(true);
    expect(json.ok).toBe(true);
    expect(json.mode).toBe('offline');
    expect(json.summary.denied).toBe(0);
    expect(json.summary.required).toBeGreaterThan(1000);
    expect(json.summary.allowed).toBe(json.summary.required);
  });

  it('reports an explicit deny of iam:PassRole with the statement that denied it; markdown marks it', async () => {
    const { report, json, md } = await checkRun({ tool: 'up', feature: ['documented'], policy: [examplePolicy('no-passrole.json')] });
    expect(report.ok).toBe(false);
    const passRole = json.results.find((x: { action: string }) => x.action === 'iam:PassRole');
    expect(passRole.decision).toBe('explicitDeny');
    expect(passRole.matched).toEqual([expect.objectContaining({ sid: 'NoPassRole', statementIndex: 1, effect: 'Deny' })]);
    expect(json.summary.denied).toBe(1);
    expect(md).toMatch(/^## awsperm check: up/);
    expect(md).toMatch(/\| ⛔ \| `iam:PassRole` \| `\*` \|/);
  });

  it('the tool is detected; the --verbose text report is grouped by fragment, denied first, with a summary line', async () => {
    const { report, text: brief } = await checkRun({ feature: ['documented'], policy: [examplePolicy('deployer.json')] });
    expect(report.ok).toBe(false);
    const text = renderCheckText(report, undefined, { verbose: true });
    // The fix comes after the fragments: the explicit deny is a statement to change, which no grant can lift.
    const lines = text.slice(0, text.indexOf('\nFix: ')).split('\n');
    expect(brief).toMatch(/✗ statement 2 \(Sid "NoDomainPurchases"\) of \S+deployer\.json denies route53domains:RegisterDomain[^:]*: narrow or remove it/);
    const firstDenied = lines.findIndex((l) => l.includes('✗'));
    const firstAllowed = lines.findIndex((l) => l.includes('✓'));
    expect(firstDenied).toBeGreaterThan(0);
    expect(firstDenied).toBeLessThan(firstAllowed);
    expect(lines.findLastIndex((l) => l.includes('✗'))).toBeLessThan(firstAllowed);
    expect(text).toMatch(/up\.documented — Up's documented IAM policy/);
    expect(text).toMatch(/✗ ssm:\*\s+\d+ of \d+ matched actions denied/);
    expect(text).toMatch(/explicitly denied by statement 2 \(Sid "NoDomainPurchases"\)[^:]*: route53domains:RegisterDomain/);
    expect(text.split('\n').filter(Boolean).at(-1)).toMatch(/^NOT OK: \d+ required actions checked — \d+ allowed, \d+ denied\.$/);
  });

  it('checks the precise set by default and names what the documented policy grants in vain (--verbose); JSON meets the schema', async () => {
    const { json, report, text: brief } = await checkRun({ policy: [examplePolicy('deployer.json')] });
    expect(brief).not.toContain('The documented policy also grants');
    const text = renderCheckText(report, undefined, { verbose: true });
    expect(text).toContain('policy set: precise');
    expect(text).toMatch(/✗ ec2:DescribeSubnets\s+no statement in the identity policies allows it/);
    expect(text).toMatch(/The documented policy also grants what this app does not need: [^\n]*ecs:\*/);
    expect(text).not.toMatch(/✗ ecs:/);
    for (const key of requiredOf('checkReport')) expect(json).toHaveProperty(key);
    for (const result of json.results) for (const key of requiredOf('result')) expect(result).toHaveProperty(key);
    expect(Object.keys(json.summary).sort()).toEqual(['allowed', 'denied', 'required', 'unknown']);
    expect(json.summary.allowed + json.summary.denied + json.summary.unknown).toBe(json.summary.required);
  });
});

describe('policy --least-privilege round trip', () => {
  it('the generated policy passes the check; without one of its actions the check names that action', async () => {
    const { json } = await policyRun({ leastPrivilege: true, feature: ['logs'] });
    const documents = json.policies.map((p: { document: unknown }) => p.document);
    const ok = await checkRun({ feature: ['logs'], policy: [tempFile('generated.json', JSON.stringify(documents))] });
    expect(ok.report.ok).toBe(true);
    expect(ok.text).toMatch(/^OK: \d+ required actions checked/m);
    const first = documents[0].Statement.find((s: { Action: unknown }) => Array.isArray(s.Action));
    const removed = first.Action.pop();
    const bad = await checkRun({ feature: ['logs'], policy: [tempFile('reduced.json', JSON.stringify(documents))] });
    expect(bad.report.ok).toBe(false);
    const denied = bad.json.results.filter((r: { decision: string }) => r.decision !== 'allowed');
    expect([...new Set(denied.map((r: { action: string }) => r.action))]).toEqual([removed]);
  });
});

/** The error a session call failed with, as the CLI prints it; it must be a usage or config error (exit 2). */
async function failure(run: Promise<unknown>): Promise<string> {
  const { error, text } = await failureOf(run, AwspermError.is);
  expect(['usage', 'config']).toContain(error.kind);
  return text;
}

describe('the awsperm config file and up.json errors', () => {
  function projectWith(config: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'awsperm-up-cfg-'));
    writeFileSync(join(dir, 'package.json'), '{"name":"app"}');
    writeFileSync(join(dir, 'up.json'), '{ "name": "cfg-app", "regions": ["eu-west-1"] }');
    writeFileSync(join(dir, '.awspermrc.json'), config);
    return dir;
  }

  it('applies features, extra policies and the default tool', async () => {
    const dir = projectWith(
      JSON.stringify({
        features: ['logs'],
        extraPolicies: [{ id: 'team.read-secrets', title: 'Read the app secret', statements: [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*' }] }],
      }),
    );
    const { report, json } = await checkRun({ cwd: dir, policy: [examplePolicy('administrator.json')] });
    expect(report.ok).toBe(true);
    expect(json.fragments.map((f: { id: string }) => f.id)).toEqual(expect.arrayContaining(['up.logs', 'team.read-secrets']));
  });

  it('rejects an invalid config naming the file and key, and a malformed one', async () => {
    expect(await failure(checkRun({ cwd: projectWith('{ "acounts": {} }'), policy: [examplePolicy('administrator.json')] }))).toMatch(/\.awspermrc\.json: unknown key "acounts"/);
    expect(await failure(checkRun({ cwd: projectWith('{ "tool": '), policy: [examplePolicy('administrator.json')] }))).toMatch(/cannot load the awsperm config/);
  });

  it('rejects an invalid up.json name and a malformed up.json', async () => {
    expect(await failure(checkRun({ cwd: fixture('bad-up-name'), policy: [examplePolicy('administrator.json')] }))).toMatch(/\.name: "Hello_API" is invalid/);
    expect(await failure(checkRun({ cwd: fixture('bad-up-json'), policy: [examplePolicy('administrator.json')] }))).toMatch(/up\.json:4:1: malformed JSON/);
  });
});

describe('request context (issue 17)', () => {
  const policyWith = (passRole: object) =>
    tempFile('p.json', JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', NotAction: 'iam:PassRole', Resource: '*' }, { Effect: 'Allow', Action: 'iam:PassRole', Resource: '*', ...passRole }] }));
  const passRoleResults = (report: Awaited<ReturnType<typeof check>>) => report.results.filter((r) => r.action === 'iam:PassRole');

  it('a correct iam:PassRole with iam:PassedToService lambda.amazonaws.com passes, precise and documented', async () => {
    const file = policyWith({ Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } } });
    const { report } = await checkRun({ policy: [file] });
    expect(report.ok).toBe(true);
    expect(passRoleResults(report).map((r) => [r.decision, r.context])).toEqual([['allowed', { 'iam:PassedToService': 'lambda.amazonaws.com' }]]);
    expect((await checkRun({ policy: [file], feature: ['documented'] })).report.ok).toBe(true);
    // Passing the role to another service is not what Up does: that policy does not satisfy it.
    const ecs = policyWith({ Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } } });
    expect(passRoleResults((await checkRun({ policy: [ecs] })).report).map((r) => r.decision)).toEqual(['implicitDeny']);
  });

  it('a condition on a key awsperm cannot know depends on context, naming it; the context decides it both ways', async () => {
    const file = policyWith({ Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } });
    const { report } = await checkRun({ policy: [file] });
    expect(report.ok).toBe(false);
    const [pass] = passRoleResults(report);
    expect(pass).toMatchObject({ decision: 'unknown', contextKeys: ['aws:SourceIp'] });
    expect(pass!.reason).toContain('aws:SourceIp');
    expect((await checkRun({ policy: [file], context: ['aws:SourceIp=203.0.113.9'] })).report.ok).toBe(true);
    const outside = (await checkRun({ policy: [file], context: { 'aws:SourceIp': '198.51.100.1' } })).report;
    expect(outside.ok).toBe(false);
    expect(passRoleResults(outside).map((r) => r.decision)).toEqual(['implicitDeny']);
  });

  it('explicit context wins over what awsperm fills in', async () => {
    const file = policyWith({ Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } } });
    const { report } = await checkRun({ policy: [file], context: ['iam:PassedToService=ec2.amazonaws.com'] });
    expect(passRoleResults(report).map((r) => r.decision)).toEqual(['implicitDeny']);
  });

  it('reads the config\'s context; --context wins over it; a wrong value is a usage error', async () => {
    const file = policyWith({ Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } });
    const dir = mkdtempSync(join(tmpdir(), 'awsperm-up-ctx-'));
    writeFileSync(join(dir, 'package.json'), '{"name":"app"}');
    writeFileSync(join(dir, 'up.json'), '{ "name": "ctx-app", "regions": ["eu-west-1"] }');
    writeFileSync(join(dir, '.awspermrc.json'), JSON.stringify({ context: { 'aws:SourceIp': '203.0.113.7' } }));
    expect((await checkRun({ cwd: dir, policy: [file] })).report.ok).toBe(true);
    expect((await checkRun({ cwd: dir, policy: [file], context: ['aws:SourceIp=10.0.0.1'] })).report.ok).toBe(false);
    expect(await failure(checkRun({ policy: [file], context: ['aws:SourceIp=300.1.2.3'] }))).toMatch(/^request context aws:SourceIp: expected an IP address or CIDR .*, got "300\.1\.2\.3"/);
    writeFileSync(join(dir, '.awspermrc.json'), JSON.stringify({ context: { 'aws:MultiFactorAuthPresent': 'yes' } }));
    expect(await failure(checkRun({ cwd: dir, policy: [file] }))).toMatch(/\.awspermrc\.json: request context aws:MultiFactorAuthPresent: expected true or false, got "yes"/);
  });
});
