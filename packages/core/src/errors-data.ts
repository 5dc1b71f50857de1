// The catalogue of awsperm's errors: per code, its kind (the exit code), a title, the message as a function of the
// error's data, and a hint. Hints speak of what to do in the library's terms and never name a command-line flag:
// the CLI words its own remedies (packages/cli/src/remedies.ts). Astro keeps its errors the same way
// (withastro/astro, packages/astro/src/core/errors/errors-data.ts @ 99d3d3d).

/**
 * The kinds of failure awsperm distinguishes. Each maps to one exit code in the CLI:
 * `usage` and `config` → 2, `unavailable` → 3, `internal` → 70 (a bug in awsperm or an adapter).
 */
export type ErrorKind = 'usage' | 'config' | 'unavailable' | 'internal';

/** What a message or hint is made of: the call that failed (`iam:GetRole`), in awsperm's service:Operation form. */
type Operation = string;

/**
 * The data each error code carries, besides its message and hint: what failed (the file, the operation, the
 * adapter, …). `AwspermError.data` holds it when the error was made from the catalogue (`AwspermError.from`).
 */
export interface ErrorDetails {
  /** A bad option or combination of options; `option` is the session option at fault, when there is one. */
  USAGE: { detail: string; option?: string };
  /** A request-context value that is not of its key's type; `from` says whether the options or the config gave it. */
  CONTEXT_INVALID: { key: string; value: string; expected: string; from: 'option' | 'config' };
  /** A feature name the adapter does not declare. */
  FEATURE_UNKNOWN: { feature: string; tool: string; toolName: string; known: readonly string[]; suggestion?: string };
  /** `what` says which input (`policy file`, `template`, …); `option` the session option that named it. */
  FILE_NOT_FOUND: { what: string; file: string; option?: string };
  /** `reason` is the `errno` code, or what the path is instead of a readable file. */
  FILE_UNREADABLE: {
    what: string;
    file: string;
    reason: 'error' | 'not-regular' | 'directory' | 'too-large';
    errno?: string;
    type?: string;
    limitKiB?: number;
    option?: string;
  };
  /** `where` is the file, with line and column when known. */
  JSON_INVALID: { where: string; detail: string };
  /** `where` is the file or the policy's name. */
  POLICY_INVALID: { where?: string; detail: string };
  AUTH_DETAILS_INVALID: { file: string; detail: string };
  /** `users`/`roles`: how many the file lists; `via`: how the deploy reaches a service role. */
  PRINCIPAL_NOT_FOUND: { file: string; principal: string; users?: number; roles?: number; via?: string };
  ACTION_INVALID: { action: string };
  ACTION_UNKNOWN: { pattern: string; service: string; reason: 'service' | 'no-match' };
  /** `install` is the command that installs the conventional adapter package. */
  TOOL_UNKNOWN: { tool: string; scoped: string; plain: string; install: string; builtins: readonly string[] };
  /** Without `tool`, nothing was detected; `known` lists the tools that could have been. */
  TOOL_NOT_DETECTED: { cwd: string; tool?: string; toolName?: string; known: readonly string[] };
  TOOL_AMBIGUOUS: { cwd: string; found: readonly { tool: string; configFile: string }[] };
  /**
   * `remedy`, the way out the hint describes in the library's terms: `no-exec` read the project without running its
   * code; `exec` let awsperm run it; `stage` give the stage; `drop-role-arn` give no service role; `template` name the
   * templates or cloud assembly.
   */
  PROJECT_CONFIG_INVALID: { file: string; line?: number; detail: string; remedy?: 'no-exec' | 'exec' | 'stage' | 'drop-role-arn' | 'template' };
  ADAPTER_INVALID: { adapter: string; detail: string };
  /** `hook` is the adapter method that threw. */
  ADAPTER_FAILED: { adapter: string; hook: string; detail: string };
  CREDENTIALS_UNAVAILABLE: { operation?: Operation; detail: string };
  /** `key`: the masked access key id AWS rejected; `from`: where it came from (`profile 'dev'`, `the environment`). */
  CREDENTIALS_INVALID: { operation: Operation; awsCode: string; key?: string; from?: string };
  /** `principal`: the ARN a mode cannot work with. */
  CREDENTIALS_UNSUPPORTED: { detail: string; principal?: string };
  MFA_REQUIRED: { profile: string };
  SSO_TOKEN_EXPIRED: { profile: string };
  NETWORK: { operation: Operation; errno: string; endpoint?: string; broken?: boolean };
  /** `seconds` is the run's bound on AWS calls. */
  TIMEOUT: { operation: Operation; seconds: number; endpoint?: string; lastFailure?: string };
  /** `alternative: 'local-mode'`: the failing call is the simulator's, and the local mode does without it. */
  AWS_UNAVAILABLE: { operation: Operation; detail: string; reason?: 'throttled' | 'server-error' | 'failed'; alternative?: 'local-mode' };
  /** `grant` says which statement to grant: awsperm's read policy, its tool-state statement, or the operation. */
  ACCESS_DENIED: { operation: Operation; awsCode: string; consequence?: string; grant: 'read-policy' | 'tool-state' | 'operation'; readPolicy?: string };
  CONFIG_INVALID: { file?: string; detail: string };
  PRINCIPAL_GONE: { principal: string; operation?: Operation; detail?: string };
  /**
   * `reason`: `endpoint` (the answer is not AWS's: an HTML page, another content type, too large), `no-result`
   * (a simulation without an answer), `malformed-policy` (IAM holds a document awsperm cannot read), `object`.
   */
  AWS_RESPONSE_INVALID: { operation: Operation; detail: string; reason: 'endpoint' | 'no-result' | 'malformed-policy' | 'object' };
  READ_ONLY_VIOLATION: { operation: Operation; allowed: readonly string[] };
  TEMPLATE_INVALID: { file: string; detail: string };
  CLOUD_ASSEMBLY_INVALID: { file: string; detail: string };
  /** `remedy`: give AWS's bundle, one region's bundle, or download it again. */
  CFN_SCHEMA_INVALID: { file?: string; detail: string; remedy: 'bundle' | 'one-region' | 'download' };
  NOT_IMPLEMENTED: { detail: string; tool?: string; toolName?: string };
  INTERNAL: { detail: string };
}

/** The stable error codes. */
export type ErrorCode = keyof ErrorDetails;

/** A message or hint: fixed text or a function of the error's data. */
export type ErrorText<D> = string | ((data: D) => string | undefined);

/** Everything needed to describe one error code. */
export interface ErrorData<C extends ErrorCode = ErrorCode> {
  /** Stable, greppable code such as `POLICY_INVALID`. */
  code: C;
  /** What kind of failure this is; decides the exit code. */
  kind: ErrorKind;
  /** Short human title, used in documentation. */
  title: string;
  /** The one-line message, from the error's data. */
  message: (data: ErrorDetails[C]) => string;
  /** What to do about it, in the library's terms (no command-line flag). */
  hint?: ErrorText<ErrorDetails[C]>;
}

/** The whole catalogue: one {@link ErrorData} per code. */
export type ErrorCatalogue = { readonly [C in ErrorCode]: ErrorData<C> };

const ENDPOINT_HINT = 'Check the AWS endpoint (the endpointUrl option, AWS_ENDPOINT_URL*) and any proxy or captive portal in between.';
const GONE_HINT = 'The credentials belong to a deleted user or role; use current credentials.';

/**
 * The catalogue of error codes awsperm raises, see {@link ErrorCode}. Adapters use the same codes so the CLI treats
 * their errors alike; documentation of every code is generated from it.
 */
export const errorCodes: ErrorCatalogue = {
  USAGE: { code: 'USAGE', kind: 'usage', title: 'Invalid command line or options', message: (d) => d.detail },
  CONTEXT_INVALID: {
    code: 'CONTEXT_INVALID',
    kind: 'usage',
    title: 'A request-context value of the wrong type',
    message: (d) =>
      d.expected === 'key=value' ? `request context "${d.key}": expected key=value` : `request context ${d.key || '(no key)'}: expected ${d.expected}, got "${d.value}"`,
    hint: (d) => (d.from === 'config' ? 'Fix the "context" key of the awsperm config.' : 'Give each entry as key=value; a list as a,b.'),
  },
  FEATURE_UNKNOWN: {
    code: 'FEATURE_UNKNOWN',
    kind: 'usage',
    title: 'A feature name the tool does not know',
    message: (d) => `unknown feature "${d.feature}" for ${d.toolName}${d.suggestion ? `; did you mean "${d.suggestion}"?` : ''}`,
    hint: (d) => `The features of ${d.tool}: ${d.known.join(', ')}.`,
  },
  FILE_NOT_FOUND: {
    code: 'FILE_NOT_FOUND',
    kind: 'usage',
    title: 'A file named in the options does not exist',
    message: (d) => `${d.what} not found: ${d.file}`,
  },
  FILE_UNREADABLE: {
    code: 'FILE_UNREADABLE',
    kind: 'usage',
    title: 'A file could not be read',
    message: (d) => {
      switch (d.reason) {
        case 'directory':
          return `${d.what} is a directory, not a file: ${d.file}`;
        case 'not-regular':
          return d.type ? `${d.what} is ${d.type}, not a regular file: ${d.file}` : `${d.what} is not a regular file: ${d.file}`;
        case 'too-large':
          return `${d.what} is larger than ${d.limitKiB ?? '?'} KiB: ${d.file}`;
        default:
          return `cannot read ${d.what} ${d.file}: ${d.errno ?? 'unknown error'}`;
      }
    },
    hint: (d) => (d.reason === 'too-large' ? 'awsperm refuses inputs beyond this size; check that the path names the intended file.' : undefined),
  },
  JSON_INVALID: {
    code: 'JSON_INVALID',
    kind: 'config',
    title: 'Malformed JSON',
    message: (d) => `${d.where}: malformed JSON: ${d.detail}`,
    hint: 'Fix the JSON syntax at that position (a JSON linter or `node -e "JSON.parse(...)"` helps).',
  },
  POLICY_INVALID: {
    code: 'POLICY_INVALID',
    kind: 'config',
    title: 'A policy document has the wrong shape',
    message: (d) => (d.where ? `${d.where}: ${d.detail}` : d.detail),
    hint: 'See the IAM JSON policy reference: each statement needs Effect, Action or NotAction, and Resource or NotResource.',
  },
  AUTH_DETAILS_INVALID: {
    code: 'AUTH_DETAILS_INVALID',
    kind: 'config',
    title: 'An account authorization details file has the wrong shape',
    message: (d) => `${d.file}: ${d.detail}`,
    hint: "Pass the JSON printed by 'aws iam get-account-authorization-details' (all pages merged).",
  },
  PRINCIPAL_NOT_FOUND: {
    code: 'PRINCIPAL_NOT_FOUND',
    kind: 'config',
    title: 'The principal is not in the authorization details',
    message: (d) => (d.via ? `${d.file}: no role ${d.principal}, the ${d.via}` : `${d.file}: no user or role ${d.principal}`),
    hint: (d) =>
      d.via
        ? 'Export the authorization details of the account that holds the role, or check the role ARN.'
        : `It lists ${d.users ?? 0} user(s) and ${d.roles ?? 0} role(s); name one of their ARNs as the principal.`,
  },
  ACTION_INVALID: {
    code: 'ACTION_INVALID',
    kind: 'usage',
    title: 'An action is not of the form service:Action',
    message: (d) => `"${d.action}" is not an IAM action of the form service:Action`,
    hint: 'Write actions as service prefix, colon, action name, e.g. s3:GetObject or lambda:Get*.',
  },
  ACTION_UNKNOWN: {
    code: 'ACTION_UNKNOWN',
    kind: 'usage',
    title: 'An action pattern matches no known IAM action',
    message: (d) => (d.reason === 'service' ? `unknown service prefix "${d.service}" in "${d.pattern}"` : `"${d.pattern}" matches no action in the IAM action catalogue`),
    hint: (d) =>
      d.reason === 'service'
        ? 'Service prefixes are those of the IAM Service Authorization Reference, e.g. s3, lambda, cloudformation.'
        : `List the service's actions in the IAM Service Authorization Reference for "${d.service}".`,
  },
  TOOL_UNKNOWN: {
    code: 'TOOL_UNKNOWN',
    kind: 'usage',
    title: 'No adapter for this tool',
    message: (d) => `unknown tool "${d.tool}": no adapter in the config, built in, or installed as ${d.scoped} or ${d.plain}`,
    hint: (d) => `Install its adapter (${d.install}) or name it in the awsperm config's "adapters"${d.builtins.length ? `; built in: ${d.builtins.join(', ')}` : ''}.`,
  },
  TOOL_NOT_DETECTED: {
    code: 'TOOL_NOT_DETECTED',
    kind: 'usage',
    title: 'No tool detected in the project',
    message: (d) => (d.tool ? `no ${d.toolName ?? d.tool} project in ${d.cwd}` : `no supported project found in ${d.cwd}`),
    hint: (d) =>
      d.tool
        ? "Run awsperm in the project's directory or name it as the working directory."
        : `Name the tool (${d.known.join(', ')}, or an installed adapter's tool) and the project directory, or check ad-hoc actions.`,
  },
  TOOL_AMBIGUOUS: {
    code: 'TOOL_AMBIGUOUS',
    kind: 'usage',
    title: 'More than one tool detected in the project',
    message: (d) => `several tools detected in ${d.cwd}: ${d.found.map((f) => `${f.tool} (${f.configFile})`).join(', ')}`,
    hint: 'Name the tool to use.',
  },
  PROJECT_CONFIG_INVALID: {
    code: 'PROJECT_CONFIG_INVALID',
    kind: 'config',
    title: "The tool's project configuration is invalid",
    message: (d) => `${d.file}${d.line ? `:${d.line}` : ''}: ${d.detail}`,
  },
  ADAPTER_INVALID: {
    code: 'ADAPTER_INVALID',
    kind: 'config',
    title: 'An adapter does not satisfy the contract',
    message: (d) => `adapter ${d.adapter}: ${d.detail}`,
    hint: 'An adapter is a plain object typed by AwspermAdapter from @awsperm/core (see the adapter authoring guide).',
  },
  ADAPTER_FAILED: {
    code: 'ADAPTER_FAILED',
    kind: 'internal',
    title: 'An adapter failed unexpectedly',
    message: (d) => `adapter ${d.adapter} failed in ${d.hook}(): ${d.detail}`,
    hint: (d) => `This is a bug in ${d.adapter}; report it with the error's stack trace.`,
  },
  CREDENTIALS_UNAVAILABLE: {
    code: 'CREDENTIALS_UNAVAILABLE',
    kind: 'unavailable',
    title: 'No usable AWS credentials',
    message: (d) => (d.operation ? `${d.operation}: ${d.detail}` : d.detail),
  },
  CREDENTIALS_INVALID: {
    code: 'CREDENTIALS_INVALID',
    kind: 'unavailable',
    title: 'AWS rejected the credentials (invalid, expired or malformed)',
    message: (d) =>
      d.key ? `${d.operation}: AWS rejected the access key ${d.key}${d.from ? ` of ${d.from}` : ''} (${d.awsCode})` : `${d.operation}: AWS rejected the credentials (${d.awsCode})`,
    hint: 'The keys are wrong, deactivated or expired; refresh them or pick another profile.',
  },
  CREDENTIALS_UNSUPPORTED: {
    code: 'CREDENTIALS_UNSUPPORTED',
    kind: 'unavailable',
    title: 'The tool cannot use the selected credentials (for example Up with an MFA profile)',
    message: (d) => d.detail,
    hint: (d) => (d.principal ? 'Use an IAM user or role, or check offline with the policy documents.' : 'Use credentials the tool supports.'),
  },
  MFA_REQUIRED: {
    code: 'MFA_REQUIRED',
    kind: 'unavailable',
    title: 'The profile needs an MFA code and none was given',
    message: (d) => `profile '${d.profile}' needs an MFA code`,
    hint: 'Give the MFA code (the mfaCode option), or an mfaPrompt that asks for it.',
  },
  SSO_TOKEN_EXPIRED: {
    code: 'SSO_TOKEN_EXPIRED',
    kind: 'unavailable',
    title: 'The SSO session token is missing or expired',
    message: (d) => `the SSO session token for profile '${d.profile}' is missing or expired`,
    hint: (d) => `run 'aws sso login --profile ${d.profile}'`,
  },
  NETWORK: {
    code: 'NETWORK',
    kind: 'unavailable',
    title: 'An AWS endpoint could not be reached',
    message: (d) =>
      d.broken
        ? `${d.operation}: the connection to AWS${d.endpoint ? ` at ${d.endpoint}` : ''} broke before the answer was complete (${d.errno})`
        : `${d.operation}: could not reach AWS${d.endpoint ? ` at ${d.endpoint}` : ''} (${d.errno})`,
    hint: 'Check your network and the AWS endpoint (the endpointUrl option, AWS_ENDPOINT_URL*).',
  },
  TIMEOUT: {
    code: 'TIMEOUT',
    kind: 'unavailable',
    title: 'AWS did not answer within the time allowed',
    message: (d) => `${d.operation}: no answer from AWS${d.endpoint ? ` at ${d.endpoint}` : ''} within ${d.seconds} s${d.lastFailure ? `; the last failed attempt: ${d.lastFailure}` : ''}`,
    hint: 'Check the network and the AWS endpoint (the endpointUrl option, AWS_ENDPOINT_URL*), or allow longer (the timeout option).',
  },
  AWS_UNAVAILABLE: {
    code: 'AWS_UNAVAILABLE',
    kind: 'unavailable',
    title: 'AWS throttled or failed the request on every attempt',
    message: (d) => `${d.operation}: ${d.detail}`,
    hint: (d) =>
      d.alternative === 'local-mode'
        ? 'IAM’s policy simulator is failing: retry later, or use the local mode (mode: "local"), which reads the principal’s policies and evaluates them without it.'
        : d.reason === 'throttled'
          ? 'Wait a minute and retry, or allow awsperm longer to retry (the timeout option).'
          : 'AWS or the endpoint is having trouble: retry later, and check the AWS endpoint (the endpointUrl option, AWS_ENDPOINT_URL*).',
  },
  ACCESS_DENIED: {
    code: 'ACCESS_DENIED',
    kind: 'unavailable',
    title: 'AWS denied a read call awsperm needs',
    message: (d) => `${d.operation} was denied (${d.awsCode})${d.consequence ? `; ${d.consequence}` : ''}`,
    hint: (d) =>
      d.grant === 'tool-state'
        ? 'Grant the AwspermToolState statement of awsperm’s read policy (AWSPERM_READ_POLICY) to this principal.'
        : d.grant === 'read-policy'
          ? `awsperm needs read-only IAM access on this principal; grant this policy: ${d.readPolicy ?? 'AWSPERM_READ_POLICY'}`
          : `Grant ${d.operation} to this principal.`,
  },
  CONFIG_INVALID: {
    code: 'CONFIG_INVALID',
    kind: 'config',
    title: 'The awsperm config file is invalid',
    message: (d) => (d.file ? `${d.file}: ${d.detail}` : d.detail),
  },
  PRINCIPAL_GONE: {
    code: 'PRINCIPAL_GONE',
    kind: 'unavailable',
    title: 'The principal behind the credentials no longer exists in IAM',
    message: (d) => d.detail ?? `${d.operation ? `${d.operation}: ` : ''}${d.principal} no longer exists in IAM (NoSuchEntity)`,
    hint: GONE_HINT,
  },
  AWS_RESPONSE_INVALID: {
    code: 'AWS_RESPONSE_INVALID',
    kind: 'unavailable',
    title: 'An AWS response held data awsperm cannot use (for example a malformed policy document)',
    message: (d) => (d.reason === 'malformed-policy' ? `IAM returned ${d.detail}` : `${d.operation}: ${d.detail}`),
    hint: (d) => {
      switch (d.reason) {
        case 'no-result':
          return 'Retry; if it persists, use the local mode.';
        case 'malformed-policy':
          return 'Fix or re-create that policy in IAM, or check offline with the policy documents.';
        case 'object':
          return 'Check that the object is the one the tool wrote.';
        default:
          return ENDPOINT_HINT;
      }
    },
  },
  READ_ONLY_VIOLATION: {
    code: 'READ_ONLY_VIOLATION',
    kind: 'internal',
    title: 'awsperm tried to call an AWS operation that is not read-only',
    message: (d) => `awsperm refused to call ${d.operation}: it only makes read-only calls`,
    hint: (d) => `Allowed: ${d.allowed.join(', ')}.`,
  },
  TEMPLATE_INVALID: {
    code: 'TEMPLATE_INVALID',
    kind: 'config',
    title: 'A CloudFormation template is malformed or is not a template',
    message: (d) => `${d.file}: ${d.detail}`,
    hint: 'A CloudFormation template is a JSON or YAML mapping with a Resources section of at least one resource, each with a Type.',
  },
  CLOUD_ASSEMBLY_INVALID: {
    code: 'CLOUD_ASSEMBLY_INVALID',
    kind: 'config',
    title: 'A cdk.out cloud assembly is malformed, of an unknown version, or misses a file it names',
    message: (d) => `${d.file}: ${d.detail}`,
  },
  CFN_SCHEMA_INVALID: {
    code: 'CFN_SCHEMA_INVALID',
    kind: 'config',
    title: 'A CloudFormation resource schema or schema bundle is malformed',
    message: (d) => (d.file ? `${d.file}: ${d.detail}` : d.detail),
    hint: (d) =>
      d.remedy === 'one-region'
        ? 'Give one schema bundle per resource type (one region’s bundle).'
        : d.remedy === 'download'
          ? 'Download CloudformationSchema.zip again, or give a directory of schema JSON files.'
          : 'Give the CloudFormation schema bundle AWS publishes (CloudformationSchema.zip) or a directory of its JSON files.',
  },
  NOT_IMPLEMENTED: {
    code: 'NOT_IMPLEMENTED',
    kind: 'usage',
    title: 'This mode or option is not available yet',
    message: (d) => d.detail,
  },
  INTERNAL: { code: 'INTERNAL', kind: 'internal', title: 'Internal error', message: (d) => d.detail },
};

/** The hint the catalogue gives for an error's data, if any. */
export function catalogueHint<C extends ErrorCode>(code: C, data: ErrorDetails[C]): string | undefined {
  const hint = (errorCodes[code] as ErrorData<C>).hint;
  return typeof hint === 'function' ? hint(data) : hint;
}
