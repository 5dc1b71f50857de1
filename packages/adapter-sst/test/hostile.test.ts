import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwspermError } from '@awsperm/core';
import { afterEach, describe, expect, it } from 'vitest';
import { findSstConfig, sstVersion } from '../src/shared/detect.ts';

function detectSst(dir: string) {
  const found = findSstConfig(dir);
  return found ? sstVersion(found.root, found.configFile) : undefined;
}
import { loadSstProject } from '../src/index.ts';

// Hostile SST projects (test/fixtures/hostile/*): each tries one way out of the worker awsperm evaluates configs in.
const fixture = (name: string): string => join(import.meta.dirname, 'fixtures', 'hostile', name);
const SECRET = 'wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEYzz';
const home = mkdtempSync(join(tmpdir(), 'awsperm-hostile-home-'));
const marker = join(home, 'spawned');
const ciEnv = {
  HOME: home,
  PATH: process.env.PATH,
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: SECRET,
  AWS_SESSION_TOKEN: `token-${SECRET}`,
  GITHUB_TOKEN: `ghp_${SECRET}`,
  AWSPERM_HOSTILE_MARKER: marker,
};

async function load(name: string, env: Record<string, string | undefined> = ciEnv, timeoutMs = 1500): Promise<Record<string, unknown>> {
  const dir = fixture(name);
  const detection = detectSst(dir);
  if (!detection) throw new Error(`no SST project in ${dir}`);
  const info = await loadSstProject({ cwd: dir, detection, stage: 'dev', env, timeoutMs });
  return info.raw;
}

async function fails(name: string, env?: Record<string, string | undefined>, timeoutMs?: number): Promise<AwspermError> {
  const start = Date.now();
  const error = await load(name, env, timeoutMs).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(Date.now() - start).toBeLessThan((timeoutMs ?? 1500) + 2500);
  if (!AwspermError.is(error)) throw new Error(`expected an AwspermError from ${name}, got ${String(error)}`);
  expect(error.kind).toBe('config');
  expect(error.message).not.toContain(SECRET);
  expect(error.message.split('\n')).toHaveLength(1);
  return error;
}

afterEach(() => {
  // Nothing left behind in the fixtures or under HOME.
  expect(readdirSync(home)).toEqual([]);
  for (const name of readdirSync(join(import.meta.dirname, 'fixtures', 'hostile'))) {
    expect(readdirSync(fixture(name)).filter((f) => f.includes('awsperm') || f.endsWith('.mjs'))).toEqual([]);
  }
});

describe('hostile SST configs: nothing escapes the worker', () => {
  it('the Function constructor cannot reach the process', async () => {
    // --disallow-code-generation-from-strings stops the Function-constructor route outright.
    const e = await fails('escape-process');
    expect(e.message).toMatch(/sst\.config\.ts:4: app\(\) threw: EvalError: Code generation from strings disallowed/);
  });

  it('writes are refused everywhere: HOME, the project, /tmp', async () => {
    const raw = await load('escape-write');
    expect(raw.tried).toEqual(['ERR_ACCESS_DENIED', 'ERR_ACCESS_DENIED', 'ERR_ACCESS_DENIED']);
    expect(existsSync(join(home, 'awsperm-hostile-marker'))).toBe(false);
    expect(existsSync(join(fixture('escape-write'), 'awsperm-hostile-marker'))).toBe(false);
  });

  it('no child process and no worker thread can start', async () => {
    const e = await fails('escape-spawn');
    expect(e.message).toMatch(/sst\.config\.ts:\d+: app\(\) threw: Error: Access to this API has been restricted/);
    expect(existsSync(marker)).toBe(false);
  });

  it('process.exit(0) with a forged result on stdout is an error, not a success', async () => {
    const e = await fails('exit-zero');
    expect(e.message).toMatch(/ended the process before finishing/);
  });

  it('the config never sees the CI credentials or tokens', async () => {
    expect((await load('secret-name')).name).toBe('noleak');
    const e = await fails('secret-name', { ...ciEnv, SST_HOSTILE_THROW: '1' });
    expect(e.message).toMatch(/leaked undefined/);
  });

  it('microtask loops, timer loops and getter traps are cut at the deadline', async () => {
    for (const name of ['microtask-loop', 'timer-loop', 'getter-trap']) {
      const e = await fails(name, ciEnv, 800);
      expect(e.message).toMatch(/took longer than 800 ms and was stopped/);
    }
  });

  it('a throwing Proxy and a cyclic value are config errors', async () => {
    expect((await fails('proxy-throws')).message).toMatch(/no keys for you/);
    expect((await fails('cyclic')).message).toMatch(/the returned value is cyclic at \.self/);
  });

  it('memory: a 2e9 array and a heap bomb end with a clear error under the heap cap', async () => {
    expect((await fails('huge-array', ciEnv, 20000)).message).toMatch(/ran out of memory \(heap cap 256 MiB\)/);
    expect((await fails('heap-bomb', ciEnv, 20000)).message).toMatch(/ran out of memory \(heap cap 256 MiB\)/);
  }, 40_000);

  it('a config that is a symlink to /dev/zero is refused before it is read', async () => {
    const dir = fixture('dev-zero');
    const error = await Promise.resolve()
      .then(() => detectSst(dir))
      .catch((e: unknown) => e);
    expect(AwspermError.is(error) ? error.message : String(error)).toMatch(/is a character device, not a regular file/);
  });

  it('control characters are escaped, the message is one line and cut with "…"', async () => {
    const e = await fails('ansi-message');
    expect(e.message).not.toMatch(/[\u0000-\u001f]/);
    expect(e.message).toContain('\\x1b[2J');
    expect(e.message.length).toBeLessThan(700);
    expect(e.message.endsWith('…')).toBe(true);
  });

  it('a relative import inside app() is loaded; a package import is stubbed and its value reported unknown', async () => {
    const dir = fixture('relative-import');
    const detection = detectSst(dir)!;
    const info = await loadSstProject({ cwd: dir, detection, stage: 'dev', env: ciEnv });
    expect(info.configProfile).toBe('from-vars');
    expect(info.configRegion).toBeUndefined();
    expect(info.warnings.join('\n')).toMatch(/app\(\)\.providers\.aws\.region depends on the package some-uninstalled-package/);
  });
});

describe('--no-exec', () => {
  it('never runs the config: literals are read, the rest reported unknown', async () => {
    const dir = fixture('no-exec');
    const detection = detectSst(dir)!;
    expect((await fails('no-exec')).message).toMatch(/this config must not run/);
    const info = await loadSstProject({ cwd: dir, detection, stage: 'dev', env: ciEnv, exec: false });
    expect(info.app).toBe('static-app');
    expect(info.configRegion).toBe('eu-west-1');
    expect(info.configProfile).toBeUndefined();
    expect(info.warnings.join('\n')).toMatch(/app\(\) providers\.aws\.profile needs the config to run, which the exec option: false forbids: unknown/);
  });
});

process.on('exit', () => rmSync(home, { recursive: true, force: true }));
