import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const STATIC_IMPORT = /^import\s+(?:[^'"]*?\s+from\s+)?["']([^"']+)["'];?$/gm;

/** Every module the root entry loads before any of its functions is called: its static imports, followed. */
function staticGraph(entry: string): { files: string[]; packages: Set<string> } {
  const files: string[] = [];
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.includes(file)) return;
    files.push(file);
    for (const m of readFileSync(join(dist, file), 'utf8').matchAll(STATIC_IMPORT)) {
      const spec = m[1]!;
      if (spec.startsWith('./')) visit(spec.slice(2));
      else packages.add(spec.replace(/^node:/, ''));
    }
  };
  visit(entry);
  return { files, packages };
}

describe.skipIf(!existsSync(join(dist, 'index.js')))('start-up: what importing @awsperm/core loads (the built root entry)', () => {
  const { files, packages } = staticGraph('index.js');
  const sources = files.flatMap((f) => (existsSync(join(dist, `${f}.map`)) ? (JSON.parse(readFileSync(join(dist, `${f}.map`), 'utf8')).sources as string[]) : []));

  it('no YAML parser, child process, readline or AWS SDK until a function needs it', () => {
    for (const p of ['yaml', 'child_process', 'readline', 'readline/promises', 'esbuild']) expect(packages, p).not.toContain(p);
    expect([...packages].filter((p) => p.startsWith('@aws-sdk/') || p.startsWith('@smithy/'))).toEqual([]);
  });

  it('check, policy and whoami load the session code on their first call', () => {
    const loaded = sources.map((s) => s.replace(/^(\.\.\/)+src\//, ''));
    expect(loaded).toContain('session/entry.ts');
    for (const s of ['session/check.ts', 'session/policy.ts', 'session/whoami.ts', 'session/session.ts', 'evaluators/local.ts', 'credentials/resolve.ts', 'templates/load.ts']) {
      expect(loaded, s).not.toContain(s);
    }
  });
});
