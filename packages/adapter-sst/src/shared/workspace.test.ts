import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findWorkspace, readPnpmWorkspace, workspacePackages } from './workspace.ts';

describe('readPnpmWorkspace: the subset of YAML awsperm reads', () => {
  it('packages, the default catalog and named catalogs, with comments, quotes and flow collections', () => {
    const ws = readPnpmWorkspace(
      [
        '# root',
        'packages: [apps/*, "packages/*"]',
        'catalog:',
        '  sst: 3.17.0   # pinned',
        "  '@types/node': '^20.19.0'",
        '  "hash#tag": "1.0.0#x"',
        'catalogs:',
        '  edge: { sst: 4.17.0, zod: ^3 }',
        '  legacy:',
        '    sst: "2.44.0"',
        'onlyBuiltDependencies:',
        '  - esbuild',
      ].join('\n'),
    );
    expect(ws.packages).toEqual(['apps/*', 'packages/*']);
    expect({ ...ws.catalog }).toEqual({ sst: '3.17.0', '@types/node': '^20.19.0', 'hash#tag': '1.0.0#x' });
    expect(JSON.parse(JSON.stringify(ws.catalogs))).toEqual({ edge: { sst: '4.17.0', zod: '^3' }, legacy: { sst: '2.44.0' } });
  });

  it('anchors, aliases, tags and prototype keys are plain text, never interpreted', () => {
    const ws = readPnpmWorkspace(['catalog:', '  base: &v 3.0.0', '  sst: *v', '  __proto__: 1.0.0', 'catalogs:', '  __proto__:', '    sst: 9.9.9'].join('\n'));
    expect(ws.catalog.sst).toBe('*v');
    expect(Object.getPrototypeOf(ws.catalog)).toBeNull();
    expect(({} as Record<string, unknown>).sst).toBeUndefined();
    expect(Object.keys(ws.catalogs)).toEqual(['__proto__']);
  });

  it('is linear on a large hostile file', () => {
    const start = Date.now();
    readPnpmWorkspace(`catalog:\n${'  "a'.repeat(200_000)}\n${'  x: y\n'.repeat(100_000)}`);
    expect(Date.now() - start).toBeLessThan(2000);
  });
});

describe('workspace packages', () => {
  it('globs with ** and ! exclusions, npm workspaces, node_modules skipped', () => {
    const root = mkdtempSync(join(tmpdir(), 'awsperm-ws-'));
    const pkg = (dir: string, name: string) => {
      mkdirSync(join(root, dir), { recursive: true });
      writeFileSync(join(root, dir, 'package.json'), JSON.stringify({ name }));
    };
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'root', workspaces: { packages: ['libs/**', 'apps/*', '!apps/old'] } }));
    pkg('libs/a', '@x/a');
    pkg('libs/group/b', '@x/b');
    pkg('libs/node_modules/c', '@x/c');
    pkg('apps/web', '@x/web');
    pkg('apps/old', '@x/old');
    mkdirSync(join(root, 'apps/web/src'), { recursive: true });
    const ws = findWorkspace(join(root, 'apps/web/src'))!;
    expect(ws.root).toBe(root);
    expect([...workspacePackages(ws).keys()].sort()).toEqual(['@x/a', '@x/b', '@x/web', 'root']);
  });
});
