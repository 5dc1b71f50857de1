import type { AwspermAdapter } from '../adapter.ts';
import type { ModeSetting } from '../config.ts';
import type { HandlerOperation } from '../cfn/types.ts';
import type { AdapterRegistry } from './adapters.ts';
import type { ContextValue } from '../request-context.ts';

/** Where a session's warnings and notes go as they happen (the CLI writes them to stderr). */
export interface SessionLog {
  /** A warning; it is also collected in the report's `warnings`. */
  warn?(message: string): void;
  /** An informational line (e.g. the size of each printed policy). */
  note?(message: string): void;
  /** Detail for `--debug` (the credential provider trace). */
  debug?(message: string): void;
}

/** Options every session function takes: the CLI's long flags in camelCase, plus what a library caller supplies. */
export interface SessionOptions {
  /** The project directory (`--cwd`); default the current directory. */
  cwd?: string;
  /** The deploy tool id (`--tool`); detected from the project when omitted. */
  tool?: string;
  /** The stage (`--stage`). */
  stage?: string;
  /** The region (`--region`). */
  region?: string;
  /** The AWS profile (`--profile`). */
  profile?: string;
  /** Tool features (`--feature`), validated against the adapter's; added to the config's `features`. */
  feature?: string[];
  /** The CloudFormation service role the tool deploys through (`--role-arn`, SST v1). */
  roleArn?: string;
  /** CloudFormation templates or `cdk.out` directories (`--template`); they replace the tool's own. */
  template?: string[];
  /**
   * Stack patterns (`--stack`, repeatable) for tools that deploy several stacks (AWS CDK): the adapter selects the
   * stacks the tool would deploy with them.
   * @since 0.2.0
   */
  stack?: string[];
  /** Handler operations to require from templates (`--operations`). */
  operations?: HandlerOperation[];
  /** AWS's CloudFormation schema bundles (`--cfn-schemas`). */
  cfnSchemas?: string[];
  /** An AWS endpoint for every call (`--endpoint-url`). */
  endpointUrl?: string;
  /** The bound on the run's AWS conversation, seconds (`--timeout`); default 30. */
  timeout?: number;
  /** The environment to run with; default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Adapters to use besides the installed ones: adapter objects or package names (as the config's `adapters`).
   * They come before the config's.
   */
  adapters?: (string | AwspermAdapter)[];
  /** Adapters an application ships as built in (the CLI registers the first-party ones). */
  builtins?: AdapterRegistry;
  /** Where warnings go as they happen. */
  log?: SessionLog;
  /**
   * False (`--no-exec`): no project code runs (`sst.config.*`, `awsperm.config.*`); configs are read statically and
   * what needs execution is reported as unknown. The awsperm config's `exec: false` does the same.
   */
  exec?: boolean;
  /**
   * A file holding the tool's deployed state as the tool exports it (`--state`; for SST v3/v4 the output of
   * `sst state export --stage <stage>`), resolved against the current directory. Adapters read it to check what
   * updates and deletes of deployed resources need; in `check`'s live modes they may read the state from AWS
   * themselves instead. A missing file is `FILE_NOT_FOUND` (exit 2).
   * @since 0.2.0
   */
  state?: string;
}

/** Options of the functions that resolve credentials (`check` in live modes, `whoami`). */
export interface CredentialOptions {
  /** An MFA code (`--mfa-code`). */
  mfaCode?: string;
  /** Asks for an MFA code when none was given (the CLI's TTY prompt). */
  mfaPrompt?: (serial: string) => Promise<string>;
}

/** Options of {@link check}. */
export interface CheckOptions extends SessionOptions, CredentialOptions {
  /** The evaluation mode (`--mode`); default the config's, else `auto`. */
  mode?: ModeSetting;
  /** Policy document files (`--policy`); implies offline. */
  policy?: string[];
  /** An account authorization details file (`--authorization-details`); with `principal`. */
  authorizationDetails?: string;
  /** The principal to pick from the authorization details (`--principal`). */
  principal?: string;
  /** Ad-hoc actions instead of a tool (`--action`). */
  action?: string[];
  /** The resource of the ad-hoc actions (`--resource`); default `*`. */
  resource?: string;
  /**
   * Policy files of the other principals (`--role-policy`), with `policy`: `<file>` for the only one (the
   * CloudFormation service role), or `<principal-arn>=<file>`.
   */
  rolePolicy?: string[];
  /**
   * Request context for the conditions of the caller's policies (`--context key=value`, repeatable): `key=value`
   * strings (`a,b` is a list), or an object of condition key → value (a string, number, boolean, date, or a list).
   * Values are typed by the key (`aws:SourceIp` an IP, `aws:CurrentTime` a date, …); a wrong one is
   * `CONTEXT_INVALID`. It replaces what awsperm fills in (the region, the principal's keys, what the tool's requests
   * carry) and the config's `context`.
   * @since 0.3.0
   */
  context?: readonly string[] | Readonly<Record<string, ContextValue>>;
}

/** Options of {@link policy}. */
export interface PolicyOptions extends SessionOptions, CredentialOptions {
  /** The precise policy instead of the documented one (`--least-privilege`). */
  leastPrivilege?: boolean;
  /** Collapse actions to wildcards where the catalogue allows (`--no-minimize` sets false); default true. */
  minimize?: boolean;
  /**
   * Only what is missing (`--missing`): runs the check the other options describe (offline with `policy` or
   * `authorizationDetails`, live otherwise) and returns its fix, each principal's own, instead of the whole policy.
   * @since 0.2.0
   */
  missing?: boolean;
  /** With `missing`: the evaluation mode, as {@link CheckOptions.mode}. @since 0.2.0 */
  mode?: ModeSetting;
  /** With `missing`: the caller's policy files, as {@link CheckOptions.policy}. @since 0.2.0 */
  policy?: string[];
  /** With `missing`: as {@link CheckOptions.authorizationDetails}. @since 0.2.0 */
  authorizationDetails?: string;
  /** With `missing`: as {@link CheckOptions.principal}. @since 0.2.0 */
  principal?: string;
  /** With `missing`: as {@link CheckOptions.rolePolicy}. @since 0.2.0 */
  rolePolicy?: string[];
}

/** Options of {@link whoami}. */
export interface WhoamiOptions extends SessionOptions, CredentialOptions {}
