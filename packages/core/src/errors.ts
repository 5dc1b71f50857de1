/**
 * The kinds of failure awsperm distinguishes. Each maps to one exit code in the CLI:
 * `usage` and `config` → 2, `unavailable` → 3, `internal` → 70 (a bug in awsperm or an adapter).
 */
export type ErrorKind = 'usage' | 'config' | 'unavailable' | 'internal';

/** Everything needed to describe one error code. */
export interface ErrorData {
  /** Stable, greppable code such as `POLICY_INVALID`. */
  code: string;
  /** What kind of failure this is; decides the exit code. */
  kind: ErrorKind;
  /** Short human title, used in documentation. */
  title: string;
}

/**
 * The catalogue of error codes awsperm raises. Adapters use the same codes so the CLI treats their errors alike.
 */
/** The stable error codes. */
export type ErrorCode =
  | 'USAGE'
  | 'FILE_NOT_FOUND'
  | 'FILE_UNREADABLE'
  | 'JSON_INVALID'
  | 'POLICY_INVALID'
  | 'AUTH_DETAILS_INVALID'
  | 'PRINCIPAL_NOT_FOUND'
  | 'ACTION_INVALID'
  | 'ACTION_UNKNOWN'
  | 'TOOL_UNKNOWN'
  | 'TOOL_NOT_DETECTED'
  | 'TOOL_AMBIGUOUS'
  | 'PROJECT_CONFIG_INVALID'
  | 'ADAPTER_INVALID'
  | 'ADAPTER_FAILED'
  | 'CREDENTIALS_UNAVAILABLE'
  | 'CREDENTIALS_INVALID'
  | 'CREDENTIALS_UNSUPPORTED'
  | 'MFA_REQUIRED'
  | 'SSO_TOKEN_EXPIRED'
  | 'NETWORK'
  | 'TIMEOUT'
  | 'AWS_UNAVAILABLE'
  | 'ACCESS_DENIED'
  | 'CONFIG_INVALID'
  | 'PRINCIPAL_GONE'
  | 'AWS_RESPONSE_INVALID'
  | 'READ_ONLY_VIOLATION'
  | 'TEMPLATE_INVALID'
  | 'CLOUD_ASSEMBLY_INVALID'
  | 'CFN_SCHEMA_INVALID'
  | 'NOT_IMPLEMENTED'
  | 'FEATURE_UNKNOWN'
  | 'INTERNAL';

/** The catalogue of error codes, see {@link ErrorCode}. */
export const errorCodes: Readonly<Record<ErrorCode, ErrorData>> = {
  USAGE: { code: 'USAGE', kind: 'usage', title: 'Invalid command line' },
  FEATURE_UNKNOWN: { code: 'FEATURE_UNKNOWN', kind: 'usage', title: 'A feature name the tool does not know' },
  FILE_NOT_FOUND: { code: 'FILE_NOT_FOUND', kind: 'usage', title: 'A file named on the command line does not exist' },
  FILE_UNREADABLE: { code: 'FILE_UNREADABLE', kind: 'usage', title: 'A file could not be read' },
  JSON_INVALID: { code: 'JSON_INVALID', kind: 'config', title: 'Malformed JSON' },
  POLICY_INVALID: { code: 'POLICY_INVALID', kind: 'config', title: 'A policy document has the wrong shape' },
  AUTH_DETAILS_INVALID: {
    code: 'AUTH_DETAILS_INVALID',
    kind: 'config',
    title: 'An account authorization details file has the wrong shape',
  },
  PRINCIPAL_NOT_FOUND: {
    code: 'PRINCIPAL_NOT_FOUND',
    kind: 'config',
    title: 'The principal is not in the authorization details',
  },
  ACTION_INVALID: { code: 'ACTION_INVALID', kind: 'usage', title: 'An action is not of the form service:Action' },
  ACTION_UNKNOWN: { code: 'ACTION_UNKNOWN', kind: 'usage', title: 'An action pattern matches no known IAM action' },
  TOOL_UNKNOWN: { code: 'TOOL_UNKNOWN', kind: 'usage', title: 'No adapter for this tool' },
  TOOL_NOT_DETECTED: { code: 'TOOL_NOT_DETECTED', kind: 'usage', title: 'No tool detected in the project' },
  TOOL_AMBIGUOUS: { code: 'TOOL_AMBIGUOUS', kind: 'usage', title: 'More than one tool detected in the project' },
  PROJECT_CONFIG_INVALID: {
    code: 'PROJECT_CONFIG_INVALID',
    kind: 'config',
    title: "The tool's project configuration is invalid",
  },
  ADAPTER_INVALID: { code: 'ADAPTER_INVALID', kind: 'config', title: 'An adapter does not satisfy the contract' },
  ADAPTER_FAILED: { code: 'ADAPTER_FAILED', kind: 'internal', title: 'An adapter failed unexpectedly' },
  CREDENTIALS_UNAVAILABLE: {
    code: 'CREDENTIALS_UNAVAILABLE',
    kind: 'unavailable',
    title: 'No usable AWS credentials',
  },
  CREDENTIALS_INVALID: {
    code: 'CREDENTIALS_INVALID',
    kind: 'unavailable',
    title: 'AWS rejected the credentials (invalid, expired or malformed)',
  },
  CREDENTIALS_UNSUPPORTED: {
    code: 'CREDENTIALS_UNSUPPORTED',
    kind: 'unavailable',
    title: 'The tool cannot use the selected credentials (for example Up with an MFA profile)',
  },
  MFA_REQUIRED: { code: 'MFA_REQUIRED', kind: 'unavailable', title: 'The profile needs an MFA code and none was given' },
  SSO_TOKEN_EXPIRED: {
    code: 'SSO_TOKEN_EXPIRED',
    kind: 'unavailable',
    title: 'The SSO session token is missing or expired',
  },
  NETWORK: { code: 'NETWORK', kind: 'unavailable', title: 'An AWS endpoint could not be reached' },
  TIMEOUT: { code: 'TIMEOUT', kind: 'unavailable', title: 'AWS did not answer within the time allowed (--timeout)' },
  AWS_UNAVAILABLE: {
    code: 'AWS_UNAVAILABLE',
    kind: 'unavailable',
    title: 'AWS throttled or failed the request on every attempt',
  },
  ACCESS_DENIED: {
    code: 'ACCESS_DENIED',
    kind: 'unavailable',
    title: 'AWS denied a read call awsperm needs',
  },
  CONFIG_INVALID: { code: 'CONFIG_INVALID', kind: 'config', title: 'The awsperm config file is invalid' },
  PRINCIPAL_GONE: {
    code: 'PRINCIPAL_GONE',
    kind: 'unavailable',
    title: 'The principal behind the credentials no longer exists in IAM',
  },
  AWS_RESPONSE_INVALID: {
    code: 'AWS_RESPONSE_INVALID',
    kind: 'unavailable',
    title: 'An AWS response held data awsperm cannot use (for example a malformed policy document)',
  },
  READ_ONLY_VIOLATION: {
    code: 'READ_ONLY_VIOLATION',
    kind: 'internal',
    title: 'awsperm tried to call an AWS operation that is not read-only',
  },
  TEMPLATE_INVALID: {
    code: 'TEMPLATE_INVALID',
    kind: 'config',
    title: 'A CloudFormation template is malformed or is not a template',
  },
  CLOUD_ASSEMBLY_INVALID: {
    code: 'CLOUD_ASSEMBLY_INVALID',
    kind: 'config',
    title: 'A cdk.out cloud assembly is malformed, of an unknown version, or misses a file it names',
  },
  CFN_SCHEMA_INVALID: {
    code: 'CFN_SCHEMA_INVALID',
    kind: 'config',
    title: 'A CloudFormation resource schema or schema bundle is malformed',
  },
  NOT_IMPLEMENTED: { code: 'NOT_IMPLEMENTED', kind: 'usage', title: 'This mode or option is not available yet' },
  INTERNAL: { code: 'INTERNAL', kind: 'internal', title: 'Internal error' },
};

/** Options for {@link AwspermError}. */
export interface AwspermErrorOptions {
  /** One line telling the user what to do next. */
  hint?: string;
  /** The adapter (package name) the error is attributed to. */
  adapter?: string;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * The error type awsperm throws for every expected failure. The message is one line saying what went wrong;
 * the hint says what to do. Recognise it with {@link AwspermError.is}, which also works across copies of core.
 */
export class AwspermError extends Error {
  /** Stable error code from {@link errorCodes}. */
  readonly code: ErrorCode;
  /** What kind of failure; decides the exit code. */
  readonly kind: ErrorKind;
  /** What to do about it, if there is something. */
  readonly hint: string | undefined;
  /** The adapter the error comes from, if any. */
  readonly adapter: string | undefined;

  constructor(code: ErrorCode, message: string, options: AwspermErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AwspermError';
    this.code = code;
    this.kind = errorCodes[code].kind;
    this.hint = options.hint;
    this.adapter = options.adapter;
  }

  /** True when `value` is an AwspermError, even one created by another copy of `@awsperm/core`. */
  static is(value: unknown): value is AwspermError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as { name?: unknown }).name === 'AwspermError' &&
      typeof (value as { code?: unknown }).code === 'string' &&
      typeof (value as { kind?: unknown }).kind === 'string'
    );
  }
}
