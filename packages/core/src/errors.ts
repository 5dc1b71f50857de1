import { catalogueHint, type ErrorCode, type ErrorDetails, type ErrorKind, errorCodes } from './errors-data.ts';

export { type ErrorCatalogue, type ErrorCode, type ErrorData, type ErrorDetails, type ErrorKind, type ErrorText, errorCodes } from './errors-data.ts';

/** Options for {@link AwspermError}. */
export interface AwspermErrorOptions<C extends ErrorCode = ErrorCode> {
  /** One line telling the user what to do next. */
  hint?: string;
  /** The adapter (package name) the error is attributed to. */
  adapter?: string;
  /** The underlying error. */
  cause?: unknown;
  /** What failed, as the catalogue describes it for the code (see {@link ErrorDetails}). */
  data?: ErrorDetails[C];
}

/**
 * The error type awsperm throws for every expected failure. The message is one line saying what went wrong;
 * the hint says what to do; `data` says what failed (the file, the operation, …) for those who word their own
 * remedies, as the CLI does. Make one from the catalogue with {@link AwspermError.from}; recognise it with
 * {@link AwspermError.is}, which also works across copies of core.
 */
export class AwspermError<C extends ErrorCode = ErrorCode> extends Error {
  /** Stable error code from {@link errorCodes}. */
  readonly code: C;
  /** What kind of failure; decides the exit code. */
  readonly kind: ErrorKind;
  /** What to do about it, if there is something. */
  readonly hint: string | undefined;
  /** The adapter the error comes from, if any. */
  readonly adapter: string | undefined;
  /** What failed, when the error was made from the catalogue or given its data. */
  readonly data: ErrorDetails[C] | undefined;

  constructor(code: C, message: string, options: AwspermErrorOptions<C> = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AwspermError';
    this.code = code;
    this.kind = errorCodes[code].kind;
    this.hint = options.hint;
    this.adapter = options.adapter;
    this.data = options.data;
  }

  /**
   * The error for `code` with its message (and, unless `options.hint` is given, its hint) from the catalogue
   * entry, filled with `data`.
   */
  static from<K extends ErrorCode>(code: K, data: ErrorDetails[K], options: Omit<AwspermErrorOptions<K>, 'data'> = {}): AwspermError<K> {
    const hint = options.hint ?? catalogueHint(code, data);
    return new AwspermError(code, errorCodes[code].message(data as never), { ...options, ...(hint ? { hint } : {}), data });
  }

  /**
   * True when `value` is an AwspermError (of `code`, when given), even one created by another copy of
   * `@awsperm/core`.
   */
  static is<K extends ErrorCode = ErrorCode>(value: unknown, code?: K): value is AwspermError<K> {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as { name?: unknown }).name === 'AwspermError' &&
      typeof (value as { code?: unknown }).code === 'string' &&
      typeof (value as { kind?: unknown }).kind === 'string' &&
      (code === undefined || (value as { code?: unknown }).code === code)
    );
  }
}
