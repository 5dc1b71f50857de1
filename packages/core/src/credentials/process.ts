import type { Deadline } from '../aws/deadline.ts';
import type { AwsCredentials } from './types.ts';

// Loaded on first use: the module stays out of every command's start-up.
const childProcess = (): typeof import('node:child_process') => process.getBuiltinModule('node:child_process');

/** The most a `credential_process` may print, in bytes: its JSON is a few hundred. */
const MAX_OUTPUT = 64 * 1024;

/** A `credential_process` that failed; its message never holds the helper's output or stderr. */
export class CredentialProcessError extends Error {
  /** The profile whose `credential_process` failed, when it is a source profile of the selected one. */
  readonly sourceProfile: string | undefined;

  constructor(message: string, sourceProfile?: string) {
    super(message);
    this.name = 'CredentialProcessError';
    this.sourceProfile = sourceProfile;
  }
}

/**
 * Runs a profile's `credential_process` as the AWS SDK does (through the shell, JSON version 1 on stdout), but
 * bounded: killed when the run's deadline passes (`--timeout`) or its output passes 64 KiB. The helper's stderr is
 * discarded, never shown (it may print the keys), and errors name only what went wrong.
 */
export function runCredentialProcess(command: string, deadline: Deadline | undefined, env: Readonly<Record<string, string | undefined>>): Promise<AwsCredentials> {
  const timeoutMs = deadline ? deadline.remainingMs() : 30_000;
  return new Promise((resolve, reject) => {
    const child = childProcess().spawn('/bin/sh', ['-c', command], { env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'ignore'], detached: true });
    let out = '';
    let done = false;
    const end = (fn: () => void): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      try {
        // The whole group: a helper's own children must not outlive the deadline either.
        if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      fn();
    };
    const timer = setTimeout(() => end(() => reject(new CredentialProcessError(`credential_process did not finish within ${Math.round(timeoutMs / 1000)} s (the timeout option) and was stopped`))), timeoutMs);
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      if (out.length > MAX_OUTPUT) end(() => reject(new CredentialProcessError('credential_process printed more than 64 KiB')));
    });
    child.on('error', (e) => end(() => reject(new CredentialProcessError(`credential_process could not start (${(e as NodeJS.ErrnoException).code ?? 'error'})`))));
    child.on('close', (code) => {
      if (done) return;
      if (code !== 0) return end(() => reject(new CredentialProcessError(`credential_process exited with code ${code}`)));
      let json: Record<string, unknown>;
      try {
        json = JSON.parse(out) as Record<string, unknown>;
      } catch {
        return end(() => reject(new CredentialProcessError('credential_process did not print JSON')));
      }
      if (json.Version !== 1) return end(() => reject(new CredentialProcessError('credential_process printed a Version other than 1')));
      if (typeof json.AccessKeyId !== 'string' || typeof json.SecretAccessKey !== 'string') {
        return end(() => reject(new CredentialProcessError('credential_process printed no AccessKeyId/SecretAccessKey')));
      }
      const expiration = typeof json.Expiration === 'string' ? new Date(json.Expiration) : undefined;
      if (expiration && !(expiration.getTime() > Date.now())) return end(() => reject(new CredentialProcessError('credential_process printed expired credentials')));
      end(() =>
        resolve({
          accessKeyId: json.AccessKeyId as string,
          secretAccessKey: json.SecretAccessKey as string,
          ...(typeof json.SessionToken === 'string' ? { sessionToken: json.SessionToken } : {}),
          ...(expiration ? { expiration } : {}),
        }),
      );
    });
  });
}
