import { AwspermError } from '../errors.ts';

/**
 * The error for a tool config awsperm cannot use: `PROJECT_CONFIG_INVALID` (exit 2), its message starting with the
 * file (and line, when known) so the user can go there. The hint says how to fix it, in the tool's terms.
 */
export function projectConfigError(file: string, message: string, options: { line?: number; hint?: string; cause?: unknown } = {}): AwspermError {
  return AwspermError.from('PROJECT_CONFIG_INVALID', { file, detail: message, ...(options.line ? { line: options.line } : {}) }, {
    ...(options.hint ? { hint: options.hint } : {}),
    ...(options.cause !== undefined ? { cause: options.cause } : {}),
  });
}

/** The error for an adapter's own bad option or argument: `USAGE` (exit 2). */
export function usageError(message: string, hint?: string): AwspermError {
  return AwspermError.from('USAGE', { detail: message }, hint ? { hint } : {});
}
