import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { terraformFmtProblems } from '@awsperm/test-utils/hcl-shape';
import { awsperm, root, tempFile } from './helpers.ts';

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

/** A copy of the SST v1 fixture project (without a `.build/cdk.out`). */
function sstProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'awsperm-sst-'));
  cpSync(sstV1, dir, { recursive: true });
  return dir;
}

type Policies = { name: string; size: number; document: { Statement: { Action: string | string[]; Resource: string | string[]; Condition?: unknown }[] } }[];
const actionsOf = (policies: Policies): string[] => policies.flatMap((p) => p.document.Statement.flatMap((s) => [s.Action].flat()));

// What policy and check compute from templates is tested in process: template-only runs in
// packages/core/test/templates-session.test.ts, SST projects with cdk.out in packages/adapter-sst/test/templates.test.ts.
// This file keeps what only a process shows: exit codes, stdout/stderr separation, short errors, --help.

describe('awsperm policy with templates', () => {
  it('--tool sst --template <cdk.out> --format terraform: terraform on stdout, the sizes and unresolved types on stderr', () => {
    const r = awsperm(['policy', '--tool', 'sst', '--cwd', sstProject(), '--template', cdkOut, '--format', 'terraform']);
    expect(r.code, r.stderr).toBe(0);
    expect(terraformFmtProblems(r.stdout)).toEqual([]);
    expect(r.stdout).toMatch(/^resource "aws_iam_policy" "[\w-]+" \{$/m);
    expect(r.stdout).not.toMatch(/of 6,144 characters/);
    expect(r.stderr).toMatch(/awsperm: awsperm-sst-notes-[\w-]+: [\d,]+ of 6,144 characters \(without white space\)/);
    expect(r.stderr).toMatch(/AWS::Foo::Bar \(my-app-dev-AppStack\/NestedStackNestedStackResource9A7B3C1D\/Widget1A2B3C4D\)/);
  });

  it('--no-minimize and --operations reach the session', () => {
    const off = JSON.parse(awsperm(['policy', '--template', cdkOut, '--no-minimize', '--operations', 'create']).stdout);
    expect(off.minimised).toBe(false);
    const actions = actionsOf(off.policies);
    expect(actions).toContain('dynamodb:CreateTable');
    expect(actions).not.toContain('dynamodb:DeleteTable');
  });
});

describe('awsperm check with templates', () => {
  it('a template-only check with an unresolved type exits 1, even when every action is allowed', () => {
    const r = awsperm(['check', '--template', cdkOut, '--policy', admin, '--format', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ tool: null, policySet: 'template', ok: false });
  });

  it('exits 0 with every type resolved and allowed', () => {
    const template = tempFile('queue.yaml', "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !Sub '${AWS::Region}-jobs'\n");
    const ok = awsperm(['check', '--template', template, '--policy', admin]);
    expect(ok.code, ok.stdout).toBe(0);
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

  // Every bad-input case is checked in process (packages/core/test/templates-session.test.ts); spawned: one file
  // error per command, and the flag the CLI parses itself.
  const cases: [string, string[], RegExp][] = [
    ['malformed YAML', ['--template', write('bad.yaml', 'Resources:\n  Q:\n    Type: [AWS::SQS::Queue\n')], /bad\.yaml:\d+:\d+: malformed YAML: /],
    ['a missing nested template', ['--template', assembly('nonested', stackManifest, { 'S.template.json': nested })], /nested stack S\/N: its template N\.nested\.template\.json is missing/],
    ['a bad --operations value', ['--template', cdkOut, '--operations', 'create,destroy'], /--operations takes create, read, update, delete, list; got "destroy"/],
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
