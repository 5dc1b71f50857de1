import type { CredentialRules } from './credentials/types.ts';
import type { PolicyFragment, PolicySet, PolicySetKind } from './policy/types.ts';

/** A value or a promise of it. */
export type MaybePromise<T> = T | Promise<T>;

/** What core hands {@link AwspermAdapter.detect}. */
export interface DetectContext {
  /** The directory the user pointed awsperm at (`--cwd`), absolute. */
  cwd: string;
}

/** What {@link AwspermAdapter.detect} returns when it recognises a project. */
export interface Detection {
  /** The project's root directory (where the tool's config file is). */
  root: string;
  /** The tool's config file, absolute. */
  configFile: string;
  /** The tool's version, when the project pins one (e.g. `sst` 2.x). */
  toolVersion?: string;
}

/** What core hands {@link AwspermAdapter.loadProject}. */
export interface LoadProjectContext extends DetectContext {
  /** What {@link AwspermAdapter.detect} found. */
  detection: Detection;
  /** `--stage`, when given. */
  stage?: string;
  /** `--region`, when given. */
  region?: string;
  /** The process environment awsperm runs with (tests pass a clean one). */
  env: Readonly<Record<string, string | undefined>>;
  /**
   * `--profile`, when given: for tools whose config reads the command line (SST v2 passes its flags to
   * `config(input)`). Which profile the tool then uses is the credential rules' business.
   * @since 0.1.0
   */
  profile?: string;
  /**
   * `--role-arn`: the CloudFormation service role the user deploys with, for tools that take one on their command
   * line (SST v1 `--role-arn`). An adapter that uses it returns the role in `PolicySet.serviceRole`; core refuses
   * the flag when the policy set has none, and an adapter may refuse it earlier with the tool's reason.
   * @since 0.1.0
   */
  roleArn?: string;
  /**
   * False with `--no-exec` (or `exec: false` in the awsperm config): the adapter must not run project code; it reads
   * the project statically where it can and reports what needs execution as unknown.
   * @since 0.1.0
   */
  exec?: boolean;
}

/**
 * A tool's project as the adapter understood it. `P` is the adapter's own parsed config: a v2 adapter types it
 * (`ToolProject<SstProjectInfo>`) and reads `project.config` without casts; core never looks inside.
 */
export interface ToolProject<P = unknown> {
  /** The app's name, used to scope ARNs. */
  name?: string;
  /** The project root. */
  root: string;
  /** The tool's config file. */
  configFile: string;
  /** The tool's version, when known. */
  toolVersion?: string;
  /** The stage the tool would deploy, when it has stages. */
  stage?: string;
  /** The region the tool would deploy to, when the config decides it. */
  region?: string;
  /** The AWS profile the tool's config names, if any. */
  profile?: string;
  /**
   * Variables the tool itself would add to its environment before resolving credentials and region, e.g. from the
   * project's `.env` files, that are not already in the process environment with the same value. Core resolves
   * credentials and region with the process environment overlaid by these (they win), exactly as the tool would
   * see them; the adapter decides which files count and when (its `credentialRules` receive the overlaid
   * environment too).
   * @since 0.1.0
   */
  env?: Readonly<Record<string, string>>;
  /** The adapter's own parsed config, opaque to core. */
  config: P;
}

/** What core hands {@link AwspermAdapter.policySet}. */
export interface PolicySetContext {
  /** The project from {@link AwspermAdapter.loadProject}. */
  project: ToolProject;
  /** Which set is wanted; an adapter without a precise set returns its documented one. */
  kind: PolicySetKind;
  /** Features the user switched on with `--feature` (e.g. `domains`, `start`). */
  features: string[];
  /** The account id, when known (scopes ARNs). */
  account?: string;
  /** The region, when known (scopes ARNs). */
  region?: string;
}

/** What core hands {@link AwspermAdapter.credentialRules}. */
export interface CredentialRulesContext {
  /** The project from {@link AwspermAdapter.loadProject}. */
  project: ToolProject;
  /** The environment awsperm runs with (tests pass a clean one); the rules must read it, not `process.env`. */
  env: Readonly<Record<string, string | undefined>>;
  /** `--region`, when given. */
  region?: string;
  /** `--profile`, when given (awsperm's override; the rules decide how the tool would treat it). */
  profile?: string;
}

/** What core hands {@link AwspermAdapter.templateLocations}. */
export interface TemplateLocationsContext {
  /** The project from {@link AwspermAdapter.loadProject}. */
  project: ToolProject;
}

/** Where a tool writes the CloudFormation templates it deploys, from {@link AwspermAdapter.templateLocations}. */
export interface TemplateLocations {
  /**
   * Absolute paths of template files or `cdk.out` directories the tool writes, whether or not they exist yet; core
   * reads those that exist. Empty when the tool deploys without CloudFormation templates.
   */
  paths: string[];
  /** What to tell the user when none of the paths exists, e.g. "run `sst build` first". */
  missingHint?: string;
  /** Why there are no paths, when {@link TemplateLocations.paths} is empty (e.g. the tool deploys with Pulumi). */
  note?: string;
}

/**
 * Version 1 of the contract between awsperm's core and the adapter for one deploy tool (SPEC §7). Core still loads
 * v1 adapters unchanged (it adapts them to {@link AwspermAdapterV2}); new adapters target v2.
 */
export interface AwspermAdapterV1 {
  /** The adapter API version this adapter targets. Core rejects versions it does not speak. */
  apiVersion: 1;
  /** The package name, e.g. `@awsperm/adapter-up`; used to attribute errors. */
  name: string;
  /** The tool id matched by `--tool`, e.g. `up`. */
  tool: string;
  /** Human name of the tool, e.g. `Apex Up`. Defaults to {@link AwspermAdapter.tool}. */
  displayName?: string;
  /** Recognises the tool's project in `ctx.cwd` (or above it); `undefined` when it is not there. Cheap, no AWS call. */
  detect(ctx: DetectContext): MaybePromise<Detection | undefined>;
  /** Loads and validates the tool's config for a stage. Throws `PROJECT_CONFIG_INVALID` with the tool's reason. */
  loadProject(ctx: LoadProjectContext): MaybePromise<ToolProject>;
  /** The permissions the tool needs for the project. */
  policySet(ctx: PolicySetContext): MaybePromise<PolicySet>;
  /**
   * The tool's credential and region resolution as data (SPEC §4): which sources in which order, which profile and
   * why, which files, which region. Core resolves the rules on the AWS SDK's own providers. Without this hook core
   * uses the generic rules (the AWS SDK for JavaScript v3 default chain).
   * @since 0.1.0
   */
  credentialRules?(ctx: CredentialRulesContext): MaybePromise<CredentialRules>;
  /**
   * Where the tool writes the synthesized CloudFormation templates of this project (e.g. a `cdk.out`). Core derives
   * the permissions their resources need (CloudFormation handler permissions, `iam:PassRole`, asset publishing) and
   * adds them to the policy set, unless the user passes `--template`. Without this hook only `--template` is read.
   * @since 0.1.0
   */
  templateLocations?(ctx: TemplateLocationsContext): MaybePromise<TemplateLocations>;
  /** The `--feature` names this adapter understands, with one line each, for `--help` and validation. */
  features?: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------------------------
// Adapter contract v2
// ---------------------------------------------------------------------------------------------------------------

/** Where an adapter's warnings go: they reach every command's output (stderr in text, `warnings` in JSON). */
export interface AdapterLog {
  /** A warning the user should see (e.g. a `.env` file that was skipped, a value that could not be read). */
  warn(message: string): void;
  /** Detail shown only with `--debug`. */
  debug(message: string): void;
}

/**
 * The arguments of the run, as typed options (the CLI's long flags in camelCase). Adapters read what concerns their
 * tool (e.g. SST v2 hands `stage`, `region` and `profile` to `config(input)`).
 */
export interface AdapterArgs {
  /** `--stage`. */
  readonly stage?: string;
  /** `--region`. */
  readonly region?: string;
  /** `--profile`. */
  readonly profile?: string;
  /**
   * `--role-arn`: the CloudFormation service role the user deploys with, for tools that take one on their command
   * line (SST v1). An adapter that uses it returns the role as a principal; core refuses the flag otherwise.
   */
  readonly roleArn?: string;
  /** `--template`: when given, these replace the adapter's `cloudformation` requirement sources. */
  readonly template?: readonly string[];
  /**
   * False with `--no-exec` (or `exec: false` in the awsperm config): the adapter must not run project code; it reads
   * the project statically where it can and reports what needs execution as unknown.
   */
  readonly exec?: boolean;
  /**
   * `--stack` (repeatable): stack patterns for tools that deploy several stacks (AWS CDK's `cdk deploy <stacks>`).
   * @since 0.2.0
   */
  readonly stack?: readonly string[];
  /**
   * `--state`: a file holding the tool's deployed state as the tool itself exports it (absolute, resolved against the
   * directory awsperm runs in; core has checked that it is a regular file). Adapters whose requirements depend on
   * what is already deployed (updates and deletes) read it instead of asking AWS.
   * @since 0.2.0
   */
  readonly state?: string;
  /**
   * The requirement set the command will ask for, when core knows it before loading the project: `precise` for
   * `check` (unless the `documented` feature is on) and `policy` with least privilege, `documented` for `policy`
   * otherwise. A hint only, for starting slow work early (SST v3 prepares the app's discovery while its config
   * loads); an adapter answers every call the same whether it is given or not.
   * @since 0.2.0
   */
  readonly requirements?: 'precise' | 'documented';
}

/**
 * Read-only AWS calls an adapter may make in the live modes, with the run's credentials, region, endpoint and deadline
 * (see {@link AdapterContext.aws}). Both are on core's read-only allow-list and in its read policy; nothing else is
 * reachable. A denied call throws an `AwspermError` with code `ACCESS_DENIED` (one line naming the call); other
 * failures throw the codes of any AWS call (`NETWORK`, `TIMEOUT`, `CREDENTIALS_INVALID` …). Results are cached for
 * the run: asking twice makes one request.
 * @since 0.2.0
 */
export interface AdapterAws {
  /**
   * `ssm:GetParameter` without decryption (`WithDecryption: false`): the parameter's value as stored (a
   * `SecureString` comes back encrypted), or `undefined` when there is no such parameter.
   */
  getParameter(name: string): Promise<string | undefined>;
  /**
   * `s3:GetObject`: the object's bytes, gunzipped when it was stored with `Content-Encoding: gzip`, or `undefined`
   * when there is no such object (or bucket). Objects beyond `INPUT_LIMITS.state` (compressed or not) are refused
   * with `AWS_RESPONSE_INVALID`.
   */
  getObject(bucket: string, key: string): Promise<Uint8Array | undefined>;
}

/** The account and region of the run, as far as they are known when a hook is called. */
export interface AdapterScope {
  /** The account id: from the awsperm config's `accounts` for the stage, or the caller's identity in live modes. */
  account?: string;
  /** The region the deploy goes to: the project's, `--region`, or the credential rules' region (a profile's). */
  region?: string;
}

/** The one context object every v2 hook receives. */
export interface AdapterContext {
  /** The directory the user pointed awsperm at (`--cwd`), absolute. */
  cwd: string;
  /** The environment awsperm runs with (tests pass a clean one); hooks read it, never `process.env`. */
  env: Readonly<Record<string, string | undefined>>;
  /** The run's arguments. */
  args: AdapterArgs;
  /** The validated `--feature` names (and the config's `features`). */
  features: readonly string[];
  /** Account and region, when known. `loadProject` sees only what the arguments and config say. */
  scope: AdapterScope;
  /** Warnings that reach the command's output. */
  log: AdapterLog;
  /**
   * Read-only AWS calls with the run's credentials: present only in `check`'s live modes (simulate, local, auto
   * without policy files), absent offline and in `policy`. The first call resolves the run's credentials (once; the
   * check then uses the same). Hooks that can work without it must: fall back to `args.state`, or to not knowing.
   * @since 0.2.0
   */
  aws?: AdapterAws;
}

/** The context of {@link AwspermAdapterV2.loadProject}. */
export interface LoadContext extends AdapterContext {
  /** What {@link AwspermAdapterV2.detect} found. */
  detection: Detection;
}

/** The context of the hooks that work on a loaded project. */
export interface ProjectContext<P> extends AdapterContext {
  /** The project from {@link AwspermAdapterV2.loadProject}. */
  project: ToolProject<P>;
}

/** The context of {@link AwspermAdapterV2.requirements}. */
export interface RequirementsContext<P> extends ProjectContext<P> {
  /** Which set is wanted; an adapter without a precise set returns its documented one. */
  kind: PolicySetKind;
}

/**
 * CloudFormation templates (files or `cdk.out` directories) the tool deploys. Core reads those that exist and
 * derives what their resources need (handler permissions, `iam:PassRole`, asset publishing).
 */
export interface CloudFormationSource {
  /** The source kind. */
  kind: 'cloudformation';
  /** Absolute paths of templates or `cdk.out` directories, whether or not they exist yet. */
  paths: string[];
  /** What to tell the user when none of the paths exists, e.g. "run `sst build` first". */
  missingHint?: string;
  /** Why there are no paths, when {@link CloudFormationSource.paths} is empty. */
  note?: string;
  /**
   * The id of the principal (from {@link Requirements.principals}) that creates the templates' resources, e.g. the
   * CloudFormation service role; publishing the assets stays the caller's. Default: the caller.
   */
  principal?: string;
  /**
   * The account the templates deploy to, when the tool fixes it for them (it wins over the run's; a cloud assembly's
   * own stack environment wins over both). @since 0.2.0
   */
  account?: string;
  /** The region the templates deploy to, when the tool fixes it (as {@link CloudFormationSource.account}). @since 0.2.0 */
  region?: string;
}

/**
 * Where requirements come from besides the adapter's own fragments; core turns each source into fragments. The
 * union grows with later kinds; core warns about (and skips) a kind it does not know.
 */
export type RequirementSource = CloudFormationSource;

/**
 * Who must get into a principal (a role) for the deploy to reach it, checked against the role's trust policy where
 * it is known (authorization details, or fetched with `iam:GetRole` in the live modes). `caller`: the caller assumes
 * the role itself (the caller's identity policies must allow `sts:AssumeRole` too, unless the trust policy names the
 * caller directly in its own account); `{ service }`: an AWS service acts as the role (CloudFormation for a service
 * role).
 * @since 0.2.0
 */
export interface TrustRequirement {
  /** Who assumes the role. */
  by: 'caller' | { service: string };
  /** The action the trust policy must allow; default `sts:AssumeRole`. */
  action?: string;
  /**
   * What the tool's assume-role request carries, as request context the trust policy's conditions are decided with
   * (e.g. `{ "sts:ExternalId": null }`: the tool sends no external id; `null` means known to be absent).
   */
  context?: Readonly<Record<string, string | null>>;
  /**
   * What it means for the deploy when the trust policy does not let the principal in, in the tool's words, added to
   * the failure's reason (e.g. the tool then falls back to other credentials). The link still fails. @since 0.3.0
   */
  ifDenied?: string;
}

/** A principal besides the caller that a deploy acts as (a CloudFormation service role; CDK's deploy roles). */
export interface PrincipalRequirement {
  /** A stable id, unique in the set (e.g. `service-role`, `cdk-deploy-role`). */
  id: string;
  /** The principal's ARN, when known (required to check it in live modes or in authorization details). */
  arn?: string;
  /** How the deploy reaches it, for reports, e.g. "CloudFormation service role (--role-arn)". */
  via: string;
  /** Where the tool takes the principal from, for messages (e.g. `--role-arn`, `cdk.cloudFormationExecutionRole`). */
  from?: string;
  /**
   * What the principal must be allowed. A principal with no fragments and no sources is only assumed: its trust
   * requirements are checked, its own policies are not read, and it has no policy of its own in the policy output.
   */
  fragments: PolicyFragment[];
  /** Sources whose requirements belong to this principal (a source may also name it with `principal`). */
  sources?: RequirementSource[];
  /** Who must get into the principal, checked against its trust policy where known. @since 0.2.0 */
  trust?: TrustRequirement[];
  /**
   * How to use the principal's policy, in the tool's words, for the policy output (e.g. which command option
   * attaches it). @since 0.2.0
   */
  description?: string;
}

/**
 * Something a deploy creates that the adapter has no permission data for (a component, a method, a resource type):
 * reported, never dropped. Any entry makes `check` not OK (exit 1): its permissions were not checked.
 */
export interface UnresolvedRequirement {
  /** What kind of thing it is, in the tool's words (`component`, `method`, `resource`, `provider`, …). */
  kind: string;
  /** Its type: `sst.aws.Foo`, a resource type token. */
  type: string;
  /** The name it has in the project, when it has one. */
  name?: string;
  /** Why it is unresolved, in one line. */
  reason: string;
}

/** What {@link AwspermAdapterV2.requirements} returns. */
export interface Requirements {
  /** Whether these are the documented or the precise requirements. */
  kind: PolicySetKind;
  /** What the caller needs. */
  fragments: PolicyFragment[];
  /** Principals besides the caller, each checked separately. */
  principals?: PrincipalRequirement[];
  /** Requirement sources core resolves (e.g. the tool's synthesized CloudFormation templates). */
  sources?: RequirementSource[];
  /** What the project creates that the adapter has no data for: listed in reports, and `check` is not OK. @since 0.2.0 */
  unresolved?: UnresolvedRequirement[];
}

/**
 * Version 2 of the contract between awsperm's core and the adapter for one deploy tool (SPEC §7). An adapter package
 * default-exports a factory returning a plain object of this type. `P` types the project's `config`.
 * @since 0.2.0
 */
export interface AwspermAdapterV2<P = unknown> {
  /** The adapter API version this adapter targets. */
  apiVersion: 2;
  /** The package name, e.g. `@awsperm/adapter-up`; used to attribute errors. */
  name: string;
  /** The tool id matched by `--tool`, e.g. `up`. */
  tool: string;
  /** Human name of the tool, e.g. `Apex Up`. Defaults to {@link AwspermAdapterV2.tool}. */
  displayName?: string;
  /** The `--feature` names this adapter understands, with one line each. Core validates `--feature` against them. */
  features?: Record<string, string>;
  /** Recognises the tool's project in `ctx.cwd` (or above it); `undefined` when it is not there. Cheap, no AWS call. */
  detect(ctx: AdapterContext): MaybePromise<Detection | undefined>;
  /** Loads and validates the tool's config for a stage. Throws `PROJECT_CONFIG_INVALID` with the tool's reason. */
  loadProject(ctx: LoadContext): MaybePromise<ToolProject<P>>;
  /** The tool's credential and region resolution as data (SPEC §4). Without it core uses the generic rules. */
  credentialRules?(ctx: ProjectContext<P>): MaybePromise<CredentialRules>;
  /** What a deploy of the project needs: the caller's fragments, other principals, requirement sources. */
  requirements(ctx: RequirementsContext<P>): MaybePromise<Requirements>;
}

/**
 * An adapter of any contract version core speaks. Core adapts v1 adapters to v2 when it loads them.
 */
// biome-ignore lint/suspicious/noExplicitAny: an adapter's project type is its own; core never reads it.
export type AwspermAdapter<P = any> = AwspermAdapterV1 | AwspermAdapterV2<P>;

/** Types a v2 adapter (an identity function that infers `P` from `loadProject`). */
export function defineAdapter<P>(adapter: AwspermAdapterV2<P>): AwspermAdapterV2<P> {
  return adapter;
}
