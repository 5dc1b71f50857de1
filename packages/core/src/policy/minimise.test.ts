/**
 * Minimisation must never change what a policy allows: the property test draws random sets of catalogue actions
 * (fast-check, fixed seed) and checks that the minimised statement expands to exactly the same catalogue actions.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { actionsOfService, expandAction } from '../catalog.ts';
import { evaluate } from '../engine/evaluate.ts';
import { listOf } from './document.ts';
import { minimiseStatements } from './minimise.ts';
import type { Statement } from './types.ts';

const SERVICES = ['s3', 'lambda', 'dynamodb', 'sqs', 'iam', 'apigateway', 'ecr', 'logs'];
const catalogue = new Map<string, string[]>();

beforeAll(async () => {
  for (const s of SERVICES) catalogue.set(s, (await actionsOfService(s))!);
});

/** The catalogue actions a list of action patterns allows, lower-cased and sorted. */
async function allowed(actions: string[]): Promise<string[]> {
  const out = new Set<string>();
  for (const a of actions) for (const x of await expandAction(a)) out.add(x.toLowerCase());
  return [...out].sort();
}

const allow = (Action: string[], Resource: string | string[] = '*'): Statement => ({ Effect: 'Allow', Action, Resource });

describe('minimiseStatements', () => {
  it('collapses a whole service to svc:* and a complete prefix family to Prefix*', async () => {
    const all = catalogue.get('sqs')!;
    const [s] = await minimiseStatements([allow(all)]);
    expect(s!.Action).toBe('sqs:*');
    const puts = catalogue.get('s3')!.filter((a) => /^s3:Put/i.test(a));
    const [p] = await minimiseStatements([allow([...puts, 's3:GetObject'])]);
    expect(listOf(p!.Action)).toEqual(['s3:Put*', 's3:GetObject']);
  });

  it('a listed svc:* absorbs the service’s other actions, catalogued or not, at the first one’s place', async () => {
    const [s] = await minimiseStatements([allow(['s3:GetObject', 'sqs:SendMessage', 'S3:*', 's3:NotInTheCatalogue'])]);
    expect(listOf(s!.Action)).toEqual(['s3:*', 'sqs:SendMessage']);
  });

  it('keeps a wildcard out when it would match an action outside the set', async () => {
    const puts = catalogue.get('s3')!.filter((a) => /^s3:Put/i.test(a));
    const [s] = await minimiseStatements([allow(puts.slice(1))]);
    const actions = listOf(s!.Action);
    expect(actions).not.toContain('s3:Put*');
    expect(await allowed(actions)).toEqual(await allowed(puts.slice(1)));
  });

  it('keeps the order of a list that cannot shrink, across services', async () => {
    const list = ['sqs:SendMessage', 'lambda:InvokeFunction', 'cloudformation:Update*', 's3:GetObject', 'iam:PassRole', 'logs:Put*', 'logs:Describe*'];
    const [s] = await minimiseStatements([allow(list)]);
    expect(s!.Action).toEqual(list);
  });

  it('leaves unknown actions, resources, conditions and Deny statements as they are', async () => {
    const deny: Statement = { Effect: 'Deny', Action: catalogue.get('sqs')!, Resource: '*' };
    const cond: Statement = { ...allow(['sqs:SendMessage', 's3:NoSuchThing'], ['arn:aws:sqs:*:*:q']), Condition: { Bool: { 'aws:SecureTransport': 'true' } } };
    const [d, c] = await minimiseStatements([deny, cond]);
    expect(d).toBe(deny);
    expect(c).toEqual(cond);
  });

  it('allows exactly the same catalogue actions as the unminimised policy (property)', async () => {
    // Random subsets, and whole verb families (all `Get…` of a service) with or without one member dropped, so that
    // both the literal and the wildcard paths are exercised.
    const subset = fc.constantFrom(...SERVICES).chain((service) => fc.subarray(catalogue.get(service)!, { minLength: 1 }));
    const family = fc
      .tuple(fc.constantFrom(...SERVICES), fc.constantFrom('Get', 'Put', 'List', 'Describe', 'Delete', 'Create', 'Update', 'Tag'), fc.boolean(), fc.nat())
      .map(([service, verb, drop, n]) => {
        const all = catalogue.get(service)!.filter((a) => a.slice(service.length + 1).startsWith(verb));
        return drop && all.length > 1 ? all.filter((_, i) => i !== n % all.length) : all;
      })
      .filter((list) => list.length > 0);
    const statementArb = fc.array(fc.oneof(subset, family), { minLength: 1, maxLength: 4 }).map((lists) => lists.flat());
    await fc.assert(
      fc.asyncProperty(statementArb, async (actions) => {
        const [s] = await minimiseStatements([allow(actions, 'arn:aws:s3:::b')]);
        const minimised = listOf(s!.Action);
        expect(minimised.length).toBeLessThanOrEqual(new Set(actions.map((a) => a.toLowerCase())).size);
        expect(await allowed(minimised)).toEqual(await allowed(actions));
        expect(s!.Resource).toBe('arn:aws:s3:::b');
      }),
      { seed: 7, numRuns: 150 },
    );
  });

  it('gives the same decisions with the evaluation engine for every catalogue action of the services involved', async () => {
    const actions = [...catalogue.get('s3')!.filter((a) => /^s3:(Put|Get)Bucket/i.test(a)), ...catalogue.get('sqs')!, 'lambda:GetFunction'];
    const before = [allow(actions)];
    const after = await minimiseStatements(before);
    const policy = (Statement: Statement[]) => ({ identity: [{ name: 'p', document: { Version: '2012-10-17', Statement } }] });
    for (const action of ['s3', 'sqs', 'lambda'].flatMap((s) => catalogue.get(s) ?? [])) {
      const a = evaluate({ action, resource: '*' }, policy(before)).decision;
      const b = evaluate({ action, resource: '*' }, policy(after)).decision;
      expect(b, action).toBe(a);
    }
  });
});
