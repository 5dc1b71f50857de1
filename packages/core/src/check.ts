import { expandAction } from './catalog.ts';
import type { Decision } from './engine/types.ts';
import type { EvaluationRequest, EvaluationResult } from './engine/types.ts';
import { globCovers, hasWildcard } from './engine/glob.ts';
import { AwspermError } from './errors.ts';
import { listOf } from './policy/document.ts';
import type { PolicyFragment, Statement } from './policy/types.ts';
import { mergeContext } from './request-context.ts';
import type { CheckResult, CheckSummary, FragmentReport, RequirementResult } from './report/types.ts';

/**
 * Something that decides requests for one principal: offline from policy files, locally from fetched policies,
 * or through `iam:SimulatePrincipalPolicy`.
 */
export interface Evaluator {
  /** Which mode this evaluator implements. */
  mode: 'offline' | 'local' | 'simulate';
  /** What is being evaluated, for reports: a principal ARN or the policy files used. */
  subject: string;
  /** Decides a batch of requests; results are in the same order as the requests. */
  evaluate(requests: EvaluationRequest[]): Promise<EvaluationResult[]>;
}

/** The outcome of {@link runCheck}: grouped per fragment and flat per concrete action. */
export interface CheckOutcome {
  /** Per fragment, per requirement as written. */
  fragments: FragmentReport[];
  /** One entry per distinct concrete action and resource. */
  results: CheckResult[];
  /** Counts over {@link CheckOutcome.results}. */
  summary: CheckSummary;
}

const SEVERITY: Record<Decision, number> = { allowed: 0, unknown: 1, implicitDeny: 2, explicitDeny: 3 };

/** The worst of several decisions: explicit deny, then implicit deny, then unknown, then allowed. */
export function worstDecision(decisions: Iterable<Decision>): Decision {
  let worst: Decision = 'allowed';
  for (const d of decisions) if (SEVERITY[d] > SEVERITY[worst]) worst = d;
  return worst;
}

/** True for the decisions that mean "not allowed". */
export function isDenied(decision: Decision): boolean {
  return decision === 'implicitDeny' || decision === 'explicitDeny';
}

interface Requirement {
  fragment: PolicyFragment;
  action: string;
  resource: string;
  /** What the tool's request carries by the statement's StringEquals condition. */
  context?: Record<string, string | string[]>;
}

type Values = Record<string, string | string[]>;

/**
 * The request contexts a required statement stands for: its `StringEquals` keys (one request per value of a
 * single-valued key; `ForAllValues:`/`ForAnyValue:StringEquals` give a list), or one empty context.
 */
function statementContexts(s: Statement): Values[] {
  let out: Values[] = [{}];
  for (const [op, keys] of Object.entries(s.Condition ?? {})) {
    const lower = op.toLowerCase();
    const set = lower === 'forallvalues:stringequals' || lower === 'foranyvalue:stringequals';
    if (lower !== 'stringequals' && !set) continue;
    for (const [key, value] of Object.entries(keys)) {
      const values = (Array.isArray(value) ? value : [value]).map(String);
      out = set ? out.map((c) => ({ ...c, [key]: values })) : out.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
    }
  }
  return out;
}

function fragmentContext(fragment: PolicyFragment, action: string): Values {
  const out: Values = {};
  for (const c of fragment.context ?? []) {
    if (c.actions && !c.actions.some((p) => globCovers(p, action, true))) continue;
    Object.assign(out, c.values);
  }
  return out;
}

function requirementsOf(fragment: PolicyFragment): Requirement[] {
  const out: Requirement[] = [];
  for (const s of fragment.statements) {
    if (s.Effect !== 'Allow') continue;
    if (s.NotAction !== undefined || s.NotResource !== undefined) {
      throw new AwspermError('ADAPTER_INVALID', `fragment ${fragment.id}: required statements cannot use NotAction or NotResource`);
    }
    const resources = listOf(s.Resource);
    const contexts = statementContexts(s);
    for (const action of listOf(s.Action)) {
      for (const context of contexts) {
        for (const resource of resources.length ? resources : ['*']) {
          out.push({ fragment, action, resource, ...(Object.keys(context).length ? { context } : {}) });
        }
      }
    }
  }
  return out;
}

/** Options of {@link runCheck}. */
export interface RunCheckOptions {
  /** Request context the user gave: it replaces the same keys of what requirements carry and the evaluator knows. */
  context?: Readonly<Record<string, string | readonly string[]>>;
}

/**
 * Checks every requirement of the fragments with the evaluator. Wildcard requirements are expanded with the IAM
 * action catalogue first, so that each matched action is decided on its own; each distinct concrete action and
 * resource is evaluated once.
 */
export async function runCheck(fragments: PolicyFragment[], evaluator: Evaluator, options: RunCheckOptions = {}): Promise<CheckOutcome> {
  const requirements = fragments.flatMap(requirementsOf);
  const expansions = new Map<string, Promise<string[]>>();
  const expand = (action: string) => {
    const key = action.toLowerCase();
    let p = expansions.get(key);
    if (!p) {
      p = hasWildcard(action) ? expandAction(action) : expandAction(action).catch(() => [action]);
      expansions.set(key, p);
    }
    return p;
  };
  const expanded = await Promise.all(requirements.map((r) => expand(r.action)));

  // One concrete result per (action, resource); requiredBy and expandedFrom merged across requirements.
  const byKey = new Map<string, CheckResult>();
  const perRequirement: CheckResult[][] = [];
  const requests: EvaluationRequest[] = [];
  requirements.forEach((req, i) => {
    const list: CheckResult[] = [];
    for (const action of expanded[i]!) {
      // The fragment's context applies per concrete action (`iam:*` includes the iam:PassRole it describes).
      const carried = req.fragment.context ? { ...fragmentContext(req.fragment, action), ...req.context } : req.context;
      const own = carried && Object.keys(carried).length ? carried : undefined;
      const signature = own ? JSON.stringify(Object.entries(own).sort(([a], [b]) => (a < b ? -1 : 1))) : '';
      const key = `${action.toLowerCase()}\u0000${req.resource}\u0000${signature}`;
      let result = byKey.get(key);
      if (!result) {
        result = { action, resource: req.resource, decision: 'implicitDeny', requiredBy: [], reason: '' };
        if (own) result.context = own;
        if (hasWildcard(req.action)) result.expandedFrom = req.action;
        byKey.set(key, result);
        const context = own || options.context ? mergeContext(own, options.context) : undefined;
        requests.push({ action, resource: req.resource, ...(context ? { context } : {}) });
      } else if (!hasWildcard(req.action)) {
        delete result.expandedFrom;
      }
      if (!result.requiredBy.includes(req.fragment.id)) result.requiredBy.push(req.fragment.id);
      list.push(result);
    }
    perRequirement.push(list);
  });

  const decisions = await evaluator.evaluate(requests);
  const results = [...byKey.values()];
  results.forEach((result, i) => {
    const d = decisions[i]!;
    result.decision = d.decision;
    result.reason = d.reason;
    if (d.matched.length) result.matched = d.matched;
    if (d.contextKeys?.length) result.contextKeys = d.contextKeys;
    if (d.deniedBy && d.decision === 'implicitDeny') result.deniedBy = d.deniedBy;
  });

  const fragmentReports: FragmentReport[] = fragments.map((f) => ({
    id: f.id,
    title: f.title,
    ...(f.description ? { description: f.description } : {}),
    source: f.source,
    requirements: [],
  }));
  requirements.forEach((req, i) => {
    const report = fragmentReports[fragments.indexOf(req.fragment)]!;
    const concrete = perRequirement[i]!;
    const entry: RequirementResult = {
      action: req.action,
      resource: req.resource,
      decision: worstDecision(concrete.map((r) => r.decision)),
      results: concrete,
    };
    report.requirements.push(entry);
  });
  for (const report of fragmentReports) {
    // Denied first, then unknown, then allowed; stable within each group.
    report.requirements.sort((a, b) => SEVERITY[b.decision] - SEVERITY[a.decision]);
  }

  const summary: CheckSummary = { required: results.length, allowed: 0, denied: 0, unknown: 0 };
  for (const r of results) {
    if (r.decision === 'allowed') summary.allowed++;
    else if (r.decision === 'unknown') summary.unknown++;
    else summary.denied++;
  }
  return { fragments: fragmentReports, results, summary };
}
