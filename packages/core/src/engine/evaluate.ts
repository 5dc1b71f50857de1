import { listOf, statementsOf } from '../policy/document.ts';
import type { NamedPolicy, Statement } from '../policy/types.ts';
import { globCovers, globOverlaps } from './glob.ts';
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
  /** Condition keys and policy variables the statement depends on; empty when it is unconditional. */
  contextKeys: string[];
}

// Separate caches: the same policy object may serve as an identity policy and as a boundary.
const compiledIdentity = new WeakMap<NamedPolicy, CompiledStatement[]>();
const compiledBoundary = new WeakMap<NamedPolicy, CompiledStatement[]>();

/** Private-use characters standing for the literal `*` and `?` that `${*}` and `${?}` denote. */
const LITERAL_STAR = '\uE000';
// See LITERAL_STAR.
const LITERAL_QUESTION = '\uE001';

function variablesIn(values: string[]): string[] {
  const found: string[] = [];
  for (const v of values) {
    for (const m of v.matchAll(/\$\{([^}]*)\}/g)) {
      const name = m[1]!.split(',')[0]!.trim();
      // ${*}, ${?} and ${$} are escapes for literal characters, not variables.
      if (name !== '*' && name !== '?' && name !== '$') found.push(`\${${name}}`);
    }
  }
  return found;
}

// Escapes become literal characters; a real variable matches anything here, because the statement is already
// marked as depending on context (its value is unknown).
function substitute(value: string): string {
  return value
    .replace(/\$\{\*\}/g, LITERAL_STAR)
    .replace(/\$\{\?\}/g, LITERAL_QUESTION)
    .replace(/\$\{\$\}/g, '$')
    .replace(/\$\{[^}]*\}/g, '*');
}

function compile(policy: NamedPolicy, boundary: boolean): CompiledStatement[] {
  const compiled = boundary ? compiledBoundary : compiledIdentity;
  let result = compiled.get(policy);
  if (result) return result;
  const withVariables = policy.document.Version === '2012-10-17';
  result = statementsOf(policy.document).map((s: Statement, index): CompiledStatement => {
    const resources = s.Resource === undefined ? undefined : listOf(s.Resource);
    const notResources = s.NotResource === undefined ? undefined : listOf(s.NotResource);
    const contextKeys = [...Object.values(s.Condition ?? {}).flatMap((keys) => Object.keys(keys))];
    const resourceValues = resources ?? notResources ?? [];
    if (withVariables) contextKeys.push(...variablesIn(resourceValues));
    const ref: StatementRef = { policy: policy.name, statementIndex: index, effect: s.Effect };
    if (s.Sid) ref.sid = s.Sid;
    if (boundary) ref.boundary = true;
    const fix = (list: string[] | undefined) => (list && withVariables ? list.map(substitute) : list);
    return {
      ref,
      effect: s.Effect,
      actions: s.Action === undefined ? undefined : listOf(s.Action),
      notActions: s.NotAction === undefined ? undefined : listOf(s.NotAction),
      resources: fix(resources),
      notResources: fix(notResources),
      contextKeys: [...new Set(contextKeys)],
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

function resourceApplies(s: CompiledStatement, resource: string, mode: 'all' | 'some'): boolean {
  if (s.resources) {
    return s.resources.some((p) => (mode === 'all' ? globCovers(p, resource) : globOverlaps(p, resource)));
  }
  const excluded = s.notResources ?? [];
  return mode === 'all'
    ? !excluded.some((p) => globOverlaps(p, resource))
    : !excluded.some((p) => globCovers(p, resource));
}

function describeRef(ref: StatementRef): string {
  const sid = ref.sid ? ` (Sid "${ref.sid}")` : '';
  return `statement ${ref.statementIndex + 1}${sid} of ${ref.policy}`;
}

function evaluateSet(statements: CompiledStatement[], request: EvaluationRequest, boundary: boolean): EvaluationResult {
  const denies: CompiledStatement[] = [];
  const conditionalDenies: CompiledStatement[] = [];
  const allows: CompiledStatement[] = [];
  const conditionalAllows: CompiledStatement[] = [];
  for (const s of statements) {
    if (s.effect === 'Deny') {
      // A Deny counts as soon as it can apply to some of the requested actions/resources.
      if (actionApplies(s, request.action, 'some') && resourceApplies(s, request.resource, 'some')) {
        (s.contextKeys.length ? conditionalDenies : denies).push(s);
      }
    } else if (actionApplies(s, request.action, 'all') && resourceApplies(s, request.resource, 'all')) {
      (s.contextKeys.length ? conditionalAllows : allows).push(s);
    }
  }
  const where = boundary ? 'the permission boundary' : 'the identity policies';
  if (denies.length) {
    return {
      decision: 'explicitDeny',
      matched: denies.map((s) => s.ref),
      reason: `explicitly denied by ${describeRef(denies[0]!.ref)}`,
      ...(boundary ? { deniedByBoundary: true } : {}),
    };
  }
  if (allows.length && !conditionalDenies.length) {
    return { decision: 'allowed', matched: allows.map((s) => s.ref), reason: `allowed by ${describeRef(allows[0]!.ref)}` };
  }
  if (conditionalDenies.length && (allows.length || conditionalAllows.length)) {
    const keys = [...new Set(conditionalDenies.flatMap((s) => s.contextKeys))];
    return {
      decision: 'unknown',
      matched: conditionalDenies.map((s) => s.ref),
      reason: `depends on context: ${describeRef(conditionalDenies[0]!.ref)} denies it when its condition holds (${keys.join(', ')})`,
      contextKeys: keys,
    };
  }
  if (conditionalAllows.length) {
    const keys = [...new Set(conditionalAllows.flatMap((s) => s.contextKeys))];
    return {
      decision: 'unknown',
      matched: conditionalAllows.map((s) => s.ref),
      reason: `depends on context: only ${describeRef(conditionalAllows[0]!.ref)} allows it, under a condition (${keys.join(', ')})`,
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
 * allowed only when every action and resource it matches is allowed. Conditions and policy variables are not
 * evaluated: a statement that carries them makes the result `unknown`, never a silent allow.
 */
export function evaluate(request: EvaluationRequest, policies: PrincipalPolicies): EvaluationResult {
  const identity = evaluateSet(
    policies.identity.flatMap((p) => compile(p, false)),
    request,
    false,
  );
  if (!policies.boundary || identity.decision === 'explicitDeny') return identity;
  const boundary = evaluateSet(compile(policies.boundary, true), request, true);
  if (boundary.decision === 'explicitDeny') return boundary;
  if (identity.decision === 'implicitDeny') return identity;
  if (boundary.decision === 'implicitDeny') {
    return { ...boundary, reason: `not allowed by the permission boundary ${policies.boundary.name}` };
  }
  if (identity.decision === 'unknown') return identity;
  if (boundary.decision === 'unknown') return boundary;
  return { ...identity, matched: [...identity.matched, ...boundary.matched] };
}
