// The CLI is thin (issue 14, SPEC §2): each command module parses its options, calls one session function of core and
// renders the report. None runs the check itself (an evaluator, runCheck) or grows past ~120 lines.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from './helpers.ts';

const dir = join(root, 'packages/cli/src/commands');
const modules = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));

// What only the session functions may use: the evaluators, the check loop, template derivation, the credential chain.
const ENGINE = /\b(runCheck|createSimulateEvaluator|createLocalEvaluator|createPolicyEvaluator|fetchPrincipalPolicies|evaluate|templateRequirements|loadTemplates|resolveCredentials|explainCredentials)\b/;

/** The module specifiers a source imports, statically or lazily. */
function imports(source: string): string[] {
  return [...source.matchAll(/(?:from\s+|import\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]!);
}

/** The names a source imports from `@awsperm/core` (any entry). */
function coreNames(source: string): string[] {
  return [...source.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+['"]@awsperm\/core[^'"]*['"]/g)].flatMap((m) =>
    m[1]!.split(',').map((n) => n.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0]!.trim()).filter(Boolean),
  );
}

describe('the command modules', () => {
  it('are the five commands', () => {
    expect(modules.sort()).toEqual(['adapters.ts', 'check.ts', 'lint.ts', 'policy.ts', 'whoami.ts']);
  });

  it.each(modules)('%s: at most 120 lines, core only through its root entry, no evaluator or runCheck', (file) => {
    const source = readFileSync(join(dir, file), 'utf8');
    expect(source.split('\n').length).toBeLessThanOrEqual(120);
    for (const spec of imports(source)) expect(spec, spec).toMatch(/^(@awsperm\/core|\.\.?\/|node:)/);
    for (const spec of imports(source)) expect(spec, spec).not.toMatch(/^@awsperm\/core\/|evaluators|\/src\//);
    expect(coreNames(source).filter((n) => ENGINE.test(n))).toEqual([]);
  });

  it('the scan catches an engine import (so that it can fail)', () => {
    const bad = "import { check, runCheck } from '@awsperm/core';\nconst { createLocalEvaluator } = await import('@awsperm/core/evaluators');\n";
    expect(coreNames(bad).filter((n) => ENGINE.test(n))).toEqual(['runCheck']);
    expect(imports(bad)).toContain('@awsperm/core/evaluators');
  });
});

// What `awsperm --help` (and every usage error) loads: the built entry's static requires, followed. Core, the option
// reader and the remedies wait for a command to run (the build, scripts/bundle.mjs, keeps them out of the entry).
describe.skipIf(!existsSync(join(root, 'packages/cli/dist/cli.cjs')))('the built CLI entry', () => {
  const dist = join(root, 'packages/cli/dist');
  // A top-level `const x = require('…');` is a static import; a lazy one sits inside `Promise.resolve().then(…)`.
  const STATIC = /^const [\w$]+ = require\('([^']+)'\);$/gm;
  const LAZY = /Promise\.resolve\(\)\.then\(\(\) => require\('\.\/([^']+)'\)\)/g;
  function staticGraph(file: string, seen = new Map<string, string>()): Map<string, string> {
    if (seen.has(file)) return seen;
    const text = readFileSync(join(dist, file), 'utf8');
    seen.set(file, text);
    for (const m of text.matchAll(STATIC)) if (m[1]!.startsWith('./')) staticGraph(m[1]!.slice(2), seen);
    return seen;
  }

  it('loads no part of core, the option reader or the remedies until a command runs', () => {
    const graph = staticGraph('cli.cjs');
    const packages = [...graph.values()].flatMap((t) => [...t.matchAll(STATIC)].map((m) => m[1]!)).filter((s) => !s.startsWith('./'));
    // cac is compiled into the entry; every other package waits.
    expect(packages.filter((p) => !p.startsWith('node:'))).toEqual([]);
    expect([...graph.keys()]).toEqual(['cli.cjs']);
    for (const [file, text] of graph) {
      expect(text, file).not.toMatch(/function (cliWording|hintFor|isThirdPartyAdapter)\b/);
      expect(text, file).not.toMatch(/class OptionReader\b/);
      expect(text, file).not.toMatch(/class AwspermError\b/);
    }
    // The scan can fail: the lazily required module holds exactly what it looks for.
    const lazy = [...graph.get('cli.cjs')!.matchAll(LAZY)].flatMap((m) => [...staticGraph(m[1]!).values()]);
    expect(lazy.some((t) => /function cliWording\b/.test(t))).toBe(true);
    expect(lazy.some((t) => /class AwspermError\b/.test(t))).toBe(true);
  });

  // Code of core and the adapters, compiled into the CLI, must still find its own package: its files through their
  // installed location, its dependencies from its own directory (scripts/bundle.mjs). A bare require() or a leftover
  // import.meta in the CLI's modules would resolve from the CLI's directory instead.
  const BARE = /\brequire\('([^'.][^']*)'\)/g;
  const strayRequires = (text: string) => [...text.matchAll(BARE)].map((m) => m[1]!).filter((s) => !s.startsWith('node:') && !builtinModules.includes(s));
  it('requires only Node built-ins and its own modules, and keeps no import.meta', () => {
    const modules = readdirSync(dist).filter((f) => f.endsWith('.cjs'));
    expect(modules.length).toBeGreaterThan(5);
    for (const file of modules) {
      const text = readFileSync(join(dist, file), 'utf8');
      expect(strayRequires(text), file).toEqual([]);
      expect(text, file).not.toMatch(/\bimport\.meta\b/);
    }
    // The scan can fail: a package required by name is caught, a built-in is not.
    expect(strayRequires("const a = require('@aws-sdk/client-sts'); const b = require('node:fs'); const c = require('path');")).toEqual(['@aws-sdk/client-sts']);
  });
});
