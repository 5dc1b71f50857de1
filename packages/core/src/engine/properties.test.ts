/**
 * Property-based tests (fast-check, fixed seeds so CI is deterministic):
 * - IAM wildcard matching agrees with a reference matcher built independently here, and globCovers is sound;
 * - policy evaluation: an explicit Deny always wins, adding Allow statements is monotonic, a permissions boundary
 *   never widens what the identity policies allow (AWS IAM User Guide, "Policy evaluation logic").
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConditionBlock, NamedPolicy, Statement } from '../policy/types.ts';
import type { RequestContext } from './conditions.ts';
import { evaluate } from './evaluate.ts';
import { globCovers, globOverlaps, matchesGlob } from './glob.ts';

const RUNS = { seed: 42, numRuns: 300 };

// ---------------------------------------------------------------------------------------------------------------
// Wildcard matching
// ---------------------------------------------------------------------------------------------------------------

/** Reference matcher: `*` any run, `?` one character, everything else literal; built without the engine. */
function reference(pattern: string, ignoreCase = false): RegExp {
  let source = '';
  for (const ch of pattern) {
    if (ch === '*') source += '[\\s\\S]*';
    else if (ch === '?') source += '[\\s\\S]';
    else source += `\\u{${ch.codePointAt(0)!.toString(16)}}`;
  }
  return new RegExp(`^(?:${source})$`, ignoreCase ? 'iu' : 'u');
}

const text = (alphabet: string[], maxLength: number) => fc.array(fc.constantFrom(...alphabet), { maxLength }).map((a) => a.join(''));
const patternArb = text(['a', 'b', '.', '/', '*', '?'], 8);
const valueArb = text(['a', 'b', '.', '/'], 8);

/** Every string over `alphabet` of length at most `max`. */
function enumerate(alphabet: string[], max: number): string[] {
  const out = [''];
  let layer = [''];
  for (let n = 1; n <= max; n++) {
    layer = layer.flatMap((s) => alphabet.map((c) => s + c));
    out.push(...layer);
  }
  return out;
}
const UNIVERSE = enumerate(['a', 'b', 'c'], 5);
const smallPattern = text(['a', 'b', '*', '?'], 5);

describe('wildcard matching (property-based)', () => {
  it('matchesGlob agrees with an independently built reference regex', () => {
    fc.assert(
      fc.property(patternArb, valueArb, (p, v) => {
        expect(matchesGlob(p, v)).toBe(reference(p).test(v));
      }),
      RUNS,
    );
  });

  it('matchesGlob agrees with the reference when the value is drawn from the pattern itself', () => {
    // Random values rarely match; derive matching candidates by filling the wildcards.
    fc.assert(
      fc.property(patternArb, text(['a', 'b'], 3), (p, fill) => {
        const v = p.replaceAll('*', fill).replaceAll('?', 'a');
        expect(matchesGlob(p, v)).toBe(reference(p).test(v));
        expect(matchesGlob(p, v)).toBe(true);
      }),
      RUNS,
    );
  });

  it('matchesGlob with ignoreCase agrees with a case-insensitive reference', () => {
    fc.assert(
      fc.property(text(['a', 'A', 'b', '*', '?'], 8), text(['a', 'A', 'b', 'B'], 8), (p, v) => {
        expect(matchesGlob(p, v, true)).toBe(reference(p, true).test(v));
      }),
      RUNS,
    );
  });

  it('globCovers(p, r) implies every enumerated string matched by r is matched by p', () => {
    fc.assert(
      fc.property(smallPattern, smallPattern, (p, r) => {
        fc.pre(globCovers(p, r));
        const rRe = reference(r);
        const pRe = reference(p);
        for (const s of UNIVERSE) if (rRe.test(s)) expect(pRe.test(s), `${p} covers ${r} but not "${s}"`).toBe(true);
      }),
      { ...RUNS, numRuns: 300 },
    );
  });

  it('globCovers of a literal is matchesGlob', () => {
    fc.assert(
      fc.property(smallPattern, text(['a', 'b'], 5), (p, v) => {
        expect(globCovers(p, v)).toBe(matchesGlob(p, v));
      }),
      RUNS,
    );
  });

  it('globOverlaps(a, b) false implies no enumerated string is matched by both', () => {
    fc.assert(
      fc.property(smallPattern, smallPattern, (a, b) => {
        fc.pre(!globOverlaps(a, b));
        const aRe = reference(a);
        const bRe = reference(b);
        for (const s of UNIVERSE) expect(aRe.test(s) && bRe.test(s), `${a} and ${b} both match "${s}"`).toBe(false);
      }),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Policy evaluation
// ---------------------------------------------------------------------------------------------------------------

const ACTIONS = ['s3:GetObject', 's3:PutObject', 's3:*', 's3:Get*', 'iam:GetRole', 'iam:*', '*'];
const RESOURCES = ['*', 'arn:aws:s3:::b/*', 'arn:aws:s3:::b/k', 'arn:aws:s3:::other/k', 'arn:aws:iam::123456789012:role/*'];
const REGION = 'aws:RequestedRegion';
/** No condition, a condition that holds, one that fails, one on a key the context does not know. */
const CONDITIONS: Array<ConditionBlock | undefined> = [
  undefined,
  { StringEquals: { [REGION]: 'eu-west-1' } },
  { StringEquals: { [REGION]: 'us-east-1' } },
  { StringEquals: { 'aws:PrincipalTag/team': 'dev' } },
];
const CONTEXT: RequestContext = { [REGION]: 'eu-west-1' };

function statementArb(effect?: 'Allow' | 'Deny'): fc.Arbitrary<Statement> {
  return fc
    .record({
      Effect: effect ? fc.constant(effect) : fc.constantFrom<'Allow' | 'Deny'>('Allow', 'Deny'),
      Action: fc.uniqueArray(fc.constantFrom(...ACTIONS), { minLength: 1, maxLength: 2 }),
      Resource: fc.uniqueArray(fc.constantFrom(...RESOURCES), { minLength: 1, maxLength: 2 }),
      condition: fc.constantFrom(...CONDITIONS),
    })
    .map(({ condition, ...s }): Statement => (condition ? { ...s, Condition: condition } : s));
}

const statementsArb = fc.array(statementArb(), { maxLength: 6 });
const allowsArb = fc.array(statementArb('Allow'), { minLength: 1, maxLength: 4 });
const requestArb = fc.record({
  action: fc.constantFrom('s3:GetObject', 's3:PutObject', 'iam:GetRole', 's3:Get*'),
  resource: fc.constantFrom('arn:aws:s3:::b/k', 'arn:aws:s3:::other/k', 'arn:aws:s3:::b/x', 'arn:aws:iam::123456789012:role/r', 'arn:aws:s3:::b/*'),
});

/** A fresh policy object each time, so the engine's per-policy cache plays no part. */
const policy = (name: string, statements: Statement[]): NamedPolicy => ({ name, document: { Version: '2012-10-17', Statement: statements } });
const denyAll: Statement = { Effect: 'Deny', Action: '*:*', Resource: '*' };

describe('deny precedence and monotonicity (property-based)', () => {
  it('adding an unconditional Deny *:* on * always yields explicitDeny', () => {
    fc.assert(
      fc.property(statementsArb, requestArb, (statements, request) => {
        const r = evaluate(request, { identity: [policy('p', statements), policy('deny-all', [denyAll])] }, CONTEXT);
        expect(r.decision).toBe('explicitDeny');
      }),
      RUNS,
    );
  });

  it('an unconditional Deny *:* on * wins even inside the same policy and with a boundary', () => {
    fc.assert(
      fc.property(statementsArb, statementsArb, requestArb, (statements, boundary, request) => {
        const r = evaluate(request, { identity: [policy('p', [...statements, denyAll])], boundary: policy('b', boundary) }, CONTEXT);
        expect(r.decision).toBe('explicitDeny');
      }),
      RUNS,
    );
  });

  it('an explicit deny never becomes allowed when Allow statements are added', () => {
    fc.assert(
      fc.property(statementsArb, allowsArb, requestArb, (statements, allows, request) => {
        const before = evaluate(request, { identity: [policy('p', statements)] }, CONTEXT);
        fc.pre(before.decision === 'explicitDeny');
        const after = evaluate(request, { identity: [policy('p', statements), policy('more', allows)] }, CONTEXT);
        expect(after.decision).not.toBe('allowed');
        expect(after.decision).toBe('explicitDeny');
      }),
      RUNS,
    );
  });

  it('adding Allow statements never turns allowed into a denial (monotonicity)', () => {
    fc.assert(
      fc.property(statementsArb, allowsArb, requestArb, (statements, allows, request) => {
        const before = evaluate(request, { identity: [policy('p', statements)] }, CONTEXT);
        fc.pre(before.decision === 'allowed');
        const after = evaluate(request, { identity: [policy('p', [...statements, ...allows])] }, CONTEXT);
        expect(after.decision).toBe('allowed');
      }),
      RUNS,
    );
  });

  it('a permissions boundary never widens: allowed with the boundary implies allowed without it', () => {
    fc.assert(
      fc.property(statementsArb, statementsArb, requestArb, (identity, boundary, request) => {
        const withBoundary = evaluate(request, { identity: [policy('p', identity)], boundary: policy('b', boundary) }, CONTEXT);
        const without = evaluate(request, { identity: [policy('p', identity)] }, CONTEXT);
        if (withBoundary.decision === 'allowed') expect(without.decision).toBe('allowed');
        // Nor does it turn a denial into anything else.
        if (without.decision === 'explicitDeny') expect(withBoundary.decision).toBe('explicitDeny');
        if (without.decision === 'implicitDeny') expect(withBoundary.decision).not.toBe('allowed');
      }),
      RUNS,
    );
  });

  it('the evaluation does not depend on the order of statements', () => {
    fc.assert(
      fc.property(statementsArb, requestArb, (statements, request) => {
        const a = evaluate(request, { identity: [policy('p', statements)] }, CONTEXT);
        const b = evaluate(request, { identity: [policy('p', [...statements].reverse())] }, CONTEXT);
        expect(b.decision).toBe(a.decision);
      }),
      RUNS,
    );
  });
});
