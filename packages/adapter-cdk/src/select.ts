import { usageError } from '@awsperm/core/kit';
import type { CdkStack } from './assembly.ts';

/** A `cdk deploy` stack pattern as a regular expression: `*` and `?` stay inside one path segment, `**` crosses them. */
function patternRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      out += '.*';
      i++;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/**
 * The stacks `cdk deploy <patterns>` deploys: those whose hierarchical id (`Prod/Api`) matches a pattern, and the
 * stacks they depend on; every stack without patterns. A pattern that matches nothing is a usage error, as in the CLI.
 */
export function selectStacks(stacks: readonly CdkStack[], patterns: readonly string[]): CdkStack[] {
  if (patterns.length === 0) return [...stacks];
  const picked = new Set<CdkStack>();
  for (const pattern of patterns) {
    const re = patternRegExp(pattern);
    const hits = stacks.filter((s) => re.test(s.displayName) || s.id === pattern);
    if (!hits.length) {
      throw usageError(`the stack option ${pattern}: no stack matches (stacks: ${stacks.map((s) => s.displayName).join(', ') || 'none'})`, 'Patterns match hierarchical ids such as Prod/* as `cdk deploy` does.');
    }
    for (const s of hits) picked.add(s);
  }
  const byName = new Map(stacks.map((s) => [s.displayName, s]));
  const queue = [...picked];
  while (queue.length) {
    for (const dep of queue.shift()!.dependencies) {
      const d = byName.get(dep);
      if (d && !picked.has(d)) {
        picked.add(d);
        queue.push(d);
      }
    }
  }
  return stacks.filter((s) => picked.has(s));
}
