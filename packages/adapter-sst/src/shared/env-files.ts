import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readRegularFile } from '@awsperm/core/kit';

/** Parses a dotenv file's `KEY=value` lines (`export` prefix, quotes and `#` comments allowed). */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(raw);
    if (!m) continue;
    let value = m[2]!.trim();
    const q = value[0];
    if ((q === '"' || q === "'" || q === '`') && value.lastIndexOf(q) > 0) {
      value = value.slice(1, value.lastIndexOf(q));
      if (q === '"') value = value.replace(/\\n/g, '\n');
    } else {
      value = value.replace(/\s+#.*$/, '');
    }
    out[m[1]!] = value;
  }
  return out;
}

/** An environment being built up from the process environment and dotenv files, remembering which files applied. */
export interface EnvLayer {
  /** The environment. */
  env: Record<string, string | undefined>;
  /** The files that were read, in order. */
  files: string[];
}

/**
 * Loads `dir/name` into `layer` when it exists: `override` replaces variables already set (dotenv `override`,
 * godotenv `Overload`); without it, only unset variables are added (godotenv `Load`).
 */
export function loadDotenv(layer: EnvLayer, dir: string, name: string, override: boolean): void {
  // A missing file is skipped; a FIFO, device or oversized file is refused (FILE_UNREADABLE), never read.
  if (!existsSync(join(dir, name))) return;
  const text = readRegularFile(join(dir, name), 'dotenv', 'a dotenv file');
  layer.files.push(join(dir, name));
  for (const [k, v] of Object.entries(parseDotenv(text))) {
    if (override || layer.env[k] === undefined) layer.env[k] = v;
  }
}
