import type { Deadline } from '../aws/deadline.ts';
import { AwspermError, type AwspermErrorOptions, type ErrorCode } from '../errors.ts';
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
  /** What to do. */
  hint?: string;
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
  if (AwspermError.is(error)) return { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  const message = error instanceof Error ? error.message : String(error);
  const profile = context.profile ?? 'default';
  const where = context.endpoint ? ` at ${context.endpoint}` : '';
  const deadline = context.deadline;
  if (deadline && (deadline.signal.aborted || deadline.remainingMs() === 0)) {
    const last = deadline.lastFailure ? `; the last failed attempt: ${deadline.lastFailure}` : '';
    return {
      code: 'TIMEOUT',
      message: `${what}: no answer from AWS${where} within ${deadline.seconds} s${last}`,
      hint: 'Check the network and the endpoint (--endpoint-url, AWS_ENDPOINT_URL*), or allow longer with --timeout <seconds>.',
    };
  }
  if (/requires multi-factor authentication/i.test(message)) {
    return {
      code: 'MFA_REQUIRED',
      message: `profile '${profile}' needs an MFA code`,
      hint: 'Pass --mfa-code <code>, or run awsperm on a terminal to be prompted.',
    };
  }
  if (/sso/i.test(message) && /(token|session)/i.test(message) && /(expired|not found|invalid|refresh|login)/i.test(message)) {
    return {
      code: 'SSO_TOKEN_EXPIRED',
      message: `the SSO session token for profile '${profile}' is missing or expired`,
      hint: `run 'aws sso login --profile ${profile}'`,
    };
  }
  const net = networkCode(error);
  if (net) {
    return {
      code: 'NETWORK',
      message:
        net === 'ECONNRESET' || net === 'EPIPE'
          ? `${what}: the connection to AWS${where} broke before the answer was complete (${net}${attemptsOf(error)})`
          : `${what}: could not reach AWS${where} (${net})`,
      hint: 'Check your network, --endpoint-url and AWS_ENDPOINT_URL*.',
    };
  }
  const aws = awsErrorCode(error);
  if (aws && THROTTLING.has(aws)) {
    return {
      code: 'AWS_UNAVAILABLE',
      message: `${what}: AWS throttled every attempt (${aws}${attemptsOf(error)})`,
      hint: 'Wait a minute and retry, or allow awsperm longer to retry with --timeout <seconds>.',
    };
  }
  const status = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  if (typeof status === 'number' && status >= 500) {
    return {
      code: 'AWS_UNAVAILABLE',
      message: `${what}: AWS${where} answered HTTP ${status}${aws ? ` (${aws})` : ''} on every attempt${attemptsOf(error)}`,
      hint: 'AWS or the endpoint is having trouble: retry later, and check --endpoint-url and AWS_ENDPOINT_URL*.',
    };
  }
  if (/Deserialization error|Unexpected end|Invalid XML|not well-formed|Unclosed|Expected closing tag/i.test(message)) {
    return {
      code: 'AWS_RESPONSE_INVALID',
      message: `${what}: the answer from AWS${where} could not be read (incomplete or not an AWS response)`,
      hint: 'Retry; if it persists, check --endpoint-url, AWS_ENDPOINT_URL* and any proxy in between.',
    };
  }
  if (aws && INVALID.has(aws)) {
    return {
      code: 'CREDENTIALS_INVALID',
      message: `${what}: AWS rejected the credentials (${aws})`,
      hint: 'The keys are wrong, deactivated or expired; refresh them or pick another profile.',
    };
  }
  if (aws && /AccessDenied/i.test(aws)) {
    return { code: 'ACCESS_DENIED', message: `${what}: access denied (${aws})`, hint: `Grant ${what} to this principal.` };
  }
  return { code: 'CREDENTIALS_UNAVAILABLE', message: `${what}: ${firstLine(message)}` };
}

/** The first line of a message, trimmed. */
export function firstLine(text: string): string {
  return (text.split('\n').find((l) => l.trim() !== '') ?? text).trim();
}
