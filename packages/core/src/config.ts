import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { AwspermAdapter } from './adapter.ts';
import { AwspermError } from './errors.ts';
import { validatePolicyDocument } from './policy/document.ts';
import type { PolicyFragment } from './policy/types.ts';
import { isRecord } from './json.ts';

/** Evaluation modes (SPEC §6). */
export type ModeSetting = 'auto' | 'simulate' | 'local' | 'offline';

/**
 * awsperm's own configuration (SPEC §7), from `awsperm.config.{ts,js,mjs,cjs}`, `.awspermrc{,.json,.yaml}` or
 * `package.json#awsperm`, found from the project directory up to the nearest `package.json`.
 */
export interface AwspermConfig {
  /** Extra adapters: package names, or adapter objects in JavaScript/TypeScript config files. */
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
}

/** A loaded config and where it came from. */
export interface LoadedConfig {
  /** The validated config (empty when no file was found). */
  config: AwspermConfig;
  /** The file it came from, if any. */
  file?: string;
}

const KEYS = new Set(['adapters', 'tool', 'accounts', 'features', 'extraPolicies', 'mode']);
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

/**
 * Finds and loads the awsperm config for a project directory with cosmiconfig (module name `awsperm`), searching
 * from `cwd` up to the nearest `package.json` only, so no config outside the project is ever executed.
 */
export async function loadConfig(cwd: string): Promise<LoadedConfig> {
  // cosmiconfig costs ~20 ms to import; most projects have no awsperm config, which a few stat calls tell.
  if (!hasConfigCandidate(cwd)) return { config: {} };
  const { cosmiconfig } = await import('cosmiconfig');
  const explorer = cosmiconfig('awsperm', { searchStrategy: 'project', searchPlaces: ['package.json', ...CONFIG_FILES] });
  let result: Awaited<ReturnType<typeof explorer.search>>;
  try {
    result = await explorer.search(cwd);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message.split('\n')[0]! : String(cause);
    throw new AwspermError('CONFIG_INVALID', `cannot load the awsperm config: ${message}`, { cause });
  }
  if (!result || result.isEmpty) return { config: {} };
  return { config: validateConfig(result.config, result.filepath), file: result.filepath };
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
 * Whether cosmiconfig's project search from `cwd` could find anything: a config file, or a package.json with an
 * `awsperm` key, in `cwd` or above it up to the nearest package.json.
 */
function hasConfigCandidate(cwd: string): boolean {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (CONFIG_FILES.some((f) => existsSync(join(dir, f)))) return true;
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        return Object.hasOwn(JSON.parse(readFileSync(pkg, 'utf8')) as object, 'awsperm');
      } catch {
        // A malformed package.json is cosmiconfig's to report.
        return true;
      }
    }
    if (dirname(dir) === dir) return false;
  }
}

/** The account a stage must deploy to per the config, if it names one. */
export function expectedAccount(config: AwspermConfig, stage: string | undefined): string | undefined {
  const accounts = config.accounts ?? {};
  // Own keys only: a stage named "constructor" must not find Object's.
  const own = (key: string): string | undefined => (Object.hasOwn(accounts, key) ? accounts[key] : undefined);
  return (stage !== undefined ? own(stage) : undefined) ?? own('*');
}
