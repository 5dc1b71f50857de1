import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { AwspermError } from '@awsperm/core';
import { appRunner, distDirectory } from '../../runners.ts';
import { standInValues } from '../../shared/evaluate.ts';
import type { AppInventory } from './inventory.ts';

const ADAPTER = '@awsperm/adapter-sst';

/** The default bound of one discovery (`app()` then `run()`), in milliseconds. */
export const DISCOVERY_TIMEOUT_MS = 5000;

/** What {@link discoverSstApp} needs. */
export interface DiscoverOptions {
  /** The stage whose resources are wanted. */
  stage: string;
  /** The app's name from `app()`, when already known. */
  name?: string;
  /** The environment SST would give the program; the worker receives only its non-secret part (`workerEnv`). */
  env: Readonly<Record<string, string | undefined>>;
  /** The variables the project's dotenv files set. */
  fromFiles?: Readonly<Record<string, string | undefined>>;
  /** Wall-clock bound of `app()` and `run()` together, ms (default {@link DISCOVERY_TIMEOUT_MS}). */
  timeoutMs?: number;
  /** Receives warnings: values that depend on stubbed packages. */
  warn?: (message: string) => void;
}

/** The build directory holding the discovery module the worker runner imports, if the adapter is built. */
function builtDist(): string | undefined {
  const dist = distDirectory();
  return existsSync(`${dist}sst-discovery.js`) ? dist : undefined;
}

/** The adapter's built discovery module, which the worker runner imports (the worker runs plain JavaScript only). */
function discoveryBuild(): string {
  const dist = builtDist();
  if (!dist) {
    throw new AwspermError('INTERNAL', `${ADAPTER} is not built: ${distDirectory()}sst-discovery.js is missing`, {
      adapter: ADAPTER,
      hint: 'Build the adapter (pnpm run build) or reinstall it.',
    });
  }
  return dist;
}

/** The worker and bundle options of a discovery, the same for {@link prepareSstDiscovery} and {@link discoverSstApp}. */
function discoveryShape(configFile: string, dist: string, timeoutMs: number | undefined) {
  return { file: configFile, root: dirname(configFile), runner: appRunner(), readable: [dist], what: 'the SST app', timeoutMs: timeoutMs ?? DISCOVERY_TIMEOUT_MS };
}

/**
 * Starts the worker and the bundle {@link discoverSstApp} will use, so that they overlap with loading the config
 * (`app()` runs in a worker of its own first). Runs no project code; does nothing when the adapter is not built
 * (the discovery itself reports that).
 */
export function prepareSstDiscovery(configFile: string, env: Readonly<Record<string, string | undefined>>, timeoutMs?: number): void {
  const dist = builtDist();
  if (!dist) return;
  void import('@awsperm/core/worker').then((w) => w.prepareProjectFile({ ...discoveryShape(configFile, dist, timeoutMs), env: w.workerEnv(env, { prefixes: ['SST_'] }) }));
}

/**
 * Discovers the resources an SST v3/v4 app creates for a stage: runs `app()` and then `run()` of `sst.config.ts` in
 * core's isolated worker with recording stand-ins for everything SST injects (`sst.aws.*`, `aws.*`, `$app`, …) and
 * returns the inventory. The config and the files it imports (`await import('./infra/…')`) are bundled as SST does;
 * packages become inert stand-ins. A `run()` that throws, or does not finish within the bound, is a
 * `PROJECT_CONFIG_INVALID` naming the file and, when known, the line.
 */
export async function discoverSstApp(configFile: string, options: DiscoverOptions): Promise<AppInventory> {
  const dist = discoveryBuild();
  const { COMPUTED_IMPORT_PREFIX, evaluateProjectFile, NO_EXEC_REMEDY, workerEnv } = await import('@awsperm/core/worker');
  const result = await evaluateProjectFile({
    ...discoveryShape(configFile, dist, options.timeoutMs),
    input: { stage: options.stage, ...(options.name ? { name: options.name } : {}) },
    env: workerEnv(options.env, { prefixes: ['SST_'], ...(options.fromFiles ? { fromFiles: options.fromFiles } : {}) }),
    adapter: ADAPTER,
    hint: `Fix sst.config.ts so that run() completes; awsperm runs it in an isolated worker with recording stand-ins for SST’s components and every package import replaced by a stand-in (or ${NO_EXEC_REMEDY}, which leaves the app’s resources unchecked).`,
  });
  for (const u of standInValues(configFile, result.unknown, COMPUTED_IMPORT_PREFIX)) {
    options.warn?.(`${configFile}: a value run() gave the app's resources (${u.path || 'the inventory'}) ${u.workspace ? 'comes from' : 'depends on'} ${u.origin}: it is unknown, and what it decides may be missing`);
  }
  const value = result.value as AppInventory | undefined;
  if (!value || typeof value !== 'object' || !Array.isArray(value.components)) {
    throw new AwspermError('INTERNAL', `${configFile}: the app discovery returned no inventory`, { adapter: ADAPTER });
  }
  return value;
}
