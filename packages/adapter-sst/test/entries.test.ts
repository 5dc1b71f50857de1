// The package's public entries and their bundled copies: the names each exports (the split by SST major must not add
// or drop any), and the worker runners the bundle resolves relative to itself (runners/, dist/sst-discovery.js).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT_NAMES = [
  'AMAZON_ENV_NAMES',
  'AWS_PROFILE_FIRST_FROM',
  'DEFAULT_QUALIFIER',
  'DISCOVERY_TIMEOUT_MS',
  'GO_ENV_NAMES',
  'SST_DEFAULT_REGION',
  'SST_FEATURES',
  'SST_PRECISE_FRAGMENTS',
  'SST_V3_DOCS_SOURCE',
  'SST_V3_DOCUMENTED',
  'SST_V3_PLACEHOLDER_ID',
  'V2_CONFIG_FILES',
  'adminPolicy',
  'atLeast',
  'configShape',
  'crudApiPolicy',
  'customDomainPolicy',
  'default',
  'discoverSstApp',
  'evaluateSstConfig',
  'findSstConfig',
  'loadSstProject',
  'rangeMajor',
  'serviceRolePolicy',
  'sst',
  'sstAppRequirements',
  'sstCredentialRules',
  'sstDocumentedFragments',
  'sstPolicySet',
  'sstPreciseFragments',
  'sstProfile',
  'sstV3DocumentedFragments',
  'sstV3Strategy',
  'sstVersion',
  'v3AdminPolicy',
  'v3StageGuess',
];
const V3_NAMES = [
  'SST_BOOTSTRAP_PARAMETER',
  'appRequirements',
  'deployedState',
  'discoverApp',
  'emptyInventory',
  'installSstGlobals',
  'namePrefix',
  'parseStateExport',
  'pulumiToken',
  'sstFamily',
  'stateChanges',
  'stateObjectKey',
];

const dist = (file: string): string => new URL(`../dist/${file}`, import.meta.url).href;
const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const names = (m: object): string[] => Object.keys(m).sort();

describe('public entries', () => {
  it('@awsperm/adapter-sst exports the same names from source and from the build', async () => {
    expect(names(await import('../src/index.ts'))).toEqual(ROOT_NAMES);
    expect(names(await import(dist('index.js')))).toEqual(ROOT_NAMES);
  });

  it('@awsperm/adapter-sst/v3 exports the same names from source and from the build', async () => {
    expect(names(await import('../src/v3/index.ts'))).toEqual(V3_NAMES);
    expect(names(await import(dist('v3.js')))).toEqual(V3_NAMES);
  });

  it('the package entry resolves to the same module as the source entry', async () => {
    const pkg = await import('@awsperm/adapter-sst');
    expect(names(pkg)).toEqual(ROOT_NAMES);
    expect(names(await import('@awsperm/adapter-sst/v3'))).toEqual(V3_NAMES);
  });
});

describe('the bundle finds its worker runners', () => {
  it('evaluateSstConfig from dist/index.js runs runners/sst-config.cjs', async () => {
    const built = (await import(dist('index.js'))) as typeof import('../src/index.ts');
    const config = await built.evaluateSstConfig(fixture('v2-stage-profile/sst.config.ts'), { call: 'config', input: { stage: 'prod' }, env: {} });
    expect(config.name).toBe('api');
    expect(config.profile).toBe('prod-profile');
  });

  it('discoverSstApp from dist/index.js runs runners/sst-app.mjs with dist/sst-discovery.js', async () => {
    const built = (await import(dist('index.js'))) as typeof import('../src/index.ts');
    const inventory = await built.discoverSstApp(fixture('v3-apps/api-function/sst.config.ts'), { stage: 'dev', env: {} });
    expect(inventory.app.name).toBe('notes-api');
    expect(inventory.components.length).toBeGreaterThan(0);
  });
});
