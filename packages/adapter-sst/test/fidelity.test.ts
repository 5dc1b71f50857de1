import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwspermError } from '@awsperm/core';
import { describe, expect, it } from 'vitest';
import { findSstConfig, sstVersion } from '../src/shared/detect.ts';
import { loadSstProject, type SstProjectInfo } from '../src/index.ts';

// Real-world config fidelity (issue 16 point 6): configs shaped like the ones public SST apps write.
const fixture = (name: string): string => join(import.meta.dirname, 'fixtures', 'fidelity', name);
const HOME = mkdtempSync(join(tmpdir(), 'awsperm-fidelity-home-'));

async function load(name: string, opts: { stage?: string; env?: Record<string, string>; exec?: false } = {}): Promise<SstProjectInfo> {
  const cwd = fixture(name);
  const found = findSstConfig(cwd);
  if (!found) throw new Error(`no SST project in ${cwd}`);
  const detection = sstVersion(found.root, found.configFile);
  return loadSstProject({ cwd, detection, stage: opts.stage ?? 'dev', env: { HOME, ...opts.env }, timeoutMs: 1500, username: 'tester', ...(opts.exec === false ? { exec: false } : {}) });
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
    expect(p.warnings.join('\n')).toMatch(/providers\.aws\.profile depends on an import\(\) whose path is computed at run time \('\.\/sst\.vars\.ts'\)/);
  });
});

describe('values from stand-ins are unknown, with a warning naming the package — never silently dropped', () => {
  it('the app name: an error naming the package, not "must return a name"', async () => {
    const e = await fails('v3-stub-name');
    expect(e.code).toBe('PROJECT_CONFIG_INVALID');
    expect(e.kind).toBe('config');
    expect(e.message).toMatch(/app\(\) "name" depends on the package @acme\/naming, which awsperm replaces by a stand-in: the app name is unknown$/);
    expect(e.hint).toMatch(/relative path/);
    const noExec = await fails('v3-vars-import', { exec: false });
    expect(noExec.message).toMatch(/app\(\) "name" depends on code not run \(the exec option: false\): the app name is unknown$/);
    expect(noExec.hint).toMatch(/or let awsperm run the config \(the exec option, not false\)\.$/);
    expect(noExec.data).toMatchObject({ remedy: 'exec' });
  });

  it('profile from a dynamic import() of a package, region from `import * as`: unknown, each with a warning', async () => {
    const p = await load('v3-stub-values', { stage: 'production' });
    expect([p.app, p.configProfile, p.configRegion]).toEqual(['orbit', undefined, undefined]);
    const w = p.warnings.join('\n');
    expect(w).toMatch(/app\(\)\.providers\.aws\.profile depends on the package @acme\/accounts, which awsperm replaces by a stand-in: its value is unknown/);
    expect(w).toMatch(/app\(\)\.providers\.aws\.region depends on the package @acme\/regions/);
  });

  it('v2: a stage-dependent profile function over a dynamically imported package, for either branch', async () => {
    const prod = await load('v2-stub-profile', { stage: 'prod' });
    expect([prod.app, prod.configRegion, prod.configProfile]).toEqual(['ticketing', 'eu-west-1', undefined]);
    expect(prod.warnings.join('\n')).toMatch(/config\(\)\.profile depends on the package @acme\/aws-accounts/);
    const dev = await load('v2-stub-profile', { stage: 'dev' });
    expect(dev.configProfile).toBeUndefined();
    expect(dev.warnings.join('\n')).toMatch(/config\(\)\.profile depends on the package @acme\/aws-accounts/);
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

const detect = (name: string) => {
  const found = findSstConfig(fixture(name));
  if (!found) throw new Error(`no SST project in ${name}`);
  return sstVersion(found.root, found.configFile);
};
const detectFails = (name: string): AwspermError => {
  try {
    detect(name);
  } catch (error) {
    if (AwspermError.is(error)) return error;
    throw error;
  }
  throw new Error('expected a failure');
};

describe('SST versions as real package.json files write them', () => {
  it('a snapshot pin (0.0.0-<unix ms>): family unknown, the latest rules of the config shape, one warning with the date', async () => {
    const d = detect('versions/snapshot');
    expect([d.major, d.toolVersion, d.exactVersion]).toEqual([3, '0.0.0-1717171717171', undefined]);
    expect(d.warnings).toEqual([expect.stringMatching(/^sst 0\.0\.0-1717171717171 \(.*package\.json\) is a snapshot build from 2024-05-31: its release family is unknown; assuming the latest v3\/v4 rules/)]);
    const p = await load('versions/snapshot');
    expect([p.app, p.awsProfileFirst, p.configProfile]).toEqual(['pulse', true, 'pulse-deployer']);
    expect(p.warnings.filter((w) => /snapshot|version/i.test(w))).toHaveLength(1);
    // The same warnings reach the hook's log, for commands that show no credential rules.
    const logged: string[] = [];
    const found = findSstConfig(fixture('versions/snapshot'))!;
    await loadSstProject({ cwd: found.root, detection: sstVersion(found.root, found.configFile), stage: 'dev', env: { HOME }, warn: (m) => logged.push(m) });
    expect(logged).toEqual(p.warnings);
  });

  it('a snapshot pin with sst installed: the installed package.json decides', () => {
    const dir = mkdtempSync(join(tmpdir(), 'awsperm-snapshot-'));
    cpSync(fixture('versions/snapshot'), dir, { recursive: true });
    mkdirSync(join(dir, 'node_modules', 'sst'), { recursive: true });
    writeFileSync(join(dir, 'node_modules', 'sst', 'package.json'), JSON.stringify({ name: 'sst', version: '3.2.40' }));
    const d = sstVersion(dir, join(dir, 'sst.config.ts'));
    expect([d.major, d.toolVersion, d.exactVersion, d.versionFrom, d.warnings]).toEqual([3, '3.2.40', '3.2.40', 'node_modules/sst', []]);
    // An installed snapshot is no more telling than a pinned one.
    writeFileSync(join(dir, 'node_modules', 'sst', 'package.json'), JSON.stringify({ name: 'sst', version: '0.0.0-1730000000000' }));
    const snap = sstVersion(dir, join(dir, 'sst.config.ts'));
    expect([snap.toolVersion, snap.exactVersion]).toEqual(['0.0.0-1730000000000', undefined]);
    expect(snap.warnings?.[0]).toMatch(/0\.0\.0-1730000000000 \(node_modules\/sst\) is a snapshot build from 2024-10-27/);
    // ion builds (v3 before 3.0) were published as 0.x: with $config they are v3, not v1.
    writeFileSync(join(dir, 'node_modules', 'sst', 'package.json'), JSON.stringify({ name: 'sst', version: '0.1.90' }));
    const ion = sstVersion(dir, join(dir, 'sst.config.ts'));
    expect([ion.major, ion.exactVersion]).toEqual([3, '0.1.90']);
    expect(ion.warnings?.join('\n')).toMatch(/SST v3 before 3\.0 \(ion\)/);
  });

  it("dist-tags: 'ion' keeps the rules before 3.2.64, 'latest' with a v2 config is v2; each says so", async () => {
    const ion = await load('versions/ion');
    expect([ion.major, ion.toolVersion, ion.awsProfileFirst]).toEqual([3, 'ion', false]);
    expect(ion.warnings.join('\n')).toMatch(/"sst": "ion" in .* is the dist-tag 'ion', and sst is not installed: SST version unknown; assuming the v3 rules before 3\.0/);
    const v2 = detect('versions/latest-v2');
    expect([v2.major, v2.toolVersion]).toEqual([2, '2.x']);
    expect(v2.warnings).toEqual([expect.stringMatching(/"sst": "latest" .* is the dist-tag 'latest', and sst is not installed: SST version unknown; assuming the SST v2 rules$/)]);
  });

  it('pnpm catalogs: the default and a named catalog of the workspace root; a missing entry is reported', () => {
    const web = detect('workspace/apps/web');
    expect([web.major, web.toolVersion, web.exactVersion, web.warnings]).toEqual([3, '3.17.0', '3.17.0', []]);
    expect(web.versionFrom).toMatch(/"sst": "catalog:" in .*apps\/web\/package\.json \(3\.17\.0 in the catalog of .*workspace\/pnpm-workspace\.yaml\)/);
    expect(detect('workspace/apps/api').toolVersion).toBe('4.17.0');
    const missing = detect('versions/catalog-missing');
    expect([missing.major, missing.toolVersion]).toEqual([3, '3.x']);
    expect(missing.warnings?.[0]).toMatch(/"sst": "catalog:infra" .* names the pnpm catalog 'infra', which has no sst entry in .*pnpm-workspace\.yaml \(pnpm install would fail\)/);
  });

  it('file:, link: and workspace: versions resolve to the package they point at; a repository URL is reported', async () => {
    expect(detect('versions/file-dir').exactVersion).toBe('3.9.1');
    expect(detect('versions/link-dir').versionFrom).toMatch(/"sst": "link:\.\.\/file-dir\/vendor\/sst" in .* \(3\.9\.1 in .*vendor\/sst\/package\.json\)/);
    const tarball = await load('versions/file-tarball');
    expect([tarball.toolVersion, tarball.awsProfileFirst]).toEqual(['3.2.10', false]);
    expect(detect('versions/sst-fork/app').exactVersion).toBe('3.1.0');
    const outside = mkdtempSync(join(tmpdir(), 'awsperm-file-dep-'));
    writeFileSync(join(outside, 'package.json'), JSON.stringify({ devDependencies: { sst: 'file:/etc' } }));
    writeFileSync(join(outside, 'sst.config.ts'), 'export default $config({ app() { return { name: "x", home: "aws" }; }, async run() {} });');
    expect(sstVersion(outside, join(outside, 'sst.config.ts')).warnings?.[0]).toMatch(/points to \/etc, outside .*, which awsperm does not read/);
    const gh = detect('versions/github');
    expect([gh.major, gh.exactVersion]).toEqual([3, undefined]);
    expect(gh.warnings?.[0]).toMatch(/"sst": "github:acme\/sst#patched" .* installs sst from a repository or URL, and sst is not installed/);
  });
});

describe('a leftover sst.json beside a v2/v3 config', () => {
  it('v2 config with sst 2.x: v2 wins, with a warning', async () => {
    const d = detect('v2-leftover-json');
    expect([d.major, d.configFile]).toEqual([2, join(fixture('v2-leftover-json'), 'sst.config.ts')]);
    const p = await load('v2-leftover-json', { stage: 'prod' });
    expect([p.app, p.configProfile]).toEqual(['legacy-api', 'legacy-prod']);
    expect(p.warnings.join('\n')).toMatch(/sst\.json is left over from SST v1: "sst": "\^2\.40\.1" in .* and sst\.config\.ts are SST v2, which ignores sst\.json/);
  });

  it('v3 config with sst 3.x: v3 wins; without an sst dependency it stays ambiguous', () => {
    expect(detect('v3-leftover-json').major).toBe(3);
    const e = detectFails('../v1v2-ambiguous');
    expect([e.code, e.kind]).toEqual(['TOOL_AMBIGUOUS', 'usage']);
  });
});
