import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { awsperm, root } from './helpers.ts';

// A fresh project with only @awsperm/core and @awsperm/adapter-up installed (linked to the built packages) runs the
// library example from examples/library and gets the CLI's JSON.

function freshProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'awsperm-library-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'library-user', private: true, type: 'module' }));
  mkdirSync(join(dir, 'node_modules/@awsperm'), { recursive: true });
  symlinkSync(join(root, 'packages/core'), join(dir, 'node_modules/@awsperm/core'), 'dir');
  symlinkSync(join(root, 'packages/adapter-up'), join(dir, 'node_modules/@awsperm/adapter-up'), 'dir');
  copyFileSync(join(root, 'examples/library/check.mjs'), join(dir, 'check.mjs'));
  copyFileSync(join(root, 'examples/up-app/up.json'), join(dir, 'up.json'));
  copyFileSync(join(root, 'examples/up-app/policies/deployer.json'), join(dir, 'deployer.json'));
  return dir;
}

describe('the library example in a fresh project', () => {
  it('check() offline on an Up app prints the CLI’s JSON', () => {
    const dir = freshProject();
    const home = mkdtempSync(join(tmpdir(), 'awsperm-home-'));
    const env = { PATH: process.env.PATH ?? '', HOME: home, AWS_EC2_METADATA_DISABLED: 'true' };
    const lib = spawnSync(process.execPath, ['check.mjs', '.', 'deployer.json'], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
    const cli = awsperm(['check', '--tool', 'up', '--policy', 'deployer.json', '--format', 'json'], { cwd: dir, env: { HOME: home } });
    expect(lib.status, lib.stderr).toBe(cli.code);
    const fromLibrary = JSON.parse(lib.stdout);
    expect(fromLibrary.tool).toBe('up');
    expect(fromLibrary).toEqual(JSON.parse(cli.stdout));
  });

  it('a bad input is an AwspermError with its message and exit code, no stack trace', () => {
    const dir = freshProject();
    const lib = spawnSync(process.execPath, ['check.mjs', '.', 'missing.json'], { cwd: dir, env: { PATH: process.env.PATH ?? '', HOME: dir }, encoding: 'utf8' });
    expect(lib.status).toBe(2);
    expect(lib.stderr).toMatch(/missing\.json/);
    expect(lib.stderr).not.toMatch(/\n\s+at /);
  });
});
