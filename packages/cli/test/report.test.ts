// What only a process shows of the check report and the fix: the quick start's output on one screen, wrapping to a
// real terminal's width (a pseudo-terminal) and none when piped, `policy --missing` exit codes and the loop closed
// through files, `--format document` and `--out-dir`. Report content is tested in process (core, adapters).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { awsperm, root } from './helpers.ts';

const example = 'examples/up-app';
const examplePolicy = (name: string) => `examples/up-app/policies/${name}`;
const quickStart = ['check', '--cwd', example, '--policy', examplePolicy('deployer.json')];
const bin = fileURLToPath(new URL('../bin/awsperm.cjs', import.meta.url));
const visible = (line: string) => line.replace(/\u001b\[[0-9;]*m/g, '');
const tempDir = () => mkdtempSync(join(tmpdir(), 'awsperm-report-'));

describe('the quick start (spawned)', () => {
  it('fits on one screen: the header, the three denied actions, a line per passing fragment, the fix, the verdict', () => {
    const r = awsperm(quickStart);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(40);
    expect(lines[0]).toBe('awsperm check · tool up · region eu-west-1 · mode offline');
    for (const action of ['ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs']) {
      expect(lines.filter((l) => l.startsWith(`  ✗ ${action} `))).toHaveLength(1);
    }
    expect(lines).toContain('✓ up.function-deploy  14 allowed');
    const fix = lines.findIndex((l) => l.startsWith('Fix: grant the caller this policy'));
    const end = lines.indexOf('}', fix);
    expect(JSON.parse(lines.slice(fix + 1, end + 1).join('\n')).Statement[0].Action).toEqual(['ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs']);
    expect(lines.at(-1)).toBe('NOT OK: 71 required actions checked — 68 allowed, 3 denied.');
  });

  it('the README shows the real output', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme).toContain(`\`\`\`text\n${awsperm(quickStart).stdout}\`\`\``);
  });

  it('--verbose lists every allowed requirement with its statement, and how the policies were evaluated', () => {
    const r = awsperm([...quickStart, '--verbose']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^mode offline: policy files given$/m);
    expect(r.stdout).toMatch(/^ {2}✓ iam:PassRole +on arn:aws:iam::\*:role\/hello-api-function {2}allowed by statement 1 \(Sid "DeployServerless"\)/m);
    expect(r.stdout).toContain('The documented policy also grants what this app does not need');
    expect(r.stdout.split('\n').length).toBeGreaterThan(100);
  });

  it('closing the loop: policy --missing --format document, then the check with it passes (exit 0)', () => {
    const missing = awsperm(['policy', '--missing', '--cwd', example, '--policy', examplePolicy('deployer.json'), '--format', 'document']);
    expect(missing.code, missing.stderr).toBe(0);
    const document = JSON.parse(missing.stdout);
    expect(document).not.toHaveProperty('schemaVersion');
    expect(document.Version).toBe('2012-10-17');
    const file = join(tempDir(), 'missing.json');
    writeFileSync(file, missing.stdout);
    const closed = awsperm([...quickStart, '--policy', file]);
    expect(closed.code, closed.stdout).toBe(0);
    expect(closed.stdout.trimEnd().split('\n').at(-1)).toBe('OK: 71 required actions checked — 71 allowed.');
    expect(closed.stdout).not.toContain('Fix:');
  });
});

describe('policy --missing exit codes (spawned)', () => {
  it.each([
    ['something missing, a grant fixes it', 'deployer.json', 0],
    ['nothing missing', 'administrator.json', 0],
    ['an explicit deny no grant can lift', 'no-passrole.json', 1],
  ])('%s → %i', (_, file, code) => {
    const r = awsperm(['policy', '--missing', '--cwd', example, '--policy', examplePolicy(file), '--format', 'document']);
    expect(r.code, r.stderr).toBe(code);
    if (file === 'administrator.json') {
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('awsperm: nothing is missing: the check passes');
    }
    if (file === 'no-passrole.json') expect(r.stderr).toMatch(/warning: statement 2 \(Sid "NoPassRole"\) of \S+ denies iam:PassRole: narrow or remove it/);
  });

  it('every format prints only the fix', () => {
    const args = ['policy', '--missing', '--cwd', example, '--policy', examplePolicy('deployer.json')];
    const json = JSON.parse(awsperm(args).stdout);
    expect(json.missing).toEqual({ ok: false, sufficient: true });
    expect(json.policies.map((p: { name: string }) => p.name)).toEqual(['awsperm-up-hello-api-missing']);
    const tf = awsperm([...args, '--format', 'terraform']).stdout;
    expect(tf).toContain('resource "aws_iam_policy" "awsperm-up-hello-api-missing"');
    expect(tf).not.toContain('lambda:');
    const cfn = awsperm([...args, '--format', 'cloudformation']).stdout;
    expect(cfn).toContain('ManagedPolicyName: "awsperm-up-hello-api-missing"');
    expect(cfn).toContain('"ec2:DescribeVpcs"');
  });

  it('usage errors exit 2: a check option without --missing, --out-dir with another format', () => {
    const noMissing = awsperm(['policy', '--cwd', example, '--policy', examplePolicy('deployer.json')]);
    expect(noMissing.code).toBe(2);
    expect(noMissing.stderr).toMatch(/^awsperm: --policy goes with --missing/);
    const outDir = awsperm(['policy', '--cwd', example, '--format', 'terraform', '--out-dir', tempDir()]);
    expect(outDir.code).toBe(2);
    expect(outDir.stderr).toMatch(/--out-dir goes with --format document/);
  });
});

describe('policy --format document and --out-dir (spawned)', () => {
  const sst = join(root, 'packages/adapter-sst/test/fixtures/v2-env-stage');

  it('one part: the IAM policy document itself, no wrapper', () => {
    const r = awsperm(['policy', '--cwd', example, '--least-privilege', '--format', 'document']);
    expect(r.code, r.stderr).toBe(0);
    const document = JSON.parse(r.stdout);
    expect(Object.keys(document)).toEqual(['Version', 'Statement']);
    const json = JSON.parse(awsperm(['policy', '--cwd', example, '--least-privilege']).stdout);
    expect(document).toEqual(json.policies[0].document);
  });

  it('several parts: exit 2 naming them; --out-dir writes <name>.json per part (creating the directory) and prints the paths', () => {
    const several = awsperm(['policy', '--tool', 'sst', '--cwd', sst, '--format', 'document'], { env: { SST_STAGE: 'qa' } });
    expect(several.code).toBe(2);
    expect(several.stderr).toMatch(/^awsperm: the policy has 2 parts \(awsperm-sst-jobs-qa-documented, awsperm-sst-jobs-qa-documented-service-role\); --format document prints one\n {2}Give --out-dir <dir>/m);
    const dir = join(tempDir(), 'nested', 'out');
    const written = awsperm(['policy', '--tool', 'sst', '--cwd', sst, '--out-dir', dir], { env: { SST_STAGE: 'qa' } });
    expect(written.code, written.stderr).toBe(0);
    const paths = written.stdout.trimEnd().split('\n');
    expect(paths).toEqual([join(dir, 'awsperm-sst-jobs-qa-documented.json'), join(dir, 'awsperm-sst-jobs-qa-documented-service-role.json')]);
    const json = JSON.parse(awsperm(['policy', '--tool', 'sst', '--cwd', sst], { env: { SST_STAGE: 'qa' } }).stdout);
    expect(JSON.parse(readFileSync(paths[0]!, 'utf8'))).toEqual(json.policies[0].document);
    expect(JSON.parse(readFileSync(paths[1]!, 'utf8'))).toEqual(json.principals[0].policies[0].document);
    // Written again: regular files are replaced.
    expect(awsperm(['policy', '--tool', 'sst', '--cwd', sst, '--out-dir', dir], { env: { SST_STAGE: 'qa' } }).code).toBe(0);
  });

  it('refuses to write over what is not a regular file, and an --out-dir that is a file', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'awsperm-up-hello-api-precise.json'));
    const r = awsperm(['policy', '--cwd', example, '--least-privilege', '--out-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/awsperm-up-hello-api-precise\.json exists and is not a regular file; awsperm does not write over it/);
    const file = join(dir, 'plain');
    writeFileSync(file, 'x');
    const onFile = awsperm(['policy', '--cwd', example, '--least-privilege', '--out-dir', file]);
    expect(onFile.code).toBe(2);
    expect(onFile.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(existsSync(join(file, 'awsperm-up-hello-api-precise.json'))).toBe(false);
  });
});

// `script` (util-linux) runs the CLI on a pseudo-terminal whose width stty sets: stdout is a real TTY.
const hasScript = process.platform === 'linux' && spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

describe('wrapping (spawned)', () => {
  const args = ['check', '--cwd', example, '--policy', examplePolicy('no-passrole.json'), '--verbose'];

  it('piped: never wrapped, whatever the width the environment claims', () => {
    const r = awsperm(args, { env: { COLUMNS: '60' } });
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n').some((l) => l.length > 100)).toBe(true);
    expect(r.stdout).not.toContain('\u001b[');
  });

  it.skipIf(!hasScript)('on a terminal: wrapped to its width, colour codes not counted', () => {
    const quoted = [process.execPath, bin, ...args].map((a) => `'${a}'`).join(' ');
    const r = spawnSync('script', ['-qec', `stty cols 72; ${quoted}`, '/dev/null'], {
      cwd: root,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: tempDir(), AWS_EC2_METADATA_DISABLED: 'true', TERM: 'xterm' },
      timeout: 60_000,
    });
    expect(r.status).toBe(1);
    const lines = r.stdout.replace(/\r/g, '').split('\n');
    expect(r.stdout).toContain('\u001b[31m✗\u001b[39m');
    // The fix's document is printed as is, to be copied, and a word longer than the line (a URL) cannot break;
    // every other line fits.
    const report = lines.filter((l) => !/^\s*["{}[\]]/.test(visible(l)) && visible(l).trim().includes(' '));
    for (const line of report) expect(visible(line).length, line).toBeLessThanOrEqual(72);
    expect(lines.some((l) => l.length > 72)).toBe(true);
    expect(lines.filter((l) => /^ {6,}\S/.test(visible(l))).length).toBeGreaterThan(0);
  });
});
