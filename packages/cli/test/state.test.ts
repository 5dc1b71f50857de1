import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { awsperm, root, tempFile } from './helpers.ts';

const upApp = join(root, 'examples/up-app');
const deployer = join(upApp, 'policies/deployer.json');

describe('--state <file>', () => {
  it('is documented in check --help and policy --help, teaching where the file comes from', () => {
    const c = awsperm(['check', '--help']);
    expect(c.code).toBe(0);
    expect(c.stdout).toContain('--state <file>');
    expect(c.stdout).toContain('sst state export --stage <stage>');
    expect(c.stdout).toMatch(/in live modes awsperm reads the stage's state itself/);
    const p = awsperm(['policy', '--help']);
    expect(p.code).toBe(0);
    expect(p.stdout).toContain('--state <file>');
    expect(p.stdout).toContain('sst state export --stage <stage>');
  });

  it('a missing file: one line naming it (absolute), exit 2, before anything else', () => {
    const dir = mkdtempSync(join(tmpdir(), 'awsperm-state-'));
    for (const command of [
      ['check', '--tool', 'up', '--cwd', upApp, '--policy', deployer],
      ['policy', '--tool', 'up', '--cwd', upApp],
    ]) {
      const r = awsperm([...command, '--state', 'no-such-state.json'], { cwd: dir });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`awsperm: state file (--state) not found: ${join(dir, 'no-such-state.json')}\n`);
    }
  });

  it('a directory is refused as not a regular file; a present file passes through', () => {
    const dir = mkdtempSync(join(tmpdir(), 'awsperm-state-'));
    const r = awsperm(['policy', '--tool', 'up', '--cwd', upApp, '--state', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([`awsperm: state file (--state) is a directory, not a regular file: ${dir}`]);
    const ok = awsperm(['policy', '--tool', 'up', '--cwd', upApp, '--state', tempFile('state.json', '{"stack":"x","latest":null}')]);
    expect(ok.code, ok.stderr).toBe(0);
  });

  it('is not an option of whoami', () => {
    const r = awsperm(['whoami', '--state', 'x.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^awsperm: unknown option `--state` for `whoami`; did you mean `--stage`\?\n {2}`--state` is an option of check, policy\./);
  });
});
