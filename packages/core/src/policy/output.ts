import { listOf } from './document.ts';
import type { PolicyDocument, PolicyFragment, Statement } from './types.ts';

/** IAM's size limits, in characters of the document without white space. */
export const POLICY_SIZE_LIMITS = {
  /** A customer managed policy. */
  managed: 6144,
  /** An inline policy on a user. */
  userInline: 2048,
  /** An inline policy on a role. */
  roleInline: 10240,
  /** An inline policy on a group. */
  groupInline: 5120,
} as const;

/** A policy ready to hand to the user, with its size as IAM counts it. */
export interface OutputPolicy {
  /** A suggested name for the managed policy. */
  name: string;
  /** The document. */
  document: PolicyDocument;
  /** Characters of the document without white space, as IAM measures against its limits. */
  size: number;
}

/** The size IAM counts for a document: its JSON without white space outside strings. */
export function policySize(document: PolicyDocument): number {
  return JSON.stringify(document).length;
}

function resourceKey(s: Statement): string {
  return JSON.stringify([listOf(s.Resource).slice().sort(), s.Condition ?? null]);
}

/**
 * Merges the Allow statements of fragments into one list: statements with the same resources and conditions are
 * joined and their actions deduplicated (case-insensitively, first spelling kept), in first-seen order.
 */
export function mergeStatements(fragments: PolicyFragment[]): Statement[] {
  const merged = new Map<string, { statement: Statement; seen: Set<string> }>();
  for (const f of fragments) {
    for (const s of f.statements) {
      if (s.Effect !== 'Allow') continue;
      const key = resourceKey(s);
      let entry = merged.get(key);
      if (!entry) {
        const statement: Statement = { Effect: 'Allow', Action: [], Resource: s.Resource ?? '*' };
        if (s.Condition) statement.Condition = s.Condition;
        entry = { statement, seen: new Set() };
        merged.set(key, entry);
      }
      for (const action of listOf(s.Action)) {
        const k = action.toLowerCase();
        if (entry.seen.has(k)) continue;
        entry.seen.add(k);
        (entry.statement.Action as string[]).push(action);
      }
    }
  }
  return [...merged.values()].map(({ statement }) => {
    const actions = statement.Action as string[];
    return actions.length === 1 ? { ...statement, Action: actions[0]! } : statement;
  });
}

/**
 * Builds the policies to grant for some fragments: merged, and split into as few documents as keep each within
 * `limit` characters (IAM's managed-policy limit by default). A statement too large for one document is split by
 * its actions.
 */
export function buildPolicies(
  fragments: PolicyFragment[],
  baseName: string,
  limit: number = POLICY_SIZE_LIMITS.managed,
): OutputPolicy[] {
  const statements = mergeStatements(fragments);
  const docOf = (list: Statement[]): PolicyDocument => ({ Version: '2012-10-17', Statement: list });
  const whole = docOf(statements);
  if (policySize(whole) <= limit) return [{ name: baseName, document: whole, size: policySize(whole) }];

  // Split over-large statements by actions, then pack statements greedily in order.
  const pieces: Statement[] = [];
  const emptySize = policySize(docOf([]));
  for (const s of statements) {
    if (emptySize + JSON.stringify(s).length <= limit) {
      pieces.push(s);
      continue;
    }
    let current: string[] = [];
    for (const action of listOf(s.Action)) {
      const candidate = { ...s, Action: [...current, action] };
      if (current.length && emptySize + JSON.stringify(candidate).length > limit) {
        pieces.push({ ...s, Action: current });
        current = [];
      }
      current.push(action);
    }
    if (current.length) pieces.push({ ...s, Action: current });
  }
  const parts: Statement[][] = [];
  for (const piece of pieces) {
    const last = parts.at(-1);
    if (last && policySize(docOf([...last, piece])) <= limit) last.push(piece);
    else parts.push([piece]);
  }
  return parts.map((list, i) => {
    const document = docOf(list);
    return { name: `${baseName}-${i + 1}`, document, size: policySize(document) };
  });
}
