import { lstatSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { OutputPolicy } from '@awsperm/core';
import { usage } from './options.ts';

function errno(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error);
}

/** A policy name as a file name: nothing that could leave the directory or confuse a shell. */
function fileName(name: string): string {
  return `${name.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+/, '_')}.json`;
}

/**
 * Writes each policy's document to `<dir>/<name>.json` (the directory is created), ready for
 * `aws iam create-policy --policy-document file://…`, and returns the paths written. A path that exists and is not a
 * regular file (a directory, a FIFO, a symbolic link) is refused, not written through.
 */
export function writeDocuments(dir: string, policies: OutputPolicy[]): string[] {
  const root = resolve(dir);
  try {
    mkdirSync(root, { recursive: true });
  } catch (error) {
    usage(`--out-dir ${dir}: cannot create the directory: ${errno(error)}`);
  }
  if (!lstatSync(root).isDirectory()) usage(`--out-dir ${dir} is not a directory`);
  const paths = policies.map((p) => join(dir, fileName(p.name)));
  for (const path of paths) {
    let existing: ReturnType<typeof lstatSync> | undefined;
    try {
      existing = lstatSync(path);
    } catch {
      existing = undefined;
    }
    if (existing && !existing.isFile()) usage(`${path} exists and is not a regular file; awsperm does not write over it`);
  }
  policies.forEach((p, i) => {
    try {
      writeFileSync(paths[i]!, `${JSON.stringify(p.document, null, 2)}\n`);
    } catch (error) {
      usage(`cannot write ${paths[i]}: ${errno(error)}`);
    }
  });
  return paths;
}
