import { AwspermError, type ErrorCode } from '../errors.ts';
import { terminalSafe } from '../sanitize.ts';
import { bundleProjectFile, type ProjectBundle } from './bundle.ts';
import { prepareWorker, runInWorker, type WorkerCode, WorkerError, type WorkerOptions, type WorkerResult } from './run.ts';

/** What {@link evaluateProjectFile} needs: a project file, the runner that uses it, and the worker's bounds. */
export interface EvaluateProjectOptions extends Omit<WorkerOptions, 'code'> {
  /** The project file to bundle and hand to the runner's `load()`. */
  file: string;
  /** What to call it in messages ("the SST config"). */
  what?: string;
  /** The error code for failures the project causes (default `PROJECT_CONFIG_INVALID`). */
  code?: ErrorCode;
  /** Passed on to the error. */
  adapter?: string;
  /** Hint of the error. */
  hint?: string;
}

/** How a hint offers reading the project without running its code (a CLI words it with its own flag). */
export const NO_EXEC_REMEDY = 'read the project without running its code (the exec option: false)';

/**
 * Turns a {@link WorkerError} into an `AwspermError` (exit 2) naming the file and, when the stack says, the line of
 * the project file; the message is made terminal-safe. Other errors are returned unchanged.
 */
export function workerFailure(error: unknown, file: string, bundle: ProjectBundle | undefined, options: Pick<EvaluateProjectOptions, 'code' | 'adapter' | 'hint' | 'what'>): unknown {
  if (!(error instanceof WorkerError)) return error;
  const what = options.what ?? 'the config';
  const at = error.location && bundle ? bundle.locate(error.location.line, error.location.column) : undefined;
  const where = at ? `${at.file}:${at.line}` : file;
  const phase = error.phase && error.phase !== 'running' ? `${error.phase} ` : '';
  const text =
    error.kind === 'threw'
      ? `${phase}threw: ${error.message}`
      : error.kind === 'runner'
        ? error.message
        : `${phase || `${what} `}${error.message}`;
  const message = `${where}: ${terminalSafe(text)}`;
  const hint = options.hint ?? `awsperm runs ${what} in an isolated worker, with package imports replaced by stand-ins; fix it so that it loads, or ${NO_EXEC_REMEDY}.`;
  const adapter = options.adapter ? { adapter: options.adapter } : {};
  const code = options.code ?? 'PROJECT_CONFIG_INVALID';
  if (code === 'PROJECT_CONFIG_INVALID') {
    const data = { file: at?.file ?? file, ...(at ? { line: at.line } : {}), detail: terminalSafe(text), ...(hint.includes(NO_EXEC_REMEDY) ? { remedy: 'no-exec' as const } : {}) };
    return new AwspermError(code, message, { ...adapter, hint, cause: error, data });
  }
  return new AwspermError(code, message, { ...adapter, hint, cause: error });
}

/** What {@link prepareProjectFile} starts ahead of {@link evaluateProjectFile}: the same options, without the runner's input. */
export type PrepareProjectOptions = Pick<EvaluateProjectOptions, 'file' | 'root' | 'runner' | 'readable' | 'heapMb' | 'env' | 'what' | 'timeoutMs'>;

const bundles = new Map<string, Promise<ProjectBundle>>();
const bundleKey = (o: Pick<EvaluateProjectOptions, 'file' | 'root' | 'what' | 'timeoutMs'>): string => JSON.stringify([o.root, o.file, o.what, o.timeoutMs]);
const startBundle = (o: Pick<EvaluateProjectOptions, 'file' | 'root' | 'what' | 'timeoutMs'>): Promise<ProjectBundle> =>
  bundleProjectFile(o.file, { root: o.root, ...(o.what ? { what: o.what } : {}), ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}) });

/**
 * Starts, as soon as the project file is known, what {@link evaluateProjectFile} with the same options will wait for:
 * the worker process ({@link prepareWorker}) and esbuild's bundle of the file (which only reads files: no project
 * code runs before the evaluation). Optional: an evaluation without it starts both itself.
 */
export function prepareProjectFile(options: PrepareProjectOptions): void {
  prepareWorker(options);
  const key = bundleKey(options);
  if (bundles.has(key)) return;
  const bundling = startBundle(options);
  bundling.catch(() => {});
  bundles.set(key, bundling);
}

/** Bundles `file` ({@link bundleProjectFile}) and runs `runner` on it in the worker ({@link runInWorker}); failures are `AwspermError`s naming file and line. */
export async function evaluateProjectFile(options: EvaluateProjectOptions): Promise<WorkerResult> {
  // The worker boots (~45 ms under the permission model) while esbuild bundles: the two overlap. It is spawned
  // first, since loading and starting esbuild keeps this process busy for a while.
  let codeOf!: (bundle: Promise<ProjectBundle>) => void;
  const code = new Promise<WorkerCode>((resolveCode) => {
    codeOf = (bundle) => resolveCode(bundle.then((b) => ({ text: b.code, format: b.format })));
  });
  const running = runInWorker({ ...options, code });
  // A bundle prepared for these options is taken once: a later evaluation reads the files again.
  const key = bundleKey(options);
  const bundling = bundles.get(key) ?? startBundle(options);
  bundles.delete(key);
  bundling.catch(() => {});
  codeOf(bundling);
  try {
    return await running;
  } catch (error) {
    throw workerFailure(error, options.file, await bundling.catch(() => undefined), options);
  }
}
