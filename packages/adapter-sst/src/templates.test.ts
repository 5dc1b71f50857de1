import { hookContext } from '@awsperm/core/testing';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sst } from './index.ts';
import { sstTemplateLocations } from './majors.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`../test/fixtures/${name}`, import.meta.url));
const HOME = mkdtempSync(join(tmpdir(), 'awsperm-sst-home-'));

async function load(name: string) {
  const adapter = sst({ username: 'tester', timeoutMs: 2000 });
  const cwd = fixture(name);
  const detection = (await adapter.detect(hookContext({ cwd })))!;
  const project = await adapter.loadProject({ ...hookContext({ cwd, env: { HOME } }), detection });
  return { adapter, project, cwd };
}

async function locations(name: string) {
  const adapter = sst({ username: 'tester', timeoutMs: 500 });
  const cwd = fixture(name);
  const detection = (await adapter.detect(hookContext({ cwd })))!;
  const project = await adapter.loadProject({ ...hookContext({ cwd, env: { HOME } }), detection });
  const set = await adapter.requirements({ ...hookContext({ cwd, env: { HOME } }), project, kind: 'precise' });
  const [found] = set.sources ?? [];
  if (!found) throw new Error('the SST adapter returns its CloudFormation source');
  return { root: project.root, found, set };
}

describe('sst cloudformation requirement sources', () => {
  it('v1: .build/cdk.out under the project root, with the hint to build', async () => {
    const { root, found } = await locations('v1-basic');
    expect(found.paths).toEqual([join(root, '.build', 'cdk.out')]);
    expect(found.missingHint).toMatch(/sst build/);
  });
  it('v2: .sst/cdk.out under the project root', async () => {
    const { root, found, set } = await locations('v2-env-stage');
    expect(found.paths).toEqual([join(root, '.sst', 'cdk.out')]);
    // This fixture deploys through cdk.cloudFormationExecutionRole: the stacks' resources are the role's.
    expect(found.principal).toBe('service-role');
    expect(set.principals?.map((p) => p.id)).toEqual(['service-role']);
  });
  it('v3: no templates (Pulumi, not CloudFormation): no source; the app’s resources come from run() instead', async () => {
    const { adapter, project, cwd } = await load('v3-env-stage');
    const found = sstTemplateLocations(project);
    expect(found.paths).toEqual([]);
    expect(found.note).toMatch(/Pulumi/);
    const set = await adapter.requirements({ ...hookContext({ cwd, env: { HOME } }), project, kind: 'precise' });
    expect(set.sources).toBeUndefined();
    expect(set.fragments.map((f) => f.id)).toContain('sst.app.Uploads');
  });
});
