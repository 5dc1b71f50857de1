import { describe, expect, it } from 'vitest';
import { expandAction } from './catalog.ts';
import { type Evaluator, isDenied, runCheck, worstDecision } from './check.ts';
import type { Decision, EvaluationRequest } from './engine/types.ts';
import { AwspermError } from './errors.ts';
import { createPolicyEvaluator } from './evaluators/static.ts';
import type { PolicyFragment, Statement } from './policy/types.ts';

function fragment(id: string, statements: Statement[]): PolicyFragment {
  return { id, title: `Fragment ${id}`, source: { title: `Docs for ${id}`, url: `https://example.com/${id}` }, statements };
}

const need = (Action: string | string[], Resource?: string | string[]): Statement =>
  Resource === undefined ? { Effect: 'Allow', Action } : { Effect: 'Allow', Action, Resource };

/** An offline evaluator over one identity policy made of `statements`, recording the requests it receives. */
function evaluatorFor(statements: Statement[]): Evaluator & { requests: EvaluationRequest[][] } {
  const inner = createPolicyEvaluator(
    { identity: [{ name: 'policy.json', document: { Version: '2012-10-17', Statement: statements } }] },
    { mode: 'offline', subject: 'policy.json' },
  );
  const requests: EvaluationRequest[][] = [];
  return {
    ...inner,
    requests,
    evaluate(batch) {
      requests.push(batch);
      return inner.evaluate(batch);
    },
  };
}

describe('runCheck: wildcard requirements', () => {
  it('expands a wildcard into one result per concrete action, each with expandedFrom', async () => {
    const evaluator = evaluatorFor([need('lambda:GetFunction*')]);
    const outcome = await runCheck([fragment('app.deploy', [need('lambda:Get*')])], evaluator);
    const expected = await expandAction('lambda:Get*');

    expect(outcome.results.map((r) => r.action)).toEqual(expected);
    expect(outcome.results.every((r) => r.expandedFrom === 'lambda:Get*')).toBe(true);
    expect(outcome.results.every((r) => r.resource === '*' && r.requiredBy.join() === 'app.deploy')).toBe(true);

    const byAction = new Map(outcome.results.map((r) => [r.action, r]));
    expect(byAction.get('lambda:GetFunction')!.decision).toBe('allowed');
    expect(byAction.get('lambda:GetFunction')!.matched).toEqual([{ policy: 'policy.json', statementIndex: 0, effect: 'Allow' }]);
    expect(byAction.get('lambda:GetAlias')!.decision).toBe('implicitDeny');
    expect(byAction.get('lambda:GetAlias')!.matched).toBeUndefined();

    const [requirement] = outcome.fragments[0]!.requirements;
    expect(requirement!.action).toBe('lambda:Get*');
    expect(requirement!.decision).toBe('implicitDeny');
    expect(requirement!.results).toHaveLength(expected.length);
  });

  it('evaluates each concrete action once, in one batch', async () => {
    const evaluator = evaluatorFor([need('*')]);
    await runCheck([fragment('a', [need(['lambda:Get*', 'lambda:GetFunction'])]), fragment('b', [need('lambda:GetFunction')])], evaluator);
    expect(evaluator.requests).toHaveLength(1);
    const actions = evaluator.requests[0]!.map((r) => r.action);
    expect(new Set(actions).size).toBe(actions.length);
    expect(actions).toEqual(await expandAction('lambda:Get*'));
  });

  it('drops expandedFrom when the action is also required concretely', async () => {
    const outcome = await runCheck(
      [fragment('a', [need('lambda:Get*')]), fragment('b', [need('lambda:GetFunction')])],
      evaluatorFor([need('*')]),
    );
    const getFunction = outcome.results.find((r) => r.action === 'lambda:GetFunction')!;
    expect(getFunction.expandedFrom).toBeUndefined();
    expect(getFunction.requiredBy).toEqual(['a', 'b']);
    expect(outcome.results.find((r) => r.action === 'lambda:GetAlias')!.expandedFrom).toBe('lambda:Get*');
  });

  it('rejects a wildcard that matches no known action', async () => {
    await expect(runCheck([fragment('a', [need('s3:Nope*')])], evaluatorFor([]))).rejects.toMatchObject({ code: 'ACTION_UNKNOWN' });
  });

  it('keeps an unknown concrete action as written instead of failing', async () => {
    const outcome = await runCheck([fragment('a', [need('foo:Bar')])], evaluatorFor([need('foo:*')]));
    expect(outcome.results).toMatchObject([{ action: 'foo:Bar', decision: 'allowed' }]);
  });
});

describe('runCheck: merging', () => {
  it('merges the same action across fragments (case-insensitively) into one result listing both', async () => {
    const outcome = await runCheck(
      [fragment('a', [need('s3:GetObject')]), fragment('b', [need('S3:getobject'), need('s3:PutObject')])],
      evaluatorFor([need('s3:GetObject')]),
    );
    expect(outcome.results).toHaveLength(2);
    expect(outcome.results[0]).toMatchObject({ action: 's3:GetObject', requiredBy: ['a', 'b'], decision: 'allowed' });
    expect(outcome.results[1]).toMatchObject({ action: 's3:PutObject', requiredBy: ['b'], decision: 'implicitDeny' });
    // Both fragments' requirements point at the same shared result object.
    expect(outcome.fragments[0]!.requirements[0]!.results[0]).toBe(outcome.fragments[1]!.requirements.at(-1)!.results[0]);
  });

  it('keeps the same action on different resources apart, and treats a missing Resource as "*"', async () => {
    const outcome = await runCheck(
      [fragment('a', [need('s3:GetObject', ['arn:aws:s3:::one/*', 'arn:aws:s3:::two/*']), need('s3:GetObject')])],
      evaluatorFor([need('s3:GetObject', 'arn:aws:s3:::one/*')]),
    );
    expect(outcome.results.map((r) => [r.resource, r.decision])).toEqual([
      ['arn:aws:s3:::one/*', 'allowed'],
      ['arn:aws:s3:::two/*', 'implicitDeny'],
      ['*', 'implicitDeny'],
    ]);
  });

  it('ignores Deny statements in fragments and rejects NotAction/NotResource requirements', async () => {
    const withDeny = await runCheck([fragment('a', [need('s3:GetObject'), { Effect: 'Deny', Action: 'iam:*', Resource: '*' }])], evaluatorFor([]));
    expect(withDeny.results.map((r) => r.action)).toEqual(['s3:GetObject']);

    const bad = fragment('bad', [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }]);
    const err = await runCheck([bad], evaluatorFor([])).catch((e: unknown) => e);
    expect(AwspermError.is(err)).toBe(true);
    expect((err as AwspermError).code).toBe('ADAPTER_INVALID');
    expect((err as AwspermError).message).toContain('fragment bad');
  });
});

describe('runCheck: summary and ordering', () => {
  const statements: Statement[] = [
    need(['s3:GetObject', 'iam:GetRole', 'sts:GetCallerIdentity']),
    { Effect: 'Allow', Action: 'ec2:RunInstances', Resource: '*', Condition: { StringEquals: { 'ec2:InstanceType': 't3.micro' } } },
    { Effect: 'Deny', Action: 'iam:DeleteRole', Resource: '*' },
  ];

  it('counts allowed, denied (implicit and explicit) and unknown over distinct concrete actions', async () => {
    const outcome = await runCheck(
      [
        fragment('a', [need(['s3:GetObject', 'iam:GetRole', 'ec2:RunInstances', 'iam:DeleteRole', 'sqs:SendMessage'])]),
        fragment('b', [need(['s3:GetObject', 'sts:GetCallerIdentity'])]),
      ],
      evaluatorFor(statements),
    );
    expect(outcome.summary).toEqual({ required: 6, allowed: 3, denied: 2, unknown: 1 });
    const runInstances = outcome.results.find((r) => r.action === 'ec2:RunInstances')!;
    expect(runInstances.decision).toBe('unknown');
    expect(runInstances.contextKeys).toEqual(['ec2:InstanceType']);
  });

  it('sorts a fragment’s requirements denied first, then unknown, then allowed, stably', async () => {
    const outcome = await runCheck(
      [fragment('a', [need(['s3:GetObject', 'sqs:SendMessage', 'ec2:RunInstances', 'iam:GetRole', 'iam:DeleteRole', 'sns:Publish'])])],
      evaluatorFor(statements),
    );
    expect(outcome.fragments[0]!.requirements.map((r) => [r.action, r.decision])).toEqual([
      ['iam:DeleteRole', 'explicitDeny'],
      ['sqs:SendMessage', 'implicitDeny'],
      ['sns:Publish', 'implicitDeny'],
      ['ec2:RunInstances', 'unknown'],
      ['s3:GetObject', 'allowed'],
      ['iam:GetRole', 'allowed'],
    ]);
    // The flat results keep requirement order.
    expect(outcome.results.map((r) => r.action)).toEqual([
      's3:GetObject',
      'sqs:SendMessage',
      'ec2:RunInstances',
      'iam:GetRole',
      'iam:DeleteRole',
      'sns:Publish',
    ]);
  });

  it('reports fragments in input order with their id, title and source', async () => {
    const outcome = await runCheck([fragment('z', [need('s3:GetObject')]), fragment('a', [need('s3:GetObject')])], evaluatorFor([]));
    expect(outcome.fragments.map((f) => [f.id, f.title, f.source.url])).toEqual([
      ['z', 'Fragment z', 'https://example.com/z'],
      ['a', 'Fragment a', 'https://example.com/a'],
    ]);
  });
});

describe('worstDecision and isDenied', () => {
  it('orders explicitDeny > implicitDeny > unknown > allowed', () => {
    const order: Decision[] = ['allowed', 'unknown', 'implicitDeny', 'explicitDeny'];
    order.forEach((lower, i) => {
      for (const higher of order.slice(i)) {
        expect(worstDecision([lower, higher]), `${lower} vs ${higher}`).toBe(higher);
        expect(worstDecision([higher, lower]), `${higher} vs ${lower}`).toBe(higher);
      }
    });
  });

  it('is allowed for no decisions and accepts any iterable', () => {
    expect(worstDecision([])).toBe('allowed');
    expect(worstDecision(new Set<Decision>(['unknown', 'allowed']))).toBe('unknown');
  });

  it('treats only the two denies as denied', () => {
    expect(isDenied('implicitDeny')).toBe(true);
    expect(isDenied('explicitDeny')).toBe(true);
    expect(isDenied('unknown')).toBe(false);
    expect(isDenied('allowed')).toBe(false);
  });
});

describe('runCheck: request context of requirements', () => {
  const ROLE = 'arn:aws:iam::123456789012:role/fn';
  const passTo = (...services: string[]): Statement => ({ Effect: 'Allow', Action: 'iam:PassRole', Resource: ROLE, Condition: { StringEquals: { 'iam:PassedToService': services } } });

  it("a required statement's StringEquals is one request per value, each decided on its own", async () => {
    const required = fragment('t.pass', [{ ...need('iam:PassRole', ROLE), Condition: { StringEquals: { 'iam:PassedToService': ['lambda.amazonaws.com', 'ecs-tasks.amazonaws.com'] } } }]);
    const ev = evaluatorFor([passTo('lambda.amazonaws.com')]);
    const outcome = await runCheck([required], ev);
    expect(outcome.results.map((r) => [r.context, r.decision])).toEqual([
      [{ 'iam:PassedToService': 'lambda.amazonaws.com' }, 'allowed'],
      [{ 'iam:PassedToService': 'ecs-tasks.amazonaws.com' }, 'implicitDeny'],
    ]);
    expect(ev.requests[0]!.map((r) => r.context)).toEqual([{ 'iam:PassedToService': 'lambda.amazonaws.com' }, { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' }]);
  });

  it("a fragment's context reaches the concrete actions a wildcard requirement expands to, and only those it names", async () => {
    const required: PolicyFragment = { ...fragment('t.iam', [need('iam:Pass*', ROLE), need('iam:GetRole', ROLE)]), context: [{ actions: ['iam:PassRole'], values: { 'iam:PassedToService': 'lambda.amazonaws.com' } }] };
    const outcome = await runCheck([required], evaluatorFor([passTo('lambda.amazonaws.com'), need('iam:GetRole', ROLE)]));
    expect(outcome.results.map((r) => [r.action, r.context?.['iam:PassedToService'], r.decision])).toEqual([
      ['iam:PassRole', 'lambda.amazonaws.com', 'allowed'],
      ['iam:GetRole', undefined, 'allowed'],
    ]);
  });

  it("the user's context replaces what a requirement carries; without any, a condition key is unknown and named", async () => {
    const required: PolicyFragment = { ...fragment('t.pass', [need('iam:PassRole', ROLE)]), context: [{ values: { 'iam:PassedToService': 'lambda.amazonaws.com' } }] };
    const policy = [passTo('lambda.amazonaws.com')];
    expect((await runCheck([required], evaluatorFor(policy))).results[0]!.decision).toBe('allowed');
    expect((await runCheck([required], evaluatorFor(policy), { context: { 'IAM:passedToService': 'ec2.amazonaws.com' } })).results[0]!.decision).toBe('implicitDeny');
    const bare = await runCheck([fragment('t.bare', [need('iam:PassRole', ROLE)])], evaluatorFor(policy));
    expect(bare.results[0]).toMatchObject({ decision: 'unknown', contextKeys: ['iam:PassedToService'] });
  });
});
