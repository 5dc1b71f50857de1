import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AwspermAdapter, Detection } from '../adapter.ts';
import { adapterV2, callAdapter, validateAdapter } from '../adapter-validate.ts';
import type { AwspermConfig } from '../config.ts';
import { AwspermError } from '../errors.ts';

/**
 * Adapters an application registers as built in (the CLI registers the first-party ones), by tool id. Each is
 * imported only when needed. Core itself depends on no adapter: without a registry, `--tool up` finds an installed
 * `@awsperm/adapter-up` by convention.
 */
export type AdapterRegistry = Readonly<Record<string, { packageName: string; load: () => Promise<AwspermAdapter> }>>;

/** Where an adapter came from. */
export interface AdapterOrigin {
  /** `config`: named in the awsperm config; `built-in`: shipped with the CLI; `installed`: found by naming convention. */
  kind: 'config' | 'built-in' | 'installed';
  /** The package name, path or config entry the adapter was loaded from. */
  specifier: string;
  /** The file the adapter was imported from, when it was imported from a file. */
  path?: string;
}

/** An adapter that passed validation and where it came from. */
export interface FoundAdapter {
  /** The validated adapter. */
  adapter: AwspermAdapter;
  /** Where it came from. */
  origin: AdapterOrigin;
}

/** An adapter and the project it detected. */
export interface ResolvedTool {
  /** The adapter. */
  adapter: AwspermAdapter;
  /** What its `detect` found. */
  detection: Detection;
}

async function loadBuiltin(builtinAdapters: AdapterRegistry, tool: string): Promise<FoundAdapter> {
  const entry = builtinAdapters[tool]!;
  return { adapter: validateAdapter(await entry.load(), entry.packageName), origin: { kind: 'built-in', specifier: entry.packageName } };
}

/** The directory adapters must resolve inside: the git root above `dir`, else its nearest package.json's, else `dir`. */
function trustRoot(dir: string): string {
  let nearestPackage: string | undefined;
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return d;
    if (!nearestPackage && existsSync(join(d, 'package.json'))) nearestPackage = d;
    if (dirname(d) === d) return nearestPackage ?? resolve(dir);
  }
}

/** Resolves `specifier` as the project would (a `require` anchored at the project's package.json); undefined when absent. */
function resolveFromProject(specifier: string, projectDir: string): string | undefined {
  const require = createRequire(join(projectDir, 'package.json'));
  try {
    const resolved = require.resolve(specifier);
    // Only the project's own node_modules (up to its git root, for hoisted workspaces) or paths inside it: never a
    // package some ancestor directory happens to hold. (A linked package inside node_modules is the project's.)
    const root = trustRoot(projectDir);
    const rel = relative(root, resolved);
    const bare = !specifier.startsWith('.') && !isAbsolute(specifier);
    const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
    const installed = (): boolean => {
      for (let d = resolve(projectDir); ; d = dirname(d)) {
        if (existsSync(join(d, 'node_modules', name))) return true;
        if (d === root || dirname(d) === d) return false;
      }
    };
    if (bare ? !installed() : rel.startsWith('..') || isAbsolute(rel)) {
      const detail = `resolves to ${resolved}, outside the project ${root}; install it in the project`;
      throw new AwspermError('ADAPTER_INVALID', `adapter ${specifier}: ${detail}`, { adapter: specifier, data: { adapter: specifier, detail } });
    }
    return resolved;
  } catch (cause) {
    if (AwspermError.is(cause)) throw cause;
    const code = (cause as { code?: unknown }).code;
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') return undefined;
    const detail = `cannot be resolved: ${(cause as Error).message.split('\n')[0]}`;
    throw new AwspermError('ADAPTER_INVALID', `adapter ${specifier}: ${detail}`, { adapter: specifier, data: { adapter: specifier, detail }, cause });
  }
}

/**
 * Imports an adapter module and turns it into a validated adapter: the default export (or the module itself) may be a
 * factory, called without arguments, or an adapter object.
 */
async function importAdapter(specifier: string, resolved: string): Promise<AwspermAdapter> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(resolved).href)) as Record<string, unknown>;
  } catch (cause) {
    throw AwspermError.from(
      'ADAPTER_INVALID',
      { adapter: specifier, detail: `cannot be loaded: ${(cause as Error).message?.split('\n')[0] ?? String(cause)}` },
      { adapter: specifier, hint: `Check that ${specifier} is built and installed for this project.`, cause },
    );
  }
  let value: unknown = 'default' in mod ? mod.default : mod;
  if (typeof value === 'function') {
    try {
      value = await (value as () => unknown)();
    } catch (cause) {
      const detail = `its factory threw: ${(cause as Error).message ?? String(cause)}`;
      throw new AwspermError('ADAPTER_INVALID', `adapter ${specifier}: ${detail}`, { adapter: specifier, data: { adapter: specifier, detail }, cause });
    }
  }
  return validateAdapter(value, specifier);
}

/** Loads the adapters the config (or the library caller) names, in order; package names resolve from `projectDir`. */
async function configAdapters(config: Pick<AwspermConfig, 'adapters'> | undefined, projectDir: string, file?: string): Promise<FoundAdapter[]> {
  const out: FoundAdapter[] = [];
  for (const [i, entry] of (config?.adapters ?? []).entries()) {
    if (typeof entry === 'string') {
      const resolved = resolveFromProject(entry, projectDir);
      if (!resolved) {
        throw AwspermError.from(
          'ADAPTER_INVALID',
          { adapter: entry, detail: `named in the awsperm config but not installed in ${projectDir}` },
          { adapter: entry, hint: `Install it: ${installCommand(projectDir, entry)}` },
        );
      }
      out.push({ adapter: await importAdapter(entry, resolved), origin: { kind: 'config', specifier: entry, path: resolved } });
    } else {
      const named = typeof (entry as { name?: unknown }).name === 'string' ? (entry as { name: string }).name : `adapters[${i}]`;
      const origin = file ? `${named} (${file})` : named;
      out.push({ adapter: validateAdapter(entry, origin), origin: { kind: 'config', specifier: named, ...(file ? { path: file } : {}) } });
    }
  }
  return out;
}

/** The package manager the project uses, from its lock file (npm when none is found). */
function installCommand(projectDir: string, pkg: string): string {
  for (let dir = projectDir; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-lock.yaml'))) return `pnpm add -D ${pkg}`;
    if (existsSync(join(dir, 'yarn.lock'))) return `yarn add -D ${pkg}`;
    if (existsSync(join(dir, 'bun.lock')) || existsSync(join(dir, 'bun.lockb'))) return `bun add -d ${pkg}`;
    if (existsSync(join(dir, 'package-lock.json')) || dirname(dir) === dir) return `npm install -D ${pkg}`;
  }
}

/** The conventional package names for a tool id, in lookup order. */
export function conventionalNames(tool: string): string[] {
  return [`@awsperm/adapter-${tool}`, `awsperm-adapter-${tool}`];
}

/** Loads the installed adapter for `tool` by naming convention, resolved from the project; undefined when none is. */
async function installedAdapter(tool: string, projectDir: string): Promise<FoundAdapter | undefined> {
  for (const name of conventionalNames(tool)) {
    const resolved = resolveFromProject(name, projectDir);
    if (resolved) return { adapter: await importAdapter(name, resolved), origin: { kind: 'installed', specifier: name, path: resolved } };
  }
  return undefined;
}

/**
 * Finds the adapter for a tool id: an adapter from the config, then a built-in first-party adapter, then an installed
 * `@awsperm/adapter-<id>` or `awsperm-adapter-<id>` resolved from the project. Never installs anything.
 */
async function findAdapter(tool: string, cwd: string, builtinAdapters: AdapterRegistry, config?: Pick<AwspermConfig, 'adapters'>): Promise<FoundAdapter> {
  const fromConfig = (await configAdapters(config, cwd)).find((f) => f.adapter.tool === tool);
  if (fromConfig) return fromConfig;
  if (builtinAdapters[tool]) return loadBuiltin(builtinAdapters, tool);
  const installed = await installedAdapter(tool, cwd);
  if (installed) return installed;
  const [scoped, plain] = conventionalNames(tool) as [string, string];
  throw AwspermError.from('TOOL_UNKNOWN', { tool, scoped, plain, install: installCommand(cwd, plain), builtins: Object.keys(builtinAdapters) });
}

/** Installed packages whose names follow the adapter naming convention, found in the project's node_modules folders. */
function installedAdapterNames(projectDir: string): string[] {
  const names = new Set<string>();
  for (let dir = projectDir; ; dir = dirname(dir)) {
    const modules = join(dir, 'node_modules');
    const list = (d: string): string[] => {
      try {
        return readdirSync(d);
      } catch {
        return [];
      }
    };
    for (const entry of list(modules)) if (entry.startsWith('awsperm-adapter-')) names.add(entry);
    for (const entry of list(join(modules, '@awsperm'))) if (entry.startsWith('adapter-')) names.add(`@awsperm/${entry}`);
    if (existsSync(join(dir, 'package.json')) || dirname(dir) === dir) break;
  }
  return [...names].sort();
}

/**
 * Every adapter awsperm can use in a project, in discovery order, one per tool: those from the config, the built-in
 * ones, then installed packages following the naming convention.
 */
export async function discoverAdapters(
  cwd: string,
  options: { builtins?: AdapterRegistry; config?: Pick<AwspermConfig, 'adapters'>; configFile?: string } = {},
): Promise<FoundAdapter[]> {
  const builtinAdapters = options.builtins ?? {};
  const found = await configAdapters(options.config, cwd, options.configFile);
  const has = (tool: string): boolean => found.some((f) => f.adapter.tool === tool);
  for (const tool of Object.keys(builtinAdapters)) if (!has(tool)) found.push(await loadBuiltin(builtinAdapters, tool));
  const builtinPackages = new Set(Object.values(builtinAdapters).map((b) => b.packageName));
  for (const name of installedAdapterNames(cwd)) {
    if (builtinPackages.has(name)) continue;
    const resolved = resolveFromProject(name, cwd);
    if (!resolved) continue;
    const adapter = await importAdapter(name, resolved);
    if (!has(adapter.tool)) found.push({ adapter, origin: { kind: 'installed', specifier: name, path: resolved } });
  }
  return found;
}

/** The detect context: a v1 adapter reads only `cwd`; a v2 one gets the run's context. */
type DetectWith = (adapter: AwspermAdapter) => Promise<Detection | undefined>;

function plainDetect(cwd: string): DetectWith {
  return (adapter) => {
    const v2 = adapterV2(adapter);
    const log = { warn: () => {}, debug: () => {} };
    return callAdapter(adapter, 'detect', () => v2.detect({ cwd, env: {}, args: {}, features: [], scope: {}, log }));
  };
}

/**
 * Finds the adapter for `--tool` (or detects the tool among the config's and the built-in adapters when it is
 * omitted) and the project in `cwd`. Errors: unknown tool, invalid adapter, no project of that tool, no tool
 * detected, several tools detected.
 */
export async function resolveTool(
  tool: string | undefined,
  cwd: string,
  options: { builtins?: AdapterRegistry; config?: Pick<AwspermConfig, 'adapters'>; detect?: DetectWith } = {},
): Promise<ResolvedTool> {
  const builtinAdapters = options.builtins ?? {};
  const config = options.config;
  const detectWith = options.detect ?? plainDetect(cwd);
  if (tool !== undefined) {
    const found = await findAdapter(tool, cwd, builtinAdapters, config);
    const detection = await detectWith(found.adapter);
    if (!detection) {
      throw AwspermError.from('TOOL_NOT_DETECTED', { cwd, tool, toolName: found.adapter.displayName ?? tool, known: [found.adapter.tool] });
    }
    return { adapter: found.adapter, detection };
  }
  const candidates = await configAdapters(config, cwd);
  for (const id of Object.keys(builtinAdapters)) {
    if (!candidates.some((c) => c.adapter.tool === id)) candidates.push(await loadBuiltin(builtinAdapters, id));
  }
  if (options.builtins === undefined) {
    // A library caller registers no built-ins: the adapters installed in the project are the candidates.
    for (const found of await discoverAdapters(cwd, { config: {} })) {
      if (!candidates.some((c) => c.adapter.tool === found.adapter.tool)) candidates.push(found);
    }
  }
  const found: ResolvedTool[] = [];
  for (const candidate of candidates) {
    const detection = await detectWith(candidate.adapter);
    if (detection) found.push({ adapter: candidate.adapter, detection });
  }
  if (found.length === 1) return found[0]!;
  const known = candidates.map((c) => c.adapter.tool);
  if (found.length === 0) {
    throw AwspermError.from('TOOL_NOT_DETECTED', { cwd, known });
  }
  throw AwspermError.from('TOOL_AMBIGUOUS', { cwd, found: found.map((f) => ({ tool: f.adapter.tool, configFile: f.detection.configFile })) });
}
