import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CosmiconfigResult, Loaders } from 'cosmiconfig';
import type { AwspermAdapter } from './adapter.ts';
import { AwspermError } from './errors.ts';
import { validatePolicyDocument } from './policy/document.ts';
import type { PolicyFragment } from './policy/types.ts';
import { isRecord, parseJson } from './json.ts';
import { readRegularFile, statRegularFile } from './files.ts';
import { terminalSafe } from './sanitize.ts';
import { parseContext } from './request-context.ts';

/** Evaluation modes (SPEC §6). */
export type ModeSetting = 'auto' | 'simulate' | 'local' | 'offline';

/**
 * awsperm's own configuration (SPEC §7), from `awsperm.config.{ts,js,mjs,cjs}`, `.awspermrc{,.json,.yaml}` or
 * `package.json#awsperm`, found from the project directory up to its root ({@link configSearchDirs}).
 */
export interface AwspermConfig {
  /** Extra adapters: package names or paths (a JavaScript/TypeScript config runs in the worker: its result is data). */
  adapters?: (string | AwspermAdapter)[];
  /** The tool to use when `--tool` is not given. */
  tool?: string;
  /** The account each stage must deploy to (12 digits); `"*"` applies to every stage without its own entry. */
  accounts?: Record<string, string>;
  /** Features switched on as if given with `--feature`. */
  features?: string[];
  /** Fragments added to every check. */
  extraPolicies?: PolicyFragment[];
  /** The evaluation mode when `--mode` is not given. */
  mode?: ModeSetting;
  /** False: never run project code (as `--no-exec`); configs are read statically, values needing execution are unknown. */
  exec?: boolean;
  /**
   * Request context for `check` (as `--context`): condition key → a string, number, boolean or a list of them.
   * `--context` wins over it.
   * @since 0.3.0
   */
  context?: Record<string, string | number | boolean | (string | number | boolean)[]>;
}

/** A loaded config and where it came from. */
export interface LoadedConfig {
  /** The validated config (empty when no file was found). */
  config: AwspermConfig;
  /** The file it came from, if any. */
  file?: string;
}

const KEYS = new Set(['adapters', 'tool', 'accounts', 'features', 'extraPolicies', 'mode', 'exec', 'context']);
const MODES = ['auto', 'simulate', 'local', 'offline'];

function fail(file: string, message: string): never {
  throw new AwspermError('CONFIG_INVALID', `${file}: ${message}`, {
    hint: 'See the README section "Configuration" for the keys awsperm reads.',
  });
}


/** Validates a config object; errors name the file and the key at fault. */
export function validateConfig(value: unknown, file: string): AwspermConfig {
  const raw = isRecord(value) && 'default' in value && Object.keys(value).length === 1 ? value.default : value;
  if (!isRecord(raw)) fail(file, 'the config must be an object');
  for (const key of Object.keys(raw)) {
    if (!KEYS.has(key)) fail(file, `unknown key "${key}" (known: ${[...KEYS].join(', ')})`);
  }
  if (raw.tool !== undefined && (typeof raw.tool !== 'string' || !/^[a-z][a-z0-9-]*$/.test(raw.tool))) {
    fail(file, '"tool" must be a tool id such as "up" or "sst"');
  }
  if (raw.exec !== undefined && typeof raw.exec !== 'boolean') fail(file, '"exec" must be true or false');
  if (raw.mode !== undefined && !MODES.includes(raw.mode as string)) fail(file, `"mode" must be one of ${MODES.join(', ')}`);
  if (raw.accounts !== undefined) {
    if (!isRecord(raw.accounts)) fail(file, '"accounts" must map stage names to account ids');
    for (const [stage, account] of Object.entries(raw.accounts)) {
      if (typeof account !== 'string' || !/^\d{12}$/.test(account)) {
        fail(file, `accounts.${stage} must be a 12-digit account id in quotes, not ${JSON.stringify(account)}`);
      }
    }
  }
  if (raw.features !== undefined && (!Array.isArray(raw.features) || !raw.features.every((f) => typeof f === 'string'))) {
    fail(file, '"features" must be an array of feature names');
  }
  if (raw.context !== undefined) {
    if (!isRecord(raw.context)) fail(file, '"context" must map condition keys to values');
    for (const [key, value] of Object.entries(raw.context)) {
      const ok = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
      if (!(ok(value) || (Array.isArray(value) && value.length > 0 && value.every(ok)))) {
        fail(file, `context.${key} must be a string, number, boolean or a list of them`);
      }
    }
    try {
      parseContext(raw.context, 'config');
    } catch (error) {
      if (AwspermError.is(error)) fail(file, error.message);
      throw error;
    }
  }
  if (raw.adapters !== undefined) {
    if (!Array.isArray(raw.adapters)) fail(file, '"adapters" must be an array of package names or adapter objects');
    raw.adapters.forEach((a, i) => {
      if (typeof a !== 'string' && !isRecord(a)) fail(file, `adapters[${i}] must be a package name or an adapter object`);
    });
  }
  if (raw.extraPolicies !== undefined) {
    if (!Array.isArray(raw.extraPolicies)) fail(file, '"extraPolicies" must be an array of fragments');
    raw.extraPolicies.forEach((f, i) => {
      if (!isRecord(f) || typeof f.id !== 'string' || typeof f.title !== 'string' || !Array.isArray(f.statements)) {
        fail(file, `extraPolicies[${i}] needs an id, a title and statements`);
      }
      validatePolicyDocument({ Version: '2012-10-17', Statement: f.statements }, `${file}: extraPolicies[${i}] (${f.id})`);
      if (!isRecord(f.source)) f.source = { title: `${file}` };
    });
  }
  return raw as AwspermConfig;
}

/** How {@link loadConfig} may read configs. */
export interface LoadConfigOptions {
  /** False: never run a JavaScript/TypeScript config (`--no-exec`); it is skipped with a warning. Default true. */
  exec?: boolean;
  /** The environment, of which the worker gets only what {@link workerEnv} passes. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Receives warnings (a skipped config). */
  warn?: (message: string) => void;
  /** Wall-clock bound of the worker, ms. */
  timeoutMs?: number;
}

/** Where the config may be, in each directory searched, in this order (SPEC §7). */
const SEARCH_PLACES = [
  'package.json',
  '.awspermrc',
  '.awspermrc.json',
  '.awspermrc.yaml',
  '.awspermrc.yml',
  'awsperm.config.js',
  'awsperm.config.mjs',
  'awsperm.config.cjs',
  'awsperm.config.ts',
];

/**
 * The directories searched for a config, nearest first: from `cwd` up to the project root (the nearest directory
 * holding a `package.json` or `.git`), never above it; `cwd` alone when there is no such directory.
 */
export function configSearchDirs(cwd: string): string[] {
  const dirs: string[] = [];
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    dirs.push(dir);
    if (existsSync(join(dir, 'package.json')) || existsSync(join(dir, '.git'))) return dirs;
    if (dirname(dir) === dir) return [resolve(cwd)];
  }
}

async function parseStatic(file: string, text: string): Promise<unknown> {
  const name = basename(file);
  try {
    if (name.endsWith('.json')) return parseJson(text, file);
    // Imported here: the YAML parser costs more start-up than the rest of the config code, and most runs have no YAML config.
    const { parse } = await import('yaml');
    return parse(text, { maxAliasCount: 100 });
  } catch (cause) {
    if (AwspermError.is(cause)) throw new AwspermError('CONFIG_INVALID', `cannot load the awsperm config: ${cause.message}`, { cause });
    const message = cause instanceof Error ? cause.message.split('\n')[0]! : String(cause);
    throw new AwspermError('CONFIG_INVALID', `cannot load the awsperm config: ${file}: ${terminalSafe(message)}`, { cause });
  }
}

/** What a config says, before validation: `$import` is refused here, before cosmiconfig would follow it. */
function noImport(value: unknown, file: string): unknown {
  const inner = isRecord(value) && isRecord(value.default) ? value.default : undefined;
  if ((isRecord(value) && Object.hasOwn(value, '$import')) || (inner && Object.hasOwn(inner, '$import'))) {
    fail(file, '"$import" is not supported: awsperm reads configs as data and never imports other files from them');
  }
  return value;
}

/**
 * Whether a search place exists, refusing it unless it is a regular file within the config size limit: cosmiconfig
 * opens every candidate with a plain `readFile` (which blocks forever on a FIFO and reads a device to exhaustion) and
 * silently skips a directory, so awsperm checks each candidate of a directory before cosmiconfig searches it.
 */
function present(file: string): boolean {
  // Most places hold nothing: answered without throwing (two exceptions per missing place, each with its stack,
  // cost every command ~1 ms).
  try {
    if (statSync(file, { throwIfNoEntry: false }) === undefined) return false;
  } catch {
    // Unreadable, or not a directory on the way: statRegularFile says which, in awsperm's words.
  }
  try {
    statRegularFile(file, 'config', basename(file) === 'package.json' ? 'package.json' : 'the awsperm config');
    return true;
  } catch (error) {
    const code = ((error as AwspermError).cause as NodeJS.ErrnoException | undefined)?.code;
    if (AwspermError.is(error) && (error.code === 'FILE_NOT_FOUND' || code === 'ENOTDIR')) return false;
    throw error;
  }
}

async function hasAwspermKey(pkg: string): Promise<boolean> {
  const text = readRegularFile(pkg, 'config', 'package.json');
  if (text.trim() === '') return false;
  const value = await parseStatic(pkg, text);
  return isRecord(value) && Object.hasOwn(value, 'awsperm');
}

interface Explorer {
  search(from: string): Promise<CosmiconfigResult>;
}

/**
 * A cosmiconfig (9.0.0) explorer for module `awsperm` with awsperm's loaders and one directory per search.
 *
 * Built from cosmiconfig's `Explorer` class rather than its `cosmiconfig()` factory, because the factory first
 * searches `process.cwd()` for a "meta config" (`package.json#cosmiconfig`, `.config/config.{json,yaml,js,ts,cjs,mjs}`)
 * and loads it with cosmiconfig's default loaders, which import JavaScript in-process: run in an untrusted checkout,
 * that is project code outside the worker, and a meta config can also add search places and point at another
 * config file. The explorer gets normalised options directly, so no meta config is ever read.
 *
 * `searchStrategy: 'none'` and one `search(dir)` per directory of {@link configSearchDirs}: cosmiconfig 9.0.0's
 * `'project'` strategy does not stop at the first `package.json` (its `break` leaves only the inner loop) and
 * `'global'` goes on to the user's global config directory, so awsperm walks the directories itself.
 */
async function explorer(loaders: Loaders): Promise<Explorer> {
  const { Explorer } = (await import('cosmiconfig/dist/Explorer.js')) as unknown as { Explorer: new (options: Record<string, unknown>) => Explorer };
  return new Explorer({
    moduleName: 'awsperm',
    packageProp: 'awsperm',
    searchPlaces: SEARCH_PLACES,
    searchStrategy: 'none',
    loaders,
    transform: (result: CosmiconfigResult) => result,
    // cosmiconfig's default: an empty file is skipped and the search goes on.
    ignoreEmptySearchPlaces: true,
    cache: false,
    metaConfigFilePath: null,
    mergeImportArrays: true,
    mergeSearchPlaces: true,
    applyPackagePropertyPathToConfiguration: false,
  });
}

/**
 * Finds and loads the awsperm config for a project directory with cosmiconfig (module `awsperm`), searching
 * {@link configSearchDirs} only, so no config outside the project is ever read. Every candidate is checked before
 * cosmiconfig opens it (regular files within the size limit; a FIFO, device or directory is an error);
 * `package.json#awsperm` and `.awspermrc*` are read again through the bounded reader and parsed as data (there is
 * no `$import`); `awsperm.config.*` runs in core's isolated worker (`@awsperm/core/worker`), or not at all with
 * `exec: false`.
 */
export async function loadConfig(cwd: string, options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const staticLoader = async (file: string): Promise<unknown> => {
    const text = readRegularFile(file, 'config', basename(file) === 'package.json' ? 'package.json' : 'the awsperm config');
    if (text.trim() === '') return undefined;
    const value = await parseStatic(file, text);
    if (basename(file) === 'package.json') {
      if (isRecord(value) && Object.hasOwn(value, 'awsperm')) noImport(value.awsperm, file);
      return value;
    }
    return noImport(value, file);
  };
  let skipped = false;
  const codeLoader = async (file: string): Promise<unknown> => {
    if (options.exec === false) {
      options.warn?.(`${file} not run (the exec option: false): its settings are unknown and not applied`);
      skipped = true;
      return {};
    }
    const { evaluateProjectFile, workerEnv } = await import('./worker.ts');
    const result = await evaluateProjectFile({
      file,
      root: dirname(file),
      runner: fileURLToPath(new URL('../runners/awsperm-config.cjs', import.meta.url)),
      input: {},
      env: workerEnv(options.env ?? {}),
      what: 'the awsperm config',
      code: 'CONFIG_INVALID',
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    });
    for (const u of result.unknown) options.warn?.(`${file}: ${u.path.slice(1) || 'the config'} depends on the package ${u.package}, which awsperm does not run: unknown`);
    return noImport(result.value, file);
  };
  const loaders: Loaders = {
    '.json': staticLoader,
    '.yaml': staticLoader,
    '.yml': staticLoader,
    noExt: staticLoader,
    '.js': codeLoader,
    '.mjs': codeLoader,
    '.cjs': codeLoader,
    '.ts': codeLoader,
  };
  let search: Explorer | undefined;
  for (const dir of configSearchDirs(cwd)) {
    // Checked before cosmiconfig opens anything in this directory; cosmiconfig is loaded only when there is a candidate.
    const candidates = SEARCH_PLACES.filter((place) => present(join(dir, place)));
    if (candidates.length === 0) continue;
    // Nearly every project has a package.json, nearly none an "awsperm" key in it: no need to load cosmiconfig then.
    if (candidates.length === 1 && candidates[0] === 'package.json' && !(await hasAwspermKey(join(dir, 'package.json')))) continue;
    search ??= await explorer(loaders);
    const result = await search.search(dir);
    if (!result || result.isEmpty || result.config === undefined) continue;
    if (skipped) return { config: {}, file: result.filepath };
    return finish(result.config, result.filepath);
  }
  return { config: {} };
}

function finish(value: unknown, file: string): LoadedConfig {
  if (isRecord(value) && Object.hasOwn(value, '$import')) fail(file, '"$import" is not supported: awsperm reads configs as data and never imports other files from them');
  return { config: validateConfig(value, file), file };
}

/** The account a stage must deploy to per the config, if it names one. */
export function expectedAccount(config: AwspermConfig, stage: string | undefined): string | undefined {
  const accounts = config.accounts ?? {};
  // Own keys only: a stage named "constructor" must not find Object's.
  const own = (key: string): string | undefined => (Object.hasOwn(accounts, key) ? accounts[key] : undefined);
  return (stage !== undefined ? own(stage) : undefined) ?? own('*');
}
