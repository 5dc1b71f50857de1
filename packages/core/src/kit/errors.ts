import { AwspermError } from '../errors.ts';
import type { ErrorDetails } from '../errors-data.ts';

/**
 * The error for a tool config awsperm cannot use: `PROJECT_CONFIG_INVALID` (exit 2), its message starting with the
 * file (and line, when known) so the user can go there. The hint says how to fix it, in the tool's terms; `remedy`
 * says which of the options it means, so that a CLI can name its own flag (`stage` → `--stage`).
 */
export function projectConfigError(
  file: string,
  message: string,
  options: { line?: number; hint?: string; cause?: unknown; remedy?: ErrorDetails['PROJECT_CONFIG_INVALID']['remedy'] } = {},
): AwspermError {
  const data = { file, detail: message, ...(options.line ? { line: options.line } : {}), ...(options.remedy ? { remedy: options.remedy } : {}) };
  return AwspermError.from('PROJECT_CONFIG_INVALID', data, {
    ...(options.hint ? { hint: options.hint } : {}),
    ...(options.cause !== undefined ? { cause: options.cause } : {}),
  });
}

/** The error for an adapter's own bad option or argument: `USAGE` (exit 2). */
export function usageError(message: string, hint?: string): AwspermError {
  return AwspermError.from('USAGE', { detail: message }, hint ? { hint } : {});
}
