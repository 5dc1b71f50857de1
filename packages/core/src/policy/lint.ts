import { actionsOfService } from '../catalog.ts';
import { coverCandidateIndex, globCovers, hasWildcard, matchesGlob } from '../engine/glob.ts';
import { listOf, statementsOf } from './document.ts';
import { POLICY_SIZE_LIMITS, policySize } from './output.ts';
import type { NamedPolicy, Statement } from './types.ts';

/** How serious a lint finding is: errors make `awsperm lint` exit 1, warnings do not. */
export type LintSeverity = 'error' | 'warning';

/** One problem found in a policy. */
export interface LintFinding {
  /** The policy's name (its file). */
  policy: string;
  /** 0-based statement index, when the finding is about one statement. */
  statementIndex?: number;
  /** How serious it is. */
  severity: LintSeverity;
  /** Stable code, e.g. `unknown-action`. */
  code:
    | 'unknown-service'
    | 'unknown-action'
    | 'wildcard-matches-nothing'
    | 'malformed-arn'
    | 'resource-service-mismatch'
    | 'size-managed'
    | 'size-inline'
    | 'redundant-statement'
    | 'allow-not-action';
  /** One line for the user. */
  message: string;
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
    }
  }
  return d[a.length]![b.length]!;
}

function closest(name: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const score = distance(name.toLowerCase(), c.toLowerCase());
    if (score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return bestScore <= Math.max(2, Math.floor(name.length / 4)) ? best : undefined;
}

const ARN = /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|\*):([a-z0-9-*]+):([a-z0-9-*]*):(\d{12}|\*|aws|):(.+)$/;

async function lintActions(policy: string, index: number, s: Statement, out: LintFinding[]): Promise<Set<string>> {
  const services = new Set<string>();
  for (const action of [...listOf(s.Action), ...listOf(s.NotAction)]) {
    if (action === '*') continue;
    const [service, name] = action.split(':') as [string, string];
    const lower = service.toLowerCase();
    services.add(lower);
    if (hasWildcard(service)) continue;
    const known = await actionsOfService(lower);
    if (!known) {
      out.push({ policy, statementIndex: index, severity: 'error', code: 'unknown-service', message: `unknown service prefix "${service}" in "${action}"` });
      continue;
    }
    if (hasWildcard(name)) {
      if (!known.some((a) => matchesGlob(`${lower}:${name}`, a, true))) {
        out.push({ policy, statementIndex: index, severity: 'error', code: 'wildcard-matches-nothing', message: `"${action}" matches no ${lower} action` });
      }
    } else if (!known.some((a) => a.toLowerCase() === action.toLowerCase())) {
      const suggestion = closest(`${lower}:${name}`, known);
      out.push({
        policy,
        statementIndex: index,
        severity: 'error',
        code: 'unknown-action',
        message: `unknown action "${action}"${suggestion ? ` (did you mean ${suggestion}?)` : ''}`,
      });
    }
  }
  return services;
}

function lintResources(policy: string, index: number, s: Statement, services: Set<string>, out: LintFinding[]): void {
  for (const resource of [...listOf(s.Resource), ...listOf(s.NotResource)]) {
    if (resource === '*') continue;
    const m = ARN.exec(resource);
    if (!m) {
      out.push({ policy, statementIndex: index, severity: 'error', code: 'malformed-arn', message: `malformed resource ARN "${resource}" (expected arn:partition:service:region:account:resource)` });
      continue;
    }
    const service = m[2]!;
    if (!hasWildcard(service) && services.size > 0 && ![...services].some((a) => hasWildcard(a) || a === service)) {
      out.push({
        policy,
        statementIndex: index,
        severity: 'warning',
        code: 'resource-service-mismatch',
        message: `resource "${resource}" is a ${service} ARN, but the statement's actions are ${[...services].join(', ')}`,
      });
    }
  }
}

function covers(outer: Statement, inner: Statement): boolean {
  if (outer.Effect !== inner.Effect || outer.Condition || inner.Condition) return false;
  if (!outer.Action || !inner.Action || !outer.Resource || !inner.Resource) return false;
  const actions = listOf(outer.Action);
  const resources = listOf(outer.Resource);
  return (
    listOf(inner.Action).every((a) => actions.some((o) => globCovers(o, a, true))) &&
    listOf(inner.Resource).every((r) => resources.some((o) => globCovers(o, r)))
  );
}

/** The statements that could cover a given one: those with a resource that may cover its first resource. */
function coverCandidates(statements: readonly Statement[]): (inner: Statement) => number[] {
  const eligible = statements.map((s) => (s.Condition || !s.Action || !s.Resource ? [] : listOf(s.Resource)));
  const index = coverCandidateIndex(eligible);
  return (inner) => {
    const r0 = inner.Resource === undefined ? undefined : listOf(inner.Resource)[0];
    return r0 === undefined || inner.Condition || !inner.Action ? [] : index(r0);
  };
}

/**
 * Lints identity-based policies: unknown services and actions (against the IAM action catalogue), wildcards that
 * match nothing, malformed ARNs and ARNs of another service than the actions, sizes over IAM's limits, statements
 * another statement already covers, and Allow with NotAction.
 */
export async function lintPolicies(policies: NamedPolicy[]): Promise<LintFinding[]> {
  const out: LintFinding[] = [];
  for (const p of policies) {
    const statements = statementsOf(p.document);
    const candidates = coverCandidates(statements);
    for (const [i, s] of statements.entries()) {
      const services = await lintActions(p.name, i, s, out);
      lintResources(p.name, i, s, services, out);
      if (s.Effect === 'Allow' && s.NotAction !== undefined) {
        out.push({
          policy: p.name,
          statementIndex: i,
          severity: 'warning',
          code: 'allow-not-action',
          message: 'Allow with NotAction grants every action except those listed, including future ones; list the actions instead',
        });
      }
      const by = candidates(s).find((j) => j !== i && covers(statements[j]!, s) && (!covers(s, statements[j]!) || j < i)) ?? -1;
      if (by !== -1) {
        out.push({ policy: p.name, statementIndex: i, severity: 'warning', code: 'redundant-statement', message: `statement ${by + 1} already grants everything this statement grants` });
      }
    }
    const size = policySize(p.document);
    if (size > POLICY_SIZE_LIMITS.managed) {
      out.push({ policy: p.name, severity: 'error', code: 'size-managed', message: `${size} characters without white space: over the managed-policy limit of ${POLICY_SIZE_LIMITS.managed}` });
    }
    const inline: [string, number][] = [
      ['user', POLICY_SIZE_LIMITS.userInline],
      ['group', POLICY_SIZE_LIMITS.groupInline],
      ['role', POLICY_SIZE_LIMITS.roleInline],
    ];
    const over = inline.filter(([, limit]) => size > limit);
    if (over.length) {
      out.push({
        policy: p.name,
        severity: 'warning',
        code: 'size-inline',
        message: `${size} characters without white space: too large as an inline policy on a ${over.map(([k, l]) => `${k} (limit ${l})`).join(', ')}`,
      });
    }
  }
  return out;
}
