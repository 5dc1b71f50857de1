import { mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { configSearchDirs, loadConfig } from '../src/config.ts';
import { AwspermError } from '../src/errors.ts';
import { readRegularFile } from '../src/files.ts';
import { isRedirectVariable, screenProjectEnv } from '../src/project-env.ts';
import { redactSecrets, terminalSafe } from '../src/sanitize.ts';
import { workerEnv } from '../src/worker/run.ts';

// Hostile awsperm configs and inputs (test/fixtures/hostile/*) and the helpers that bound them.
const fixtures = join(import.meta.dirname, 'fixtures', 'hostile');

function temp(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'awsperm-hostile-core-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

async function configError(dir: string, options: Parameters<typeof loadConfig>[1] = {}): Promise<AwspermError> {
  const error = await loadConfig(dir, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!AwspermError.is(error)) throw new Error(`expected an AwspermError, got ${String(error)}`);
  expect(error.kind === 'config' || error.kind === 'usage').toBe(true);
  expect(error.message.split('\n')).toHaveLength(1);
  return error;
}

describe('awsperm.config.* runs in the worker', () => {
  it('an awsperm.config.ts is transpiled and evaluated, with a relative import, leaving no file behind', async () => {
    const dir = join(fixtures, 'config-ts');
    const before = readdirSync(dir).sort();
    expect((await loadConfig(dir)).config).toEqual({ accounts: { prod: '111111111111' }, features: ['logs'] });
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it('a config that writes, spawns or reads the real secrets gets nothing', async () => {
    const dir = join(fixtures, 'config-escape');
    const { config } = await loadConfig(dir, { env: { AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEYzz', HOME: tmpdir() } });
    expect(config.features).toEqual(['write:ERR_ACCESS_DENIED', 'spawn:ERR_ACCESS_DENIED', 'secret:none']);
  });

  it('a config that never settles is stopped within its bound', async () => {
    const start = Date.now();
    const e = await configError(join(fixtures, 'config-hang'), { timeoutMs: 600 });
    expect(e.message).toMatch(/took longer than 600 ms/);
    expect(Date.now() - start).toBeLessThan(4000);
  });

  it('--no-exec never runs it: its settings are unknown, with a warning', async () => {
    const warnings: string[] = [];
    const { config } = await loadConfig(join(fixtures, 'config-ts'), { exec: false, warn: (m) => warnings.push(m) });
    expect(config).toEqual({});
    expect(warnings.join('\n')).toMatch(/awsperm\.config\.ts not run \(the exec option: false\)/);
  });

  it('"$import" is refused; configs above the project root are never read', async () => {
    const dir = temp({ 'package.json': '{}', '.awspermrc.json': '{"$import": "./evil.mjs"}', 'evil.mjs': 'throw new Error("ran")' });
    expect((await configError(dir)).message).toMatch(/"\$import" is not supported/);
    const outer = temp({ 'awsperm.config.mjs': 'throw new Error("must not run")', 'inner/src/x.txt': '' });
    // No package.json or .git: only the directory given is searched.
    expect(await loadConfig(join(outer, 'inner'))).toEqual({ config: {} });
    expect(configSearchDirs(join(outer, 'inner/src'))).toEqual([join(outer, 'inner/src')]);
    const git = temp({ 'awsperm.config.mjs': 'throw new Error("must not run")', 'repo/.git/HEAD': '', 'repo/app/x.txt': '' });
    expect(configSearchDirs(join(git, 'repo/app'))).toEqual([join(git, 'repo/app'), join(git, 'repo')]);
  });

  it('a FIFO, a directory or a huge file as the config: exit-2 errors, never a hang', async () => {
    const fifo = temp({ 'package.json': '{}' });
    execFileSync('mkfifo', [join(fifo, '.awspermrc.json')]);
    expect((await configError(fifo)).message).toMatch(/is a FIFO \(named pipe\), not a regular file/);
    const dir = temp({ 'package.json': '{}' });
    mkdirSync(join(dir, '.awspermrc.json'));
    expect((await configError(dir)).message).toMatch(/is a directory, not a regular file/);
    const huge = temp({ 'package.json': '{}', '.awspermrc.json': `{"tool":"up","x":"${'a'.repeat(2 * 1024 * 1024)}"}` });
    expect((await configError(huge)).message).toMatch(/larger than 1024 KiB/);
  });
});

describe('bounded reads', () => {
  it('policy files, templates and up.json read as text: a FIFO, /dev/zero or a huge file is refused with the reason', async () => {
    const { readTextFile, readJsonFile } = await import('../src/json.ts');
    const dir = temp({ 'big.json': ' '.repeat(5 * 1024 * 1024) });
    execFileSync('mkfifo', [join(dir, 'p.json')]);
    symlinkSync('/dev/zero', join(dir, 'z.json'));
    const message = (p: Promise<unknown>) => p.then(() => 'read', (e: unknown) => (AwspermError.is(e) ? e.message : String(e)));
    // Before, the reason was lost: "cannot read policy file …: FILE_UNREADABLE".
    expect(await message(readJsonFile(join(dir, 'p.json'), 'policy file', 'policy'))).toMatch(/^policy file is a FIFO \(named pipe\), not a regular file: /);
    expect(await message(readTextFile(join(dir, 'z.json'), 'template'))).toMatch(/^template is a character device, not a regular file: /);
    expect(await message(readJsonFile(join(dir, 'big.json'), 'policy file', 'policy'))).toMatch(/^policy file is larger than 4096 KiB: /);
    expect(await message(readTextFile(join(dir, 'big.json'), 'up.json'))).toBe('read');
  });

  it('/dev/zero behind a symlink is refused before it is read', () => {
    const dir = temp({});
    symlinkSync('/dev/zero', join(dir, 'policy.json'));
    expect(() => readRegularFile(join(dir, 'policy.json'), 'policy')).toThrow(/is a character device, not a regular file/);
  });
});

describe('project files cannot redirect', () => {
  it('endpoints, CA bundles, proxies and credential files from .env are ignored; other variables apply', () => {
    const { env, ignored } = screenProjectEnv({
      AWS_ENDPOINT_URL: 'http://127.0.0.1:1',
      AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:1',
      AWS_CA_BUNDLE: './ca.pem',
      https_proxy: 'http://127.0.0.1:1',
      AWS_CONFIG_FILE: './x',
      AWS_SHARED_CREDENTIALS_FILE: './y',
      AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:1',
      AWS_PROFILE: 'dev',
      SST_STAGE: 'dev',
    });
    expect(ignored).toEqual([
      'AWS_ENDPOINT_URL',
      'AWS_ENDPOINT_URL_STS',
      'AWS_CA_BUNDLE',
      'https_proxy',
      'AWS_CONFIG_FILE',
      'AWS_SHARED_CREDENTIALS_FILE',
      'AWS_CONTAINER_CREDENTIALS_FULL_URI',
    ]);
    expect(env).toEqual({ AWS_PROFILE: 'dev', SST_STAGE: 'dev' });
    expect(isRedirectVariable('AWS_REGION')).toBe(false);
  });

  it('the worker environment holds no credential, token or secret', () => {
    const env = workerEnv(
      { AWS_SECRET_ACCESS_KEY: 's', AWS_SESSION_TOKEN: 't', AWS_ACCESS_KEY_ID: 'a', GITHUB_TOKEN: 'g', NPM_TOKEN: 'n', AWS_PROFILE: 'p', SST_STAGE: 'dev', SST_SECRET_X: 'x', PATH: '/bin', NODE_OPTIONS: '--require evil' },
      { prefixes: ['SST_'], fromFiles: { MY_VAR: 'v', DB_PASSWORD: 'pw' } },
    );
    expect(env).toEqual({ AWS_PROFILE: 'p', SST_STAGE: 'dev', MY_VAR: 'v' });
  });
});

describe('output sanitised', () => {
  it('escapes ANSI/OSC and newlines, cuts long text with "…"', () => {
    expect(terminalSafe('\u001b[2J\u001b]0;x\u0007ALL GOOD\nok')).toBe('\\x1b[2J\\x1b]0;x\\x07ALL GOOD\\nok');
    const long = terminalSafe('x'.repeat(200_000));
    expect(long).toHaveLength(400);
    expect(long.endsWith('…')).toBe(true);
    expect(terminalSafe('a\u202eb')).toBe('a\\u202eb');
  });
  it('redacts secret values of the environment and secret-shaped fields', () => {
    const text = redactSecrets('{"AccessKeyId":"ASIAIOSFODNN7EXAMPLE","SecretAccessKey":"abc/def+ghi","SessionToken":"tok"} my-secret-value', { DB_PASSWORD: 'my-secret-value' });
    expect(text).not.toMatch(/abc\/def|tok"|my-secret-value|ASIAIOSFODNN7EXAMPLE/);
  });
});

describe('--cfn-schemas', () => {
  it('a FIFO is refused, never opened', async () => {
    const { readSchemaBundle } = await import('../src/cfn/schemas.ts');
    const dir = temp({});
    execFileSync('mkfifo', [join(dir, 'schemas.zip')]);
    const error = await readSchemaBundle(join(dir, 'schemas.zip')).catch((e: unknown) => e);
    expect(AwspermError.is(error) && error.message).toMatch(/not a regular file of at most 64 MiB/);
  });
});
