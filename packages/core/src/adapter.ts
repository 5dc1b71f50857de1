import type { CredentialRules } from './credentials/types.ts';
import type { PolicySet, PolicySetKind } from './policy/types.ts';

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

/** A tool's project as the adapter understood it. */
export interface ToolProject {
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
  config: unknown;
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
 * The contract between awsperm's core and the adapter for one deploy tool (SPEC §7).
 * An adapter package default-exports a factory returning a plain object of this type.
 */
export interface AwspermAdapter {
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
