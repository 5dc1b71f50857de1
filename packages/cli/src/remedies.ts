import type { AwspermError, ErrorCode, ErrorDetails } from '@awsperm/core';

/** The CLI's wording of a remedy, from an error's catalogue data; `undefined` keeps core's hint. */
type Remedy<C extends ErrorCode> = (data: ErrorDetails[C], hint: string | undefined) => string | undefined;

/** A session option's command-line flag: `cfnSchemas` → `--cfn-schemas`. */
export function flagOf(option: string): string {
  return `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

const ENDPOINT = 'Check --endpoint-url, AWS_ENDPOINT_URL* and any proxy or captive portal in between.';

/**
 * Core's hints say what to do in the library's terms; these say it with the CLI's flags. One entry per code whose
 * remedy is a flag; the data decides the wording.
 */
const REMEDIES: { readonly [C in ErrorCode]?: Remedy<C> } = {
  FILE_NOT_FOUND: (d, hint) => (d.option ? `${hint ? `${hint} ` : ''}(given with ${flagOf(d.option)})` : undefined),
  FILE_UNREADABLE: (d, hint) => (d.option ? `${hint ? `${hint} ` : ''}(given with ${flagOf(d.option)})` : undefined),
  PRINCIPAL_NOT_FOUND: (d) => (d.via ? undefined : `It lists ${d.users ?? 0} user(s) and ${d.roles ?? 0} role(s); pass one of their ARNs with --principal.`),
  TOOL_NOT_DETECTED: (d) =>
    d.tool
      ? "Run awsperm in the project's directory or pass --cwd <dir>."
      : `Pass --tool (${d.known.join(', ')}, or an installed adapter's tool) and --cwd <project dir>, or check ad-hoc actions with --action.`,
  TOOL_AMBIGUOUS: () => 'Choose one with --tool.',
  CONTEXT_INVALID: (d) => (d.from === 'option' ? 'Give each --context as key=value (a list as a,b), e.g. --context aws:SourceIp=203.0.113.7.' : undefined),
  PROJECT_CONFIG_INVALID: (d, hint) => {
    switch (d.remedy) {
      case 'no-exec':
        return hint?.replace('read the project without running its code (the exec option: false)', 'pass --no-exec');
      case 'exec':
        return hint?.replace('let awsperm run the config (the exec option, not false)', 'run without --no-exec');
      case 'stage':
        return hint?.replace('Give the stage (the stage option)', 'Pass --stage <name>');
      case 'drop-role-arn':
        return 'Drop --role-arn.';
      case 'template':
        return hint?.replace('name the cloud assembly (the template option)', 'name the cloud assembly with --template <dir>');
      default:
        return undefined;
    }
  },
  ADAPTER_FAILED: (d) => `This is a bug in ${d.adapter}; rerun with --debug for the stack trace and report it.`,
  CREDENTIALS_UNSUPPORTED: (d) => (d.principal ? 'Use an IAM user or role, or check offline with --policy.' : undefined),
  MFA_REQUIRED: () => 'Pass --mfa-code <code>, or run awsperm on a terminal to be prompted.',
  NETWORK: () => 'Check your network, --endpoint-url and AWS_ENDPOINT_URL*.',
  TIMEOUT: () => 'Check the network and the endpoint (--endpoint-url, AWS_ENDPOINT_URL*), or allow longer with --timeout <seconds>.',
  AWS_UNAVAILABLE: (d) =>
    d.alternative === 'local-mode'
      ? 'IAM’s policy simulator is failing: retry later, or run with --mode local (reads the principal’s policies and evaluates them without it).'
      : d.reason === 'throttled'
      ? 'Wait a minute and retry, or allow awsperm longer to retry with --timeout <seconds>.'
      : d.reason === 'server-error'
        ? 'AWS or the endpoint is having trouble: retry later, and check --endpoint-url and AWS_ENDPOINT_URL*.'
        : undefined,
  ACCESS_DENIED: (d) => (d.grant === 'tool-state' ? 'Grant the AwspermToolState statement of awsperm’s read policy (awsperm check --help) to this principal.' : undefined),
  AWS_RESPONSE_INVALID: (d) =>
    d.reason === 'endpoint'
      ? ENDPOINT
      : d.reason === 'no-result'
        ? 'Retry; if it persists, use --mode local.'
        : d.reason === 'malformed-policy'
          ? 'Fix or re-create that policy in IAM, or check offline with --policy.'
          : undefined,
  CFN_SCHEMA_INVALID: (d) =>
    d.remedy === 'one-region'
      ? 'Give each --cfn-schemas bundle one schema per resource type (one region’s bundle).'
      : d.remedy === 'bundle'
        ? 'Give --cfn-schemas the CloudFormation schema bundle AWS publishes (CloudformationSchema.zip) or a directory of its JSON files.'
        : undefined,
};

/**
 * The catalogue data of an error: its own, or (when it was rewrapped with the same code and hint, as credential
 * errors are to carry their explanation) its cause's.
 */
function dataOf(error: AwspermError): unknown {
  let e: Partial<AwspermError> | undefined = error;
  for (let i = 0; i < 5 && e; i++) {
    if (e.data !== undefined) return e.data;
    const cause: Partial<AwspermError> | undefined = (e as { cause?: Partial<AwspermError> }).cause;
    if (!cause || typeof cause !== 'object' || cause.code !== error.code || cause.hint !== error.hint) return undefined;
    e = cause;
  }
  return undefined;
}

/** The hint to print for an error: the CLI's wording of the remedy when it has one, else the error's own hint. */
export function hintFor(error: AwspermError): string | undefined {
  const remedy = REMEDIES[error.code] as Remedy<ErrorCode> | undefined;
  const data = dataOf(error);
  const own = error.hint === undefined ? undefined : cliWording(error.hint);
  if (!remedy || data === undefined) return own;
  return remedy(data as ErrorDetails[ErrorCode], error.hint) ?? own;
}

/**
 * Library text in the CLI's words: core and the adapters name a session option as "the <name> option", a value of it
 * as `the <name> option "<value>"`, switching one off as "the <name> option: false", and the missing-policy call as
 * `policy({ missing: true })`; the CLI names the flag (`the cfnSchemas option` → `--cfn-schemas`, `the mode option
 * "local"` → `--mode local`, `the exec option: false` → `--no-exec`) and the command.
 */
export function cliWording(text: string): string {
  return text
    .replace(/\bthe ([a-z][A-Za-z]*) option: false\b/g, (_, name: string) => `--no-${flagOf(name).slice(2)}`)
    .replace(/\bthe exec option, not false\b/g, 'without --no-exec')
    .replace(/\bthe ([a-z][A-Za-z]*) option "([^"\s]+)"/g, (_, name: string, value: string) => `${flagOf(name)} ${value}`)
    .replace(/\bpolicy\(\{ missing: true \}\)/g, 'awsperm policy --missing')
    .replace(/\bthe ([a-z][A-Za-z]*) option\b/g, (_, name: string) => flagOf(name));
}

/** True when an error's adapter is a third party's (not one of awsperm's own `@awsperm/adapter-*`). */
export function isThirdPartyAdapter(adapter: string | undefined): adapter is string {
  return typeof adapter === 'string' && adapter !== '' && !/^@awsperm\/adapter-/.test(adapter);
}
