// What `awsperm check --action` (ad hoc) and `--authorization-details` compute, and the errors bad policy input
// raises, run in process through the session API. The spawned set (exit codes, stderr, flag parsing) stays in
// packages/cli/test/cli.test.ts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { failureOf, policyDoc, sessionEnv, tempFile } from '@awsperm/test-utils/session';
import { AwspermError, type CheckOptions, check, renderCheckJson, renderCheckText } from '../src/index.ts';

const details = fileURLToPath(new URL('fixtures/authorization-details.json', import.meta.url));
const admin = fileURLToPath(new URL('../../../examples/up-app/policies/administrator.json', import.meta.url));
const env = sessionEnv;
const cwd = (): string => mkdtempSync(join(tmpdir(), 'awsperm-adhoc-'));


// biome-ignore lint/suspicious/noExplicitAny: JSON output under test
type Json = Record<string, any>;

/** `awsperm check` without a tool, in process: the report, its JSON and its text, and the warnings. */
async function checkRun(options: Partial<CheckOptions>) {
  const warnings: string[] = [];
  const report = await check({ cwd: cwd(), env: env(), ...options, log: { warn: (m) => warnings.push(m) } });
  return { report, json: JSON.parse(renderCheckJson(report)) as Json, text: renderCheckText(report), warnings };
}

/** The error a session call failed with, as the CLI prints it (message, then hint), and its kind. */
async function failure(run: Promise<unknown>): Promise<{ text: string; kind: string }> {
  const { error, text } = await failureOf(run, AwspermError.is);
  return { text, kind: error.kind };
}

describe('check() with ad-hoc actions (--action)', () => {
  it('lists the denied actions of a partly allowed wildcard requirement', async () => {
    const file = tempFile('p.json', policyDoc({ Effect: 'Allow', Action: ['*'], Resource: '*' }, { Effect: 'Deny', Action: ['lambda:GetFunction', 'lambda:GetAlias'], Resource: '*' }));
    const { report, json, text } = await checkRun({ action: ['lambda:Get*'], policy: [file] });
    expect(report.ok).toBe(false);
    expect(text).toMatch(/lambda:Get\*\s+2 of \d+ matched actions denied/);
    expect(text).toContain('lambda:GetAlias');
    expect(text).toContain('lambda:GetFunction');
    const denied = json.results.filter((x: { decision: string }) => x.decision !== 'allowed');
    expect(denied.map((x: { action: string }) => x.action).sort()).toEqual(['lambda:GetAlias', 'lambda:GetFunction']);
    expect(denied.every((x: { expandedFrom: string }) => x.expandedFrom === 'lambda:Get*')).toBe(true);
  });

  it('allows an action on a matching resource and denies it elsewhere', async () => {
    const file = tempFile('p.json', policyDoc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/*' }));
    const ok = await checkRun({ action: ['s3:GetObject'], resource: 'arn:aws:s3:::bucket/key', policy: [file] });
    expect(ok.report.ok).toBe(true);
    expect(ok.text).toMatch(/^OK: 1 required action checked/m);
    const other = await checkRun({ action: ['s3:GetObject'], resource: 'arn:aws:s3:::other/key', policy: [file] });
    expect(other.report.ok).toBe(false);
    expect(other.json.results[0].decision).toBe('implicitDeny');
  });

  it('checks several actions in order', async () => {
    const file = tempFile('p.json', policyDoc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }));
    const { report, json } = await checkRun({ action: ['s3:GetObject', 's3:PutObject', 'sqs:SendMessage'], policy: [file] });
    expect(json.results.map((x: { action: string; decision: string }) => `${x.action}=${x.decision}`)).toEqual(['s3:GetObject=allowed', 's3:PutObject=allowed', 'sqs:SendMessage=implicitDeny']);
    expect(report.ok).toBe(false);
  });

  it('reports a conditional allow as depending on context, never as allowed', async () => {
    const file = tempFile('p.json', policyDoc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }));
    const { report, json } = await checkRun({ action: ['s3:GetObject'], policy: [file] });
    expect(report.ok).toBe(false);
    expect(json.results[0].decision).toBe('unknown');
    expect(json.results[0].contextKeys).toEqual(['aws:MultiFactorAuthPresent']);
  });

  it('decides conditions on what awsperm knows: HTTPS, the requested region', async () => {
    const file = tempFile(
      'p.json',
      policyDoc(
        { Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } },
        { Effect: 'Deny', NotAction: 'iam:*', Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1'] } } },
      ),
    );
    const inRegion = await checkRun({ action: ['s3:GetObject'], region: 'eu-west-1', policy: [file] });
    expect(inRegion.json.results[0].decision).toBe('allowed');
    expect(inRegion.report.ok).toBe(true);
    expect((await checkRun({ action: ['s3:GetObject'], region: 'us-east-1', policy: [file] })).json.results[0].decision).toBe('explicitDeny');
    expect((await checkRun({ action: ['s3:GetObject'], policy: [file] })).json.results[0]).toMatchObject({ decision: 'unknown', contextKeys: ['aws:RequestedRegion'] });
  });

  it('warns about an action missing from the catalogue but still checks it', async () => {
    const file = tempFile('p.json', policyDoc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }));
    const { report, warnings } = await checkRun({ action: ['s3:GetObjekt'], policy: [file] });
    expect(report.ok).toBe(true);
    expect(warnings.join('\n')).toMatch(/s3:GetObjekt is not in the IAM action catalogue/);
  });
});

describe('check() with --authorization-details', () => {
  it('a user whose group grants lambda:* and whose boundary omits lambda:DeleteFunction: denied, the boundary named', async () => {
    const { report, json } = await checkRun({ action: ['lambda:CreateFunction', 'lambda:DeleteFunction', 's3:GetObject'], authorizationDetails: details, principal: 'arn:aws:iam::123456789012:user/deployer' });
    expect(report.ok).toBe(false);
    const by = Object.fromEntries(json.results.map((x: { action: string; decision: string }) => [x.action, x.decision]));
    expect(by).toEqual({ 'lambda:CreateFunction': 'allowed', 'lambda:DeleteFunction': 'implicitDeny', 's3:GetObject': 'allowed' });
    expect(json.results.find((x: { action: string }) => x.action === 'lambda:DeleteFunction').reason).toMatch(/permission boundary/);
  });

  it('maps an assumed-role session to its role', async () => {
    const { report, json } = await checkRun({ action: ['cloudformation:CreateStack'], authorizationDetails: details, principal: 'arn:aws:sts::123456789012:assumed-role/ci-deploy/run-42' });
    expect(report.ok).toBe(true);
    expect(json.subject).toMatch(/^arn:aws:iam::123456789012:role\/ci-deploy/);
  });
});

describe('bad input: AwspermErrors of one or two lines (exit 2 unless said)', () => {
  const cases: [string, () => Partial<CheckOptions>, RegExp, string?][] = [
    ['malformed JSON policy', () => ({ action: ['s3:GetObject'], policy: [tempFile('bad.json', '{\n  "Version": "2012-10-17",\n  "Statement": [ { "Effect": "Allow", } ]\n}\n')] }), /bad\.json:3:\d+: malformed JSON/],
    ['empty policy file', () => ({ action: ['s3:GetObject'], policy: [tempFile('empty.json', '')] }), /malformed JSON: the file is empty/],
    ['policy without Statement', () => ({ action: ['s3:GetObject'], policy: [tempFile('p.json', '{"Version":"2012-10-17"}')] }), /no "Statement" element/],
    ['Effect not Allow/Deny', () => ({ action: ['s3:GetObject'], policy: [tempFile('p.json', policyDoc({ Effect: 'Permit', Action: '*', Resource: '*' }))] }), /statement 1: Effect must be "Allow" or "Deny", not "Permit"/],
    ['Action not string/array', () => ({ action: ['s3:GetObject'], policy: [tempFile('p.json', policyDoc({ Effect: 'Allow', Action: 42, Resource: '*' }))] }), /Action must be a string or an array of strings, not a number/],
    ['missing policy file', () => ({ action: ['s3:GetObject'], policy: ['/nonexistent/policy.json'] }), /policy file not found: \/nonexistent\/policy\.json/],
    ['unknown tool', () => ({ tool: 'nosuchtool', policy: [admin] }), /unknown tool "nosuchtool"/],
    ['not an action', () => ({ action: ['s3GetObject'], policy: [admin] }), /"s3GetObject" is not an IAM action/],
    ['wildcard matching nothing', () => ({ action: ['s3:Nothing*'], policy: [admin] }), /matches no action in the IAM action catalogue/],
    ['unknown service', () => ({ action: ['foo:*'], policy: [admin] }), /unknown service prefix "foo"/],
    ['no tool detected', () => ({ policy: [admin] }), /no supported project found/],
    ['authorization details without principal', () => ({ action: ['s3:GetObject'], authorizationDetails: details }), /the authorizationDetails option needs the principal option/],
    ['unknown principal', () => ({ action: ['s3:GetObject'], authorizationDetails: details, principal: 'arn:aws:iam::123456789012:user/nobody' }), /no user or role arn:aws:iam::123456789012:user\/nobody/],
    ['offline mode without policy input', () => ({ action: ['s3:GetObject'], mode: 'offline' }), /the mode option "offline" needs the policy option/],
    ['no policy input and no credentials', () => ({ action: ['s3:GetObject'], endpointUrl: 'http://127.0.0.1:9' }), /credentials/i, 'unavailable'],
  ];
  it.each(cases)('%s', async (_name, options, pattern, kind) => {
    const e = await failure(check({ cwd: cwd(), env: env(), ...options() }));
    expect(e.text).toMatch(pattern);
    expect(e.kind).toEqual(kind ?? expect.stringMatching(/^(usage|config)$/));
  });

  it('never echoes file content in an error', async () => {
    const file = tempFile('secret.json', '{"aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" oops}');
    const e = await failure(check({ cwd: cwd(), env: env(), action: ['s3:GetObject'], policy: [file] }));
    expect(e.text).not.toContain('wJalrXUtnFEMI');
  });
});
