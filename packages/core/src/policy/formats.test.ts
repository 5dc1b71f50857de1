import { terraformFmtProblems } from '@awsperm/test-utils/hcl-shape';
import { describe, expect, it } from 'vitest';
import { renderCloudFormation, renderTerraform } from './formats.ts';
import { buildPolicies, type OutputPolicy } from './output.ts';
import type { Statement } from './types.ts';

/** Output policies built the way `awsperm policy` builds them. */
function policies(statements: Statement[], name = 'awsperm-deployer', limit?: number): OutputPolicy[] {
  return buildPolicies([{ id: 'f', title: 'f', source: { title: 't' }, statements }], name, limit);
}

const variableStatement: Statement = {
  Effect: 'Allow',
  Action: ['s3:GetObject', 's3:PutObject'],
  Resource: 'arn:aws:s3:::bucket/home/${aws:username}/*',
  Condition: { StringLike: { 's3:prefix': '%{literal}' } },
};

/**
 * A tiny reader for the YAML subset renderCloudFormation writes: block mappings and sequences by indentation,
 * double-quoted (JSON) scalars, single-quoted and plain scalars, `[]` and `{}`. Comments are skipped.
 */
function readYaml(text: string): unknown {
  const lines = text
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.trim().startsWith('#'))
    .map((l) => ({ indent: l.length - l.trimStart().length, body: l.trim() }));
  let i = 0;
  const scalar = (s: string): unknown => {
    if (s.startsWith('"')) return JSON.parse(s);
    if (s.startsWith("'")) return s.slice(1, -1).replace(/''/g, "'");
    if (s === '[]') return [];
    if (s === '{}') return {};
    return s;
  };
  const splitKey = (body: string): [string, string] => {
    const m = body.startsWith('"') ? /^("(?:[^"\\]|\\.)*"):(.*)$/.exec(body) : /^([^:]+):(?:\s(.*)|$)/.exec(body);
    if (!m) throw new Error(`not a mapping entry: ${body}`);
    return [String(scalar(m[1]!)), (m[2] ?? '').trim()];
  };
  const block = (indent: number): unknown => {
    if (lines[i]!.body.startsWith('- ')) {
      const list: unknown[] = [];
      while (i < lines.length && lines[i]!.indent === indent && lines[i]!.body.startsWith('- ')) {
        const item = lines[i]!.body.slice(2);
        if (/^"(?:[^"\\]|\\.)*":/.test(item) || /^[A-Za-z]\w*:/.test(item)) {
          // A mapping starting on the dash line: re-read it as a block two columns further in.
          lines[i] = { indent: indent + 2, body: item };
          list.push(block(indent + 2));
        } else {
          list.push(scalar(item));
          i++;
        }
      }
      return list;
    }
    const map: Record<string, unknown> = {};
    while (i < lines.length && lines[i]!.indent === indent) {
      const [key, rest] = splitKey(lines[i]!.body);
      i++;
      map[key] = rest !== '' ? scalar(rest) : block(lines[i]!.indent);
    }
    return map;
  };
  return block(0);
}

describe('renderTerraform', () => {
  const out = renderTerraform(policies([variableStatement]));

  it('renders an aws_iam_policy resource whose policy uses jsonencode', () => {
    expect(out).toContain('resource "aws_iam_policy" "awsperm-deployer" {');
    expect(out).toContain('  name = "awsperm-deployer"');
    expect(out).toContain('  policy = jsonencode({');
    expect(out).toMatch(/"Version"\s+= "2012-10-17"/);
    expect(out).toContain('"s3:GetObject",');
    expect(out.trimEnd().endsWith('}')).toBe(true);
  });

  it('escapes Terraform interpolation: ${ as $${', () => {
    // Regression: '$${' as a String.replace replacement yields "${" ("$$" is one "$"), leaving the text unescaped.
    expect(out).toContain('"arn:aws:s3:::bucket/home/$${aws:username}/*"');
    expect(out.replace(/\$\$\{/g, '')).not.toContain('${');
  });

  it('escapes Terraform template directives: %{ as %%{', () => {
    expect(out).toContain('"%%{literal}"');
    expect(out.replace(/%%\{/g, '')).not.toContain('%{');
  });

  it('balances its braces and brackets', () => {
    const count = (c: string) => out.split(c).length - 1;
    expect(count('{')).toBe(count('}'));
    expect(count('[')).toBe(count(']'));
  });

  it('renders one resource per part, with HCL-safe identifiers', () => {
    const many = Array.from({ length: 400 }, (_, i) => `ec2:DescribeSomethingNumber${i}`);
    const parts = policies([{ Effect: 'Allow', Action: many, Resource: '*' }], '1st policy.v2');
    expect(parts.length).toBeGreaterThan(1);
    const tf = renderTerraform(parts);
    expect(tf.match(/resource "aws_iam_policy"/g)).toHaveLength(parts.length);
    expect(tf).toContain('resource "aws_iam_policy" "p_1st_policy_v2-1" {');
    expect(tf).toContain('name = "1st policy.v2-1"');
    for (const action of many) expect(tf).toContain(`"${action}",`);
  });
});

describe('renderCloudFormation', () => {
  const statements: Statement[] = [
    variableStatement,
    { Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: ['*'] },
    { Effect: 'Allow', Action: ['lambda:GetFunction', 'lambda:List*'], Resource: ['arn:aws:lambda:*:*:function:app-*', 'arn:aws:lambda:*:*:layer:*'] },
  ];
  const input = policies(statements);
  const out = renderCloudFormation(input);

  it('declares an AWS::IAM::ManagedPolicy per policy', () => {
    expect(out.startsWith("AWSTemplateFormatVersion: '2010-09-09'\n")).toBe(true);
    expect(out).toContain('  AwspermDeployer:\n    Type: AWS::IAM::ManagedPolicy\n');
    expect(out).toContain('      ManagedPolicyName: "awsperm-deployer"');
  });

  it('quotes every action string', () => {
    for (const action of ['s3:GetObject', 's3:PutObject', 'sts:GetCallerIdentity', 'lambda:GetFunction', 'lambda:List*']) {
      expect(out).toContain(`"${action}"`);
    }
  });

  it('parses back to the same policy documents', () => {
    const template = readYaml(out) as {
      AWSTemplateFormatVersion: string;
      Resources: Record<string, { Type: string; Properties: { ManagedPolicyName: string; PolicyDocument: unknown } }>;
    };
    expect(template.AWSTemplateFormatVersion).toBe('2010-09-09');
    const resources = Object.values(template.Resources);
    expect(resources).toHaveLength(input.length);
    expect(resources[0]!.Type).toBe('AWS::IAM::ManagedPolicy');
    expect(resources[0]!.Properties.ManagedPolicyName).toBe('awsperm-deployer');
    expect(resources[0]!.Properties.PolicyDocument).toEqual(input[0]!.document);
  });

  it('gives each part of a split policy its own logical id', () => {
    const many = Array.from({ length: 400 }, (_, i) => `ec2:DescribeSomethingNumber${i}`);
    const parts = policies([{ Effect: 'Allow', Action: many, Resource: '*' }], 'deploy');
    const template = readYaml(renderCloudFormation(parts)) as { Resources: Record<string, { Properties: { PolicyDocument: unknown } }> };
    expect(Object.keys(template.Resources)).toEqual(parts.map((_, i) => `Deploy${i + 1}`));
    expect(Object.values(template.Resources).map((r) => r.Properties.PolicyDocument)).toEqual(parts.map((p) => p.document));
  });
});

describe('renderTerraform: terraform fmt layout', () => {
  it('leaves nothing for terraform fmt to change (strict shape check)', () => {
    const parts = policies(
      [
        variableStatement,
        { Effect: 'Allow', Action: 's3:GetObject', Resource: ['arn:aws:s3:::a/*', 'arn:aws:s3:::b/*'], Condition: { StringEquals: { 'aws:RequestedRegion': ['eu-west-1'] }, Bool: { 'aws:SecureTransport': 'true' } } },
        { Effect: 'Allow', Action: Array.from({ length: 300 }, (_, i) => `ec2:DescribeThing${i}`), Resource: '*' },
        { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:*:*:q' },
      ],
      'fmt',
    );
    expect(parts.length).toBeGreaterThan(1);
    const tf = renderTerraform(parts);
    expect(terraformFmtProblems(tf)).toEqual([]);
    expect(tf).toMatch(/^ {2}name = "fmt-1"\n {2}policy = jsonencode\(\{$/m);
    expect(tf).toMatch(/^ {8}"Effect" {3}= "Allow"\n {8}"Action" {3}= "sqs:SendMessage"\n {8}"Resource" = "arn:aws:sqs:\*:\*:q"$/m);
  });

  it('the checker itself catches misaligned, misindented and unbalanced output', () => {
    expect(terraformFmtProblems('a = 1\nbb = 2\n')).toEqual(['line 1: "=" at column 2, aligned runs put it at 3']);
    expect(terraformFmtProblems('x {\n   a = 1\n}\n')).toEqual(['line 2: indented 3, expected 2']);
    expect(terraformFmtProblems('x {\n  a  = {\n  }\n}\n')).toEqual(['line 2: a multi-line value has one space before "="']);
    expect(terraformFmtProblems('x {\n  a = [1] \n')).toEqual(['line 2: trailing white space', 'unbalanced brackets: 1 left open']);
    expect(terraformFmtProblems('a = 1')).toEqual(['the file must end with exactly one newline']);
  });
});
