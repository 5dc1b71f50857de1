import { listOf, statementsOf } from '../policy/document.ts';
import type { NamedPolicy, Statement } from '../policy/types.ts';
import { evaluateConditions, type RequestContext } from './conditions.ts';
import { globCovers, globOverlaps } from './glob.ts';
import { describeRef } from './statement-ref.ts';
import type { EvaluationRequest, EvaluationResult, StatementRef } from './types.ts';

/** Who makes a request that a resource-based policy decides: an AWS principal or an AWS service. */
export interface Requester {
  /** The user or role ARN, or an assumed-role session ARN (`arn:aws:sts::…:assumed-role/Name/session`). */
  arn?: string;
  /** A service principal, e.g. `cloudformation.amazonaws.com`. */
  service?: string;
}

/** The decision of a resource-based policy, with whether it names the requester itself. */
export interface ResourcePolicyResult extends EvaluationResult {
  /**
   * For `allowed`: true when an allowing statement names the requester itself (its ARN, its role, a service), false
   * when it names only its account or everyone, which delegates the decision to the account's identity policies.
   */
  direct?: boolean;
}

const accountOf = (arn: string): string | undefined => /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(arn)?.[1];

/** The role a session ARN belongs to: `arn:aws:sts::A:assumed-role/R/s` → account A, role name R. */
function sessionRole(arn: string): { account: string; name: string } | undefined {
  const m = /^arn:[^:]+:sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(arn);
  return m ? { account: m[1]!, name: m[2]! } : undefined;
}

/** Whether a Principal element names the requester: `undefined` when not, else whether it names it directly. */
function principalMatch(principal: Statement['Principal'], who: Requester): { direct: boolean } | undefined {
  if (principal === undefined) return undefined;
  if (principal === '*') return { direct: false };
  let match: { direct: boolean } | undefined;
  for (const [kind, raw] of Object.entries(principal)) {
    for (const value of listOf(raw)) {
      if (kind === 'Service' && who.service && value.toLowerCase() === who.service.toLowerCase()) return { direct: true };
      if (kind !== 'AWS' || !who.arn) continue;
      const account = accountOf(who.arn);
      if (value === '*') match ??= { direct: false };
      else if (value === who.arn) return { direct: true };
      else if ((/^\d{12}$/.test(value) && value === account) || (account && new RegExp(`^arn:[^:]+:iam::${account}:root$`).test(value))) match ??= { direct: false };
      else {
        const role = sessionRole(who.arn);
        const named = /^arn:[^:]+:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(value);
        if (role && named && named[1] === role.account && named[2] === role.name) return { direct: true };
      }
    }
  }
  return match;
}

function applies(s: Statement, request: EvaluationRequest, mode: 'all' | 'some'): boolean {
  const covers = (p: string, v: string, ci: boolean) => (mode === 'all' ? globCovers(p, v, ci) : globOverlaps(p, v, ci));
  const action = s.Action !== undefined ? listOf(s.Action).some((p) => covers(p, request.action, true)) : !listOf(s.NotAction).some((p) => globOverlaps(p, request.action, true));
  if (!action) return false;
  if (s.Resource !== undefined) return listOf(s.Resource).some((p) => covers(p, request.resource, false));
  if (s.NotResource !== undefined) return !listOf(s.NotResource).some((p) => globOverlaps(p, request.resource));
  return true;
}

/**
 * Evaluates one request against a resource-based policy (a role's trust policy, a bucket policy) for one requester:
 * the statements whose `Principal` names it (or whose `NotPrincipal` does not), whose action and resource apply,
 * and whose conditions hold in `context`. An applicable Deny wins; a condition on a key the context does not know
 * makes the result `unknown`. The result says whether the allow names the requester itself ({@link
 * ResourcePolicyResult.direct}): callers combine it with the identity decision (same account: a direct grant
 * suffices; otherwise the identity policies must allow too).
 * @since 0.2.0
 */
export function evaluateResourcePolicy(request: EvaluationRequest, policy: NamedPolicy, requester: Requester, context: RequestContext = {}): ResourcePolicyResult {
  const withVariables = policy.document.Version === '2012-10-17';
  const allows: { ref: StatementRef; direct: boolean; keys: string[] }[] = [];
  const denies: { ref: StatementRef; keys: string[] }[] = [];
  statementsOf(policy.document).forEach((s, index) => {
    const who = s.NotPrincipal !== undefined ? (principalMatch(s.NotPrincipal, requester) ? undefined : { direct: false }) : principalMatch(s.Principal, requester);
    if (!who || !applies(s, request, s.Effect === 'Deny' ? 'some' : 'all')) return;
    const outcome = s.Condition ? evaluateConditions(s.Condition, context, withVariables) : ({ result: 'match' } as const);
    if (outcome.result === 'noMatch') return;
    const ref: StatementRef = { policy: policy.name, statementIndex: index, effect: s.Effect, ...(s.Sid ? { sid: s.Sid } : {}) };
    const keys = outcome.result === 'unknown' ? outcome.keys : [];
    if (s.Effect === 'Deny') denies.push({ ref, keys });
    else allows.push({ ref, direct: who.direct, keys });
  });
  const sure = denies.filter((d) => !d.keys.length);
  if (sure.length) return { decision: 'explicitDeny', matched: sure.map((d) => d.ref), reason: `explicitly denied by ${describeRef(sure[0]!.ref)}` };
  const granted = allows.filter((a) => !a.keys.length);
  const maybe = [...denies, ...allows.filter((a) => a.keys.length)];
  if (granted.length && !denies.length) {
    return { decision: 'allowed', matched: granted.map((a) => a.ref), reason: `allowed by ${describeRef(granted[0]!.ref)}`, direct: granted.some((a) => a.direct) };
  }
  if (maybe.length && (granted.length || allows.length)) {
    const keys = [...new Set(maybe.flatMap((m) => m.keys))];
    return { decision: 'unknown', matched: maybe.map((m) => m.ref), reason: `depends on context: ${describeRef(maybe[0]!.ref)} applies under a condition (${keys.join(', ')})`, contextKeys: keys };
  }
  return { decision: 'implicitDeny', matched: [], reason: `no statement of ${policy.name} lets ${requester.arn ?? requester.service ?? 'the requester'} in` };
}
