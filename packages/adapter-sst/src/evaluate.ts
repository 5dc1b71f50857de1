import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AwspermError } from '@awsperm/core';
import { readSstConfigStatically } from './static-config.ts';

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
  /** Receives warnings: values that depend on stubbed packages. */
  warn?: (message: string) => void;
  /** False (`--no-exec`): read the config statically ({@link readSstConfigStatically}) instead of running it. */
  exec?: boolean;
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
  if (options.exec === false) {
    const read = readSstConfigStatically(configFile, options.call);
    for (const key of read.unknown) options.warn?.(`${configFile}: ${options.call}() ${key} needs the config to run, which --no-exec forbids: unknown`);
    return read.value;
  }
  const { evaluateProjectFile, workerEnv } = await import('@awsperm/core/worker');
  const result = await evaluateProjectFile({
    file: configFile,
    root: dirname(configFile),
    runner: fileURLToPath(new URL('../runners/sst-config.mjs', import.meta.url)),
    input: { call: options.call, input: options.input },
    env: workerEnv(options.env, { prefixes: ['SST_'], ...(options.fromFiles ? { fromFiles: options.fromFiles } : {}) }),
    what: 'the SST config',
    adapter: ADAPTER,
    hint: 'Fix the SST config so that it loads; awsperm evaluates only its config()/app() function, in an isolated worker, with every package import replaced by a stand-in.',
    timeoutMs: options.timeoutMs ?? 2000,
  });
  for (const u of result.unknown) {
    options.warn?.(`${configFile}: ${options.call}()${u.path} depends on the package ${u.package}, which awsperm replaces by a stand-in: its value is unknown`);
  }
  const value = result.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AwspermError('PROJECT_CONFIG_INVALID', `${configFile}: ${options.call}() did not return an object`, { adapter: ADAPTER });
  }
  return value as Record<string, unknown>;
}
