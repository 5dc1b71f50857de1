import { describe, expect, it } from 'vitest';
import { globCovers, globOverlaps, globToRegExp, hasWildcard, matchesGlob } from './glob.ts';

/** Deterministic PRNG (mulberry32) so the property tests are reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomWord(next: () => number, alphabet: string, maxLength: number): string {
  const length = Math.floor(next() * (maxLength + 1));
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(next() * alphabet.length)];
  return out;
}

/** Every string over `alphabet` of length 0..maxLength. */
function allStrings(alphabet: string, maxLength: number): string[] {
  const out = [''];
  let layer = [''];
  for (let n = 1; n <= maxLength; n++) {
    layer = layer.flatMap((prefix) => [...alphabet].map((c) => prefix + c));
    out.push(...layer);
  }
  return out;
}

/** Reference matcher written independently of the regex compiler: plain recursion over the pattern. */
function referenceMatch(pattern: string, value: string): boolean {
  if (pattern === '') return value === '';
  const [head, rest] = [pattern[0], pattern.slice(1)];
  if (head === '*') return referenceMatch(rest, value) || (value !== '' && referenceMatch(pattern, value.slice(1)));
  if (value === '') return false;
  return (head === '?' || head === value[0]) && referenceMatch(rest, value.slice(1));
}

describe('matchesGlob', () => {
  it('treats * as any run of characters, including none and including colons', () => {
    expect(matchesGlob('s3:Get*', 's3:GetObject')).toBe(true);
    expect(matchesGlob('s3:Get*', 's3:Get')).toBe(true);
    expect(matchesGlob('s3:Get*', 's3:PutObject')).toBe(false);
    expect(matchesGlob('arn:aws:s3:::*', 'arn:aws:s3:::bucket/a/b:c')).toBe(true);
    expect(matchesGlob('arn:*:bucket', 'arn:aws:s3:::bucket')).toBe(true);
    expect(matchesGlob('*', '')).toBe(true);
    expect(matchesGlob('a*b', 'a\nb')).toBe(true);
  });

  it('treats ? as exactly one character', () => {
    expect(matchesGlob('s3:GetObjec?', 's3:GetObject')).toBe(true);
    expect(matchesGlob('s3:GetObjec?', 's3:GetObjec')).toBe(false);
    expect(matchesGlob('s3:GetObjec?', 's3:GetObjects')).toBe(false);
    expect(matchesGlob('b??', 'bat')).toBe(true);
    expect(matchesGlob('b??', 'ba')).toBe(false);
  });

  it('anchors the pattern to the whole value', () => {
    expect(matchesGlob('bucket', 'my-bucket')).toBe(false);
    expect(matchesGlob('bucket*', 'my-bucket')).toBe(false);
    expect(matchesGlob('*bucket', 'my-bucket-2')).toBe(false);
  });

  it('is case-sensitive by default and case-insensitive with the flag', () => {
    expect(matchesGlob('s3:GetObject', 's3:getobject')).toBe(false);
    expect(matchesGlob('s3:GetObject', 's3:getobject', true)).toBe(true);
    expect(matchesGlob('S3:Get*', 's3:getobject')).toBe(false);
    expect(matchesGlob('S3:Get*', 's3:getobject', true)).toBe(true);
  });

  it('matches regular-expression metacharacters literally', () => {
    // Literal patterns take the string-comparison path; patterns with a wildcard go through the regex.
    expect(matchesGlob('a.b', 'axb')).toBe(false);
    expect(matchesGlob('a.b*', 'axbc')).toBe(false);
    expect(matchesGlob('a.b*', 'a.bc')).toBe(true);
    expect(matchesGlob('a+b*', 'aab')).toBe(false);
    expect(matchesGlob('a+b*', 'a+b')).toBe(true);
    expect(matchesGlob('f(x)*', 'f(x)y')).toBe(true);
    expect(matchesGlob('f(x)*', 'fxy')).toBe(false);
    expect(matchesGlob('[ab]*', 'a')).toBe(false);
    expect(matchesGlob('[ab]*', '[ab]c')).toBe(true);
    expect(matchesGlob('^x$*', '^x$')).toBe(true);
    expect(matchesGlob('a|b*', 'a')).toBe(false);
    expect(matchesGlob('a{2}*', 'aa')).toBe(false);
    expect(matchesGlob('a\\d*', 'a\\d')).toBe(true);
    expect(matchesGlob('a\\d*', 'a1')).toBe(false);
    expect(matchesGlob('${aws:username}/*', '${aws:username}/x')).toBe(true);
  });

  it('agrees with a reference matcher on random patterns and strings', () => {
    const next = prng(1);
    for (let n = 0; n < 3000; n++) {
      const pattern = randomWord(next, 'ab*?', 5);
      const value = randomWord(next, 'ab', 5);
      expect(matchesGlob(pattern, value), `${pattern} ~ ${value}`).toBe(referenceMatch(pattern, value));
    }
  });

  it('prefix patterns (`s3:Get*`) and literals agree with the compiled expression, in either case mode and beyond ASCII', () => {
    const next = prng(7);
    for (let n = 0; n < 4000; n++) {
      const prefix = randomWord(next, 'aAbB:ſKk\u212a', 4);
      const pattern = next() < 0.7 ? `${prefix}*` : prefix;
      const value = randomWord(next, 'aAbB:ſKk\u212a', 6);
      for (const ignoreCase of [false, true]) {
        expect(matchesGlob(pattern, value, ignoreCase), `${pattern} ~ ${value} (${ignoreCase})`).toBe(globToRegExp(pattern, ignoreCase).test(value));
      }
    }
  });
});

describe('globToRegExp and hasWildcard', () => {
  it('compiles an anchored expression honouring the case flag', () => {
    expect(globToRegExp('lambda:Get*', true).test('LAMBDA:getfunction')).toBe(true);
    expect(globToRegExp('lambda:Get*', false).test('LAMBDA:getfunction')).toBe(false);
    expect(globToRegExp('a?c', false).test('xabc')).toBe(false);
  });

  it('detects * and ? only', () => {
    expect(hasWildcard('s3:Get*')).toBe(true);
    expect(hasWildcard('s3:GetObjec?')).toBe(true);
    expect(hasWildcard('arn:aws:s3:::bucket/key.txt')).toBe(false);
  });
});

describe('globCovers', () => {
  it('lets * cover everything', () => {
    expect(globCovers('*', 'arn:aws:s3:::b*')).toBe(true);
    expect(globCovers('*', '*')).toBe(true);
    expect(globCovers('*', '?')).toBe(true);
    expect(globCovers('*', '')).toBe(true);
  });

  it('reduces to matchesGlob for a literal inner value', () => {
    expect(globCovers('arn:aws:s3:::b*', 'arn:aws:s3:::bucket')).toBe(true);
    expect(globCovers('arn:aws:s3:::b?', 'arn:aws:s3:::bucket')).toBe(false);
    expect(globCovers('S3:GetObject', 's3:getobject', true)).toBe(true);
    expect(globCovers('S3:GetObject', 's3:getobject')).toBe(false);
  });

  it('covers a pattern by itself', () => {
    expect(globCovers('arn:aws:apigateway:*::/*', 'arn:aws:apigateway:*::/*')).toBe(true);
    expect(globCovers('lambda:Get*', 'lambda:Get*')).toBe(true);
    expect(globCovers('a?b', 'a?b')).toBe(true);
  });

  it('never claims coverage that does not hold', () => {
    // b* matches "bucket", which b? does not.
    expect(globCovers('arn:aws:s3:::b?', 'arn:aws:s3:::b*')).toBe(false);
    // The inner pattern matches every region, the outer only us-east-1.
    expect(globCovers('arn:aws:apigateway:us-east-1::/*', 'arn:aws:apigateway:*::/*')).toBe(false);
    expect(globCovers('lambda:GetFunction', 'lambda:Get*')).toBe(false);
    expect(globCovers('arn:aws:s3:::bucket/*', '*')).toBe(false);
    expect(globCovers('a*', '*a')).toBe(false);
    expect(globCovers('?', '*')).toBe(false);
    expect(globCovers('a', '?')).toBe(false);
  });

  it('recognises narrower patterns as covered', () => {
    expect(globCovers('lambda:*', 'lambda:Get*')).toBe(true);
    expect(globCovers('lambda:Get*', 'lambda:GetFunction*')).toBe(true);
    expect(globCovers('arn:aws:s3:::b*', 'arn:aws:s3:::b?')).toBe(true);
    expect(globCovers('arn:aws:s3:::*', 'arn:aws:s3:::bucket/*')).toBe(true);
    expect(globCovers('a?c', 'abc')).toBe(true);
    expect(globCovers('*a*', '*a*a*')).toBe(true);
  });

  it('folds case only when asked', () => {
    expect(globCovers('LAMBDA:*', 'lambda:Get*', true)).toBe(true);
    expect(globCovers('LAMBDA:*', 'lambda:Get*')).toBe(false);
  });
});

describe('globOverlaps', () => {
  it('is true when either side is *', () => {
    expect(globOverlaps('*', 'arn:aws:s3:::bucket')).toBe(true);
    expect(globOverlaps('arn:aws:s3:::b?', '*')).toBe(true);
  });

  it('is true when both patterns have wildcards and share a string', () => {
    expect(globOverlaps('lambda:Get*', 'lambda:*Function')).toBe(true);
    expect(globOverlaps('arn:aws:s3:::a*', 'arn:aws:s3:::*z')).toBe(true);
    expect(globOverlaps('a?c', '?b?')).toBe(true);
    expect(globOverlaps('iam:*', 'iam:Get*')).toBe(true);
  });

  it('is false for wildcard patterns with no string in common', () => {
    expect(globOverlaps('lambda:Get*', 'lambda:Put*')).toBe(false);
    expect(globOverlaps('a?', 'a??')).toBe(false);
    expect(globOverlaps('arn:aws:s3:::a*', 'arn:aws:s3:::b*')).toBe(false);
  });

  it('compares two literals for equality', () => {
    expect(globOverlaps('arn:aws:s3:::bucket', 'arn:aws:s3:::bucket')).toBe(true);
    expect(globOverlaps('arn:aws:s3:::bucket', 'arn:aws:s3:::other')).toBe(false);
    expect(globOverlaps('s3:GetObject', 'S3:GETOBJECT')).toBe(false);
    expect(globOverlaps('s3:GetObject', 'S3:GETOBJECT', true)).toBe(true);
  });

  it('matches a literal against a pattern on either side', () => {
    expect(globOverlaps('arn:aws:s3:::bucket', 'arn:aws:s3:::b*')).toBe(true);
    expect(globOverlaps('arn:aws:s3:::b*', 'arn:aws:s3:::bucket')).toBe(true);
    expect(globOverlaps('arn:aws:s3:::other', 'arn:aws:s3:::b*')).toBe(false);
  });
});

describe('glob properties (seeded brute force)', () => {
  it('globCovers is sound: whatever the inner pattern matches, the outer matches too', () => {
    const next = prng(0x5eed);
    const strings = allStrings('ab', 6);
    let claimed = 0;
    for (let n = 0; n < 4000; n++) {
      const outer = randomWord(next, 'ab*?', 4);
      const inner = randomWord(next, 'ab*?', 4);
      if (!globCovers(outer, inner)) continue;
      claimed++;
      const counterexample = strings.find((s) => matchesGlob(inner, s) && !matchesGlob(outer, s));
      expect(counterexample, `globCovers(${outer}, ${inner}) but ${counterexample} escapes`).toBeUndefined();
      // Glob languages are never empty, so coverage implies overlap.
      expect(globOverlaps(outer, inner), `covers but no overlap: ${outer} / ${inner}`).toBe(true);
    }
    // Guard against a vacuous run where coverage was never claimed.
    expect(claimed).toBeGreaterThan(200);
  });

  it('globCovers with a literal inner string is exactly matchesGlob', () => {
    const next = prng(42);
    for (let n = 0; n < 2000; n++) {
      const outer = randomWord(next, 'ab*?', 4);
      const value = randomWord(next, 'ab', 4);
      expect(globCovers(outer, value), `${outer} / ${value}`).toBe(referenceMatch(outer, value));
    }
  });

  it('globCovers is reflexive', () => {
    const next = prng(7);
    for (let n = 0; n < 500; n++) {
      const p = randomWord(next, 'ab*?', 6);
      expect(globCovers(p, p), p).toBe(true);
    }
  });

  it('globOverlaps is exact: true iff some short string matches both patterns', () => {
    // With patterns of at most 3 characters a shortest common string has at most 6 (each of its characters is
    // consumed by a non-* character of one of the patterns), so enumerating up to length 6 decides overlap.
    const next = prng(0xbeef);
    const strings = allStrings('ab', 6);
    let overlapping = 0;
    for (let n = 0; n < 4000; n++) {
      const a = randomWord(next, 'ab*?', 3);
      const b = randomWord(next, 'ab*?', 3);
      const witness = strings.some((s) => referenceMatch(a, s) && referenceMatch(b, s));
      expect(globOverlaps(a, b), `globOverlaps(${JSON.stringify(a)}, ${JSON.stringify(b)})`).toBe(witness);
      expect(globOverlaps(b, a), 'symmetry').toBe(witness);
      if (witness) overlapping++;
    }
    expect(overlapping).toBeGreaterThan(500);
    expect(overlapping).toBeLessThan(3500);
  });
});

describe('globCovers: literal and prefix* patterns (the fast path) against brute force', () => {
  // Every string over {a, b, c} up to length 6: a pattern over {a, b, *, ?} of at most 4 units that a literal or
  // `prefix*` (prefix at most 2 units) does not cover has a witness among them (c differs from every prefix unit).
  const words: string[] = [''];
  for (let n = 0, from = 0; n < 6; n++) {
    const to = words.length;
    for (let i = from; i < to; i++) for (const c of 'abc') words.push(words[i] + c);
    from = to;
  }
  let seed = 0x9e3779b9;
  // xorshift32: a linear congruential generator's low bits cycle, and `% 2` of them would repeat a few shapes.
  const next = (k: number): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % k;
  };
  const pick = (alphabet: string, max: number): string => Array.from({ length: next(max + 1) }, () => alphabet[next(alphabet.length)]).join('');
  it('agrees on 400 generated pairs, case-sensitive and not', () => {
    let covered = 0;
    for (let n = 0; n < 400; n++) {
      const outer = pick('ab', 2) + (n % 2 ? '*' : '');
      const inner = pick('ab*?', 4);
      const ignoreCase = n % 3 === 0;
      const shown = ignoreCase ? inner.toUpperCase() : inner;
      const expected = words.every((w) => !matchesGlob(inner, w) || matchesGlob(outer, w));
      expect(globCovers(outer, shown, ignoreCase), `${outer} covers ${shown}`).toBe(expected);
      if (expected) covered++;
    }
    // Both answers occur: the comparison cannot pass by always saying one of them.
    expect(covered).toBeGreaterThan(40);
    expect(covered).toBeLessThan(360);
  });
});

describe('globCovers: the greedy walk against the table it replaced', () => {
  // The recurrence globCovers computed before (a table over every pair of positions): p[i..] covers r[j..].
  const byTable = (p: string, r: string): boolean => {
    let next = new Array<boolean>(r.length + 2).fill(false);
    let row = new Array<boolean>(r.length + 2).fill(false);
    for (let i = p.length; i >= 0; i--) {
      for (let j = r.length; j >= 0; j--) {
        if (i === p.length) row[j] = j === r.length;
        else if (p[i] === '*') row[j] = next[j]! || (j < r.length && row[j + 1]!);
        else if (j === r.length) row[j] = false;
        else if (p[i] === '?') row[j] = r[j] !== '*' && next[j + 1]!;
        else row[j] = r[j] === p[i] && next[j + 1]!;
      }
      [next, row] = [row, next];
    }
    return next[0]!;
  };
  it('gives the same answer on 20,000 generated pairs, multi-star outers included', () => {
    const next = prng(0xc0de);
    let covered = 0;
    for (let n = 0; n < 20_000; n++) {
      const outer = randomWord(next, 'ab*?', 8);
      const inner = randomWord(next, 'ab*?', 8);
      const expected = outer === '*' || byTable(outer, inner);
      expect(globCovers(outer, inner), `${outer} covers ${inner}`).toBe(hasWildcard(inner) ? expected : referenceMatch(outer, inner));
      if (expected) covered++;
    }
    expect(covered).toBeGreaterThan(1000);
    expect(covered).toBeLessThan(19_000);
  });
  it('answers long multi-star patterns and ARN-shaped ones', () => {
    const outer = `arn:aws:s3:::${'a*'.repeat(2000)}b`;
    const inner = `arn:aws:s3:::${'a'.repeat(4000)}*`;
    expect(globCovers(outer, inner)).toBe(false);
    expect(globCovers(`arn:aws:s3:::*-assets-*/*`, 'arn:aws:s3:::sst-assets-*/*')).toBe(true);
    expect(globCovers(`arn:aws:s3:::*-assets-*/*`, 'arn:aws:s3:::sst-asset*/*')).toBe(false);
  });
});
