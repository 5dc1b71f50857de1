// The root entry is curated (issue 14): what a library user and an adapter author need, under 120 names; helpers for
// adapter authors live in `@awsperm/core/kit`.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

function rootNames(): string[] {
  const source = readFileSync(new URL('../src/index.ts', import.meta.url), 'utf8');
  const names = new Set<string>();
  for (const m of source.matchAll(/export (?:type )?\{([^}]*)\}/g)) {
    for (const part of m[1]!.split(',')) {
      const name = part.trim().replace(/^type\s+/, '').split(/\s+as\s+/).pop()!.trim();
      if (name) names.add(name);
    }
  }
  expect(source).not.toMatch(/export \*/);
  return [...names];
}

describe('@awsperm/core root entry', () => {
  it('lists under 120 names, each exported once', () => {
    const names = rootNames();
    expect(names.length).toBeGreaterThan(60);
    expect(names.length).toBeLessThan(120);
  });

  it('holds the session API and the adapter contract, not the kit’s helpers', () => {
    const names = rootNames();
    for (const n of ['check', 'policy', 'whoami', 'AwspermAdapterV2', 'Requirements', 'UnresolvedRequirement', 'AwspermError', 'renderCheckJson']) expect(names).toContain(n);
    for (const n of ['errorCodes', 'readPolicyJson', 'AwsClientOptions', 'fillPlaceholders', 'readRegularFile']) expect(names).not.toContain(n);
  });
});
