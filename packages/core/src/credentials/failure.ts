import type { Deadline } from '../aws/deadline.ts';
import { AwspermError, type AwspermErrorOptions, type ErrorCode } from '../errors.ts';
import type { ErrorDetails } from '../errors-data.ts';
import type { CredentialExplanation } from './types.ts';

/**
 * An {@link AwspermError} about credentials that carries the explanation gathered so far (the chain as tried), so
 * `whoami --format json` and `--debug` can still show it. Recognised by `AwspermError.is` like any awsperm error.
 */
export class CredentialsError extends AwspermError {
  /** The chain as tried up to the failure; holds no secret. */
  readonly explanation: CredentialExplanation | undefined;

  constructor(code: ErrorCode, message: string, options: AwspermErrorOptions & { explanation?: CredentialExplanation } = {}) {
    super(code, message, options);
    this.explanation = options.explanation;
  }
}

const THROTTLING = new Set(['Throttling', 'ThrottlingException', 'ThrottledException', 'RequestLimitExceeded', 'TooManyRequestsException', 'RequestThrottled']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EPIPE']);
const INVALID = new Set([
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'ExpiredTokenException',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  'InvalidToken',
]);

/** The network error code buried in an SDK error (`ECONNREFUSED` …), if any. */
export function networkCode(error: unknown): string | undefined {
  let e: unknown = error;
  for (let i = 0; i < 5 && typeof e === 'object' && e !== null; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    const name = (e as { name?: unknown }).name;
    if (name === 'TimeoutError') return 'ETIMEDOUT';
    const m = /\b(ECONNREFUSED|ENOTFOUND|ETIMEDOUT|ECONNRESET|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN)\b/.exec(String((e as { message?: unknown }).message ?? ''));
    if (m) return m[1];
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The AWS error code of an SDK service exception (`AccessDenied`, `InvalidClientTokenId` …), if any. */
export function awsErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { name?: unknown; Code?: unknown; $metadata?: unknown };
  if (typeof e.Code === 'string') return e.Code;
  if (e.$metadata !== undefined && typeof e.name === 'string') return e.name;
  return undefined;
}

/** What went wrong with a call, as an awsperm error code, message and hint. */
export interface ClassifiedFailure {
  /** The error code. */
  code: ErrorCode;
  /** One line. */
  message: string;
  /** What to do, in the library's terms (the CLI words it with its flags from `data`). */
  hint?: string;
  /** The catalogue data of the error, when the failure is one the catalogue describes. */
  data?: ErrorDetails[ErrorCode];
}

/** A failure described by the catalogue: its message and hint from the data. */
function catalogued<C extends ErrorCode>(code: C, data: ErrorDetails[C]): ClassifiedFailure {
  const e = AwspermError.from(code, data);
  return { code, message: e.message, ...(e.hint ? { hint: e.hint } : {}), data };
}

/** The options that carry a classified failure's hint and data into an error. */
export function failureOptions(c: ClassifiedFailure): { hint?: string; data?: ErrorDetails[ErrorCode] } {
  return { ...(c.hint ? { hint: c.hint } : {}), ...(c.data !== undefined ? { data: c.data } : {}) };
}

/** How many attempts an SDK error says were made, as `, N attempts` (more than one), or `''`. */
function attemptsOf(error: unknown): string {
  const n = (error as { $metadata?: { attempts?: number } } | null)?.$metadata?.attempts;
  return typeof n === 'number' && n > 1 ? `, ${n} attempts` : '';
}

/**
 * Turns an error from an SDK provider or client into awsperm's terms. `what` names the call ("sts:GetCallerIdentity",
 * "fromIni"); `profile` is used in hints; `endpoint` names where the call went; `deadline` is the run's bound
 * (`--timeout`): once it has passed, the failure is a timeout whatever the last attempt said.
 */
export function classifyFailure(
  error: unknown,
  what: string,
  context: { profile?: string; endpoint?: string; deadline?: Deadline | undefined } = {},
): ClassifiedFailure {
  if (AwspermError.is(error)) {
    return { code: error.code, message: withoutSdkNotes(error).message, ...(error.hint ? { hint: error.hint } : {}), ...(error.data !== undefined ? { data: error.data as ErrorDetails[ErrorCode] } : {}) };
  }
  const message = error instanceof Error ? error.message : String(error);
  const profile = context.profile ?? 'default';
  const where = context.endpoint ? ` at ${context.endpoint}` : '';
  const deadline = context.deadline;
  if (deadline && (deadline.signal.aborted || deadline.remainingMs() === 0)) {
    return catalogued('TIMEOUT', {
      operation: what,
      seconds: deadline.seconds,
      ...(context.endpoint ? { endpoint: context.endpoint } : {}),
      ...(deadline.lastFailure ? { lastFailure: deadline.lastFailure } : {}),
    });
  }
  if (/requires multi-factor authentication/i.test(message)) {
    return catalogued('MFA_REQUIRED', { profile });
  }
  if (/sso/i.test(message) && /(token|session)/i.test(message) && /(expired|not found|invalid|refresh|login)/i.test(message)) {
    return catalogued('SSO_TOKEN_EXPIRED', { profile });
  }
  const net = networkCode(error);
  if (net) {
    const broken = net === 'ECONNRESET' || net === 'EPIPE';
    return catalogued('NETWORK', { operation: what, errno: broken ? `${net}${attemptsOf(error)}` : net, ...(context.endpoint ? { endpoint: context.endpoint } : {}), ...(broken ? { broken } : {}) });
  }
  // The SDK names an error it could not read "Unknown": that is no AWS error code.
  const aws = ((code) => (code === 'Unknown' || code === 'UnknownError' ? undefined : code))(awsErrorCode(error));
  if (aws && THROTTLING.has(aws)) {
    return catalogued('AWS_UNAVAILABLE', { operation: what, detail: `AWS throttled every attempt (${aws}${attemptsOf(error)})`, reason: 'throttled' });
  }
  const status = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  if (typeof status === 'number' && status >= 500) {
    return catalogued('AWS_UNAVAILABLE', { operation: what, detail: `AWS${where} answered HTTP ${status}${aws ? ` (${aws})` : ''} on every attempt${attemptsOf(error)}`, reason: 'server-error' });
  }
  if (/Deserialization error|Unexpected end|Invalid XML|not well-formed|Unclosed|Expected closing tag/i.test(message)) {
    return catalogued('AWS_RESPONSE_INVALID', { operation: what, detail: `the answer from AWS${where} could not be read (incomplete or not an AWS response)`, reason: 'endpoint' });
  }
  if (typeof status === 'number' && status >= 300 && !aws) {
    return catalogued('AWS_RESPONSE_INVALID', { operation: what, detail: `the endpoint${where} answered HTTP ${status} without an AWS error (not an AWS response)`, reason: 'endpoint' });
  }
  if (aws && INVALID.has(aws)) return catalogued('CREDENTIALS_INVALID', { operation: what, awsCode: aws });
  if (aws && /AccessDenied/i.test(aws)) {
    return { code: 'ACCESS_DENIED', message: `${what}: access denied (${aws})`, hint: `Grant ${what} to this principal.` };
  }
  return { code: 'CREDENTIALS_UNAVAILABLE', message: `${what}: ${sdkMessage(error)}` };
}

/** The SDK's notes about its own error fields, never worth showing: "Deserialization error: … {error}.$response …". */
const SDK_NOTE = /Deserialization error|\$response|\$metadata|hidden field/i;

/**
 * `error` without the note the SDK appends to the message of any error thrown while it reads an answer — awsperm's
 * own too, when a guard refuses the answer from inside the deserializer ("Deserialization error: … $response …").
 */
export function withoutSdkNotes<E extends Error>(error: E): E {
  if (SDK_NOTE.test(error.message)) {
    error.message = error.message
      .split('\n')
      .filter((l) => !SDK_NOTE.test(l))
      .join('\n');
  }
  return error;
}

/**
 * An SDK error's message as a user may read it: its first line without the SDK's notes about its own fields
 * (`$response`, `$metadata`), and never a bare "Unknown" (the SDK's name for an answer it could not read).
 */
export function sdkMessage(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const text = (raw.split('\n').map((l) => l.trim()).find((l) => l !== '' && !SDK_NOTE.test(l)) ?? '').trim();
  if (text !== '' && !/^Unknown(Error)?$/i.test(text)) return text;
  const status = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  return typeof status === 'number' ? `the endpoint answered HTTP ${status} with an error awsperm cannot read` : 'an error awsperm cannot read';
}

/** The first line of a message, trimmed. */
export function firstLine(text: string): string {
  return (text.split('\n').find((l) => l.trim() !== '') ?? text).trim();
}
