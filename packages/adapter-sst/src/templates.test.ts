import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sst } from './index.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`../test/fixtures/${name}`, import.meta.url));
const HOME = mkdtempSync(join(tmpdir(), 'awsperm-sst-home-'));

async function locations(name: string) {
  const adapter = sst({ username: 'tester', timeoutMs: 500 });
  const cwd = fixture(name);
  const detection = (await adapter.detect({ cwd }))!;
  const project = await adapter.loadProject({ cwd, detection, env: { HOME } });
  return { root: project.root, found: await adapter.templateLocations!({ project }) };
}

describe('sst templateLocations', () => {
  it('v1: .build/cdk.out under the project root, with the hint to build', async () => {
    const { root, found } = await locations('v1-basic');
    expect(found.paths).toEqual([join(root, '.build', 'cdk.out')]);
    expect(found.missingHint).toMatch(/sst build/);
  });
  it('v2: .sst/cdk.out under the project root', async () => {
    const { root, found } = await locations('v2-env-stage');
    expect(found.paths).toEqual([join(root, '.sst', 'cdk.out')]);
  });
  it('v3: no templates, and says why', async () => {
    const { found } = await locations('v3-env-stage');
    expect(found.paths).toEqual([]);
    expect(found.note).toMatch(/Pulumi/);
  });
});
