import { actionExists, actionsOfService, splitAction } from '../catalog.ts';
import { hasWildcard, matchesGlob } from '../engine/glob.ts';
import { listOf } from './document.ts';
import { mergeStatements, type OutputPolicy, splitPolicies } from './output.ts';
import type { PolicyFragment, Statement } from './types.ts';

/** The prefixes of an action name at its word boundaries: `PutBucketTagging` → `Put`, `PutBucket`, `PutBucketTagging`. */
function wordPrefixes(name: string): string[] {
  const out: string[] = [];
  // Character codes, not regular expressions: this runs for every needed action of every run of `policy`.
  for (let i = 1; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const b = name.charCodeAt(i - 1);
    if (c >= 65 && c <= 90 && ((b >= 97 && b <= 122) || (b >= 48 && b <= 57))) out.push(name.slice(0, i));
  }
  out.push(name);
  return out;
}

/** An output pattern and the position of the first input action it stands for, to keep the statement's order. */
type Ranked = [rank: number, pattern: string];

/**
 * Collapses the actions of one service to as few patterns as allow exactly the same catalogue actions: `svc:*` when
 * every action of the service is needed, `svc:Prefix*` when every catalogue action starting with the prefix is
 * needed (and it stands for at least two), the action itself otherwise.
 */
async function minimiseService(service: string, actions: [index: number, action: string][]): Promise<Ranked[]> {
  // `svc:*` already allows everything else listed for the service: no catalogue needed (start-up time).
  if (actions.some(([, a]) => splitAction(a).name === '*')) return [[Math.min(...actions.map(([i]) => i)), `${service}:*`]];
  const catalogue = await actionsOfService(service);
  if (!catalogue) return actions.map(([i, a]) => [i, a]);
  const names = catalogue.map((a) => a.slice(service.length + 1));
  // Each needed catalogue action (lower-cased) → the first input position that needs it.
  const needed = new Map<string, number>();
  const need = (name: string, index: number) => {
    const key = name.toLowerCase();
    if (!needed.has(key)) needed.set(key, index);
  };
  const kept: Ranked[] = [];
  for (const [index, action] of actions) {
    const { name } = splitAction(action);
    if (hasWildcard(name)) {
      // Linear-time matching: a pattern from a template or --cfn-schemas must not make a regex backtrack.
      for (const n of names) if (matchesGlob(name, n, true)) need(n, index);
    } else if (await actionExists(action)) {
      need(name, index);
    } else {
      // Not in the catalogue: kept as written, never folded into a pattern.
      kept.push([index, action]);
    }
  }
  if (needed.size === 0) return kept;
  const rankOf = (keys: string[]): number => Math.min(...keys.map((k) => needed.get(k)!));
  if (names.every((n) => needed.has(n.toLowerCase()))) return [[rankOf([...needed.keys()]), `${service}:*`], ...kept];
  // Sorted, the catalogue names a prefix matches are one contiguous run: found by binary search, not by a scan of
  // the whole service per prefix (ec2 has hundreds of actions).
  const sorted = names.map((n) => n.toLowerCase()).sort();
  const lowerBound = (key: string): number => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const covered = new Set<string>();
  const out: Ranked[] = [];
  for (const name of names) {
    const key = name.toLowerCase();
    if (!needed.has(key) || covered.has(key)) continue;
    let emitted = false;
    for (const prefix of wordPrefixes(name)) {
      const p = prefix.toLowerCase();
      const start = lowerBound(p);
      let end = start;
      while (end < sorted.length && sorted[end]!.startsWith(p) && needed.has(sorted[end]!)) end++;
      // Every name with the prefix is needed only when the run stopped at the first name without it.
      if (end - start < 2 || (end < sorted.length && sorted[end]!.startsWith(p))) continue;
      const matching = sorted.slice(start, end);
      out.push([rankOf(matching), `${service}:${prefix}*`]);
      for (const n of matching) covered.add(n);
      emitted = true;
      break;
    }
    if (!emitted) {
      out.push([needed.get(key)!, `${service}:${name}`]);
      covered.add(key);
    }
  }
  return [...out, ...kept];
}

/**
 * Minimises the actions of each Allow statement: per service, actions collapse to a wildcard only when the wildcard
 * matches no action of the IAM action catalogue outside the statement's actions, so the statement allows exactly the
 * same catalogue actions as before. Resources, conditions and Deny/NotAction statements are untouched. The result
 * holds for the catalogue awsperm ships: actions AWS adds later may match a wildcard.
 */
export async function minimiseStatements(statements: Statement[]): Promise<Statement[]> {
  const out: Statement[] = [];
  for (const s of statements) {
    if (s.Effect !== 'Allow' || s.Action === undefined) {
      out.push(s);
      continue;
    }
    const byService = new Map<string, [number, string][]>();
    const ranked: Ranked[] = [];
    listOf(s.Action).forEach((action, index) => {
      let service: string;
      try {
        service = splitAction(action).service;
      } catch {
        ranked.push([index, action]);
        return;
      }
      byService.set(service, [...(byService.get(service) ?? []), [index, action]]);
    });
    for (const [service, list] of byService) ranked.push(...(await minimiseService(service, list)));
    // In the order of the actions they stand for, so a list that cannot shrink comes out as it went in.
    const actions = ranked.sort((a, b) => a[0] - b[0]).map(([, pattern]) => pattern);
    out.push({ ...s, Action: actions.length === 1 ? actions[0]! : actions });
  }
  return out;
}

/** The policies to grant for some fragments as `policy` prints them: merged, minimised (unless `minimise` is false), split to fit. */
export async function grantPolicies(fragments: PolicyFragment[], baseName: string, minimise = true): Promise<OutputPolicy[]> {
  const merged = mergeStatements(fragments);
  return splitPolicies(minimise ? await minimiseStatements(merged) : merged, baseName);
}
