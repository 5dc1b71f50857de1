import { dirname } from 'node:path';
import { AwspermError } from '@awsperm/core';
import { COMPUTED_IMPORT_PREFIX, evaluateProjectFile, prepareProjectFile, workerEnv } from '@awsperm/core/worker';
import { configRunner } from '../runners.ts';
import { readSstConfigStatically } from './static-config.ts';
import { findWorkspace, workspacePackages } from './workspace.ts';

const ADAPTER = '@awsperm/adapter-sst';

/** Options of {@link evaluateSstConfig}. */
export interface EvaluateOptions {
  /** `config` (v2) or `app` (v3): the function of the default export to call. */
  call: 'config' | 'app';
  /** What the function receives. */
  input: Record<string, unknown>;
  /** The environment SST would give the config; the worker receives only its non-secret part (`workerEnv`). */
  env: Readonly<Record<string, string | undefined>>;
  /** The variables the project's dotenv files set (passed to the config minus secrets). */
  fromFiles?: Readonly<Record<string, string | undefined>>;
  /** Time limit in milliseconds for running the config in the worker (default 2000; bundling has its own bound). */
  timeoutMs?: number;
  /** Receives warnings: values that depend on stand-ins (packages, workspace packages, computed imports). */
  warn?: (message: string) => void;
  /** False (`--no-exec`): read the config statically ({@link readSstConfigStatically}) instead of running it. */
  exec?: boolean;
}

/** A value of the evaluated config that depended on a stand-in, and what the stand-in replaced. */
export interface SstUnknownValue {
  /** Where in the result (`.providers.aws.profile`). */
  path: string;
  /** The stand-in's name: a package, an unresolved relative import, or `computed-import:<path>` (empty with --no-exec). */
  package: string;
  /** True when the package is one of the project's own workspace packages. */
  workspace: boolean;
  /** What the value depends on, for messages: "the workspace package @acme/config, which awsperm does not load (…)". */
  origin: string;
}

/** What {@link evaluateSstConfigDetailed} returns. */
export interface SstEvaluation {
  /** The config as data, values from stand-ins left out. */
  value: Record<string, unknown>;
  /** The values left out because they depended on a stand-in. */
  unknown: SstUnknownValue[];
}

/** The stand-in names that are packages of the workspace `root` belongs to (read only when a stand-in was used). */
function workspaceNames(root: string, names: readonly string[]): Set<string> {
  const bare = names.filter((n) => !n.startsWith('.') && !n.startsWith('/') && !n.includes(':'));
  if (bare.length === 0) return new Set();
  const ws = findWorkspace(root);
  if (!ws) return new Set();
  const packages = workspacePackages(ws);
  return new Set(bare.filter((n) => packages.has(n) || packages.has(packageName(n))));
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** What a stand-in replaced, worded for a message. */
function originOf(name: string, workspace: boolean, prefix: string): string {
  if (name.startsWith(prefix)) return `an import() whose path is computed at run time ('${name.slice(prefix.length)}'), which awsperm cannot bundle`;
  if (name.startsWith('.') || name.startsWith('/')) return `the import '${name}', which is not a project file awsperm found (SST may generate it)`;
  if (workspace) return `the workspace package ${packageName(name)}, which awsperm does not load (it replaces packages by stand-ins)`;
  return `the package ${name}, which awsperm replaces by a stand-in`;
}

/**
 * The worker's unknown values (`{ path, package }`) of a run on `configFile`, with what each stand-in replaced: a
 * package, one of the workspace's own packages, a relative import that did not resolve, or an `import()` whose path
 * is computed (`computedPrefix`, core's `COMPUTED_IMPORT_PREFIX`).
 */
export function standInValues(configFile: string, unknown: readonly { path: string; package: string }[], computedPrefix: string): SstUnknownValue[] {
  const inWorkspace = workspaceNames(dirname(configFile), [...new Set(unknown.map((u) => u.package))]);
  return unknown.map((u) => {
    const workspace = inWorkspace.has(u.package);
    return { path: u.path, package: u.package, workspace, origin: originOf(u.package, workspace, computedPrefix) };
  });
}

const CONFIG_WHAT = 'the SST config';
const CONFIG_TIMEOUT_MS = 2000;

/**
 * Starts the worker {@link evaluateSstConfig} will run `configFile` in, and esbuild's bundle of it, so that both
 * overlap with reading the rest of the project; nothing when project code may not run (`exec: false`). A worker whose run never comes
 * ends with awsperm.
 */
export function prepareSstConfig(configFile: string, input: { env: Readonly<Record<string, string | undefined>>; exec?: boolean; timeoutMs?: number }): void {
  if (input.exec === false) return;
  prepareProjectFile({
    file: configFile,
    root: dirname(configFile),
    runner: configRunner(),
    env: workerEnv(input.env, { prefixes: ['SST_'] }),
    what: CONFIG_WHAT,
    timeoutMs: input.timeoutMs ?? CONFIG_TIMEOUT_MS,
  });
}

/**
 * Evaluates the user's `sst.config.*` as SST does, without running `stacks`/`run` and without the project's
 * dependencies, in core's isolated worker (`@awsperm/core/worker`): esbuild bundles the file with its relative
 * imports (as SST itself does), every package import becomes an inert stand-in, `$config` is the identity function
 * (as the banner SST v3 bundles the file with, anomalyco/sst pkg/project/project.go), and `process.env` holds only
 * the stage-related, `SST_*` and dotenv variables, never credentials. Then it calls the default export's `config`
 * (v2) or `app` (v3) with `options.input` and returns the result as data. Anything thrown, a hang past `timeoutMs`,
 * or memory exhaustion becomes `PROJECT_CONFIG_INVALID` naming the file (and the line, when known).
 */
export async function evaluateSstConfig(configFile: string, options: EvaluateOptions): Promise<Record<string, unknown>> {
  return (await evaluateSstConfigDetailed(configFile, options)).value;
}

/**
 * {@link evaluateSstConfig}, also returning the values that depended on a stand-in (a package, a workspace package,
 * a relative import that does not resolve, an `import()` of a computed path), each also given to `options.warn`.
 */
export async function evaluateSstConfigDetailed(configFile: string, options: EvaluateOptions): Promise<SstEvaluation> {
  if (options.exec === false) {
    const read = readSstConfigStatically(configFile, options.call);
    for (const key of read.unknown) options.warn?.(`${configFile}: ${options.call}() ${key} needs the config to run, which the exec option: false forbids: unknown`);
    const origin = 'code not run (the exec option: false)';
    return { value: read.value, unknown: read.unknown.map((key) => ({ path: `.${key}`, package: '', workspace: false, origin })) };
  }
  const result = await evaluateProjectFile({
    file: configFile,
    root: dirname(configFile),
    runner: configRunner(),
    input: { call: options.call, input: options.input },
    env: workerEnv(options.env, { prefixes: ['SST_'], ...(options.fromFiles ? { fromFiles: options.fromFiles } : {}) }),
    what: CONFIG_WHAT,
    adapter: ADAPTER,
    hint: 'Fix the SST config so that it loads; awsperm evaluates only its config()/app() function, in an isolated worker, with every package import replaced by a stand-in.',
    timeoutMs: options.timeoutMs ?? CONFIG_TIMEOUT_MS,
  });
  const unknown = standInValues(configFile, result.unknown, COMPUTED_IMPORT_PREFIX);
  for (const u of unknown) options.warn?.(`${configFile}: ${options.call}()${u.path} ${u.workspace ? 'comes from' : 'depends on'} ${u.origin}: its value is unknown`);
  const value = result.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AwspermError('PROJECT_CONFIG_INVALID', `${configFile}: ${options.call}() did not return an object`, { adapter: ADAPTER });
  }
  return { value: value as Record<string, unknown>, unknown };
}
