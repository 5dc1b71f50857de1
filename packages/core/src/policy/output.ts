import { globCovers } from '../engine/glob.ts';
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

/**
 * Merges the Allow statements of fragments into as few statements as possible: each action keeps only the
 * resources no other of its resources already covers, and actions with the same resources (and conditions) share
 * a statement. Actions are deduplicated case-insensitively (first spelling kept), in first-seen order, so every
 * action appears in exactly one statement.
 */
export function mergeStatements(fragments: PolicyFragment[]): Statement[] {
  const perAction = new Map<string, { action: string; condition: Statement['Condition']; resources: string[] }>();
  for (const f of fragments) {
    for (const s of f.statements) {
      if (s.Effect !== 'Allow') continue;
      const conditionKey = JSON.stringify(s.Condition ?? null);
      for (const action of listOf(s.Action)) {
        const key = `${action.toLowerCase()}\u0000${conditionKey}`;
        let entry = perAction.get(key);
        if (!entry) {
          entry = { action, condition: s.Condition, resources: [] };
          perAction.set(key, entry);
        }
        for (const r of listOf(s.Resource ?? '*')) if (!entry.resources.includes(r)) entry.resources.push(r);
      }
    }
  }
  const groups = new Map<string, Statement>();
  for (const { action, condition, resources } of perAction.values()) {
    const kept = resources.filter(
      (r, i) => !resources.some((other, j) => j !== i && globCovers(other, r) && (!globCovers(r, other) || j < i)),
    );
    const key = JSON.stringify([kept.slice().sort(), condition ?? null]);
    let statement = groups.get(key);
    if (!statement) {
      statement = { Effect: 'Allow', Action: [], Resource: kept.length === 1 ? kept[0]! : kept };
      if (condition) statement.Condition = condition;
      groups.set(key, statement);
    }
    (statement.Action as string[]).push(action);
  }
  return [...groups.values()].map((statement) => {
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
  return splitPolicies(mergeStatements(fragments), baseName, limit);
}

/**
 * Packs statements into as few documents as keep each within `limit` characters (IAM's managed-policy limit by
 * default), named `baseName` alone or `baseName-1`, `baseName-2`, …. A statement too large for one document is split
 * by its actions.
 */
export function splitPolicies(statements: Statement[], baseName: string, limit: number = POLICY_SIZE_LIMITS.managed): OutputPolicy[] {
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
