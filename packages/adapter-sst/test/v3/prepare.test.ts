import { hookContext } from '@awsperm/core/testing';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { sst } from '../../src/index.ts';
import { appRunner } from '../../src/runners.ts';
import { discoverSstApp } from '../../src/v3/app/discovery.ts';

const HOME = mkdtempSync(join(tmpdir(), 'awsperm-sst-prepare-home-'));

function v3Project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'awsperm-sst-prepare-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ dependencies: { sst: '3.17.0' } }));
  writeFileSync(
    join(dir, 'sst.config.ts'),
    'export default $config({ app() { return { name: "prep", home: "aws" }; }, async run() { new sst.aws.Queue("Jobs"); } });\n',
  );
  return dir;
}

/** The discovery workers waiting for `dir`: their command line names the app runner and the project's read permission. */
function discoveryWorkers(dir: string): string[] {
  const ps = spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).stdout;
  return ps.split('\n').filter((line) => line.includes(`--allow-fs-read=${dir}/*`) && line.includes(appRunner()));
}

async function load(dir: string, requirements: 'precise' | 'documented') {
  const adapter = sst({ username: 'tester' });
  const detection = (await adapter.detect(hookContext({ cwd: dir })))!;
  return adapter.loadProject({ ...hookContext({ cwd: dir, env: { HOME }, args: { stage: 'dev', requirements } }), detection });
}

describe('SST v3: the app discovery is prepared while the config loads when the precise set will be asked for', () => {
  it('precise: a discovery worker is waiting once the project is loaded, and the discovery takes it', async () => {
    const dir = v3Project();
    await load(dir, 'precise');
    let waiting: string[] = [];
    for (let i = 0; i < 40 && waiting.length === 0; i++) {
      waiting = discoveryWorkers(dir);
      if (waiting.length === 0) await sleep(50);
    }
    expect(waiting).toHaveLength(1);
    const inventory = await discoverSstApp(join(dir, 'sst.config.ts'), { stage: 'dev', env: { HOME } });
    expect(inventory.components.map((c) => c.name)).toContain('Jobs');
    await sleep(200);
    expect(discoveryWorkers(dir)).toEqual([]);
  });

  it('documented (policy without least privilege): no discovery worker is started', async () => {
    const dir = v3Project();
    await load(dir, 'documented');
    await sleep(500);
    expect(discoveryWorkers(dir)).toEqual([]);
  });
});
