import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AdapterContext, AwspermAdapter, Detection, ToolProject } from './adapter.ts';
import { adapterV2, validateAdapter } from './adapter-validate.ts';
import { AwspermError } from './errors.ts';
import { validatePolicyDocument } from './policy/document.ts';
import { lintPolicies } from './policy/lint.ts';
import { buildPolicies } from './policy/output.ts';
import type { PolicySetKind } from './policy/types.ts';

/** Options of {@link testAdapter}. */
export interface TestAdapterOptions {
  /** Directories holding valid projects of the tool: each must be detected and load. */
  fixtures: string[];
  /** Directories holding invalid projects: detecting or loading each must fail with a usage or config AwspermError. */
  badFixtures?: string[];
  /** The stage to load the fixtures for, when the tool has stages. */
  stage?: string;
  /**
   * The environment handed to the adapter's hooks. Defaults to one holding only an empty temporary HOME, so neither
   * the machine's AWS variables nor its ~/.aws files leak into the result.
   */
  env?: Record<string, string | undefined>;
  /**
   * The account id handed to `requirements` / `policySet` (precise sets may scope ARNs with it).
   * @default "123456789012"
   */
  account?: string;
}

const KINDS: PolicySetKind[] = ['documented', 'precise'];

async function rejection(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  return undefined;
}

/**
 * The adapter conformance suite. Call it once at the top level of a test file in the adapter's own vitest run:
 *
 * ```ts
 * import { testAdapter } from '@awsperm/core/testing';
 * import myTool from '../src/index.ts';
 * testAdapter(myTool(), { fixtures: ['test/fixtures/minimal'], badFixtures: ['test/fixtures/broken'] });
 * ```
 *
 * It checks that the adapter satisfies the contract; that `detect` finds nothing in an empty directory; that every
 * fixture is detected and loads with a clean environment; that `credentialRules`, when present, returns rules; that `templateLocations`, when present, returns absolute paths (or says why there are none); that the
 * documented and precise policy sets (without features and with every declared feature) hold fragments whose ids
 * start with `<tool>.`, each with a title, a cited source and valid statements, and that the policies built from them
 * lint without errors; and that every bad fixture fails with an {@link AwspermError} of kind `usage` or `config`.
 */
export function testAdapter(original: AwspermAdapter, options: TestAdapterOptions): void {
  // A clean environment whose HOME is empty, so no adapter reads the machine's ~/.aws during the suite.
  const env = options.env ?? { HOME: mkdtempSync(join(tmpdir(), 'awsperm-conformance-home-')) };
  const account = options.account ?? '123456789012';
  // v1 adapters run through core's v1 → v2 adaptation, exactly as awsperm runs them.
  const adapter = adapterV2(original);
  const warnings: string[] = [];
  const context = (cwd: string, features: string[] = [], region?: string): AdapterContext => ({
    cwd,
    env,
    args: options.stage ? { stage: options.stage } : {},
    features,
    scope: { account, ...(region ? { region } : {}) },
    log: { warn: (m) => warnings.push(m), debug: () => {} },
  });

  async function load(cwd: string): Promise<{ detection: Detection | undefined; project?: ToolProject }> {
    const detection = await adapter.detect(context(cwd));
    if (!detection) return { detection };
    const ctx = context(cwd);
    return { detection, project: await adapter.loadProject({ ...ctx, scope: {}, detection }) };
  }

  describe(`${adapter.name} (adapter conformance)`, () => {
    it('satisfies the AwspermAdapter contract', () => {
      expect(() => validateAdapter(original, original.name)).not.toThrow();
      for (const [feature, line] of Object.entries(adapter.features ?? {})) {
        expect(feature, 'feature names are lower-case ids').toMatch(/^[a-z][a-z0-9-]*$/);
        expect(typeof line === 'string' && line.length > 0, `feature ${feature} has a description`).toBe(true);
      }
    });

    it('detects nothing in an empty directory', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'awsperm-conformance-'));
      try {
        expect(await adapter.detect(context(dir))).toBeUndefined();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    for (const fixture of options.fixtures) {
      describe(`fixture ${fixture}`, () => {
        it('is detected and loads with a clean environment', async () => {
          const { detection, project } = await load(fixture);
          expect(detection, 'detect() finds the project').toBeDefined();
          expect(typeof detection!.root).toBe('string');
          expect(typeof detection!.configFile).toBe('string');
          expect(project).toBeDefined();
          expect(project!.root).toBe(detection!.root);
          expect(project!.configFile).toBe(detection!.configFile);
        });

        if (adapter.credentialRules) {
          it('describes its credential rules from the given environment', async () => {
            const { project } = await load(fixture);
            const rules = await adapter.credentialRules!({ ...context(fixture), project: project! });
            expect(typeof rules.id).toBe('string');
            expect(typeof rules.toolName).toBe('string');
            expect(Array.isArray(rules.chain) && rules.chain.length > 0, 'the rules name at least one credential source').toBe(true);
            expect(typeof rules.noCredentialsHint).toBe('string');
          });
        }

        it('names its requirement sources and principals well', async () => {
          const { project } = await load(fixture);
          const set = await adapter.requirements({ ...context(fixture, [], project!.region ?? 'us-east-1'), project: project!, kind: 'precise' });
          const principals = set.principals ?? [];
          const ids = new Set(principals.map((p) => p.id));
          expect(ids.size, 'principal ids are unique').toBe(principals.length);
          for (const p of principals) {
            expect(p.id).toMatch(/^[a-z][a-z0-9-]*$/);
            expect(typeof p.via === 'string' && p.via.length > 0, `${p.id} says how the deploy reaches it`).toBe(true);
            if (p.arn !== undefined) expect(p.arn, `${p.id} arn`).toMatch(/^arn:aws[a-z-]*:iam::/);
            // A principal without fragments is only assumed: it must then have something to check, its trust.
            if (!p.fragments.length) expect(!p.sources?.length && Boolean(p.trust?.length), `${p.id} has fragments, or is only assumed (trust requirements, no sources)`).toBe(true);
            for (const f of p.fragments) expect(() => validatePolicyDocument({ Version: '2012-10-17', Statement: f.statements }, f.id)).not.toThrow();
          }
          for (const source of [...(set.sources ?? []), ...principals.flatMap((p) => p.sources ?? [])]) {
            expect(source.kind).toBe('cloudformation');
            expect(Array.isArray(source.paths)).toBe(true);
            for (const p of source.paths) expect(isAbsolute(p), `${p} is absolute`).toBe(true);
            if (source.paths.length === 0) expect(typeof source.note === 'string' && source.note.length > 0, 'an empty list says why').toBe(true);
            if (source.principal !== undefined) expect(ids.has(source.principal), `source principal ${source.principal} is returned`).toBe(true);
          }
        });

        const featureSets = [[], Object.keys(adapter.features ?? {})].filter((f, i) => i === 0 || f.length > 0);
        for (const kind of KINDS) {
          for (const features of featureSets) {
            const label = features.length ? ` with features ${features.join(', ')}` : '';
            it(`returns a valid, lint-clean ${kind} policy set${label}`, async () => {
              const { project } = await load(fixture);
              const region = project!.region ?? 'us-east-1';
              const set = await adapter.requirements({ ...context(fixture, features, region), project: project!, kind });
              if (kind === 'documented') expect(set.kind).toBe('documented');
              else expect(KINDS).toContain(set.kind);
              expect(set.fragments.length, 'the set has fragments').toBeGreaterThan(0);
              const ids = new Set<string>();
              for (const f of set.fragments) {
                expect(f.id.startsWith(`${adapter.tool}.`), `fragment id ${f.id} starts with "${adapter.tool}."`).toBe(true);
                expect(ids.has(f.id), `fragment id ${f.id} is unique`).toBe(false);
                ids.add(f.id);
                expect(typeof f.title === 'string' && f.title.length > 0, `${f.id} has a title`).toBe(true);
                expect(typeof f.source?.title === 'string' && f.source.title.length > 0, `${f.id} cites a source`).toBe(true);
                if (f.source.url !== undefined) expect(f.source.url, `${f.id} source url`).toMatch(/^https?:\/\//);
                expect(f.statements.length, `${f.id} has statements`).toBeGreaterThan(0);
                expect(() => validatePolicyDocument({ Version: '2012-10-17', Statement: f.statements }, f.id)).not.toThrow();
              }
              const policies = buildPolicies(set.fragments, `${adapter.tool}-${kind}`);
              const errors = (await lintPolicies(policies)).filter((l) => l.severity === 'error');
              expect(errors.map((e) => `${e.policy}: ${e.message}`)).toEqual([]);
            });
          }
        }
      });
    }

    for (const fixture of options.badFixtures ?? []) {
      it(`rejects ${fixture} with a usage or config AwspermError`, async () => {
        const error = await rejection(async () => {
          const { detection } = await load(fixture);
          if (!detection) throw new Error(`detect() did not recognise the bad fixture ${fixture}; it must be detected and fail to load`);
        });
        expect(error, 'loading the bad fixture fails').toBeDefined();
        expect(AwspermError.is(error), `an AwspermError, not ${String(error)}`).toBe(true);
        expect(['usage', 'config']).toContain((error as AwspermError).kind);
      });
    }
  });
}

/**
 * A v2 hook context for an adapter's own unit tests: an empty argument set, no features, no scope, a log that
 * collects warnings in `warnings`, and `env` defaulting to an empty environment. Override any part.
 */
export function hookContext(overrides: Partial<AdapterContext> & { cwd: string }): AdapterContext & { warnings: string[] } {
  const warnings: string[] = [];
  return {
    env: {},
    args: {},
    features: [],
    scope: {},
    log: { warn: (m) => warnings.push(m), debug: () => {} },
    ...overrides,
    warnings,
  };
}
