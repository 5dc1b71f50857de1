import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPolicyJson } from '@awsperm/core';
import { awsperm, policy, root, tempFile } from './helpers.ts';

const example = join(root, 'examples/up-app');
const fixtures = join(root, 'packages/cli/test/fixtures');
const examplePolicy = (name: string) => join(example, 'policies', name);

// The seed's list: Up's "AWS Credentials" page, policy statement 1 (37 actions) and the API Gateway statement.
const seedActions = readFileSync(join(root, 'packages/cli/test/fixtures/up-documented-actions.txt'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter(Boolean);

/** Asserts an error run: the exit code, a short message without a stack trace, and nothing on stdout. */
function expectError(result: ReturnType<typeof awsperm>, code: number, pattern: RegExp): void {
  expect(result.code).toBe(code);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
}

describe('awsperm policy --tool up', () => {
  it("prints Up's documented policy with exactly the seed's actions", () => {
    const r = awsperm(['policy', '--tool', 'up', '--cwd', example, '--format', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.schemaVersion).toBe(1);
    expect(out.tool).toBe('up');
    expect(out.policies).toHaveLength(1);
    const [first, second] = out.policies[0].document.Statement;
    expect(first.Action).toEqual(seedActions);
    expect(first.Resource).toBe('*');
    expect(second).toEqual({ Effect: 'Allow', Action: 'apigateway:*', Resource: 'arn:aws:apigateway:*::/*' });
    expect(out.policies[0].size).toBe(JSON.stringify(out.policies[0].document).length);
  });

  it('prints Terraform and CloudFormation', () => {
    const tf = awsperm(['policy', '--tool', 'up', '--cwd', example, '--format', 'terraform']);
    expect(tf.code).toBe(0);
    expect(tf.stdout).toMatch(/resource "aws_iam_policy" "awsperm-up-hello-api-documented" \{/);
    expect(tf.stdout).toContain('jsonencode(');
    const cfn = awsperm(['policy', '--tool', 'up', '--cwd', example, '--format', 'cloudformation']);
    expect(cfn.code).toBe(0);
    expect(cfn.stdout).toContain('Type: AWS::IAM::ManagedPolicy');
    expect(cfn.stdout).toContain('"route53domains:*"');
  });

  it('prints the precise policy of another adapter too (SST)', () => {
    const r = awsperm(['policy', '--tool', 'sst', '--cwd', join(fixtures, 'both-tools'), '--least-privilege']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).kind).toBe('precise');
  });
});

describe('awsperm check --tool up (offline)', () => {
  it('passes with an AdministratorAccess-like policy', () => {
    const r = awsperm(['check', '--tool', 'up', '--cwd', example, '--feature', 'documented', '--policy', examplePolicy('administrator.json'), '--format', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.ok).toBe(true);
    expect(report.mode).toBe('offline');
    expect(report.summary.denied).toBe(0);
    expect(report.summary.required).toBeGreaterThan(1000);
    expect(report.summary.allowed).toBe(report.summary.required);
  });

  it('reports an explicit deny of iam:PassRole with the statement that denied it', () => {
    const r = awsperm(['check', '--tool', 'up', '--cwd', example, '--feature', 'documented', '--policy', examplePolicy('no-passrole.json'), '--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.ok).toBe(false);
    const passRole = report.results.find((x: { action: string }) => x.action === 'iam:PassRole');
    expect(passRole.decision).toBe('explicitDeny');
    expect(passRole.matched).toEqual([expect.objectContaining({ sid: 'NoPassRole', statementIndex: 1, effect: 'Deny' })]);
    expect(report.summary.denied).toBe(1);
  });

  it('groups the text report by fragment, denied first, with a summary line', () => {
    const r = awsperm(['check', '--cwd', example, '--feature', 'documented', '--policy', examplePolicy('deployer.json')]);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    const firstDenied = lines.findIndex((l) => l.includes('✗'));
    const firstAllowed = lines.findIndex((l) => l.includes('✓'));
    expect(firstDenied).toBeGreaterThan(0);
    expect(firstDenied).toBeLessThan(firstAllowed);
    expect(lines.findLastIndex((l) => l.includes('✗'))).toBeLessThan(firstAllowed);
    expect(r.stdout).toMatch(/up\.documented — Up's documented IAM policy/);
    expect(r.stdout).toMatch(/✗ ssm:\*\s+\d+ of 164 matched actions denied|✗ ssm:\*\s+\d+ of \d+ matched actions denied/);
    expect(r.stdout).toMatch(/explicitly denied by statement 2 \(Sid "NoDomainPurchases"\)[^:]*: route53domains:RegisterDomain/);
    expect(lines.filter(Boolean).at(-1)).toMatch(/^NOT OK: \d+ required actions checked — \d+ allowed, \d+ denied\.$/);
  });

  it('lists the denied actions of a partly allowed wildcard requirement', () => {
    const file = tempFile('p.json', policy({ Effect: 'Allow', Action: ['*'], Resource: '*' }, { Effect: 'Deny', Action: ['lambda:GetFunction', 'lambda:GetAlias'], Resource: '*' }));
    const r = awsperm(['check', '--action', 'lambda:Get*', '--policy', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/lambda:Get\*\s+2 of \d+ matched actions denied/);
    expect(r.stdout).toContain('lambda:GetAlias');
    expect(r.stdout).toContain('lambda:GetFunction');
    const json = JSON.parse(awsperm(['check', '--action', 'lambda:Get*', '--policy', file, '--format', 'json']).stdout);
    const denied = json.results.filter((x: { decision: string }) => x.decision !== 'allowed');
    expect(denied.map((x: { action: string }) => x.action).sort()).toEqual(['lambda:GetAlias', 'lambda:GetFunction']);
    expect(denied.every((x: { expandedFrom: string }) => x.expandedFrom === 'lambda:Get*')).toBe(true);
  });

  it('renders markdown', () => {
    const r = awsperm(['check', '--cwd', example, '--feature', 'documented', '--policy', examplePolicy('no-passrole.json'), '--format', 'markdown']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^## awsperm check: up/);
    expect(r.stdout).toMatch(/\| ⛔ \| `iam:PassRole` \| `\*` \|/);
  });

  it('checks the precise set by default and names what the documented policy grants in vain', () => {
    const r = awsperm(['check', '--cwd', example, '--policy', examplePolicy('deployer.json')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('precise policy');
    expect(r.stdout).toMatch(/✗ ec2:DescribeSubnets\s+no statement in the identity policies allows it/);
    expect(r.stdout).toMatch(/The documented policy also grants what this app does not need: [^\n]*ecs:\*/);
    expect(r.stdout).not.toMatch(/✗ ecs:/);
  });
});

describe('awsperm policy --least-privilege round trip', () => {
  it('the generated policy passes the check; without one of its actions the check names that action', () => {
    const out = awsperm(['policy', '--tool', 'up', '--cwd', example, '--least-privilege', '--feature', 'logs']);
    expect(out.code).toBe(0);
    const { policies } = JSON.parse(out.stdout);
    const documents = policies.map((p: { document: unknown }) => p.document);
    const ok = awsperm(['check', '--cwd', example, '--feature', 'logs', '--policy', tempFile('generated.json', JSON.stringify(documents))]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^OK: \d+ required actions checked/m);
    const first = documents[0].Statement.find((s: { Action: unknown }) => Array.isArray(s.Action));
    const removed = first.Action.pop();
    const bad = awsperm(['check', '--cwd', example, '--feature', 'logs', '--policy', tempFile('reduced.json', JSON.stringify(documents)), '--format', 'json']);
    expect(bad.code).toBe(1);
    const denied = JSON.parse(bad.stdout).results.filter((r: { decision: string }) => r.decision !== 'allowed');
    expect([...new Set(denied.map((r: { action: string }) => r.action))]).toEqual([removed]);
  });
});

describe('awsperm check --action (ad hoc)', () => {
  it('allows an action on a matching resource and denies it elsewhere', () => {
    const file = tempFile('p.json', policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/*' }));
    const ok = awsperm(['check', '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::bucket/key', '--policy', file]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^OK: 1 required action checked/m);
    const other = awsperm(['check', '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::other/key', '--policy', file, '--format', 'json']);
    expect(other.code).toBe(1);
    expect(JSON.parse(other.stdout).results[0].decision).toBe('implicitDeny');
  });

  it('accepts comma-separated and repeated --action', () => {
    const file = tempFile('p.json', policy({ Effect: 'Allow', Action: 's3:*', Resource: '*' }));
    const r = awsperm(['check', '--action', 's3:GetObject,s3:PutObject', '--action', 'sqs:SendMessage', '--policy', file, '--format', 'json']);
    const report = JSON.parse(r.stdout);
    expect(report.results.map((x: { action: string; decision: string }) => `${x.action}=${x.decision}`)).toEqual([
      's3:GetObject=allowed',
      's3:PutObject=allowed',
      'sqs:SendMessage=implicitDeny',
    ]);
    expect(r.code).toBe(1);
  });

  it('reports a conditional allow as depending on context, never as allowed', () => {
    const file = tempFile('p.json', policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }));
    const r = awsperm(['check', '--action', 's3:GetObject', '--policy', file, '--format', 'json']);
    expect(r.code).toBe(1);
    const [result] = JSON.parse(r.stdout).results;
    expect(result.decision).toBe('unknown');
    expect(result.contextKeys).toEqual(['aws:MultiFactorAuthPresent']);
  });

  it('decides conditions on what awsperm knows: HTTPS, the requested region', () => {
    const file = tempFile('p.json', policy(
      { Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } },
      { Effect: 'Deny', NotAction: 'iam:*', Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1'] } } },
    ));
    const inRegion = awsperm(['check', '--action', 's3:GetObject', '--region', 'eu-west-1', '--policy', file, '--format', 'json']);
    expect(JSON.parse(inRegion.stdout).results[0].decision).toBe('allowed');
    expect(inRegion.code).toBe(0);
    const elsewhere = awsperm(['check', '--action', 's3:GetObject', '--region', 'us-east-1', '--policy', file, '--format', 'json']);
    expect(JSON.parse(elsewhere.stdout).results[0].decision).toBe('explicitDeny');
    const noRegion = awsperm(['check', '--action', 's3:GetObject', '--policy', file, '--format', 'json']);
    expect(JSON.parse(noRegion.stdout).results[0]).toMatchObject({ decision: 'unknown', contextKeys: ['aws:RequestedRegion'] });
  });

  it('warns about an action missing from the catalogue but still checks it', () => {
    const file = tempFile('p.json', policy({ Effect: 'Allow', Action: 's3:*', Resource: '*' }));
    const r = awsperm(['check', '--action', 's3:GetObjekt', '--policy', file]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/s3:GetObjekt is not in the IAM action catalogue/);
  });
});

describe('awsperm check --authorization-details', () => {
  const details = join(fixtures, 'authorization-details.json');
  it('a user whose group grants lambda:* and whose boundary omits lambda:DeleteFunction: denied, the boundary named', () => {
    const r = awsperm(['check', '--action', 'lambda:CreateFunction,lambda:DeleteFunction,s3:GetObject', '--authorization-details', details, '--principal', 'arn:aws:iam::123456789012:user/deployer', '--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    const by = Object.fromEntries(report.results.map((x: { action: string; decision: string }) => [x.action, x.decision]));
    expect(by).toEqual({ 'lambda:CreateFunction': 'allowed', 'lambda:DeleteFunction': 'implicitDeny', 's3:GetObject': 'allowed' });
    const del = report.results.find((x: { action: string }) => x.action === 'lambda:DeleteFunction');
    expect(del.reason).toMatch(/permission boundary/);
  });

  it('maps an assumed-role session to its role', () => {
    const r = awsperm(['check', '--action', 'cloudformation:CreateStack', '--authorization-details', details, '--principal', 'arn:aws:sts::123456789012:assumed-role/ci-deploy/run-42', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).subject).toMatch(/^arn:aws:iam::123456789012:role\/ci-deploy/);
  });
});

describe('bad input', () => {
  const good = examplePolicy('administrator.json');
  const cases: [string, string[], number, RegExp][] = [
    ['malformed JSON policy', ['check', '--action', 's3:GetObject', '--policy', tempFile('bad.json', '{\n  "Version": "2012-10-17",\n  "Statement": [ { "Effect": "Allow", } ]\n}\n')], 2, /bad\.json:3:\d+: malformed JSON/],
    ['empty policy file', ['check', '--action', 's3:GetObject', '--policy', tempFile('empty.json', '')], 2, /malformed JSON: the file is empty/],
    ['policy without Statement', ['check', '--action', 's3:GetObject', '--policy', tempFile('p.json', '{"Version":"2012-10-17"}')], 2, /no "Statement" element/],
    ['Effect not Allow/Deny', ['check', '--action', 's3:GetObject', '--policy', tempFile('p.json', policy({ Effect: 'Permit', Action: '*', Resource: '*' }))], 2, /statement 1: Effect must be "Allow" or "Deny", not "Permit"/],
    ['Action not string/array', ['check', '--action', 's3:GetObject', '--policy', tempFile('p.json', policy({ Effect: 'Allow', Action: 42, Resource: '*' }))], 2, /Action must be a string or an array of strings, not a number/],
    ['missing policy file', ['check', '--action', 's3:GetObject', '--policy', '/nonexistent/policy.json'], 2, /policy file not found: \/nonexistent\/policy\.json/],
    ['unknown flag', ['check', '--polcy', good], 2, /Unknown option `--polcy`/],
    ['unknown command', ['chekc'], 2, /unknown command "chekc"/],
    ['unknown tool', ['check', '--tool', 'serverless', '--policy', good], 2, /unknown tool "serverless"/],
    ['empty action list', ['check', '--action', ',', '--policy', good], 2, /--action has an empty entry/],
    ['action without a value', ['check', '--action', '--policy', good], 2, /option `--action <actions>` value is missing/],
    ['not an action', ['check', '--action', 's3GetObject', '--policy', good], 2, /"s3GetObject" is not an IAM action/],
    ['wildcard matching nothing', ['check', '--action', 's3:Nothing*', '--policy', good], 2, /matches no action in the IAM action catalogue/],
    ['unknown service', ['check', '--action', 'foo:*', '--policy', good], 2, /unknown service prefix "foo"/],
    ['bad format', ['check', '--action', 's3:GetObject', '--policy', good, '--format', 'yaml'], 2, /--format must be one of text, json, markdown/],
    ['no tool detected', ['check', '--cwd', join(fixtures, 'empty'), '--policy', good], 2, /no supported project found/],
    ['two tools detected', ['check', '--cwd', join(fixtures, 'both-tools'), '--policy', good], 2, /several tools detected/],
    ['invalid up.json name', ['check', '--cwd', join(fixtures, 'bad-up-name'), '--policy', good], 2, /\.name: "Hello_API" is invalid/],
    ['malformed up.json', ['check', '--cwd', join(fixtures, 'bad-up-json'), '--policy', good], 2, /up\.json:4:1: malformed JSON/],
    ['authorization details without principal', ['check', '--action', 's3:GetObject', '--authorization-details', join(fixtures, 'authorization-details.json')], 2, /needs --principal/],
    ['unknown principal', ['check', '--action', 's3:GetObject', '--authorization-details', join(fixtures, 'authorization-details.json'), '--principal', 'arn:aws:iam::123456789012:user/nobody'], 2, /no user or role arn:aws:iam::123456789012:user\/nobody/],
    ['no policy input and no credentials', ['check', '--action', 's3:GetObject'], 3, /credentials/i],
    ['offline mode without policy input', ['check', '--action', 's3:GetObject', '--mode', 'offline'], 2, /--mode offline needs --policy/],
  ];
  it.each(cases)('%s → a short message', (_name, args, code, pattern) => {
    expectError(awsperm(args), code, pattern);
  });

  it('never echoes file content in a JSON error', () => {
    const file = tempFile('secret.json', '{"aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" oops}');
    const r = awsperm(['check', '--action', 's3:GetObject', '--policy', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('wJalrXUtnFEMI');
  });

  it('shows a stack trace only with --debug', () => {
    const r = awsperm(['check', '--action', 's3:GetObject', '--policy', '/nonexistent.json', '--debug']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});

describe('awsperm config file', () => {
  function projectWith(config: string): string {
    const dir = join(tempFile('package.json', '{"name":"app"}'), '..');
    writeFileSync(join(dir, 'up.json'), '{ "name": "cfg-app", "regions": ["eu-west-1"] }');
    writeFileSync(join(dir, '.awspermrc.json'), config);
    return dir;
  }
  it('applies features, extra policies and the default tool', () => {
    const dir = projectWith(JSON.stringify({
      features: ['logs'],
      extraPolicies: [{ id: 'team.read-secrets', title: 'Read the app secret', statements: [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*' }] }],
    }));
    const r = awsperm(['check', '--cwd', dir, '--policy', examplePolicy('administrator.json'), '--format', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.fragments.map((f: { id: string }) => f.id)).toEqual(expect.arrayContaining(['up.logs', 'team.read-secrets']));
  });
  it('rejects an invalid config with exit 2 naming the file and key', () => {
    const dir = projectWith('{ "acounts": {} }');
    expectError(awsperm(['check', '--cwd', dir, '--policy', examplePolicy('administrator.json')]), 2, /\.awspermrc\.json: unknown key "acounts"/);
  });
  it('rejects a malformed config file with exit 2', () => {
    const dir = projectWith('{ "tool": ');
    expectError(awsperm(['check', '--cwd', dir, '--policy', examplePolicy('administrator.json')]), 2, /cannot load the awsperm config/);
  });
});

describe('awsperm lint', () => {
  it('reports s3:GetObjekt and foo:* and exits 1', () => {
    const file = tempFile('p.json', policy({ Effect: 'Allow', Action: ['s3:GetObjekt', 'foo:*'], Resource: '*' }));
    const r = awsperm(['lint', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/statement 1: error: unknown action "s3:GetObjekt" \(did you mean s3:GetObject\?\)/);
    expect(r.stdout).toMatch(/statement 1: error: unknown service prefix "foo" in "foo:\*"/);
    expect(r.stdout).toMatch(/^2 errors, 0 warnings in 1 file$/m);
    const json = JSON.parse(awsperm(['lint', file, '--format', 'json']).stdout);
    expect(json.summary).toEqual({ errors: 2, warnings: 0 });
    expect(json.ok).toBe(false);
  });
  it('exits 0 on warnings only', () => {
    const file = tempFile('p.json', policy({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }));
    const r = awsperm(['lint', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/warning: Allow with NotAction/);
  });
  it('exits 2 without files or on a malformed file', () => {
    expectError(awsperm(['lint']), 2, /lint needs at least one policy file/);
    expectError(awsperm(['lint', tempFile('bad.json', '{')]), 2, /bad\.json:1:2: malformed JSON/);
  });
});

describe('help and version', () => {
  it('--help lists the commands and exits 0', () => {
    const r = awsperm(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/check\s+Check that a principal has every permission/);
    expect(r.stdout).toMatch(/policy\s+Print the IAM policy/);
  });
  it('check --help explains exit codes and options', () => {
    const r = awsperm(['check', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--authorization-details <file>');
    expect(r.stdout).toMatch(/Exit codes: 0 all allowed/);
  });
  it('check --help prints the same read permissions as the allow-list core enforces', () => {
    const r = awsperm(['check', '--help']);
    const line = r.stdout.split('\n').find((l) => l.trim().startsWith('{"Version"'));
    const printed = JSON.parse(line!.trim()) as { Statement: { Action: string[] }[] };
    const enforced = JSON.parse(readPolicyJson()) as { Statement: { Action: string[] }[] };
    expect(printed.Statement.flatMap((s) => s.Action).sort()).toEqual(enforced.Statement.flatMap((s) => s.Action).sort());
  });
  it('--version prints the package version', () => {
    const r = awsperm(['--version']);
    const { version } = JSON.parse(readFileSync(join(root, 'packages/cli/package.json'), 'utf8'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`awsperm/${version}`);
  });
  it('adapters lists up, cdk and sst', () => {
    const r = awsperm(['adapters', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).adapters.map((a: { tool: string }) => a.tool)).toEqual(['up', 'cdk', 'sst']);
  });
});

describe('JSON output contract', () => {
  const schema = JSON.parse(readFileSync(join(root, 'packages/core/schema/report.schema.json'), 'utf8'));
  const requiredOf = (def: string): string[] => schema.$defs[def].required;
  it('check --format json carries every field the schema requires', () => {
    const report = JSON.parse(awsperm(['check', '--cwd', example, '--policy', examplePolicy('deployer.json'), '--format', 'json']).stdout);
    for (const key of requiredOf('checkReport')) expect(report).toHaveProperty(key);
    for (const result of report.results) for (const key of requiredOf('result')) expect(result).toHaveProperty(key);
    expect(Object.keys(report.summary).sort()).toEqual(['allowed', 'denied', 'required', 'unknown']);
    expect(report.summary.allowed + report.summary.denied + report.summary.unknown).toBe(report.summary.required);
  });
  it('policy --format json carries every field the schema requires', () => {
    const out = JSON.parse(awsperm(['policy', '--tool', 'up', '--cwd', example]).stdout);
    for (const key of requiredOf('policyOutput')) expect(out).toHaveProperty(key);
  });
});
