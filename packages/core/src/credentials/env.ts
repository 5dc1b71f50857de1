import type { Env } from './types.ts';

/**
 * True for the values Go's `strconv.ParseBool` accepts as true (`1`, `t`, `T`, `TRUE`, `true`, `True`), which is
 * how Go tools such as Up read switches like `AWS_SDK_LOAD_CONFIG`.
 */
export function goTruthy(value: string | undefined): boolean {
  return value !== undefined && ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value);
}

/** The first non-empty value among `names` in `env`, with the name it came from. */
export function firstEnv(env: Env, names: readonly string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value !== '') return { name, value };
  }
  return undefined;
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs `fn` with `process.env` replaced by `env`, then restores it.
 *
 * The AWS SDK reads `process.env` itself in many places (`fromEnv`, the home directory, the web-identity and
 * container variables, `AWS_EC2_METADATA_DISABLED`, endpoint and region variables, and the environment of a
 * `credential_process` child). awsperm passes everything it can as explicit options (profile, file paths, endpoint,
 * region), and for the rest runs the SDK with the caller's environment swapped in. Calls are serialised
 * process-wide so two resolutions never see each other's environment; code running concurrently elsewhere in the
 * process sees the swapped environment while a resolution is in flight.
 */
export function withProcessEnv<T>(env: Env, fn: () => Promise<T>): Promise<T> {
  const run = async (): Promise<T> => {
    const saved = { ...process.env };
    // Snapshot first: `env` may be process.env itself, which replaceEnv clears.
    replaceEnv({ ...env });
    try {
      return await fn();
    } finally {
      replaceEnv(saved);
    }
  };
  const result = queue.then(run, run);
  queue = result.catch(() => undefined);
  return result;
}

function replaceEnv(env: Env): void {
  for (const key of Object.keys(process.env)) delete process.env[key];
  for (const [key, value] of Object.entries(env)) if (value !== undefined) process.env[key] = value;
}

/** Masks an access key id as its first 4 and last 4 characters (`AKIA…WXYZ`); short values become `…`. */
export function maskAccessKeyId(id: string): string {
  return id.length < 12 ? '…' : `${id.slice(0, 4)}…${id.slice(-4)}`;
}

/** Replaces every occurrence of the secret values in `text` with `[redacted]` and of access key ids with their mask. */
export function redact(text: string, secrets: readonly (string | undefined)[], accessKeyIds: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('[redacted]');
  for (const id of accessKeyIds) if (id && id.length >= 12) out = out.split(id).join(maskAccessKeyId(id));
  return out;
}
