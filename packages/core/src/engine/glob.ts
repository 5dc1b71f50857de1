/**
 * IAM wildcard matching. `*` matches any run of characters (including none) and `?` exactly one. AWS applies the
 * pattern to the whole string; a `*` may span the colons of an ARN.
 */

const regexCache = new Map<string, RegExp>();

/**
 * Compiles an IAM wildcard pattern into an anchored regular expression (runs of `*` collapsed). Matching input
 * against it can backtrack: for patterns from files use {@link matchesGlob}, which is linear in practice.
 */
export function globToRegExp(pattern: string, ignoreCase: boolean): RegExp {
  const key = (ignoreCase ? 'i:' : 's:') + pattern;
  let re = regexCache.get(key);
  if (!re) {
    let source = '';
    for (const ch of pattern) {
      if (ch === '*') source += source.endsWith('.*') && !source.endsWith('\\.*') ? '' : '.*';
      else if (ch === '?') source += '.';
      else if (ch === '\uE000') source += '\\*';
      else if (ch === '\uE001') source += '\\?';
      else source += ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
    }
    re = new RegExp(`^${source}$`, ignoreCase ? 'is' : 's');
    if (regexCache.size > 10_000) regexCache.clear();
    regexCache.set(key, re);
  }
  return re;
}

/** True when the pattern contains an IAM wildcard. */
export function hasWildcard(value: string): boolean {
  return value.includes('*') || value.includes('?');
}

/** A code unit as a case-insensitive regular expression compares it (ECMAScript's Canonicalize, non-Unicode mode). */
function canonical(unit: string): string {
  const upper = unit.toUpperCase();
  return upper.length === 1 && !(unit.charCodeAt(0) >= 128 && upper.charCodeAt(0) < 128) ? upper : unit;
}

/**
 * True when the literal `value` matches the IAM wildcard `pattern` — the same answer as {@link globToRegExp}'s
 * expression, in O(pattern × value) steps at worst: a backtracking regular expression takes exponential time on
 * patterns such as `*a*a*a*a*a*a*a*a*a*a*b`, which a policy file can hold.
 */
export function matchesGlob(pattern: string, value: string, ignoreCase = false): boolean {
  if (pattern === '*') return true;
  if (!pattern.includes('?') && !ESCAPED.test(pattern)) {
    const star = pattern.indexOf('*');
    // A literal, or `prefix*` (most patterns of a policy: `s3:Get*`, `arn:aws:s3:::bucket/*`): one comparison, no
    // loop. Case folding beyond ASCII is left to the loop, which folds as the regular expression does (U+212A).
    const literal = star === -1;
    if (literal || star === pattern.length - 1) {
      if (!ignoreCase) return literal ? pattern === value : value.startsWith(pattern.slice(0, star));
      if (ASCII.test(pattern) && ASCII.test(value)) {
        return literal ? pattern.toLowerCase() === value.toLowerCase() : value.slice(0, star).toLowerCase() === pattern.slice(0, star).toLowerCase();
      }
    }
  }
  // Greedy matching with one backtrack point, the last `*`: each `*` only ever extends.
  let pi = 0;
  let vi = 0;
  let star = -1;
  let mark = 0;
  while (vi < value.length) {
    if (pi < pattern.length && pattern[pi] !== '*' && sameUnit(pattern[pi]!, value[vi]!, ignoreCase)) {
      pi++;
      vi++;
    } else if (pi < pattern.length && pattern[pi] === '*') {
      star = pi++;
      mark = vi;
    } else if (star !== -1) {
      pi = star + 1;
      vi = ++mark;
    } else {
      return false;
    }
  }
  while (pi < pattern.length && pattern[pi] === '*') pi++;
  return pi === pattern.length;
}

const ESCAPED = /[\uE000\uE001]/;
const ASCII = /^[\x00-\x7f]*$/;

/** One pattern code unit against one value code unit: `?`, an escaped `*` or `?` (U+E000, U+E001), or the unit itself. */
function sameUnit(p: string, v: string, ignoreCase: boolean): boolean {
  if (p === '\uE000') return v === '*';
  if (p === '\uE001') return v === '?';
  return p === '?' || p === v || (ignoreCase && canonical(p) === canonical(v));
}

/**
 * True when every string matched by `inner` is also matched by `outer` (both IAM wildcard patterns).
 * Sound: it never claims coverage that does not hold. A literal `inner` reduces to {@link matchesGlob}.
 */
export function globCovers(outer: string, inner: string, ignoreCase = false): boolean {
  if (outer === '*') return true;
  if (!hasWildcard(inner)) return matchesGlob(outer, inner, ignoreCase);
  const p = ignoreCase ? outer.toLowerCase() : outer;
  const r = ignoreCase ? inner.toLowerCase() : inner;
  // Most patterns are literals or `prefix*`: a literal covers no wildcard pattern (a wildcard matches more than one
  // string), and `prefix*` covers exactly the patterns that begin with that prefix, wildcards excluded.
  if (!p.includes('?')) {
    const star = p.indexOf('*');
    if (star === -1) return false;
    if (star === p.length - 1) return r.startsWith(p.slice(0, star));
  }
  // p covers r exactly when p matches r read as a plain string in which r's own `*` is a character only a `*` of p
  // can take, and r's `?` one that p's `?` (or `*`) takes: each string r matches is then matched by p. That is glob
  // matching with a per-unit test, so the greedy walk of matchesGlob answers it: one backtrack point, the last `*`.
  let pi = 0;
  let ri = 0;
  let star = -1;
  let mark = 0;
  while (ri < r.length) {
    const unit = p[pi];
    if (pi < p.length && unit !== '*' && (unit === '?' ? r[ri] !== '*' : unit === r[ri])) {
      pi++;
      ri++;
    } else if (unit === '*') {
      star = pi++;
      mark = ri;
    } else if (star !== -1) {
      pi = star + 1;
      ri = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}

/** True when some string is matched by both IAM wildcard patterns `a` and `b`. */
export function globOverlaps(a: string, b: string, ignoreCase = false): boolean {
  if (a === '*' || b === '*') return true;
  if (!hasWildcard(b)) return matchesGlob(a, b, ignoreCase);
  if (!hasWildcard(a)) return matchesGlob(b, a, ignoreCase);
  const p = ignoreCase ? a.toLowerCase() : a;
  const r = ignoreCase ? b.toLowerCase() : b;
  // go(i, j): some string is matched by both p[i..] and r[j..]. Filled bottom-up, one row at a time: a recursion as
  // deep as the patterns are long overflowed the stack on patterns a managed policy can hold.
  return table(p.length, r.length, (i, j, next, row) => {
    if (i < p.length && p[i] === '*') return next[j]! || (j < r.length && row[j + 1]!);
    if (j < r.length && r[j] === '*') return row[j + 1]! || (i < p.length && next[j]!);
    if (i === p.length || j === r.length) return i === p.length && j === r.length;
    return (p[i] === '?' || r[j] === '?' || p[i] === r[j]) && next[j + 1]!;
  });
}

/**
 * Computes go(0, 0) of a recurrence over i ∈ [0, n], j ∈ [0, m] where go(i, j) depends only on go(i + 1, j),
 * go(i, j + 1) and go(i + 1, j + 1): rows from i = n down, each from j = m down, two rows kept.
 */
function table(n: number, m: number, cell: (i: number, j: number, next: boolean[], row: boolean[]) => boolean): boolean {
  let next: boolean[] = new Array<boolean>(m + 2).fill(false);
  let row: boolean[] = new Array<boolean>(m + 2).fill(false);
  for (let i = n; i >= 0; i--) {
    for (let j = m; j >= 0; j--) row[j] = cell(i, j, next, row);
    [next, row] = [row, next];
  }
  return next[0]!;
}

function wildcardAt(value: string): number {
  const star = value.indexOf('*');
  const q = value.indexOf('?');
  return star < 0 ? q : q < 0 ? star : Math.min(star, q);
}

function lastWildcardEnd(value: string): number {
  return Math.max(value.lastIndexOf('*'), value.lastIndexOf('?')) + 1;
}

/**
 * Indexes patterns by their literal prefix (the text before the first wildcard) and suffix (after the last) so that
 * the patterns that may cover a value are found without comparing every pair: a pattern covers a value only when
 * its prefix starts the value's own literal prefix and its suffix ends the value's literal suffix. Returns, for a
 * value, the indices of the candidate patterns in ascending order. Case-sensitive, as resource matching is.
 */
export function coverCandidateIndex(patterns: readonly (readonly string[])[]): (value: string) => number[] {
  const byPrefix = new Map<string, number[]>();
  const bySuffix = new Map<string, number[]>();
  const put = (map: Map<string, number[]>, key: string, j: number): void => {
    const at = map.get(key);
    if (!at) map.set(key, [j]);
    else if (at.at(-1) !== j) at.push(j);
  };
  patterns.forEach((list, j) => {
    for (const p of new Set(list)) {
      const cut = wildcardAt(p);
      put(byPrefix, cut < 0 ? `=${p}` : p.slice(0, cut), j);
      if (cut >= 0) put(bySuffix, p.slice(lastWildcardEnd(p)), j);
    }
  });
  return (value) => {
    const cut = wildcardAt(value);
    const head = cut < 0 ? value : value.slice(0, cut);
    const tail = cut < 0 ? value : value.slice(lastWildcardEnd(value));
    const found = new Set<number>(byPrefix.get(`=${value}`) ?? []);
    // Walk the smaller of the two bucket groups, checking the other condition on each candidate directly.
    const starts: number[][] = [];
    const ends: number[][] = [];
    let startCount = 0;
    let endCount = 0;
    for (let k = 0; k <= head.length; k++) {
      const at = byPrefix.get(head.slice(0, k));
      if (at) {
        starts.push(at);
        startCount += at.length;
      }
    }
    for (let k = 0; k <= tail.length; k++) {
      const at = bySuffix.get(tail.slice(k));
      if (at) {
        ends.push(at);
        endCount += at.length;
      }
    }
    const fitsValue = (p: string): boolean => wildcardAt(p) >= 0 && head.startsWith(p.slice(0, wildcardAt(p))) && tail.endsWith(p.slice(lastWildcardEnd(p)));
    for (const bucket of startCount <= endCount ? starts : ends) {
      for (const j of bucket) if (!found.has(j) && patterns[j]!.some(fitsValue)) found.add(j);
    }
    return [...found].sort((a, b) => a - b);
  };
}
