import { coverCandidateIndex, globCovers } from '../engine/glob.ts';
import { AwspermError } from '../errors.ts';
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
  const perAction = new Map<string, { action: string; condition: Statement['Condition']; resources: Set<string> }>();
  for (const f of fragments) {
    for (const s of f.statements) {
      if (s.Effect !== 'Allow') continue;
      const conditionKey = JSON.stringify(s.Condition ?? null);
      for (const action of listOf(s.Action)) {
        const key = `${action.toLowerCase()}\u0000${conditionKey}`;
        let entry = perAction.get(key);
        if (!entry) {
          entry = { action, condition: s.Condition, resources: new Set() };
          perAction.set(key, entry);
        }
        for (const r of listOf(s.Resource ?? '*')) entry.resources.add(r);
      }
    }
  }
  const groups = new Map<string, Statement>();
  for (const { action, condition, resources: set } of perAction.values()) {
    const resources = [...set];
    // Candidates by literal prefix: comparing every pair of 6,000 resources would take a minute.
    const candidates = coverCandidateIndex(resources.map((r) => [r]));
    const kept = resources.filter(
      (r, i) => !candidates(r).some((j) => j !== i && globCovers(resources[j]!, r) && (!globCovers(r, resources[j]!) || j < i)),
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
 * Splits a statement's `key` list into consecutive runs that each keep the statement within `room` characters,
 * counting sizes incrementally (a list adds its items and the commas between them); a run of one is kept even if
 * it does not fit, for the caller to report.
 */
function chunk(s: Statement, key: 'Action' | 'Resource', room: number): Statement[] {
  const make = (list: string[]): Statement => ({ ...s, [key]: list.length === 1 ? list[0]! : list });
  // The array form is the larger: `["a"]` against `"a"`.
  const base = JSON.stringify({ ...s, [key]: [] }).length;
  const out: Statement[] = [];
  let current: string[] = [];
  let size = base;
  for (const item of listOf(s[key] ?? [])) {
    const add = JSON.stringify(item).length + (current.length ? 1 : 0);
    if (current.length && size + add > room) {
      out.push(make(current));
      current = [];
      size = base;
    }
    size += JSON.stringify(item).length + (current.length ? 1 : 0);
    current.push(item);
  }
  if (current.length) out.push(make(current));
  return out;
}

/**
 * Packs statements into as few documents as keep each within `limit` characters (IAM's managed-policy limit by
 * default), named `baseName` alone or `baseName-1`, `baseName-2`, …. A statement too large for one document is split
 * by its actions and, when one action's resources do not fit, by its resources: no document is ever over `limit`.
 */
export function splitPolicies(statements: Statement[], baseName: string, limit: number = POLICY_SIZE_LIMITS.managed): OutputPolicy[] {
  const docOf = (list: Statement[]): PolicyDocument => ({ Version: '2012-10-17', Statement: list });
  const whole = docOf(statements);
  if (policySize(whole) <= limit) return [{ name: baseName, document: whole, size: policySize(whole) }];

  // Split over-large statements by actions, then by resources, then pack statements greedily in order.
  const emptySize = policySize(docOf([]));
  const fits = (s: Statement): boolean => emptySize + JSON.stringify(s).length <= limit;
  const pieces: Statement[] = [];
  for (const s of statements) {
    if (fits(s)) {
      pieces.push(s);
      continue;
    }
    // Too many resources for even one action: split by resources first, keeping the actions together.
    const first = listOf(s.Action ?? [])[0];
    const byResources = first !== undefined && !fits({ ...s, Action: first }) ? chunk(s, 'Resource', limit - emptySize) : [s];
    for (const r of byResources) {
      if (fits(r)) pieces.push(r);
      else pieces.push(...chunk(r, 'Action', limit - emptySize).flatMap((a) => (fits(a) ? [a] : chunk(a, 'Resource', limit - emptySize))));
    }
  }
  for (const piece of pieces) {
    if (!fits(piece)) {
      const detail = `a statement with one action and one resource is ${JSON.stringify(piece).length} characters: it cannot fit a policy of ${limit}`;
      throw new AwspermError('POLICY_INVALID', detail, { data: { detail } });
    }
  }
  // Sizes add up: the document is the empty one plus each statement and a comma between two.
  const parts: { list: Statement[]; size: number }[] = [];
  for (const piece of pieces) {
    const size = JSON.stringify(piece).length;
    const last = parts.at(-1);
    if (last && last.size + 1 + size <= limit) {
      last.list.push(piece);
      last.size += 1 + size;
    } else parts.push({ list: [piece], size: emptySize + size });
  }
  return parts.map(({ list }, i) => {
    const document = docOf(list);
    return { name: `${baseName}-${i + 1}`, document, size: policySize(document) };
  });
}
