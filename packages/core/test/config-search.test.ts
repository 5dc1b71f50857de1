import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { AwspermError } from '../src/errors.ts';

// The awsperm config is found by cosmiconfig (module "awsperm") with awsperm's loaders, from --cwd up to the project
// root: every candidate checked before cosmiconfig opens it, code only in the worker, no cosmiconfig meta config.

function temp(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'awsperm-config-search-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

function mkfifo(path: string): void {
  const r = spawnSync('mkfifo', [path]);
  if (r.status !== 0) throw new Error(`mkfifo failed: ${r.stderr}`);
}

async function configError(dir: string): Promise<AwspermError> {
  const start = Date.now();
  const error = await loadConfig(dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(Date.now() - start).toBeLessThan(5000);
  if (!AwspermError.is(error)) throw new Error(`expected an AwspermError, got ${String(error)}`);
  expect(error.kind === 'config' || error.kind === 'usage').toBe(true);
  expect(error.message.split('\n')).toHaveLength(1);
  return error;
}

const cwd = process.cwd();
afterEach(() => process.chdir(cwd));

describe('cosmiconfig search', () => {
  it("an empty .awspermrc is skipped as cosmiconfig skips empty files; the next place is used", async () => {
    const dir = temp({ 'package.json': '{}', '.awspermrc': '  \n', '.awspermrc.json': '{"tool":"up"}' });
    expect(await loadConfig(dir)).toEqual({ config: { tool: 'up' }, file: join(dir, '.awspermrc.json') });
  });

  it('package.json#awsperm comes first; a package.json without it is passed over', async () => {
    const first = temp({ 'package.json': '{"awsperm":{"tool":"sst"}}', '.awspermrc.json': '{"tool":"up"}' });
    expect(await loadConfig(first)).toEqual({ config: { tool: 'sst' }, file: join(first, 'package.json') });
    const over = temp({ 'package.json': '{"name":"x"}', 'awsperm.config.cjs': 'module.exports = { features: [String(process.pid)] };' });
    const loaded = await loadConfig(over);
    expect(loaded.file).toBe(join(over, 'awsperm.config.cjs'));
    // Evaluated, and in another process: the worker.
    expect(loaded.config.features).toHaveLength(1);
    expect(loaded.config.features?.[0]).not.toBe(String(process.pid));
  });

  it("cosmiconfig's meta config in process.cwd() is never read: .config/config.cjs does not run", async () => {
    const hostile = temp({ 'x.txt': '' });
    const marker = join(hostile, 'RAN');
    mkdirSync(join(hostile, '.config'));
    writeFileSync(join(hostile, '.config', 'config.cjs'), `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'ran'); module.exports = {};`);
    process.chdir(hostile);
    const project = temp({ 'package.json': '{}', '.awspermrc.json': '{"tool":"up"}' });
    expect((await loadConfig(project)).config).toEqual({ tool: 'up' });
    await new Promise((r) => setTimeout(r, 300));
    expect(existsSync(marker)).toBe(false);
  });

  it("cosmiconfig's meta config cannot add search places (.config/config.json naming another file)", async () => {
    const hostile = temp({
      'package.json': '{}',
      '.config/config.json': JSON.stringify({ cosmiconfig: { searchPlaces: ['evil.json'] } }),
      'evil.json': '{"tool":"evil"}',
      '.awspermrc.json': '{"tool":"up"}',
    });
    process.chdir(hostile);
    expect(await loadConfig(hostile)).toEqual({ config: { tool: 'up' }, file: join(hostile, '.awspermrc.json') });
  });

  it('"$import" is refused before cosmiconfig would follow it, in YAML and in package.json#awsperm', async () => {
    const yaml = temp({ 'package.json': '{}', '.awspermrc.yaml': '$import: ./other.json\n', 'other.json': '{"tool":"up"}' });
    expect((await configError(yaml)).message).toMatch(/\.awspermrc\.yaml: "\$import" is not supported/);
    const pkg = temp({ 'package.json': '{"awsperm":{"$import":"./other.json"}}', 'other.json': '{"tool":"up"}' });
    expect((await configError(pkg)).message).toMatch(/package\.json: "\$import" is not supported/);
    const js = temp({ 'package.json': '{}', 'awsperm.config.mjs': 'export default { $import: "./other.json" };', 'other.json': '{"tool":"up"}' });
    expect((await configError(js)).message).toMatch(/awsperm\.config\.mjs: "\$import" is not supported/);
  });
});

describe('every directory searched is bounded', () => {
  it('a FIFO named .awspermrc.json in the project root, searched from a subdirectory: an error, never a hang', async () => {
    const dir = temp({ 'package.json': '{}', 'app/src/x.txt': '' });
    mkfifo(join(dir, '.awspermrc.json'));
    expect((await configError(join(dir, 'app/src'))).message).toBe(`the awsperm config is a FIFO (named pipe), not a regular file: ${join(dir, '.awspermrc.json')}`);
  });

  it('a FIFO as package.json, or as awsperm.config.ts (never handed to the worker)', async () => {
    const pkg = temp({ 'x.txt': '' });
    mkfifo(join(pkg, 'package.json'));
    expect((await configError(pkg)).message).toMatch(/^package\.json is a FIFO \(named pipe\), not a regular file/);
    const ts = temp({ 'package.json': '{}' });
    mkfifo(join(ts, 'awsperm.config.ts'));
    expect((await configError(ts)).message).toMatch(/^the awsperm config is a FIFO \(named pipe\), not a regular file: .*awsperm\.config\.ts$/);
  });

  it('a directory in an ancestor (cosmiconfig alone would skip it silently), /dev/zero behind a symlink, a huge YAML', async () => {
    const dir = temp({ 'package.json': '{}', 'app/x.txt': '' });
    mkdirSync(join(dir, '.awspermrc.yaml'));
    expect((await configError(join(dir, 'app'))).message).toMatch(/is a directory, not a regular file: .*\.awspermrc\.yaml$/);
    const zero = temp({ 'package.json': '{}' });
    symlinkSync('/dev/zero', join(zero, '.awspermrc'));
    expect((await configError(zero)).message).toMatch(/is a character device, not a regular file/);
    const huge = temp({ 'package.json': '{}', '.awspermrc.yml': `tool: up\nx: ${'a'.repeat(1100 * 1024)}\n` });
    expect((await configError(huge)).message).toMatch(/larger than 1024 KiB/);
  });
});
