import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwspermError } from '@awsperm/core';
import { describe, expect, it } from 'vitest';
import { findSstConfig, sstVersion } from '../src/detect.ts';
import { loadSstProject, type SstProjectInfo } from '../src/project.ts';

// Real-world config fidelity (issue 16 point 6): configs shaped like the ones public SST apps write.
const fixture = (name: string): string => join(import.meta.dirname, 'fixtures', 'fidelity', name);
const HOME = mkdtempSync(join(tmpdir(), 'awsperm-fidelity-home-'));

async function load(name: string, opts: { stage?: string; env?: Record<string, string> } = {}): Promise<SstProjectInfo> {
  const cwd = fixture(name);
  const found = findSstConfig(cwd);
  if (!found) throw new Error(`no SST project in ${cwd}`);
  const detection = sstVersion(found.root, found.configFile);
  return loadSstProject({ cwd, detection, stage: opts.stage ?? 'dev', env: { HOME, ...opts.env }, timeoutMs: 1500, username: 'tester' });
}

async function fails(name: string, opts: Parameters<typeof load>[1] = {}): Promise<AwspermError> {
  const error = await load(name, opts).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!AwspermError.is(error)) throw new Error(`expected an AwspermError from ${name}, got ${String(error)}`);
  expect(error.message.split('\n').length).toBeLessThanOrEqual(2);
  expect(error.message).not.toMatch(/\n\s+at /);
  return error;
}

describe('relative imports inside app()/config() are project files, bundled and loaded', () => {
  it("v3: await import('./sst.vars') gives the name, the stage's profile and the region", async () => {
    const dev = await load('v3-vars-import');
    expect([dev.app, dev.configProfile, dev.configRegion]).toEqual(['ledger', 'ledger-dev', 'eu-west-2']);
    expect(dev.warnings.join('\n')).not.toMatch(/stand-in|unknown/);
    const prod = await load('v3-vars-import', { stage: 'production' });
    expect(prod.configProfile).toBe('ledger-prod');
  });

  it("v3: a '.js' path to a TypeScript file, and a JSON file", async () => {
    const js = await load('v3-vars-js');
    expect([js.app, js.configProfile, js.configRegion]).toEqual(['courier', 'courier-ops', 'ap-southeast-2']);
    const json = await load('v3-vars-json', { stage: 'production' });
    expect([json.configProfile, json.configRegion]).toEqual(['atlas-prod', 'us-east-2']);
    expect((await load('v3-vars-json', { stage: 'pr-7' })).configProfile).toBe('atlas-dev');
  });

  it('v2: a dynamic import inside config() and its stage-dependent profile', async () => {
    const prod = await load('v2-vars-import', { stage: 'prod' });
    expect([prod.app, prod.configProfile, prod.configRegion]).toEqual(['billing', 'billing-prod', 'eu-central-1']);
    expect((await load('v2-vars-import', { stage: 'dev' })).configProfile).toBe('billing-dev');
  });

  it('a template-literal path picks the stage file among the project files', async () => {
    expect((await load('v3-vars-computed', { stage: 'production' })).configProfile).toBe('harbor-prod');
    expect((await load('v3-vars-computed', { stage: 'dev' })).configProfile).toBe('harbor-dev');
  });

  it('a path computed at run time is unknown, with a warning naming the import', async () => {
    const p = await load('v3-vars-nonliteral');
    expect(p.configProfile).toBeUndefined();
    expect(p.warnings.join('\n')).toMatch(/providers\.aws\.profile .*import\(\) whose path is computed at run time \('\.\/sst\.vars\.ts'\)/);
  });
});

describe('values from stand-ins are unknown, with a warning naming the package — never silently dropped', () => {
  it('the app name: an error naming the package, not "must return a name"', async () => {
    const e = await fails('v3-stub-name');
    expect(e.code).toBe('PROJECT_CONFIG_INVALID');
    expect(e.kind).toBe('config');
    expect(e.message).toMatch(/app\(\) "name" comes from the package @acme\/naming, which awsperm replaces by a stand-in: the app name is unknown$/);
    expect(e.hint).toMatch(/relative path/);
  });

  it('profile from a dynamic import() of a package, region from `import * as`: unknown, each with a warning', async () => {
    const p = await load('v3-stub-values', { stage: 'production' });
    expect([p.app, p.configProfile, p.configRegion]).toEqual(['orbit', undefined, undefined]);
    const w = p.warnings.join('\n');
    expect(w).toMatch(/app\(\)\.providers\.aws\.profile comes from the package @acme\/accounts, which awsperm replaces by a stand-in: its value is unknown/);
    expect(w).toMatch(/app\(\)\.providers\.aws\.region comes from the package @acme\/regions/);
  });

  it('v2: a stage-dependent profile function over a dynamically imported package, for either branch', async () => {
    const prod = await load('v2-stub-profile', { stage: 'prod' });
    expect([prod.app, prod.configRegion, prod.configProfile]).toEqual(['ticketing', 'eu-west-1', undefined]);
    expect(prod.warnings.join('\n')).toMatch(/config\(\)\.profile comes from the package @acme\/aws-accounts/);
    const dev = await load('v2-stub-profile', { stage: 'dev' });
    expect(dev.configProfile).toBeUndefined();
    expect(dev.warnings.join('\n')).toMatch(/config\(\)\.profile comes from the package @acme\/aws-accounts/);
  });
});

describe('workspace packages are named as such', () => {
  it('a name from a workspace package: the error says so, with a hint', async () => {
    const e = await fails('workspace/apps/web');
    expect(e.message).toMatch(
      /app\(\) "name" comes from the workspace package @acme\/infra-config, which awsperm does not load \(it replaces packages by stand-ins\): the app name is unknown/,
    );
    expect(e.hint).toMatch(/awsperm never runs workspace packages/);
  });

  it('a profile from a workspace package (deep import): a warning that says so', async () => {
    const p = await load('workspace/apps/api', { stage: 'production' });
    expect(p.configProfile).toBeUndefined();
    expect(p.warnings.join('\n')).toMatch(/providers\.aws\.profile comes from the workspace package @acme\/infra-config, which awsperm does not load/);
  });
});
