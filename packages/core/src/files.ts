import { closeSync, constants, fstatSync, openSync, readSync, type Stats, statSync } from 'node:fs';
import { AwspermError } from './errors.ts';

/** The kinds of input file awsperm reads, each with its own size limit. */
export type InputKind = 'config' | 'aws-config' | 'policy' | 'template' | 'project' | 'source' | 'dotenv' | 'response' | 'state';

/**
 * Size limits per kind of input, in bytes: far above any real file of the kind, far below what would exhaust memory.
 * IAM's own policy limits are 10,240 characters (managed) and CloudFormation's template limit is 1 MB (S3: 1 MB body,
 * 10 MB for a cloud assembly's synthesised template is generous).
 */
export const INPUT_LIMITS: Readonly<Record<InputKind, number>> = {
  config: 1024 * 1024,
  // The AWS shared config and credentials files: generated ones (a profile per account and role of an organisation)
  // reach a few MiB.
  'aws-config': 16 * 1024 * 1024,
  policy: 4 * 1024 * 1024,
  template: 16 * 1024 * 1024,
  project: 1024 * 1024,
  source: 2 * 1024 * 1024,
  dotenv: 256 * 1024,
  response: 16 * 1024 * 1024,
  // A deploy tool's deployed state (`--state`, or an object read through the adapters' AWS facility, after
  // gunzipping): a Pulumi checkpoint of a large app is a few MiB.
  state: 32 * 1024 * 1024,
};

function describeType(mode: number): string {
  const t = mode & constants.S_IFMT;
  if (t === constants.S_IFDIR) return 'a directory';
  if (t === constants.S_IFIFO) return 'a FIFO (named pipe)';
  if (t === constants.S_IFCHR) return 'a character device';
  if (t === constants.S_IFBLK) return 'a block device';
  if (t === constants.S_IFSOCK) return 'a socket';
  return 'not a regular file';
}

/**
 * Reads a file as UTF-8 only when it is a regular file (after symlinks) no larger than `INPUT_LIMITS[kind]`: a FIFO
 * is refused before it is opened (opening one blocks), a device such as `/dev/zero` before it is read. Errors are
 * `FILE_NOT_FOUND` or `FILE_UNREADABLE` naming the file.
 */
export function readRegularFile(file: string, kind: InputKind, what: string = kind): string {
  const limit = INPUT_LIMITS[kind];
  const st = statRegularFile(file, kind, what);
  let fd: number;
  try {
    // O_NONBLOCK: should the file have been swapped for a FIFO since the stat, opening it does not block.
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (cause) {
    throw unreadable(file, what, cause);
  }
  try {
    if (!fstatSync(fd).isFile()) throw AwspermError.from('FILE_UNREADABLE', { what, file, reason: 'not-regular' });
    const buf = Buffer.alloc(Math.min(limit + 1, Math.max(st.size + 1, 1)));
    let n = 0;
    for (;;) {
      if (n === buf.length) break;
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
    }
    if (n > limit) throw tooLarge(file, what, limit);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * Checks, without opening it, that `file` is a regular file (after symlinks) no larger than `INPUT_LIMITS[kind]`:
 * the checks of {@link readRegularFile}, for inputs read later. Errors are `FILE_NOT_FOUND` or `FILE_UNREADABLE`.
 */
export function statRegularFile(file: string, kind: InputKind, what: string = kind): Stats {
  let st: Stats;
  try {
    st = statSync(file);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') throw AwspermError.from('FILE_NOT_FOUND', { what, file }, { cause });
    throw unreadable(file, what, cause);
  }
  if (!st.isFile()) throw AwspermError.from('FILE_UNREADABLE', { what, file, reason: 'not-regular', type: describeType(st.mode) });
  if (st.size > INPUT_LIMITS[kind]) throw tooLarge(file, what, INPUT_LIMITS[kind]);
  return st;
}

function tooLarge(file: string, what: string, limit: number): AwspermError {
  return AwspermError.from('FILE_UNREADABLE', { what, file, reason: 'too-large', limitKiB: Math.round(limit / 1024) });
}

function unreadable(file: string, what: string, cause: unknown): AwspermError {
  const errno = (cause as NodeJS.ErrnoException).code;
  return AwspermError.from('FILE_UNREADABLE', { what, file, reason: 'error', ...(errno ? { errno } : {}) }, { cause });
}
