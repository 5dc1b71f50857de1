/**
 * `@awsperm/core/worker`: the one mechanism that runs project code (SST configs, awsperm configs, SST v3 `run()`
 * discovery) in an isolated child process. See the README's security section for what it stops and what it does not.
 */
export { type BundleOptions, bundleProjectFile, COMPUTED_IMPORT_PREFIX, type ProjectBundle } from './worker/bundle.ts';
export { evaluateProjectFile, type EvaluateProjectOptions, NO_EXEC_REMEDY, type PrepareProjectOptions, prepareProjectFile, workerFailure } from './worker/evaluate.ts';
export {
  prepareWorker,
  runInWorker,
  type UnknownValue,
  type WorkerCode,
  WORKER_HEAP_MB,
  WORKER_MAX_OUTPUT_BYTES,
  WORKER_TIMEOUT_MS,
  WorkerError,
  type WorkerFailureKind,
  type WorkerOptions,
  type WorkerResult,
  workerEnv,
} from './worker/run.ts';
