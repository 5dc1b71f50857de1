import { describe, expect, it } from 'vitest';
import { expandAction } from '../catalog.ts';
import { runCheck } from '../check.ts';
import type { PrincipalPolicies } from '../engine/evaluate.ts';
import { createPolicyEvaluator } from '../evaluators/static.ts';
import { listOf, statementsOf } from '../policy/document.ts';
import { POLICY_SIZE_LIMITS } from '../policy/output.ts';
import type { PolicyDocument, PolicyFragment, Statement } from '../policy/types.ts';
import { buildFix } from './fix.ts';

const doc = (...Statement: Statement[]): PolicyDocument => ({ Version: '2012-10-17', Statement });
const fragment = (id: string, ...statements: Statement[]): PolicyFragment => ({ id, title: id, source: { title: 'test' }, statements });

async function run(fragments: PolicyFragment[], policies: PrincipalPolicies) {
  const outcome = await runCheck(fragments, createPolicyEvaluator(policies, { mode: 'offline', subject: 'test' }));
  return { outcome, fix: await buildFix(fragments, outcome, 'fix') };
}

const identity = (...docs: PolicyDocument[]): PrincipalPolicies => ({ identity: docs.map((document, i) => ({ name: `p${i + 1}.json`, document })) });

describe('buildFix', () => {
  it('is undefined when everything is allowed', async () => {
    const { fix } = await run([fragment('f', { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' })], identity(doc({ Effect: 'Allow', Action: '*', Resource: '*' })));
    expect(fix).toBeUndefined();
  });

  it('grants exactly what was implicitly denied, with the resource and condition of the requirement; the loop closes', async () => {
    const fragments = [
      fragment('a', { Effect: 'Allow', Action: ['s3:GetObject', 'sqs:SendMessage'], Resource: 'arn:aws:s3:::bucket/*' }),
      fragment(
        'b',
        { Effect: 'Allow', Action: 'lambda:GetFunction', Resource: 'arn:aws:lambda:eu-west-1:111122223333:function:f' },
        { Effect: 'Allow', Action: 'logs:CreateLogGroup', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } } },
      ),
    ];
    const policies = identity(doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }));
    const { fix } = await run(fragments, policies);
    expect(fix!.policies).toHaveLength(1);
    const statements = statementsOf(fix!.policies[0]!.document);
    expect(statements).toEqual([
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:s3:::bucket/*' },
      { Effect: 'Allow', Action: 'lambda:GetFunction', Resource: 'arn:aws:lambda:eu-west-1:111122223333:function:f' },
      { Effect: 'Allow', Action: 'logs:CreateLogGroup', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } } },
    ]);
    expect(fix!.changes).toBeUndefined();
    // The condition's key is one awsperm knows: with it the fix passes the same check.
    const again = await runCheck(
      fragments,
      createPolicyEvaluator({ identity: [...policies.identity, { name: 'fix.json', document: fix!.policies[0]!.document }] }, { mode: 'offline', subject: 'test', context: { 'aws:RequestedRegion': 'eu-west-1' } }),
    );
    expect(again.summary.allowed).toBe(again.summary.required);
  });

  it('grants only the denied actions of a partly allowed wildcard, and keeps a wholly denied wildcard as written', async () => {
    const fragments = [fragment('f', { Effect: 'Allow', Action: ['acm:*', 'sqs:*'], Resource: '*' })];
    const { fix } = await run(fragments, identity(doc({ Effect: 'Allow', Action: ['acm:Describe*', 'acm:List*', 'acm:Get*'], Resource: '*' })));
    const actions = statementsOf(fix!.policies[0]!.document).flatMap((s) => listOf(s.Action));
    expect(actions).toContain('sqs:*');
    const granted = new Set((await Promise.all(actions.filter((a) => a.startsWith('acm:')).map((a) => expandAction(a)))).flat());
    const denied = (await expandAction('acm:*')).filter((a) => !/^acm:(Describe|List|Get)/.test(a));
    expect([...granted].sort()).toEqual(denied.sort());
  });

  it('names the Deny statement for an explicit deny, and grants nothing for it', async () => {
    const fragments = [fragment('f', { Effect: 'Allow', Action: ['iam:PassRole', 'ec2:DescribeVpcs'], Resource: '*' })];
    const { fix } = await run(fragments, identity(doc({ Effect: 'Allow', Action: '*', Resource: '*' }, { Sid: 'NoPass', Effect: 'Deny', Action: 'iam:PassRole', Resource: '*' })));
    expect(fix!.policies).toEqual([]);
    expect(fix!.changes).toEqual([
      {
        kind: 'explicitDeny',
        policy: 'p1.json',
        statement: { policy: 'p1.json', statementIndex: 1, sid: 'NoPass', effect: 'Deny' },
        requests: [{ action: 'iam:PassRole', resource: '*' }],
        message: 'statement 2 (Sid "NoPass") of p1.json denies iam:PassRole: narrow or remove it (a grant cannot override an explicit deny)',
      },
    ]);
  });

  it('a permission boundary: a change of the boundary when the identity policies allow it; a grant and the change when neither does', async () => {
    const fragments = [fragment('f', { Effect: 'Allow', Action: ['sqs:SendMessage', 'sns:Publish', 's3:GetObject'], Resource: '*' })];
    const { fix } = await run(fragments, {
      ...identity(doc({ Effect: 'Allow', Action: ['sqs:*', 's3:*'], Resource: '*' })),
      boundary: { name: 'permission boundary guard', document: doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }) },
    });
    expect(statementsOf(fix!.policies[0]!.document).flatMap((s) => listOf(s.Action))).toEqual(['sns:Publish']);
    expect(fix!.changes).toHaveLength(1);
    expect(fix!.changes![0]).toMatchObject({ kind: 'boundary', policy: 'permission boundary guard' });
    expect(fix!.changes![0]!.requests.map((r) => r.action).sort()).toEqual(['sns:Publish', 'sqs:SendMessage']);
    expect(fix!.changes![0]!.message).toMatch(/^the permission boundary guard does not allow sqs:SendMessage, sns:Publish: add them to the boundary/);
  });

  it('counts what depends on request context, and grants nothing for it', async () => {
    const fragments = [fragment('f', { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' })];
    const { fix } = await run(fragments, identity(doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'a' } } })));
    expect(fix).toEqual({ policies: [], unknown: 1 });
  });

  it('splits a large fix into parts that each fit the managed-policy limit', async () => {
    const resources = Array.from({ length: 400 }, (_, i) => `arn:aws:s3:::a-rather-long-bucket-name-for-the-test-${i}/*`);
    const fragments = [fragment('f', { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: resources })];
    const { fix } = await run(fragments, identity(doc({ Effect: 'Allow', Action: 'sqs:*', Resource: '*' })));
    expect(fix!.policies.length).toBeGreaterThan(1);
    for (const p of fix!.policies) expect(p.size).toBeLessThanOrEqual(POLICY_SIZE_LIMITS.managed);
    expect(fix!.policies.map((p) => p.name)).toEqual(fix!.policies.map((_, i) => `fix-${i + 1}`));
    const granted = fix!.policies.flatMap((p) => statementsOf(p.document).flatMap((s) => listOf(s.Resource)));
    expect(new Set(granted)).toEqual(new Set(resources));
  });
});
