import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { readRegularFile } from '@awsperm/core/kit';

/** The package-manager workspace a project belongs to (pnpm `pnpm-workspace.yaml`, npm/yarn/bun `workspaces`). */
export interface Workspace {
  /** The workspace root directory. */
  root: string;
  /** The file that declares it (`pnpm-workspace.yaml` or `package.json`). */
  file: string;
  /** The package globs it declares. */
  patterns: string[];
  /** pnpm's default catalog (`catalog:`), package → version range. */
  catalog: Record<string, string>;
  /** pnpm's named catalogs (`catalogs:`), catalog → package → version range. */
  catalogs: Record<string, Record<string, string>>;
}

/** What {@link readPnpmWorkspace} understood of a `pnpm-workspace.yaml`. */
export interface PnpmWorkspaceFile {
  /** `packages:` globs. */
  packages: string[];
  /** `catalog:`. */
  catalog: Record<string, string>;
  /** `catalogs:`. */
  catalogs: Record<string, Record<string, string>>;
}

/** At most this many directories are listed when expanding workspace globs. */
const MAX_DIRS = 2000;
/** `**` descends at most this deep. */
const MAX_DEPTH = 6;

function unquote(raw: string): string {
  const v = raw.trim();
  if (v.length >= 2 && v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1).replace(/''/g, "'");
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) return v.slice(1, -1).replace(/\\"/g, '"').replace(/\\\\/g, '\\');
  return v;
}

/** The line without a trailing `# comment` (a `#` at the start or after a blank, outside quotes). */
function stripComment(line: string): string {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '#' && (i === 0 || line[i - 1] === ' ' || line[i - 1] === '\t')) return line.slice(0, i);
  }
  return line;
}

/** `key: value` with the key unquoted; undefined when the line is not one. */
function keyValue(text: string): [string, string] | undefined {
  const m = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s'"#:][^:]*?)\s*:(?:\s+(.*))?$/.exec(text.trim());
  return m ? [unquote(m[1]!), (m[2] ?? '').trim()] : undefined;
}

/** `{ a: 1, b: 2 }` → entries; `[a, b]` → items (flat flow collections only). */
function flowItems(value: string, open: string, close: string): string[] | undefined {
  if (!value.startsWith(open) || !value.endsWith(close)) return undefined;
  const inner = value.slice(1, -1).trim();
  return inner ? inner.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

function flowMap(value: string): Record<string, string> | undefined {
  const items = flowItems(value, '{', '}');
  if (!items) return undefined;
  const out: Record<string, string> = Object.create(null);
  for (const item of items) {
    const kv = keyValue(item);
    if (kv && kv[1]) out[kv[0]] = unquote(kv[1]);
  }
  return out;
}

/**
 * Reads the parts of a `pnpm-workspace.yaml` awsperm needs — `packages`, `catalog` and `catalogs` — as a small,
 * line-based subset of YAML (block maps and lists of plain or quoted scalars, flat flow collections): no anchors, tags
 * or multi-line scalars are interpreted, so nothing in the file can make reading it expensive. What it does not
 * understand it leaves out.
 */
export function readPnpmWorkspace(text: string): PnpmWorkspaceFile {
  const out: PnpmWorkspaceFile = { packages: [], catalog: Object.create(null), catalogs: Object.create(null) };
  let section = '';
  let group: string | undefined;
  let groupIndent = -1;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = stripComment(rawLine).replace(/\s+$/, '');
    if (!line.trim() || line.trim() === '---') continue;
    const indent = line.length - line.trimStart().length;
    const body = line.trim();
    if (indent === 0) {
      const kv = keyValue(body);
      section = kv?.[0] ?? '';
      group = undefined;
      groupIndent = -1;
      if (!kv || !kv[1]) continue;
      if (section === 'packages') out.packages.push(...(flowItems(kv[1], '[', ']') ?? []).map(unquote));
      else if (section === 'catalog') Object.assign(out.catalog, flowMap(kv[1]) ?? {});
      continue;
    }
    if (section === 'packages') {
      if (body.startsWith('- ')) out.packages.push(unquote(body.slice(2)));
    } else if (section === 'catalog') {
      const kv = keyValue(body);
      if (kv && kv[1]) out.catalog[kv[0]] = unquote(kv[1]);
    } else if (section === 'catalogs') {
      const kv = keyValue(body);
      if (!kv) continue;
      if (group === undefined || indent <= groupIndent) {
        group = kv[0];
        groupIndent = indent;
        out.catalogs[group] = Object.assign(Object.create(null), kv[1] ? (flowMap(kv[1]) ?? {}) : {});
      } else if (kv[1]) out.catalogs[group]![kv[0]] = unquote(kv[1]);
    }
  }
  return out;
}

/**
 * A package.json (or other JSON object file) as an object: `undefined` when it is absent, unreadable (not a regular
 * file, over the size limit), not JSON, or not an object.
 */
export function readJsonObject(file: string): Record<string, unknown> | undefined {
  // Most candidates are absent (walks up to the file system root): a miss without an error object is cheaper.
  if (!existsSync(file)) return undefined;
  try {
    const value: unknown = JSON.parse(readRegularFile(file, 'project', 'package.json'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * The workspace `dir` belongs to: the nearest directory at or above it with a `pnpm-workspace.yaml`, or a
 * `package.json` with `workspaces` (a list, or `{ packages }` as yarn writes it). Undefined when there is none.
 */
export function findWorkspace(dir: string): Workspace | undefined {
  for (let d = dir; ; d = dirname(d)) {
    const pnpm = join(d, 'pnpm-workspace.yaml');
    if (existsSync(pnpm)) {
      let parsed: PnpmWorkspaceFile = { packages: [], catalog: {}, catalogs: {} };
      try {
        parsed = readPnpmWorkspace(readRegularFile(pnpm, 'project', 'pnpm-workspace.yaml'));
      } catch {
        // An unreadable file declares nothing awsperm can use.
      }
      return { root: d, file: pnpm, patterns: parsed.packages, catalog: parsed.catalog, catalogs: parsed.catalogs };
    }
    const pkg = readJsonObject(join(d, 'package.json'));
    const ws = pkg?.workspaces;
    if (ws !== undefined) {
      const patterns = Array.isArray(ws) ? strings(ws) : strings((ws as { packages?: unknown } | null)?.packages);
      return { root: d, file: join(d, 'package.json'), patterns, catalog: {}, catalogs: {} };
    }
    if (dirname(d) === d) return undefined;
  }
}

/** The directories matching one workspace glob (`packages/*`, `apps/**`, `tools/cli`), bounded. */
function expand(root: string, pattern: string, budget: { n: number }): string[] {
  const parts = pattern.replace(/^\.\//, '').replace(/\/+$/, '').split('/').filter(Boolean);
  const out: string[] = [];
  const segment = (s: string): RegExp => new RegExp(`^${s.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
  const walk = (dir: string, i: number, depth: number): void => {
    if (i === parts.length) {
      out.push(dir);
      return;
    }
    const part = parts[i]!;
    if (part === '..' || part === '.') return;
    if (!part.includes('*') && !part.includes('?')) {
      walk(join(dir, part), i + 1, depth);
      return;
    }
    if (budget.n++ > MAX_DIRS) return;
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    const dirs = entries.filter((e) => e.isDirectory() && e.name !== 'node_modules' && !e.name.startsWith('.'));
    if (part === '**') {
      walk(dir, i + 1, depth);
      if (depth < MAX_DEPTH) for (const e of dirs) walk(join(dir, e.name), i, depth + 1);
      return;
    }
    const re = segment(part);
    for (const e of dirs) if (re.test(e.name)) walk(join(dir, e.name), i + 1, depth);
  };
  walk(root, 0, 0);
  return out;
}

/**
 * The packages of a workspace, name → directory, from its globs (`!` exclusions honoured), bounded: at most
 * 2,000 directories are listed and `**` goes 6 levels deep. The workspace root's own package is included.
 */
export function workspacePackages(ws: Workspace): Map<string, string> {
  const budget = { n: 0 };
  const excluded = new Set<string>();
  const dirs = new Set<string>([ws.root]);
  for (const p of ws.patterns) {
    if (p.startsWith('!')) for (const d of expand(ws.root, p.slice(1), budget)) excluded.add(d);
    else for (const d of expand(ws.root, p, budget)) dirs.add(d);
  }
  const out = new Map<string, string>();
  for (const d of dirs) {
    if (excluded.has(d) || relative(ws.root, d).startsWith('..')) continue;
    const name = readJsonObject(join(d, 'package.json'))?.name;
    if (typeof name === 'string' && !out.has(name)) out.set(name, d);
  }
  return out;
}
