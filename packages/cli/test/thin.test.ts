// The CLI is thin (issue 14, SPEC §2): each command module parses its options, calls one session function of core and
// renders the report. None runs the check itself (an evaluator, runCheck) or grows past ~120 lines.
import { readdirSync, readFileSync } from 'node:fs';
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
