import { describe, expect, it } from 'vitest';
import { listOf, statementsOf, validatePolicyDocument } from './document.ts';
import { buildPolicies, mergeStatements, type OutputPolicy, POLICY_SIZE_LIMITS, policySize } from './output.ts';
import type { PolicyFragment, Statement } from './types.ts';

function fragment(id: string, statements: Statement[]): PolicyFragment {
  return { id, title: id, source: { title: 'test' }, statements };
}

const need = (Action: string | string[], Resource: string | string[] = '*', extra: Partial<Statement> = {}): Statement => ({
  Effect: 'Allow',
  Action,
  Resource,
  ...extra,
});

/** `count` distinct, long action names (invented; only their length and uniqueness matter here). */
function manyActions(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `ec2:DescribeSomethingRatherLongNumber${String(i).padStart(4, '0')}`);
}

/** Every action across the statements of some policies, in order. */
const actionsIn = (policies: OutputPolicy[]) => policies.flatMap((p) => statementsOf(p.document).flatMap((s) => listOf(s.Action)));

describe('mergeStatements', () => {
  it('joins statements on the same resources and dedupes actions case-insensitively, keeping the first spelling', () => {
    const merged = mergeStatements([
      fragment('a', [need(['s3:GetObject', 'lambda:GetFunction'], 'arn:aws:s3:::b/*')]),
      fragment('b', [need(['S3:getobject', 's3:PutObject'], ['arn:aws:s3:::b/*']), need('LAMBDA:GETFUNCTION', 'arn:aws:s3:::b/*')]),
    ]);
    expect(merged).toEqual([{ Effect: 'Allow', Action: ['s3:GetObject', 'lambda:GetFunction', 's3:PutObject'], Resource: 'arn:aws:s3:::b/*' }]);
  });

  it('groups by resource set (order-insensitive), in first-seen order', () => {
    const merged = mergeStatements([
      fragment('a', [need('s3:GetObject', ['arn:aws:s3:::x', 'arn:aws:s3:::y']), need('iam:PassRole', 'arn:aws:iam::1:role/r')]),
      fragment('b', [need('s3:ListBucket', ['arn:aws:s3:::y', 'arn:aws:s3:::x']), need('sts:GetCallerIdentity')]),
    ]);
    expect(merged).toEqual([
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: ['arn:aws:s3:::x', 'arn:aws:s3:::y'] },
      { Effect: 'Allow', Action: 'iam:PassRole', Resource: 'arn:aws:iam::1:role/r' },
      { Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' },
    ]);
  });

  it('keeps statements with different conditions apart and carries the condition', () => {
    const condition = { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } };
    const merged = mergeStatements([fragment('a', [need('ec2:RunInstances', '*', { Condition: condition }), need('ec2:DescribeInstances')])]);
    expect(merged).toEqual([
      { Effect: 'Allow', Action: 'ec2:RunInstances', Resource: '*', Condition: condition },
      { Effect: 'Allow', Action: 'ec2:DescribeInstances', Resource: '*' },
    ]);
  });

  it('keeps only the widest of an action’s resources when one covers another', () => {
    const merged = mergeStatements([
      fragment('a', [need('s3:GetObject', 'arn:aws:s3:::b/*'), need('s3:PutObject', 'arn:aws:s3:::b/*')]),
      fragment('b', [need('s3:GetObject', '*')]),
    ]);
    expect(merged).toEqual([
      { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
      { Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::b/*' },
    ]);
  });

  it('gathers an action’s disjoint resources from several fragments into one statement', () => {
    const merged = mergeStatements([
      fragment('a', [need('s3:GetObject', 'arn:aws:s3:::one/*')]),
      fragment('b', [need('s3:GetObject', ['arn:aws:s3:::two/*', 'arn:aws:s3:::one/*'])]),
    ]);
    expect(merged).toEqual([{ Effect: 'Allow', Action: 's3:GetObject', Resource: ['arn:aws:s3:::one/*', 'arn:aws:s3:::two/*'] }]);
  });

  it('treats a statement without Resource like Resource "*"', () => {
    const merged = mergeStatements([fragment('a', [{ Effect: 'Allow', Action: 'sts:GetCallerIdentity' }, need('iam:GetRole', '*')])]);
    expect(merged).toEqual([{ Effect: 'Allow', Action: ['sts:GetCallerIdentity', 'iam:GetRole'], Resource: '*' }]);
  });

  it('ignores Deny statements and drops Sids', () => {
    const merged = mergeStatements([fragment('a', [{ ...need('s3:GetObject'), Sid: 'Read' }, { Effect: 'Deny', Action: 'iam:*', Resource: '*' }])]);
    expect(merged).toEqual([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }]);
  });
});

describe('policySize', () => {
  it('is the length of the document’s JSON without white space', () => {
    const document = { Version: '2012-10-17', Statement: [need(['s3:GetObject', 'sqs:SendMessage'], 'arn:aws:s3:::b/*')] };
    expect(policySize(document)).toBe(JSON.stringify(document).length);
    expect(policySize(document)).toBe(JSON.stringify(document, null, 2).replace(/\s+/g, '').length);
  });
});

describe('buildPolicies', () => {
  it('returns one valid document under the base name when it fits', () => {
    const [only, ...rest] = buildPolicies([fragment('a', [need(['s3:GetObject', 's3:PutObject'])])], 'deployer');
    expect(rest).toEqual([]);
    expect(only!.name).toBe('deployer');
    expect(only!.document).toEqual({ Version: '2012-10-17', Statement: [need(['s3:GetObject', 's3:PutObject'])] });
    expect(only!.size).toBe(policySize(only!.document));
    expect(() => validatePolicyDocument(only!.document, 'out')).not.toThrow();
  });

  it('splits a large set into parts within the managed-policy limit, each action exactly once', () => {
    const actions = manyActions(800);
    const parts = buildPolicies(
      [fragment('a', [need(actions.slice(0, 500))]), fragment('b', [need(actions.slice(300)), need('s3:GetObject', 'arn:aws:s3:::b/*')])],
      'big',
    );
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.map((p) => p.name)).toEqual(parts.map((_, i) => `big-${i + 1}`));
    for (const part of parts) {
      expect(part.size).toBe(policySize(part.document));
      expect(part.size).toBeLessThanOrEqual(POLICY_SIZE_LIMITS.managed);
      expect(() => validatePolicyDocument(part.document, part.name)).not.toThrow();
    }
    const all = actionsIn(parts);
    expect(all).toHaveLength(801);
    expect(new Set(all)).toEqual(new Set([...actions, 's3:GetObject']));
    // The first part is packed close to the limit rather than split needlessly small.
    expect(parts[0]!.size).toBeGreaterThan(POLICY_SIZE_LIMITS.managed * 0.9);
  });

  it('uses as few parts as the total size requires, give or take one', () => {
    const actions = manyActions(800);
    const parts = buildPolicies([fragment('a', [need(actions)])], 'big');
    const total = actions.reduce((n, a) => n + a.length + 3, 0);
    expect(parts.length).toBeLessThanOrEqual(Math.ceil(total / POLICY_SIZE_LIMITS.managed) + 1);
  });

  it('honours a custom limit', () => {
    const parts = buildPolicies([fragment('a', [need(manyActions(60))])], 'inline', POLICY_SIZE_LIMITS.userInline);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.size).toBeLessThanOrEqual(POLICY_SIZE_LIMITS.userInline);
  });
});
