import type { ChildProcess } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { AwspermError } from '../errors.ts';
import { BUNDLE_FILENAME, HOST_SOURCE } from './host.ts';

// Where in the bundle a stack frame points: the CommonJS bundle's file name, or the ES module bundle's data: URL.
const LOCATION = new RegExp(`(?:data:text/javascript;base64,[A-Za-z0-9+/=]*|${BUNDLE_FILENAME.replaceAll('.', '\\.')}):(\\d+):(\\d+)`);

/** The default wall-clock bound of one worker run, in milliseconds. */
export const WORKER_TIMEOUT_MS = 5000;
/** The default heap cap of a worker, in MiB (`--max-old-space-size`). */
export const WORKER_HEAP_MB = 256;
/** How long a worker may take to boot, in milliseconds, before the run's own clock starts. */
const BOOT_MS = 15_000;
/** The largest result a worker may send back, in bytes. */
export const WORKER_MAX_OUTPUT_BYTES: number = 4 * 1024 * 1024;

/** What {@link runInWorker} needs. */
export interface WorkerOptions {
  /**
   * Absolute path of the runner: a CommonJS (`.cjs`) or ES module file whose default export (`exports.default`)
   * receives `{ input, load, fail, phase, provide }` (CommonJS keeps Node's ES module loader, ~5 ms, out of the worker):
   * `load()` imports the project code; `fail(message)` ends the run with the runner's own message; `phase(name)`
   * names the step (a timeout or a throw then says where); `provide(fn)`, called before `load()`, makes the bundle's
   * package imports ask `fn(specifier)` first and use a value it returns instead of an inert stand-in.
   */
  runner: string;
  /** JSON input for the runner. */
  input: unknown;
  /** The project root: the only directory (with its `node_modules`) the worker may read, and its working directory. */
  root: string;
  /** The worker's whole environment (see {@link workerEnv}); nothing else of awsperm's environment reaches it. */
  env: Readonly<Record<string, string | undefined>>;
  /**
   * Bundled project code (from {@link bundleProjectFile}) that the runner's `load()` runs: ES module text, or a
   * {@link WorkerCode} naming its format; a promise lets the worker start while the code is still being bundled
   * (its rejection ends the run with that error).
   */
  code?: string | WorkerCode | Promise<string | WorkerCode>;
  /** Wall-clock bound, ms (default {@link WORKER_TIMEOUT_MS}): the worker is killed when it passes. */
  timeoutMs?: number;
  /** Heap cap, MiB (default {@link WORKER_HEAP_MB}). */
  heapMb?: number;
  /** Result size cap, bytes (default {@link WORKER_MAX_OUTPUT_BYTES}). */
  maxOutputBytes?: number;
  /** Extra directories the worker may read (the runner's own directory is always allowed). */
  readable?: readonly string[];
}

/** Project code with its format: `esm` is imported as an ES module, `cjs` run as a strict-mode CommonJS script. */
export interface WorkerCode {
  /** The code. */
  text: string;
  /** How the worker runs it. */
  format: 'esm' | 'cjs';
}

/** A value read from a stubbed package, which the result could not carry. */
export interface UnknownValue {
  /** Where in the result (`.providers.aws.profile`). */
  path: string;
  /** The stubbed package it came from. */
  package: string;
}

/** What a worker run gives back. */
export interface WorkerResult {
  /** The runner's result as plain JSON (functions dropped; values from stubbed packages dropped and listed in `unknown`). */
  value: unknown;
  /** The bare packages the project imported that were replaced by inert stand-ins. */
  stubbed: string[];
  /** Values that depended on a stubbed package. */
  unknown: UnknownValue[];
}

/** How a worker run failed: the kinds callers word differently. */
export type WorkerFailureKind = 'threw' | 'runner' | 'timeout' | 'memory' | 'exited' | 'output';

/** A failed worker run; `kind` says how, `location` where in the bundled code (line and column, 1-based). */
export class WorkerError extends Error {
  /** How it failed. */
  readonly kind: WorkerFailureKind;
  /** What the worker was doing (`loading the config`, `app()`, …) as the runner named it. */
  readonly phase: string | undefined;
  /** Line and column in the bundled code of the first stack frame inside it. */
  readonly location: { line: number; column: number } | undefined;
  /** The stubbed packages, as far as the worker got. */
  readonly stubbed: string[];

  constructor(kind: WorkerFailureKind, message: string, extra: { phase?: string; location?: { line: number; column: number }; stubbed?: string[] } = {}) {
    super(message);
    this.name = 'WorkerError';
    this.kind = kind;
    this.phase = extra.phase;
    this.location = extra.location;
    this.stubbed = extra.stubbed ?? [];
  }
}

/** Node's permission flag: `--permission` from Node 23.5/22.13, `--experimental-permission` before. */
function permissionFlag(): string {
  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  return major > 23 || (major === 23 && minor >= 5) || (major === 22 && minor >= 13) ? '--permission' : '--experimental-permission';
}

function readFlags(dirs: readonly string[]): string[] {
  for (const d of dirs) {
    // Some Node releases split the flag's value at commas: a path with a comma cannot be allowed precisely.
    if (d.includes(',')) throw new AwspermError('USAGE', `awsperm cannot isolate project code under a path with a comma: ${d}`);
  }
  // One flag per directory: Node 20.20 reads repeated flags, not a comma-separated list.
  return [...new Set(dirs.map((d) => `--allow-fs-read=${resolve(d)}/*`))];
}

// Variables Node reads once at start-up (the default locale, the time zone): a worker is spawned with these of its
// run's environment, and a prepared worker serves only a run whose values are the same. The rest of the environment
// reaches the worker with the request, before any project code runs.
const BOOT_ENV = /^(LANG|LANGUAGE|LC_[A-Z]+|TZ)$/;

function bootEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (typeof v === 'string' && BOOT_ENV.test(k)) out[k] = v;
  return out;
}

/** One worker process, from its spawn on: what it has written and how it ended, whoever listens later. */
class WorkerProcess {
  readonly child: ChildProcess;
  out: Buffer = Buffer.alloc(0);
  /** Where the run's result frame starts in {@link WorkerProcess.out} (-1 until seen), and whether it is complete. */
  frameAt = -1;
  framed = false;
  /** The frame's opening, `\n<nonce>{`, once a run has begun. */
  frameMark: Buffer | undefined;
  err = '';
  up = false;
  ended: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  failed: Error | undefined;
  maxOut = WORKER_MAX_OUTPUT_BYTES;
  overflow = false;
  /** Called after every change of state. */
  notify: () => void = () => {};

  constructor(args: string[], env: Record<string, string>, cwd: string) {
    this.child = process.getBuiltinModule('node:child_process').spawn(process.execPath, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    this.child.stdout!.on('data', (chunk: Buffer) => {
      this.up = true;
      if (this.out.length + chunk.length > this.maxOut) this.overflow = true;
      else {
        const before = this.out.length;
        this.out = Buffer.concat([this.out, chunk]);
        this.seekFrame(before);
      }
      this.notify();
    });
    this.child.stderr!.on('data', (chunk: Buffer) => {
      if (this.err.length < 8192) this.err += chunk.toString('utf8');
    });
    this.child.on('error', (cause) => {
      this.failed = cause;
      this.notify();
    });
    this.child.on('close', (code, signal) => {
      this.ended = { code, signal };
      this.notify();
    });
    this.child.stdin!.on('error', () => {});
  }

  /**
   * Looks for the result frame in what arrived since `from`: the host writes it as one line, after which it only exits,
   * so a complete line is the result and the run need not wait for the process to end.
   */
  seekFrame(from: number): void {
    const mark = this.frameMark;
    if (!mark || this.framed) return;
    if (this.frameAt < 0) this.frameAt = this.out.indexOf(mark, Math.max(0, from - mark.length));
    if (this.frameAt >= 0) this.framed = this.out.indexOf(0x0a, Math.max(from, this.frameAt + mark.length)) >= 0;
  }

  /** Whether the process may serve a run: spawned, not ended, not failed, nothing but the boot byte written. */
  get usable(): boolean {
    return !this.ended && !this.failed && !this.overflow && this.out.length <= 1;
  }

  /** Lets awsperm exit while this process waits for a request (it then reads end-of-input and exits too). */
  detach(): void {
    this.child.unref();
    for (const s of [this.child.stdin, this.child.stdout, this.child.stderr]) (s as unknown as { unref?: () => void } | null)?.unref?.();
  }

  attach(): void {
    this.child.ref();
    for (const s of [this.child.stdin, this.child.stdout, this.child.stderr]) (s as unknown as { ref?: () => void } | null)?.ref?.();
  }
}

/** What decides how a worker is started: its flags, working directory and start-up environment. */
interface WorkerShape {
  args: string[];
  cwd: string;
  env: Record<string, string>;
  key: string;
}

function shapeOf(options: Pick<WorkerOptions, 'root' | 'runner' | 'readable' | 'heapMb' | 'env'>): WorkerShape {
  const args = [
    permissionFlag(),
    ...readFlags([options.root, dirname(options.runner), ...(options.readable ?? [])]),
    `--max-old-space-size=${options.heapMb ?? WORKER_HEAP_MB}`,
    '--disallow-code-generation-from-strings',
    '--no-warnings',
    '--eval',
    HOST_SOURCE,
    '--',
    options.runner,
  ];
  const env = bootEnv(options.env);
  return { args, cwd: options.root, env, key: JSON.stringify([args.filter((a) => a !== HOST_SOURCE), options.root, env]) };
}

const prepared = new Map<string, WorkerProcess>();
let exitHook = false;

/**
 * Starts a worker for a later {@link runInWorker} with the same `root`, `runner`, `readable`, `heapMb` and locale
 * and time-zone variables of `env`, so that Node's start-up (tens of milliseconds under the permission model)
 * overlaps with what the caller does meanwhile. The worker waits for its request and runs nothing before it; one
 * that is never used ends with awsperm. Calling it again for the same shape reuses the waiting worker.
 */
export function prepareWorker(options: Pick<WorkerOptions, 'root' | 'runner' | 'readable' | 'heapMb' | 'env'>): void {
  const shape = shapeOf(options);
  const waiting = prepared.get(shape.key);
  if (waiting?.usable) return;
  const proc = new WorkerProcess(shape.args, shape.env, shape.cwd);
  proc.detach();
  prepared.set(shape.key, proc);
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => {
      for (const p of prepared.values()) p.child.kill('SIGKILL');
    });
  }
}

function takeWorker(shape: WorkerShape): WorkerProcess {
  const waiting = prepared.get(shape.key);
  prepared.delete(shape.key);
  if (waiting?.usable) {
    waiting.attach();
    return waiting;
  }
  if (waiting) waiting.child.kill('SIGKILL');
  return new WorkerProcess(shape.args, shape.env, shape.cwd);
}

/**
 * Runs a runner module in an isolated child Node process: the environment is exactly `options.env`; Node's
 * permission model allows reading only the project root and the runner's directory, and no writes, child processes,
 * workers, native addons or WASI; the heap is capped; the process is killed at the deadline; the result comes back
 * as size-capped plain JSON on stdout after a per-run nonce. No temporary file is written: the host code is passed
 * with `--eval`, the environment and the project code on stdin. Network access is not restricted (Node 20's
 * permission model has none). A worker started by {@link prepareWorker} for the same shape is used when there is one.
 */
export function runInWorker(options: WorkerOptions): Promise<WorkerResult> {
  const timeout = options.timeoutMs ?? WORKER_TIMEOUT_MS;
  const heap = options.heapMb ?? WORKER_HEAP_MB;
  const nonce = process.getBuiltinModule('node:crypto').randomBytes(16).toString('hex');
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.env)) if (typeof v === 'string' && !k.startsWith('NODE_')) env[k] = v;
  const proc = takeWorker(shapeOf({ ...options, env }));
  proc.maxOut = options.maxOutputBytes ?? WORKER_MAX_OUTPUT_BYTES;
  proc.frameMark = Buffer.from(`\n${nonce}{`);
  return new Promise<WorkerResult>((resolvePromise, reject) => {
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      proc.notify = () => {};
      proc.child.kill('SIGKILL');
      proc.detach();
      fn();
    };
    // The clock starts once the worker is up and the code is ready: Node's boot on a loaded CI machine is not the
    // project's time. Booting itself is bounded separately.
    const timedOut = (): void => {
      const phases = [...proc.out.toString('utf8').matchAll(new RegExp(`\\n${nonce}P("[^\\n]*")`, 'g'))];
      const phase = phases.length ? (JSON.parse(phases.at(-1)![1]!) as string) : undefined;
      finish(() => reject(new WorkerError('timeout', `took longer than ${timeout} ms and was stopped`, phase ? { phase } : {})));
    };
    let timer = setTimeout(() => finish(() => reject(new WorkerError('timeout', `did not start within ${BOOT_MS} ms`))), BOOT_MS);
    let codeReady = false;
    let clock = false;
    const update = (): void => {
      if (settled) return;
      if (proc.failed) {
        const cause = proc.failed;
        finish(() => reject(new AwspermError('INTERNAL', `cannot start the worker: ${cause.message}`, { cause })));
        return;
      }
      if (proc.overflow) {
        finish(() => reject(new WorkerError('output', `sent more than ${Math.round(proc.maxOut / 1024)} KiB back`)));
        return;
      }
      // A complete result frame ends the run at once: the process is killed, not waited for (its exit takes ~5 ms).
      if (proc.ended || proc.framed) {
        closed(proc.ended?.code ?? null, proc.ended?.signal ?? null);
        return;
      }
      if (proc.up && codeReady && !clock) {
        clock = true;
        clearTimeout(timer);
        timer = setTimeout(timedOut, timeout);
      }
    };
    const closed = (code: number | null, signal: NodeJS.Signals | null): void => {
      const text = proc.out.toString('utf8');
      const at = text.lastIndexOf(`\n${nonce}{`);
      if (at < 0) {
        const memory = /heap out of memory|Allocation failed|invalid array length/i.test(proc.err) || signal === 'SIGABRT' || code === 134;
        finish(() =>
          reject(
            memory
              ? new WorkerError('memory', `ran out of memory (heap cap ${heap} MiB)`)
              : new WorkerError('exited', `ended the process before finishing (exit ${signal ?? code})`),
          ),
        );
        return;
      }
      let msg: { ok: boolean; value?: unknown; stubbed?: string[]; unknown?: UnknownValue[]; message?: string; stack?: string; phase?: string; runner?: boolean };
      try {
        msg = JSON.parse(text.slice(at + 1 + nonce.length));
      } catch (cause) {
        finish(() => reject(new AwspermError('INTERNAL', 'the worker sent a malformed result', { cause })));
        return;
      }
      if (msg.ok) {
        finish(() => resolvePromise({ value: msg.value, stubbed: msg.stubbed ?? [], unknown: msg.unknown ?? [] }));
        return;
      }
      const loc = LOCATION.exec(msg.stack ?? '');
      finish(() =>
        reject(
          new WorkerError(msg.runner ? 'runner' : 'threw', msg.message ?? 'failed', {
            ...(msg.phase ? { phase: msg.phase } : {}),
            ...(loc ? { location: { line: Number(loc[1]), column: Number(loc[2]) } } : {}),
            stubbed: msg.stubbed ?? [],
          }),
        ),
      );
    };
    proc.notify = update;
    update();
    Promise.resolve(options.code).then(
      (code) => {
        if (settled) return;
        codeReady = true;
        update();
        const text = typeof code === 'object' ? code.text : code;
        const format = typeof code === 'object' ? code.format : 'esm';
        proc.child.stdin!.end(JSON.stringify({ nonce, runner: options.runner, input: options.input, env, code: text, format }));
      },
      (error: unknown) => finish(() => reject(error)),
    );
  });
}

// Variables a project legitimately reads to pick its stage, region, profile and app name.
const PASS_NAMES = new Set(['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'NODE_ENV', 'CI', 'STAGE', 'TZ', 'LANG']);
// Credentials, tokens and anything named like a secret: never given to project code.
const SECRET = /SECRET|TOKEN|PASSWORD|PASSWD|PRIVATE|CREDENTIAL|SESSION|API_KEY|ACCESS_KEY|AUTH/i;

/**
 * The environment project code runs with: from `env` only the variables that decide a stage or region
 * (`AWS_PROFILE`, `AWS_REGION`, `NODE_ENV`, `CI`, `STAGE`, …), those starting with one of `prefixes` (e.g. `SST_`),
 * and those the project's own dotenv files set (`fromFiles`), minus anything named like a credential, token or
 * secret (`AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `GITHUB_TOKEN`, `NPM_TOKEN`, …).
 */
export function workerEnv(
  env: Readonly<Record<string, string | undefined>>,
  options: { prefixes?: readonly string[]; fromFiles?: Readonly<Record<string, string | undefined>> } = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  const take = (k: string, v: string | undefined): void => {
    if (typeof v === 'string' && !SECRET.test(k) && !k.startsWith('NODE_OPTIONS')) out[k] = v;
  };
  for (const [k, v] of Object.entries(env)) {
    if (PASS_NAMES.has(k) || (options.prefixes ?? []).some((p) => k.startsWith(p))) take(k, v);
  }
  for (const [k, v] of Object.entries(options.fromFiles ?? {})) take(k, v);
  return out;
}
