import { listOf, statementsOf } from '../policy/document.ts';
import type { NamedPolicy, Statement } from '../policy/types.ts';
import { evaluateConditions, type RequestContext, substituteVariables } from './conditions.ts';
import { globCovers, globOverlaps } from './glob.ts';
import { describeRef } from './statement-ref.ts';
import type { EvaluationRequest, EvaluationResult, StatementRef } from './types.ts';

/** The policies that decide what one principal may do. */
export interface PrincipalPolicies {
  /** Identity-based policies: inline, attached managed, and those of the principal's groups. */
  identity: NamedPolicy[];
  /** The permission boundary, if the principal has one. It never grants; it caps. */
  boundary?: NamedPolicy;
}

interface CompiledStatement {
  ref: StatementRef;
  effect: 'Allow' | 'Deny';
  actions: string[] | undefined;
  notActions: string[] | undefined;
  resources: string[] | undefined;
  notResources: string[] | undefined;
  /** Whether Resource/NotResource hold policy variables to substitute per request. */
  hasVariables: boolean;
  /** The Condition block, if any. */
  condition: Statement['Condition'];
  /** Whether policy variables are substituted (Version 2012-10-17 only). */
  withVariables: boolean;
}

/** A statement as it applies to one request context: variables substituted, conditions decided. */
interface AppliedStatement {
  s: CompiledStatement;
  resources: string[] | undefined;
  notResources: string[] | undefined;
  /** Empty when the statement applies unconditionally; else the keys it depends on. */
  contextKeys: string[];
}

// Separate caches: the same policy object may serve as an identity policy and as a boundary.
const compiledIdentity = new WeakMap<NamedPolicy, CompiledStatement[]>();
const compiledBoundary = new WeakMap<NamedPolicy, CompiledStatement[]>();

/** Private-use characters standing for the literal `*` and `?` that `${*}` and `${?}` denote. */
const LITERAL_STAR = '\uE000';
// See LITERAL_STAR.
const LITERAL_QUESTION = '\uE001';

// Escapes become literal characters (private-use stand-ins the glob matcher treats as literals).
function literalEscapes(value: string): string {
  return value.replace(/\$\{\*\}/g, LITERAL_STAR).replace(/\$\{\?\}/g, LITERAL_QUESTION).replace(/\$\{\$\}/g, '$');
}

/** Matches nothing: stands for an unresolved variable in NotResource, so the exclusion never widens. */
const NOTHING = '\uE002';

function applyTo(s: CompiledStatement, context: RequestContext): AppliedStatement | undefined {
  const keys: string[] = [];
  if (s.condition) {
    const outcome = evaluateConditions(s.condition, context, s.withVariables);
    if (outcome.result === 'noMatch') return undefined;
    if (outcome.result === 'unknown') keys.push(...outcome.keys);
  }
  if (!s.hasVariables) return { s, resources: s.resources, notResources: s.notResources, contextKeys: keys };
  // An unresolved variable widens Resource (the statement then depends on context) but never NotResource.
  const resolve = (list: string[] | undefined, fallback: string) =>
    list?.map((value) => {
      const r = substituteVariables(value, context);
      if ('value' in r) return r.value;
      // A variable whose key is absent matches nothing; an unknown one makes the statement depend on context.
      if ('absent' in r) return NOTHING;
      keys.push(r.unresolved);
      return value.replace(/\$\{[^}]*\}/g, fallback);
    });
  const resources = resolve(s.resources, '*');
  const notResources = resolve(s.notResources, NOTHING);
  return { s, resources, notResources, contextKeys: [...new Set(keys)] };
}

function compile(policy: NamedPolicy, boundary: boolean): CompiledStatement[] {
  const compiled = boundary ? compiledBoundary : compiledIdentity;
  let result = compiled.get(policy);
  if (result) return result;
  const withVariables = policy.document.Version === '2012-10-17';
  result = statementsOf(policy.document).map((s: Statement, index): CompiledStatement => {
    const resources = s.Resource === undefined ? undefined : listOf(s.Resource);
    const notResources = s.NotResource === undefined ? undefined : listOf(s.NotResource);
    const hasVariables = withVariables && [...(resources ?? []), ...(notResources ?? [])].some((r) => /\$\{(?![*?$]\})/.test(r));
    const ref: StatementRef = { policy: policy.name, statementIndex: index, effect: s.Effect };
    if (s.Sid) ref.sid = s.Sid;
    if (boundary) ref.boundary = true;
    const fix = (list: string[] | undefined) => (list && withVariables ? list.map(literalEscapes) : list);
    return {
      ref,
      effect: s.Effect,
      actions: s.Action === undefined ? undefined : listOf(s.Action),
      notActions: s.NotAction === undefined ? undefined : listOf(s.NotAction),
      resources: fix(resources),
      notResources: fix(notResources),
      hasVariables,
      condition: s.Condition,
      withVariables,
    };
  });
  compiled.set(policy, result);
  return result;
}

/** Does the statement's action element apply to every action the request names (`all`) or to some (`some`)? */
function actionApplies(s: CompiledStatement, action: string, mode: 'all' | 'some'): boolean {
  if (s.actions) {
    return s.actions.some((p) => (mode === 'all' ? globCovers(p, action, true) : globOverlaps(p, action, true)));
  }
  const excluded = s.notActions ?? [];
  return mode === 'all'
    ? !excluded.some((p) => globOverlaps(p, action, true))
    : !excluded.some((p) => globCovers(p, action, true));
}

function resourceApplies(s: AppliedStatement, resource: string, mode: 'all' | 'some'): boolean {
  if (s.resources) {
    return s.resources.some((p) => (mode === 'all' ? globCovers(p, resource) : globOverlaps(p, resource)));
  }
  const excluded = s.notResources ?? [];
  return mode === 'all'
    ? !excluded.some((p) => globOverlaps(p, resource))
    : !excluded.some((p) => globCovers(p, resource));
}

function evaluateSet(
  statements: CompiledStatement[],
  request: EvaluationRequest,
  context: RequestContext,
  boundary: boolean,
): EvaluationResult {
  const denies: AppliedStatement[] = [];
  const conditionalDenies: AppliedStatement[] = [];
  const allows: AppliedStatement[] = [];
  const conditionalAllows: AppliedStatement[] = [];
  for (const compiled of statements) {
    const mode = compiled.effect === 'Deny' ? 'some' : 'all';
    // A Deny counts as soon as it can apply to some of the requested actions/resources; an Allow must cover all.
    if (!actionApplies(compiled, request.action, mode)) continue;
    const s = applyTo(compiled, context);
    if (!s || !resourceApplies(s, request.resource, mode)) continue;
    if (compiled.effect === 'Deny') (s.contextKeys.length ? conditionalDenies : denies).push(s);
    else (s.contextKeys.length ? conditionalAllows : allows).push(s);
  }
  const where = boundary ? 'the permission boundary' : 'the identity policies';
  if (denies.length) {
    return {
      decision: 'explicitDeny',
      matched: denies.map((x) => x.s.ref),
      reason: `explicitly denied by ${describeRef(denies[0]!.s.ref)}`,
      ...(boundary ? { deniedByBoundary: true } : {}),
    };
  }
  if (allows.length && !conditionalDenies.length) {
    return { decision: 'allowed', matched: allows.map((x) => x.s.ref), reason: `allowed by ${describeRef(allows[0]!.s.ref)}` };
  }
  if (conditionalDenies.length && (allows.length || conditionalAllows.length)) {
    const keys = [...new Set(conditionalDenies.flatMap((s) => s.contextKeys))];
    return {
      decision: 'unknown',
      matched: conditionalDenies.map((x) => x.s.ref),
      reason: `depends on context: ${describeRef(conditionalDenies[0]!.s.ref)} denies it when its condition holds (${keys.join(', ')})`,
      contextKeys: keys,
    };
  }
  if (conditionalAllows.length) {
    const keys = [...new Set(conditionalAllows.flatMap((s) => s.contextKeys))];
    return {
      decision: 'unknown',
      matched: conditionalAllows.map((x) => x.s.ref),
      reason: `depends on context: only ${describeRef(conditionalAllows[0]!.s.ref)} allows it, under a condition (${keys.join(', ')})`,
      contextKeys: keys,
    };
  }
  return {
    decision: 'implicitDeny',
    matched: [],
    reason: `no statement in ${where} allows it`,
    ...(boundary ? { deniedByBoundary: true } : {}),
  };
}

/**
 * Evaluates one request against a principal's identity-based policies and permission boundary, following AWS's
 * documented logic: an applicable explicit Deny wins; otherwise an Allow is needed in the identity policies and,
 * when there is a boundary, in the boundary too. A request whose action or resource is a wildcard pattern is
 * allowed only when every action and resource it matches is allowed. Conditions and policy variables are
 * evaluated against `context`; a condition key or variable the context does not know makes the result `unknown`
 * with the key named, never a silent allow.
 */
export function evaluate(
  request: EvaluationRequest,
  policies: PrincipalPolicies,
  context: RequestContext = {},
): EvaluationResult {
  const identity = evaluateSet(
    policies.identity.flatMap((p) => compile(p, false)),
    request,
    context,
    false,
  );
  if (!policies.boundary || identity.decision === 'explicitDeny') return identity;
  const boundary = evaluateSet(compile(policies.boundary, true), request, context, true);
  if (boundary.decision === 'explicitDeny') return boundary;
  const deniedBy = { kind: 'boundary' as const, policy: policies.boundary.name };
  // Neither allows it: a grant is needed, and the boundary must allow it too.
  if (identity.decision === 'implicitDeny') return boundary.decision === 'implicitDeny' ? { ...identity, deniedBy } : identity;
  if (boundary.decision === 'implicitDeny') {
    return { ...boundary, matched: identity.matched, reason: `not allowed by the permission boundary ${policies.boundary.name}`, deniedBy };
  }
  if (identity.decision === 'unknown') return identity;
  if (boundary.decision === 'unknown') return boundary;
  return { ...identity, matched: [...identity.matched, ...boundary.matched] };
}
