import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ProcessResult, runProcess } from '@awsperm/test-utils/moto';

/** The repository root. */
export const root: string = fileURLToPath(new URL('../../../', import.meta.url));
const bin = fileURLToPath(new URL('../bin/awsperm.cjs', import.meta.url));

/** What a spawned awsperm run produced. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI as a user would, from the repository root, with a minimal environment: no AWS variables
 * from the machine, instance metadata disabled.
 */
export function awsperm(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): RunResult {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: options.cwd ?? root,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '',
      HOME: mkdtempSync(join(tmpdir(), 'awsperm-home-')),
      AWS_EC2_METADATA_DISABLED: 'true',
      CI: 'true',
      ...options.env,
    },
    timeout: 60_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

export { tempFile, policyDoc as policy } from '@awsperm/test-utils/session';

/**
 * Runs the built CLI with exactly `env` (no inheritance) and records stdout and stderr in `outputs`, for a file's
 * closing secrets check.
 */
export function recordingRunner(outputs: string[]): (args: string[], env: Record<string, string>) => Promise<ProcessResult> {
  return async (args, env) => {
    const result = await runProcess(process.execPath, [bin, ...args], env);
    outputs.push(result.stdout, result.stderr);
    return result;
  };
}
