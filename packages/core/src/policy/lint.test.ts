import { describe, expect, it } from 'vitest';
import type { NamedPolicy, Statement } from './types.ts';
import { lintPolicies } from './lint.ts';

const policy = (...Statement: Statement[]): NamedPolicy => ({ name: 'p.json', document: { Version: '2012-10-17', Statement } });
const codes = async (...s: Statement[]) => (await lintPolicies([policy(...s)])).map((f) => `${f.severity}:${f.code}:${f.statementIndex ?? '-'}`);

describe('lintPolicies', () => {
  it('accepts a clean policy', async () => {
    expect(await codes({ Effect: 'Allow', Action: ['s3:GetObject', 'lambda:Get*'], Resource: '*' })).toEqual([]);
  });
  it('flags an unknown action with a suggestion', async () => {
    const [f] = await lintPolicies([policy({ Effect: 'Allow', Action: 's3:GetObjekt', Resource: '*' })]);
    expect(f).toMatchObject({ severity: 'error', code: 'unknown-action', statementIndex: 0 });
    expect(f!.message).toContain('did you mean s3:GetObject?');
  });
  it('flags an unknown service and a wildcard that matches nothing', async () => {
    expect(await codes({ Effect: 'Allow', Action: ['foo:*', 's3:Nope*'], Resource: '*' })).toEqual([
      'error:unknown-service:0',
      'error:wildcard-matches-nothing:0',
    ]);
  });
  it('flags malformed ARNs and ARNs of another service', async () => {
    expect(await codes({ Effect: 'Allow', Action: 'lambda:GetFunction', Resource: ['bucket', 'arn:aws:s3:::bucket'] })).toEqual([
      'error:malformed-arn:0',
      'warning:resource-service-mismatch:0',
    ]);
  });
  it('does not flag iam:PassRole on a role ARN or service wildcards', async () => {
    expect(await codes({ Effect: 'Allow', Action: 'iam:PassRole', Resource: 'arn:aws:iam::123456789012:role/x' })).toEqual([]);
  });
  it('flags redundant statements once, on the later of two equal ones', async () => {
    expect(
      await codes(
        { Effect: 'Allow', Action: 's3:*', Resource: '*' },
        { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' },
        { Effect: 'Allow', Action: 's3:*', Resource: '*' },
      ),
    ).toEqual(['warning:redundant-statement:1', 'warning:redundant-statement:2']);
  });
  it('does not call a conditional statement redundant', async () => {
    expect(
      await codes(
        { Effect: 'Allow', Action: 's3:*', Resource: '*' },
        { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } },
      ),
    ).toEqual([]);
  });
  it('warns about Allow with NotAction', async () => {
    expect(await codes({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })).toEqual(['warning:allow-not-action:0']);
  });
  it('reports sizes over the inline and managed limits', async () => {
    const many = Array.from({ length: 400 }, (_, i) => `arn:aws:s3:::bucket-${i}/*`);
    const findings = await lintPolicies([policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: many })]);
    expect(findings.map((f) => f.code)).toEqual(['size-managed', 'size-inline']);
    expect(findings[1]!.message).toMatch(/user \(limit 2048\), group \(limit 5120\), role \(limit 10240\)/);
  });
});
