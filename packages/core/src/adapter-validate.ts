import type { AwspermAdapter } from './adapter.ts';
import { AwspermError } from './errors.ts';

/** The adapter API versions this core speaks. */
export const SUPPORTED_ADAPTER_API_VERSIONS: readonly number[] = [1];

/**
 * Checks that `value` satisfies the {@link AwspermAdapter} contract and returns it typed. Throws
 * `ADAPTER_INVALID` naming `origin` (the package or file it came from) and the problem.
 */
export function validateAdapter(value: unknown, origin: string): AwspermAdapter {
  const fail = (problem: string): never => {
    throw new AwspermError('ADAPTER_INVALID', `adapter ${origin}: ${problem}`, {
      adapter: origin,
      hint: 'An adapter is a plain object typed by AwspermAdapter from @awsperm/core (see the adapter authoring guide).',
    });
  };
  if (typeof value !== 'object' || value === null) return fail('is not an object');
  const a = value as Record<string, unknown>;
  if (a.apiVersion === undefined) fail('has no apiVersion');
  if (typeof a.apiVersion !== 'number' || !SUPPORTED_ADAPTER_API_VERSIONS.includes(a.apiVersion)) {
    fail(
      `has apiVersion ${JSON.stringify(a.apiVersion)}: it targets adapter API v${String(a.apiVersion)}; this awsperm speaks v${SUPPORTED_ADAPTER_API_VERSIONS.join(', v')} (upgrade awsperm or use a release of ${origin} for v1)`,
    );
  }
  if (typeof a.name !== 'string' || a.name === '') fail('has no name');
  if (typeof a.tool !== 'string' || !/^[a-z][a-z0-9-]*$/.test(a.tool)) fail('has no valid tool id (lower-case letters, digits, -)');
  for (const hook of ['detect', 'loadProject', 'policySet'] as const) {
    if (typeof a[hook] !== 'function') fail(`is missing the ${hook}() hook`);
  }
  for (const hook of ['credentialRules', 'templateLocations'] as const) {
    if (a[hook] !== undefined && typeof a[hook] !== 'function') fail(`has a ${hook} that is not a function`);
  }
  return value as AwspermAdapter;
}

/**
 * Calls an adapter hook, attributing any failure to the adapter: an {@link AwspermError} keeps its code and gains
 * the adapter's name; anything else becomes `ADAPTER_FAILED`.
 */
export async function callAdapter<T>(adapter: AwspermAdapter, hook: string, call: () => T | Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (cause) {
    if (AwspermError.is(cause)) {
      if (cause.adapter) throw cause;
      throw new AwspermError(cause.code, cause.message, { ...(cause.hint ? { hint: cause.hint } : {}), adapter: adapter.name, cause });
    }
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new AwspermError('ADAPTER_FAILED', `adapter ${adapter.name} failed in ${hook}(): ${message}`, {
      adapter: adapter.name,
      hint: `This is a bug in ${adapter.name}; rerun with --debug for the stack trace and report it.`,
      cause,
    });
  }
}
