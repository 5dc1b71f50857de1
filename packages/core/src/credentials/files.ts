import { statSync } from 'node:fs';
import { AwspermError } from '../errors.ts';
import { statRegularFile } from '../files.ts';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Env, ProfileFiles, SharedFilePaths } from './types.ts';

/** The home directory as the AWS SDK finds it: `HOME`, `USERPROFILE`, `HOMEPATH`, then the OS's idea. */
export function homeDir(env: Env): string {
  return env.HOME || env.USERPROFILE || env.HOMEPATH || homedir();
}

function expand(path: string, env: Env): string {
  return path.startsWith('~/') ? join(homeDir(env), path.slice(2)) : path;
}

/** The shared credentials and config file paths (`AWS_SHARED_CREDENTIALS_FILE`, `AWS_CONFIG_FILE`, else `~/.aws/…`). */
export function sharedFilePaths(env: Env): SharedFilePaths {
  return {
    credentials: expand(env.AWS_SHARED_CREDENTIALS_FILE || join(homeDir(env), '.aws', 'credentials'), env),
    config: expand(env.AWS_CONFIG_FILE || join(homeDir(env), '.aws', 'config'), env),
  };
}

/**
 * Checks that a shared file, if present, is a regular file (after symlinks) within `INPUT_LIMITS['aws-config']`,
 * before the AWS SDK opens it: the SDK reads these files with a plain `readFile`, which blocks forever on a FIFO
 * (`AWS_CONFIG_FILE=<(…)`), reads a device to exhaustion, and silently takes a directory for an empty file. A
 * missing file is fine (the SDK reads it as empty). Throws a one-line `FILE_UNREADABLE` error (exit 2) naming the
 * file and the variable that selects it.
 */
export function checkSharedFile(path: string, which: 'config' | 'credentials'): void {
  const what = which === 'config' ? 'the AWS config file (AWS_CONFIG_FILE, ~/.aws/config)' : 'the AWS credentials file (AWS_SHARED_CREDENTIALS_FILE, ~/.aws/credentials)';
  try {
    statRegularFile(path, 'aws-config', what);
  } catch (error) {
    const code = ((error as AwspermError).cause as NodeJS.ErrnoException | undefined)?.code;
    if (AwspermError.is(error) && (error.code === 'FILE_NOT_FOUND' || code === 'ENOTDIR')) return;
    throw error;
  }
}

/**
 * Reads both shared files with the AWS SDK's own INI loader (`loadSharedConfigFiles` from `@smithy/core/config`,
 * the code `fromIni` uses), bypassing its per-path cache, after {@link checkSharedFile} has checked each: every
 * awsperm run reads them here before any SDK client or provider does. Missing files read as empty.
 */
export async function readProfileFiles(paths: SharedFilePaths): Promise<ProfileFiles> {
  checkSharedFile(paths.credentials, 'credentials');
  checkSharedFile(paths.config, 'config');
  const { loadSharedConfigFiles } = await import('@smithy/core/config');
  const files = await loadSharedConfigFiles({ filepath: paths.credentials, configFilepath: paths.config, ignoreCache: true });
  return { credentials: files.credentialsFile, config: files.configFile };
}

/** The merged view of a profile: config-file keys overridden by credentials-file keys, as `parseKnownFiles` merges. */
export function mergedProfile(files: ProfileFiles, name: string): Record<string, string | undefined> | undefined {
  // Own keys only: a profile named "constructor" or "toString" must not find Object's.
  const a = Object.hasOwn(files.config, name) ? files.config[name] : undefined;
  const b = Object.hasOwn(files.credentials, name) ? files.credentials[name] : undefined;
  if (!a && !b) return undefined;
  return { ...a, ...b };
}

/** The profiles reachable from `name` through `source_profile`, `name` first; stops at cycles. */
export function profileChain(files: ProfileFiles, name: string): string[] {
  const out: string[] = [];
  let current: string | undefined = name;
  while (current !== undefined && !out.includes(current)) {
    out.push(current);
    const data = mergedProfile(files, current);
    current = data?.role_arn ? data.source_profile : undefined;
  }
  return out;
}

/** A warning when a file holding credentials is readable by group or others (POSIX only), else `undefined`. */
export function permissionWarning(path: string): string | undefined {
  if (process.platform === 'win32') return undefined;
  try {
    const mode = statSync(path).mode & 0o777;
    if (mode & 0o077) {
      return `${path} is readable by group or others (mode ${mode.toString(8).padStart(4, '0')}); run 'chmod 600 ${path}'`;
    }
  } catch {
    // A missing file is not a warning.
  }
  return undefined;
}
