import { describe, expect, it } from 'vitest';
import type { NamedPolicy, Statement } from './types.ts';
import { lintPolicies } from './lint.ts';

const policy = (...Statement: Statement[]): NamedPolicy => ({ name: 'p.json', document: { Version: '2012-10-17', Statement } });
const codes = async (...s: Statement[]) => (await lintPolicies([policy(...s)])).map((f) => `${f.severity}:${f.code}:${f.statement ?? '-'}`);

describe('lintPolicies', () => {
  it('accepts a clean policy', async () => {
    expect(await codes({ Effect: 'Allow', Action: ['s3:GetObject', 'lambda:Get*'], Resource: '*' })).toEqual([]);
  });
  it('flags an unknown action with a suggestion', async () => {
    const [f] = await lintPolicies([policy({ Effect: 'Allow', Action: 's3:GetObjekt', Resource: '*' })]);
    expect(f).toMatchObject({ severity: 'error', code: 'unknown-action', statement: 1 });
    expect(f!.message).toContain('did you mean s3:GetObject?');
  });
  it('flags an unknown service and a wildcard that matches nothing', async () => {
    expect(await codes({ Effect: 'Allow', Action: ['foo:*', 's3:Nope*'], Resource: '*' })).toEqual([
      'error:unknown-service:1',
      'error:wildcard-matches-nothing:1',
    ]);
  });
  it('flags malformed ARNs and ARNs of another service', async () => {
    expect(await codes({ Effect: 'Allow', Action: 'lambda:GetFunction', Resource: ['bucket', 'arn:aws:s3:::bucket'] })).toEqual([
      'error:malformed-arn:1',
      'warning:resource-service-mismatch:1',
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
    ).toEqual(['warning:redundant-statement:2', 'warning:redundant-statement:3']);
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
    expect(await codes({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })).toEqual(['warning:allow-not-action:1']);
  });
  it('reports sizes over the inline and managed limits', async () => {
    const many = Array.from({ length: 400 }, (_, i) => `arn:aws:s3:::bucket-${i}/*`);
    const findings = await lintPolicies([policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: many })]);
    expect(findings.map((f) => f.code)).toEqual(['size-managed', 'size-inline']);
    expect(findings[1]!.message).toMatch(/user \(limit 2048\), group \(limit 5120\), role \(limit 10240\)/);
  });
});

describe('lintPolicies: actions within a statement', () => {
  it('flags an action a wildcard of the same statement covers, and a duplicate', async () => {
    const findings = await lintPolicies([policy({ Effect: 'Allow', Action: ['s3:GetObject', 's3:*', 's3:Get*', 'S3:getobject', 'lambda:GetFunction'], Resource: '*' })]);
    expect(findings.map((f) => `${f.code}:${f.message}`)).toEqual([
      'redundant-action:"s3:GetObject" is already covered by "s3:*" in the same Action',
      'redundant-action:"s3:Get*" is already covered by "s3:*" in the same Action',
      'duplicate-action:"S3:getobject" is listed twice in Action',
    ]);
  });
  it('finds the covering wildcard among many of other prefixes and services', async () => {
    const many = Array.from({ length: 300 }, (_, i) => `ec2:Describe${'x'.repeat(i % 7)}*`);
    const findings = await lintPolicies([policy({ Effect: 'Allow', Action: [...many, 'iam:Get*', 'iam:GetRole', 'ec2:RunInstances'], Resource: '*' })]);
    const redundant = findings.filter((f) => f.code === 'redundant-action').map((f) => f.message);
    expect(redundant).toContain('"iam:GetRole" is already covered by "iam:Get*" in the same Action');
    expect(redundant.some((m) => m.includes('RunInstances'))).toBe(false);
    // ec2:Describexx* is covered by ec2:Describe*, and so on: one finding per longer pattern (7 distinct ones, 1 kept).
    expect(redundant.filter((m) => m.startsWith('"ec2:Describex')).length).toBe(6);
  });
  it('a global * covers everything; wildcards across services do not', async () => {
    expect(await codes({ Effect: 'Allow', Action: ['*', 's3:GetObject'], Resource: '*' })).toEqual(['warning:redundant-action:1']);
    expect(await codes({ Effect: 'Allow', Action: ['s3:*', 'sqs:SendMessage'], Resource: '*' })).toEqual([]);
  });
});

describe('lintPolicies: resources', () => {
  it('flags S3 bucket and object ARNs with a region or account, not access points', async () => {
    const findings = await lintPolicies([
      policy({
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: ['arn:aws:s3:us-east-1::b/*', 'arn:aws:s3::123456789012:b', 'arn:aws:s3:us-east-1:123456789012:accesspoint/ap/object/*', 'arn:aws:s3:::b/*'],
      }),
    ]);
    expect(findings.map((f) => f.code)).toEqual(['s3-arn-region-account', 's3-arn-region-account']);
    expect(findings[0]!.message).toContain('arn:aws:s3:::b/*');
    expect(findings[1]!.message).toBe('"arn:aws:s3::123456789012:b" has an account, but S3 bucket and object ARNs have neither (arn:aws:s3:::b): it matches nothing');
  });
  it('names why an account id is malformed', async () => {
    const messages = async (account: string) =>
      (await lintPolicies([policy({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: `arn:aws:sqs:us-east-1:${account}:q` })])).map((f) => `${f.code}: ${f.message}`);
    expect(await messages('12345')).toEqual(['malformed-account-id: account id "12345" in "arn:aws:sqs:us-east-1:12345:q" is not 12 digits: it has 5 digits']);
    expect((await messages('12345678901x'))[0]).toContain('it contains "x"');
    expect((await messages('1234567890123'))[0]).toContain('it has 13 digits');
    for (const ok of ['123456789012', '*', '1234*', '${aws:PrincipalAccount}']) expect(await messages(ok)).toEqual([]);
  });
});

describe('lintPolicies: risky grants', () => {
  it('warns about iam:PassRole on *, unless iam:PassedToService limits it', async () => {
    expect(await codes({ Effect: 'Allow', Action: ['iam:PassRole', 'iam:GetRole'], Resource: '*' })).toEqual(['warning:pass-role-any:1']);
    expect(await codes({ Effect: 'Allow', Action: 'iam:Pass*', Resource: ['arn:aws:iam::123456789012:role/x', '*'] })).toEqual(['warning:pass-role-any:1']);
    expect(await codes({ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*', Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } } })).toEqual([]);
    expect(await codes({ Effect: 'Deny', Action: 'iam:PassRole', Resource: '*' })).toEqual([]);
  });
});

describe('lintPolicies: broken statements', () => {
  it('reports every broken statement and still lints the valid ones', async () => {
    const document = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:GetObject' },
        { Sid: 'Two', Effect: 'Permit', Action: 's3:GetObject', Resource: '*' },
        { Effect: 'Allow', Action: 's3:GetObjekt', Resource: '*' },
        { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*', Bogus: 1 },
      ],
    };
    const findings = await lintPolicies([{ name: 'p.json', document: document as never }]);
    expect(findings.map((f) => `${f.statement}:${f.code}${f.invalidInput ? ':invalid' : ''}`)).toEqual([
      '1:invalid-statement:invalid',
      '2:invalid-statement:invalid',
      '3:unknown-action',
      '4:invalid-statement:invalid',
    ]);
    expect(findings[1]).toMatchObject({ sid: 'Two', message: 'Effect must be "Allow" or "Deny", not "Permit"' });
  });
});

describe('lintPolicies: bounded suggestions', () => {
  it('suggests for the first 200 unknown actions of a policy, then reports the rest without a suggestion', async () => {
    const typos = Array.from({ length: 210 }, () => 's3:GetObjekt');
    const statements = typos.map((a): Statement => ({ Effect: 'Allow', Action: a, Resource: '*' }));
    const findings = (await lintPolicies([policy(...statements)])).filter((f) => f.code === 'unknown-action');
    expect(findings).toHaveLength(210);
    expect(findings.filter((f) => f.message.includes('did you mean s3:GetObject?'))).toHaveLength(200);
  });
});
