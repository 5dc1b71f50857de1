import type { ErrorKind } from '@awsperm/core';

/**
 * awsperm's exit codes — the one table (SPEC §3). Every command returns one of these; nothing else calls
 * `process.exit` with a number of its own.
 */
export const ExitCode = {
  /** Every required permission is allowed, the account is the expected one, lint is clean. */
  OK: 0,
  /** The check ran and found a problem: a permission denied, something unresolved (not checkable), the wrong account, lint errors. */
  PROBLEM: 1,
  /** Usage or configuration error: unknown flag or tool, malformed up.json / sst config / policy / awsperm config. */
  USAGE: 2,
  /** Could not find out: no or invalid credentials, network failure, access denied on awsperm's own read calls. */
  UNAVAILABLE: 3,
  /** A bug in awsperm or an adapter (an error it did not expect). */
  INTERNAL: 70,
} as const;

/** One of the {@link ExitCode} values. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** The exit code for an error of the given kind. */
export function exitCodeFor(kind: ErrorKind): ExitCodeValue {
  switch (kind) {
    case 'usage':
    case 'config':
      return ExitCode.USAGE;
    case 'unavailable':
      return ExitCode.UNAVAILABLE;
    default:
      return ExitCode.INTERNAL;
  }
}
