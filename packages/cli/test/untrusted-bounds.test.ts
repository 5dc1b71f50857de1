import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, homeTracker } from '@awsperm/test-utils/moto';
import { recordingRunner } from './helpers.ts';

// Issue 15, spawned: --timeout bounds a credential_process reached through a role chain, and the AWS shared files
// are read only when they are regular files of a sane size.
const SECRET = 'chainHelperSecretAccessKeyDoNotPrint012345';
const homes = homeTracker();
const outputs: string[] = [];
const awsperm = recordingRunner(outputs);

afterAll(() => {
  homes.cleanup();
  expect(outputs.join('\n')).not.toContain(SECRET);
});

function mkfifo(path: string): void {
  const r = spawnSync('mkfifo', [path]);
  if (r.status !== 0) throw new Error(`mkfifo failed: ${r.stderr}`);
}

/** The awsperm lines of stderr (the SDK's own Node-version notice aside). */
function awspermLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('awsperm:'));
}

describe('whoami --timeout with a chained profile whose source runs a credential_process', () => {
  it('a helper that sleeps: exit 3 within the bound, one line naming the profile, its stderr never shown (--debug too)', async () => {
    const h = homes.home();
    const script = h.write('bin/sleepy.mjs', `process.stderr.write(${JSON.stringify(`{"SecretAccessKey":"${SECRET}"} ${SECRET}\n`)});\nsetTimeout(() => {}, 60_000);\n`, 0o700);
    h.write(
      '.aws/config',
      `[profile source]\ncredential_process = "${process.execPath}" "${script}"\n\n[profile deploy]\nrole_arn = arn:aws:iam::123456789012:role/deployer\nsource_profile = source\n`,
    );
    const env = cleanEnv(h, { AWS_PROFILE: 'deploy' }, 'http://127.0.0.1:9');
    for (const extra of [[], ['--debug']]) {
      const start = Date.now();
      const r = await awsperm(['whoami', '--cwd', h.dir, '--timeout', '1', ...extra], env);
      const ms = Date.now() - start;
      expect(r.code, r.stderr).toBe(3);
      expect(ms).toBeGreaterThan(900);
      expect(ms).toBeLessThan(4000);
      const message = awspermLines(r.stderr).find((l) => !/awsperm: (warning|debug):/.test(l));
      expect(message).toBe("awsperm: profile 'deploy' (source profile 'source'): credential_process did not finish within 1 s (--timeout) and was stopped");
      expect(r.stderr + r.stdout).not.toContain(SECRET);
    }
  });
});

describe('the AWS shared files are bounded', () => {
  const cases: [string, (h: ReturnType<typeof homes.home>) => Record<string, string>, RegExp][] = [
    [
      'a FIFO as ~/.aws/config',
      (h) => {
        mkdirSync(h.path('.aws'), { recursive: true });
        mkfifo(h.path('.aws/config'));
        return {};
      },
      /^awsperm: the AWS config file \(AWS_CONFIG_FILE, ~\/\.aws\/config\) is a FIFO \(named pipe\), not a regular file: .*\/\.aws\/config$/,
    ],
    [
      'a FIFO as AWS_SHARED_CREDENTIALS_FILE',
      (h) => {
        mkfifo(h.path('creds.fifo'));
        return { AWS_SHARED_CREDENTIALS_FILE: h.path('creds.fifo') };
      },
      // The path may print as [redacted]: the CLI redacts the values of variables named like secrets.
      /^awsperm: the AWS credentials file \(AWS_SHARED_CREDENTIALS_FILE, ~\/\.aws\/credentials\) is a FIFO \(named pipe\), not a regular file: (\[redacted\]|.*creds\.fifo)$/,
    ],
    [
      'a directory as AWS_CONFIG_FILE',
      (h) => {
        mkdirSync(h.path('conf.d'));
        return { AWS_CONFIG_FILE: h.path('conf.d') };
      },
      /^awsperm: the AWS config file \(AWS_CONFIG_FILE, ~\/\.aws\/config\) is a directory, not a regular file: .*conf\.d$/,
    ],
    [
      'a 17 MiB ~/.aws/credentials',
      (h) => {
        mkdirSync(h.path('.aws'), { recursive: true });
        writeFileSync(h.path('.aws/credentials'), `[default]\n# ${'x'.repeat(17 * 1024 * 1024)}\n`);
        return {};
      },
      /^awsperm: the AWS credentials file \(AWS_SHARED_CREDENTIALS_FILE, ~\/\.aws\/credentials\) is larger than 16384 KiB: /,
    ],
  ];
  for (const [name, setup, expected] of cases) {
    it(`${name}: exit 2 with one clear line, never a hang`, async () => {
      const h = homes.home();
      const env = cleanEnv(h, setup(h), 'http://127.0.0.1:9');
      for (const command of [['whoami'], ['check', '--action', 's3:GetObject']]) {
        const start = Date.now();
        const r = await awsperm([...command, '--cwd', h.dir, '--timeout', '2'], env);
        expect(Date.now() - start).toBeLessThan(10_000);
        expect(r.code, r.stderr).toBe(2);
        const lines = awspermLines(r.stderr);
        expect(lines[0], r.stderr).toMatch(expected);
      }
    });
  }
});
