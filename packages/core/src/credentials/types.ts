import type { AwsClientOptions } from '../aws/read-only.ts';
/** An environment as awsperm sees it: passed explicitly, never read from `process.env` behind the caller's back. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Where the winning credentials came from (the `credentials.source` values of SPEC §3). */
export type CredentialSource =
  | 'environment'
  | 'shared-credentials-file'
  | 'config-file'
  | 'assume-role'
  | 'sso'
  | 'process'
  | 'web-identity'
  | 'container'
  | 'instance-metadata';

/**
 * The kinds of link a tool's chain is built from. Each maps to one provider of the AWS SDK for JavaScript v3:
 * `env` → `fromEnv`, `sso` → `fromSSO`, `ini` → `fromIni`, `process` → `fromProcess`, `token-file` →
 * `fromTokenFile`, `container` → `fromContainerMetadata`, `instance-metadata` → `fromInstanceMetadata`.
 * `credentials-file` reads only the static keys of one section of the shared credentials file (through the SDK's
 * own INI loader), for tools whose SDK does just that (Up without `AWS_SDK_LOAD_CONFIG`).
 */
export type LinkKind = 'env' | 'sso' | 'ini' | 'credentials-file' | 'process' | 'token-file' | 'container' | 'instance-metadata';

/** Environment variable names an `env` link reads; the first non-empty name of each list wins. */
export interface EnvKeyNames {
  /** Access key id variables, e.g. `['AWS_ACCESS_KEY_ID', 'AWS_ACCESS_KEY']`. */
  accessKeyId: readonly string[];
  /** Secret access key variables. */
  secretAccessKey: readonly string[];
  /** Session token variables. */
  sessionToken: readonly string[];
}

/** What a {@link CredentialLink.guard} decides before its provider runs. */
export interface LinkGuardResult {
  /** `skip`: the tool would not use this link (the chain goes on); `fail`: the tool would fail here (the chain stops). */
  action: 'skip' | 'fail';
  /** One line saying why. */
  detail: string;
  /** What the user can do about it. */
  hint?: string;
}

/** The selected profile's data from the shared files, as the SDK's INI loader read it. */
export interface ProfileFiles {
  /** Sections of the credentials file, by profile name. */
  credentials: Readonly<Record<string, Readonly<Record<string, string | undefined>>>>;
  /** Profiles of the config file (`[profile x]` and `[default]`), by profile name. */
  config: Readonly<Record<string, Readonly<Record<string, string | undefined>>>>;
}

/** What rules' small functions are given. */
export interface RulesContext {
  /** The environment. */
  env: Env;
  /** The selected profile. */
  profile: ProfileChoice;
  /** The shared files' contents. */
  files: ProfileFiles;
  /** Paths of the shared files. */
  paths: SharedFilePaths;
}

/** One link of a tool's credential chain, as data. */
export interface CredentialLink {
  /** Which provider this link runs. */
  kind: LinkKind;
  /** When set, the link is not tried and this says why (e.g. "AWS_PROFILE is set"). */
  skip?: string;
  /** For `env` links: the variable names to read. Defaults to the SDK's own names. */
  envNames?: EnvKeyNames;
  /** A check run before the provider, for what the tool does differently from the SDK (e.g. Up rejects `mfa_serial`). */
  guard?: (ctx: RulesContext) => LinkGuardResult | undefined;
}

/** Which profile is selected and why. */
export interface ProfileChoice {
  /** The profile name. */
  name: string;
  /** Why this profile, e.g. `up.json "profile"`, `AWS_PROFILE`, `default`. */
  reason: string;
  /** True when a profile was selected explicitly (not the fallback `default`). */
  explicit: boolean;
}

/** Paths of the shared config and credentials files. */
export interface SharedFilePaths {
  /** The shared credentials file (`AWS_SHARED_CREDENTIALS_FILE` or `~/.aws/credentials`). */
  credentials: string;
  /** The shared config file (`AWS_CONFIG_FILE` or `~/.aws/config`). */
  config: string;
}

/** One step of a tool's region order. */
export type RegionStep =
  | { kind: 'value'; value: string | undefined; label: string }
  | { kind: 'env'; name: string }
  | { kind: 'profile'; files: 'credentials-first'; /** Profile to read; defaults to the selected profile. */ name?: string }
  | { kind: 'default'; value: string };

/**
 * A tool's credential and region resolution, as data plus small functions (SPEC §4). Adapters return one from
 * their `credentialRules` hook; core resolves it on top of the AWS SDK's own providers.
 */
export interface CredentialRules {
  /** Rule set id, e.g. `generic`, `up`. */
  id: string;
  /** Who resolves like this, for messages: e.g. `the AWS SDK for JavaScript v3`, `Up`. */
  toolName: string;
  /** The selected profile. */
  profile: ProfileChoice;
  /** The shared files the tool reads. */
  paths: SharedFilePaths;
  /** The links, in the order the tool tries them. */
  chain: readonly CredentialLink[];
  /** The region order; the first step with a value wins. */
  region: readonly RegionStep[];
  /** Extra warnings the tool's behaviour calls for (e.g. env keys beating the profile). */
  warnings?: (ctx: RulesContext) => string[];
  /** What to tell the user when no link produced credentials. */
  noCredentialsHint: string;
}

/** The outcome of one link, in one line. */
export interface ChainStep {
  /** Provider name, e.g. `fromEnv`, `fromIni`. */
  provider: string;
  /** `used`: produced the credentials; `skipped`: not tried; `none`: nothing configured for it; `failed`: configured but broken; `not-tried`: after the winner. */
  outcome: 'used' | 'skipped' | 'none' | 'failed' | 'not-tried';
  /** One line of detail; never a secret. */
  detail: string;
}

/** Which credentials a tool would use, and why (the `credentials` block of SPEC §3). Holds no secret. */
export interface CredentialExplanation {
  /** The rule set that was applied. */
  rules: string;
  /** Where the credentials came from; `null` when none were found. */
  source: CredentialSource | null;
  /** The profile the credentials came from, or `null` (environment, container, instance metadata). */
  profile: string | null;
  /** The selected profile and why, even when it was not used. */
  selectedProfile: ProfileChoice;
  /** The access key id, masked (`AKIA…WXYZ`); `null` when none. */
  accessKeyId: string | null;
  /** When temporary credentials expire (ISO 8601). */
  expiration?: string;
  /** The chain as tried. */
  chain: ChainStep[];
  /** Things a careful engineer would want to know. */
  warnings: string[];
  /** The region the tool would use, or `null` when none resolves. */
  region: string | null;
  /** Where the region came from. */
  regionFrom: string | null;
  /** The shared files consulted. */
  files: SharedFilePaths;
}

/** AWS credentials. Secret-bearing: never print, log or serialise. */
export interface AwsCredentials {
  /** The access key id. */
  readonly accessKeyId: string;
  /** The secret access key. */
  readonly secretAccessKey: string;
  /** The session token, for temporary credentials. */
  readonly sessionToken?: string;
  /** When they expire. */
  readonly expiration?: Date;
  /** The account id, when the provider knows it. */
  readonly accountId?: string;
}

/**
 * Options of {@link resolveCredentials}: the environment to resolve with (tests pass a clean one), the endpoint for
 * every client (the assume-role STS client included) and the run's bound on the credential exchanges (assume-role,
 * web identity, SSO), as in {@link AwsClientOptions}; and what only the resolver takes.
 */
export type ResolveOptions = Pick<AwsClientOptions, 'env' | 'endpointUrl' | 'deadline'> & {
  /** `--region`: only used when the rules' region order says so. */
  region?: string;
  /** `--mfa-code`. */
  mfaCode?: string;
  /** Asks the user for an MFA code (a TTY prompt); used when no `mfaCode` was given. */
  mfaPrompt?: (serial: string) => Promise<string>;
  /** Receives the SDK's debug lines (the provider trace for `--debug`). Lines never hold secrets. */
  debug?: (line: string) => void;
  /** Current time, for expiry warnings (tests). */
  now?: Date;
};

/** What {@link resolveCredentials} returns. `credentials` is not enumerable, so `JSON.stringify` never shows it. */
export interface ResolvedCredentials {
  /** The explanation: safe to print. */
  explanation: CredentialExplanation;
  /** The credentials themselves (non-enumerable). */
  readonly credentials: AwsCredentials;
}
