import type { CheckOutcome } from '../check.ts';
import { describeRef } from '../engine/statement-ref.ts';
import { listOf } from '../policy/document.ts';
import { grantPolicies } from '../policy/minimise.ts';
import type { PolicyFragment, Statement } from '../policy/types.ts';
import type { CheckFix, CheckResult, FixChange, MatchedStatement } from '../report/types.ts';

/** Whether a grant in the identity policies is needed: nothing there allows it (a boundary or SCP may deny it too). */
function needsGrant(r: CheckResult): boolean {
  return r.decision === 'implicitDeny' && !(r.matched ?? []).some((m) => m.effect === 'Allow' && !m.boundary);
}

function statementName(m: MatchedStatement): string {
  if (m.statementIndex < 0) return `a statement of ${m.policy}${m.position ? ` (line ${m.position.line})` : ''}`;
  return describeRef(m);
}

const LISTED = 8;
function actionList(requests: { action: string }[]): string {
  const actions = [...new Set(requests.map((r) => r.action))];
  return actions.length > LISTED ? `${actions.slice(0, LISTED).join(', ')} and ${actions.length - LISTED} more` : actions.join(', ');
}

/** The denials no grant can lift, grouped by the statement or policy that must change. */
function changesOf(results: CheckResult[]): FixChange[] {
  const groups = new Map<string, FixChange>();
  const add = (key: string, make: () => Omit<FixChange, 'requests' | 'message'>, r: CheckResult) => {
    let change = groups.get(key);
    if (!change) {
      change = { ...make(), requests: [], message: '' };
      groups.set(key, change);
    }
    change.requests.push({ action: r.action, resource: r.resource });
  };
  for (const r of results) {
    if (r.decision === 'explicitDeny') {
      const deny = (r.matched ?? []).find((m) => m.effect === 'Deny') ?? r.matched?.[0];
      if (!deny) {
        add('deny:?', () => ({ kind: 'explicitDeny' }), r);
        continue;
      }
      const key = `deny:${deny.policy}\u0000${deny.statementIndex}\u0000${deny.position?.line ?? ''}:${deny.position?.column ?? ''}`;
      add(key, () => ({ kind: 'explicitDeny', policy: deny.policy, statement: deny }), r);
    } else if (r.decision === 'implicitDeny' && r.deniedBy) {
      const { kind, policy } = r.deniedBy;
      add(`${kind}:${policy ?? ''}`, () => ({ kind, ...(policy ? { policy } : {}) }), r);
    }
  }
  const out = [...groups.values()];
  for (const c of out) {
    const actions = actionList(c.requests);
    if (c.kind === 'explicitDeny') {
      const where = c.statement ? statementName(c.statement) : 'a Deny statement';
      c.message = `${where} denies ${actions}: narrow or remove it (a grant cannot override an explicit deny)`;
    } else if (c.kind === 'boundary') {
      // Evaluators name the boundary "permission boundary <arn>" already.
      const boundary = !c.policy ? 'the permission boundary' : /^permission boundary /.test(c.policy) ? `the ${c.policy}` : `the permission boundary ${c.policy}`;
      c.message = `${boundary} does not allow ${actions}: add them to the boundary (a grant cannot lift it)`;
    } else if (c.kind === 'trust') {
      c.message = `${c.policy ?? 'the role’s trust policy'} does not allow ${actions}: the trust policy must let the principal in (no grant to the principal can)`;
    } else {
      c.message = `an Organizations SCP denies ${actions}: the SCP must allow them (no grant to the principal can)`;
    }
  }
  return out;
}

/**
 * The fix of one principal's check: the least policy granting exactly what was implicitly denied — each denied
 * requirement as its fragment states it (resource and condition), a wildcard kept only when every action it
 * matches is missing — merged, minimised and split as `policy` does; and what a grant cannot help with. Undefined
 * when everything is allowed.
 */
export async function buildFix(fragments: PolicyFragment[], outcome: Pick<CheckOutcome, 'fragments' | 'results'>, name: string): Promise<CheckFix | undefined> {
  if (outcome.results.every((r) => r.decision === 'allowed')) return undefined;
  const statements: Statement[] = [];
  fragments.forEach((fragment, i) => {
    const report = outcome.fragments[i];
    if (!report || report.id !== fragment.id) return;
    const byRequirement = new Map<string, CheckResult[]>();
    for (const req of report.requirements) {
      const key = `${req.action}\u0000${req.resource}`;
      if (!byRequirement.has(key)) byRequirement.set(key, req.results);
    }
    for (const s of fragment.statements) {
      if (s.Effect !== 'Allow') continue;
      const resources = listOf(s.Resource);
      for (const resource of resources.length ? resources : ['*']) {
        const actions: string[] = [];
        for (const action of listOf(s.Action)) {
          const results = byRequirement.get(`${action}\u0000${resource}`) ?? [];
          const missing = results.filter(needsGrant);
          if (!missing.length) continue;
          if (missing.length === results.length) actions.push(action);
          else actions.push(...missing.map((r) => r.action));
        }
        if (actions.length) statements.push({ Effect: 'Allow', Action: actions, Resource: resource, ...(s.Condition ? { Condition: s.Condition } : {}) });
      }
    }
  });
  const policies = statements.length ? await grantPolicies([{ id: 'fix', title: 'fix', source: { title: 'awsperm check' }, statements }], name) : [];
  const changes = changesOf(outcome.results);
  const unknown = outcome.results.filter((r) => r.decision === 'unknown').length;
  return { policies, ...(changes.length ? { changes } : {}), ...(unknown ? { unknown } : {}) };
}
