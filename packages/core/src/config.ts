import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AwspermAdapter } from './adapter.ts';
import { AwspermError } from './errors.ts';
import { validatePolicyDocument } from './policy/document.ts';
import type { PolicyFragment } from './policy/types.ts';
import { isRecord, parseJson } from './json.ts';
import { readRegularFile } from './files.ts';
import { terminalSafe } from './sanitize.ts';

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
}

/** A loaded config and where it came from. */
export interface LoadedConfig {
  /** The validated config (empty when no file was found). */
  config: AwspermConfig;
  /** The file it came from, if any. */
  file?: string;
}

const KEYS = new Set(['adapters', 'tool', 'accounts', 'features', 'extraPolicies', 'mode', 'exec']);
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

const CONFIG_FILES = [
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

/**
 * Finds and loads the awsperm config for a project directory, searching {@link configSearchDirs} only, so no config
 * outside the project is ever read. `package.json#awsperm` and `.awspermrc*` are parsed as data (there is no
 * `$import`); `awsperm.config.*` runs in core's isolated worker (`@awsperm/core/worker`), or not at all with
 * `exec: false`.
 */
export async function loadConfig(cwd: string, options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  for (const dir of configSearchDirs(cwd)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      const json = await parseStatic(pkg, readRegularFile(pkg, 'config', 'package.json'));
      if (isRecord(json) && Object.hasOwn(json, 'awsperm')) return finish(json.awsperm, pkg);
    }
    for (const name of CONFIG_FILES) {
      const file = join(dir, name);
      if (!existsSync(file)) continue;
      if (!name.startsWith('awsperm.config.')) {
        const text = readRegularFile(file, 'config', 'the awsperm config');
        if (text.trim() === '') return { config: {} };
        return finish(await parseStatic(file, text), file);
      }
      if (options.exec === false) {
        options.warn?.(`${file} not run (--no-exec / exec: false): its settings are unknown and not applied`);
        return { config: {}, file };
      }
      const { evaluateProjectFile, workerEnv } = await import('./worker.ts');
      const result = await evaluateProjectFile({
        file,
        root: dir,
        runner: fileURLToPath(new URL('../runners/awsperm-config.mjs', import.meta.url)),
        input: {},
        env: workerEnv(options.env ?? {}),
        what: 'the awsperm config',
        code: 'CONFIG_INVALID',
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      });
      for (const u of result.unknown) options.warn?.(`${file}: ${u.path.slice(1) || 'the config'} depends on the package ${u.package}, which awsperm does not run: unknown`);
      return finish(result.value, file);
    }
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
