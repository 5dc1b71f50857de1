import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { prepareWorker, runInWorker } from './run.ts';

// A runner that reports what the project code would see: its environment, and how long its process has lived.
function project(): { root: string; runner: string } {
  const root = mkdtempSync(join(tmpdir(), 'awsperm-worker-run-'));
  const runner = join(root, 'runner.mjs');
  writeFileSync(runner, 'export default async () => ({ env: { ...process.env }, uptime: process.uptime() });\n');
  return { root, runner };
}

describe('prepareWorker: the worker boots while awsperm reads the project', () => {
  it('a prepared worker serves the next run of the same shape, with exactly the run’s environment', async () => {
    const { root, runner } = project();
    prepareWorker({ root, runner, env: { LANG: 'C' } });
    // Long enough that a worker booted only now could not have lived as long.
    await sleep(1500);
    const env = { LANG: 'C', SST_STAGE: 'dev', AWS_REGION: 'eu-west-1' };
    const { value } = await runInWorker({ root, runner, env, input: null });
    const result = value as { env: Record<string, string>; uptime: number };
    expect(result.uptime).toBeGreaterThan(1.4);
    expect(result.env).toEqual(env);
  });

  it('a run whose locale differs from the prepared worker’s gets a fresh worker', async () => {
    const { root, runner } = project();
    prepareWorker({ root, runner, env: { LANG: 'C' } });
    await sleep(1500);
    const { value } = await runInWorker({ root, runner, env: { LANG: 'de_DE.UTF-8' }, input: null });
    const result = value as { env: Record<string, string>; uptime: number };
    expect(result.uptime).toBeLessThan(1.4);
    expect(result.env).toEqual({ LANG: 'de_DE.UTF-8' });
  });

  it('a worker is used once: a second run of the same shape starts its own', async () => {
    const { root, runner } = project();
    prepareWorker({ root, runner, env: {} });
    await sleep(1500);
    const first = (await runInWorker({ root, runner, env: {}, input: null })).value as { uptime: number };
    const second = (await runInWorker({ root, runner, env: {}, input: null })).value as { uptime: number };
    expect(first.uptime).toBeGreaterThan(1.4);
    expect(second.uptime).toBeLessThan(1.4);
  });

  const built = new URL('../../dist/worker.js', import.meta.url).pathname;
  it.skipIf(!existsSync(built))('a prepared worker nobody uses neither keeps awsperm running nor outlives it (built entry)', async () => {
    const { root, runner } = project();
    const script = join(root, 'main.mjs');
    writeFileSync(script, `import { prepareWorker } from ${JSON.stringify(built)};\nprepareWorker({ root: ${JSON.stringify(root)}, runner: ${JSON.stringify(runner)}, env: {} });\n`);
    const r = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(0);
    // The worker's command line names the project root (its read permission): none may be left running.
    await sleep(200);
    const ps = spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).stdout;
    expect(ps).toContain('ps -eo args');
    expect(ps).not.toContain(`--allow-fs-read=${root}/*`);
  });
});

describe('runInWorker: the result frame ends the run', () => {
  it('a result is taken as soon as it is written, not when the process has ended (an exit handler that never returns)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'awsperm-worker-frame-'));
    const runner = join(root, 'runner.mjs');
    // The host exits right after writing the result; this exit handler would keep the process alive until the
    // deadline, so a run that waited for the process to end would fail with a timeout.
    writeFileSync(runner, "export default async () => { process.on('exit', () => { for (;;); }); return { ok: 1 }; };\n");
    const started = Date.now();
    const { value } = await runInWorker({ root, runner, env: {}, input: null, timeoutMs: 3000 });
    expect(value).toEqual({ ok: 1 });
    expect(Date.now() - started).toBeLessThan(2900);
    await sleep(200);
    expect(spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).stdout).not.toContain(`--allow-fs-read=${root}/*`);
  });
});
