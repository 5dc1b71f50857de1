import type { AwspermAdapterV2, CredentialRules, Detection, PolicyFragment, PolicySet, Requirements, ServiceRoleSet, Statement, ToolProject } from '@awsperm/core';
import { featureConditions, fillPlaceholders, fragmentFromTemplate, selectTemplates } from '@awsperm/core/kit';
import { sstCredentialRules } from './credentials.ts';
import { findSstConfig, sstVersion } from './detect.ts';
import { adminPolicy, crudApiPolicy, customDomainPolicy, serviceRolePolicy } from './policies/documented.ts';
import { sstV3DocumentedFragments, sstV3Strategy } from './policies/documented-v3.ts';
import { SST_PRECISE_FRAGMENTS, type SstCondition, type SstFragmentTemplate } from './policies/precise.ts';
import { loadSstProject, SST_DEFAULT_REGION, type SstProjectInfo } from './project.ts';
import { sstTemplateLocations } from './templates.ts';
import { sstAppRequirements } from './v3-app.ts';

export { AMAZON_ENV_NAMES, GO_ENV_NAMES, type SstCredentialInput, sstCredentialRules, sstProfile } from './credentials.ts';
export { atLeast, configShape, findSstConfig, rangeMajor, type SstDetection, type SstMajor, sstVersion, V2_CONFIG_FILES } from './detect.ts';
export { SST_V3_DOCUMENTED, SST_V3_DOCS_SOURCE, SST_V3_PLACEHOLDER_ID, sstV3DocumentedFragments, sstV3Strategy, v3AdminPolicy } from './policies/documented-v3.ts';
export { DISCOVERY_TIMEOUT_MS, type DiscoverOptions, discoverSstApp } from './app-discovery.ts';
export { type EvaluateOptions, evaluateSstConfig } from './evaluate.ts';
export { adminPolicy, crudApiPolicy, customDomainPolicy, serviceRolePolicy } from './policies/documented.ts';
export { SST_PRECISE_FRAGMENTS, type SstCondition, type SstFragmentTemplate } from './policies/precise.ts';
export { type SstAppOptions, type SstAppRequirements, sstAppRequirements } from './v3-app.ts';
export {
  AWS_PROFILE_FIRST_FROM,
  DEFAULT_QUALIFIER,
  type LoadSstInput,
  loadSstProject,
  SST_DEFAULT_REGION,
  type SstProjectInfo,
  v3StageGuess,
} from './project.ts';

/** Options of the SST adapter. */
export interface SstAdapterOptions {
  /** SST v1 `--role-arn`: the CloudFormation service role deploys use. */
  roleArn?: string;
  /** The OS user name SST v3 guesses a stage from (default: the current user). */
  username?: string;
  /** Time limit for evaluating sst.config.*, ms (default 2000). */
  timeoutMs?: number;
}

/** The `--feature` names the SST adapter understands. */
export const SST_FEATURES: Record<string, string> = {
  documented: "check SST's documented policy instead of the precise one",
  domains: 'custom domains (acm, route53, cloudfront), documented strategy 2',
  start: 'SST v1 sst start: the Debug stack',
  admin: 'documented strategy 1: AdministratorAccess',
  'service-role': 'documented strategy 4: CloudFormation service role',
};

/**
 * SST's documented strategies: 1 with `admin`, 4 with `service-role`, else 2 (plus custom domains with `domains`).
 * For SST v3/v4 (`major` 3) the page has one policy and AdministratorAccess: `admin` gives the latter, `domains` and
 * `service-role` (without `admin`) are refused, and otherwise the result is empty — {@link sstPolicySet} adds the
 * v3 page's policy.
 */
export function sstDocumentedFragments(features: readonly string[], major?: SstProjectInfo['major']): PolicyFragment[] {
  if (major === 3) return sstV3Strategy(features);
  if (features.includes('admin')) return [adminPolicy];
  if (features.includes('service-role')) return [serviceRolePolicy];
  return features.includes('domains') ? [crudApiPolicy, customDomainPolicy] : [crudApiPolicy];
}

/** The CloudFormation service role's ARN, with the pseudo parameters a v2 synthesizer role may hold filled in where known. */
function serviceRoleArn(info: SstProjectInfo, scope: SstScope): string | undefined {
  return info.cloudFormationRole
    ?.replace('${AWS::Partition}', 'aws')
    .replace('${AWS::AccountId}', scope.account ?? '${AWS::AccountId}')
    .replace('${AWS::Region}', scope.region);
}

/** What {@link sstPreciseFragments} needs besides the project. */
export interface SstScope {
  /** The region the ARNs are scoped to. */
  region: string;
  /** The account id, when known (`*` otherwise). */
  account?: string;
  /** `--feature` names. */
  features: readonly string[];
}

/**
 * SST's precise fragments for this project, scoped to app, stage (`*` when unknown), account, region and CDK
 * qualifier: what the caller needs, and — when the project deploys through a CloudFormation service role (v1
 * `--role-arn`, v2 `cdk.cloudFormationExecutionRole`) — what that role needs for the stacks it deploys.
 */
export function sstPreciseFragments(info: SstProjectInfo, scope: SstScope): { caller: PolicyFragment[]; serviceRole: PolicyFragment[] } {
  const conditions = new Set<SstCondition>([`v${info.major}` as SstCondition]);
  if (info.major !== 3) conditions.add('cdk');
  if (info.cloudFormationRole) conditions.add('serviceRole');
  for (const c of featureConditions<SstCondition>(scope.features)) conditions.add(c);
  const vars: Record<string, string> = {
    account: scope.account ?? '*',
    region: scope.region,
    app: info.app,
    stage: info.stage ?? '*',
    qualifier: info.qualifier,
    toolkitStack: info.toolkitStackName,
    bootstrapStack: info.bootstrapStackName,
  };
  vars.bootstrapBucket = `arn:aws:s3:::${fillPlaceholders(info.bootstrapBucket ?? '', vars) || `${info.bootstrapStackName.toLowerCase()}-*`}`;
  const resource = (r: string): string => (r === '{serviceRole}' ? (serviceRoleArn(info, scope) ?? r) : fillPlaceholders(r, vars));
  const fragment = (t: SstFragmentTemplate, statements: Statement[]): PolicyFragment => fragmentFromTemplate(t, { resource, statements });
  const caller: PolicyFragment[] = [];
  const serviceRole: PolicyFragment[] = [];
  for (const t of selectTemplates(SST_PRECISE_FRAGMENTS, conditions)) {
    const throughRole = Boolean(info.cloudFormationRole) && info.major !== 3 && (t.roleApplies ?? []).includes(`v${info.major}` as 'v1' | 'v2');
    caller.push(fragment(t, throughRole ? t.statements : [...t.statements, ...(t.creates ?? [])]));
    if (throughRole && t.creates) serviceRole.push(fragment(t, t.creates));
  }
  return { caller, serviceRole };
}

/**
 * SST's policy set. `precise`: the version's bootstrap and deploy fragments. `documented`: the strategy of SST's
 * IAM Credentials page (1 with `admin`, 4 with `service-role`, else 2), plus — for strategies 2 and 4 — the
 * bootstrap stacks the page says are needed "in addition" (sst/sst v1.18.4 www/docs/advanced/iam-credentials.md,
 * "Additional permissions"), as the precise fragments of the detected version. For SST v3/v4 `documented` is the
 * v3 page's own policy (bootstrap and state, the `Deployments` `"*"` on `"*"` placeholder, secrets, Live), or
 * AdministratorAccess with `admin`; v1's `domains` and `service-role` without `admin` are refused. When the project deploys through
 * a CloudFormation service role, the role's own fragments come as `serviceRole`.
 */
export function sstPolicySet(info: SstProjectInfo, kind: 'documented' | 'precise', scope: SstScope): PolicySet {
  const precise = sstPreciseFragments(info, scope);
  const roleArn = serviceRoleArn(info, scope);
  const role: ServiceRoleSet | undefined =
    roleArn && precise.serviceRole.length ? { arn: roleArn, from: info.cloudFormationRoleFrom ?? 'the project', fragments: precise.serviceRole } : undefined;
  const withRole = (set: PolicySet): PolicySet => (role ? { ...set, serviceRole: role } : set);
  // Checked for both kinds: check compares the precise set with the documented one.
  const v3Strategy = info.major === 3 ? sstDocumentedFragments(scope.features, 3) : [];
  if (kind === 'precise') return withRole({ kind, fragments: precise.caller });
  if (info.major === 3) {
    const page = sstV3DocumentedFragments({ region: scope.region, ...(scope.account ? { account: scope.account } : {}) });
    return { kind, fragments: v3Strategy.length ? v3Strategy : page };
  }
  const strategy = sstDocumentedFragments(scope.features).map((f) =>
    f === serviceRolePolicy && roleArn ? { ...f, statements: f.statements.map((s) => (s.Sid === 'PassServiceRole' ? { ...s, Resource: roleArn } : s)) } : f,
  );
  if (scope.features.includes('admin')) return { kind, fragments: strategy };
  const bootstrap = precise.caller.filter((f) => BOOTSTRAP_IDS.has(f.id));
  return withRole({ kind, fragments: [...strategy, ...bootstrap] });
}

/** The precise fragments the documented strategies need "in addition": each version's bootstrap (and v1's Debug stack). */
const BOOTSTRAP_IDS = new Set(['sst.cdk-bootstrap', 'sst.v1-bootstrap', 'sst.v1-debug-stack', 'sst.v2-bootstrap', 'sst.v3-bootstrap', 'sst.v3-state']);

/**
 * The awsperm adapter for SST (https://sst.dev), v1 (`sst.json`), v2 (`sst.config.*` with `config`/`stacks`) and
 * v3/v4 (`sst.config.ts` with `$config`). It finds the config as SST does, evaluates `config()`/`app()` without
 * running stacks, resolves the stage, profile and region per version, supplies SST's credential rules, and returns
 * SST's documented strategies or the precise bootstrap and deploy fragments of the detected version.
 */
export function sst(options: SstAdapterOptions = {}): AwspermAdapterV2<SstProjectInfo> {
  return {
    apiVersion: 2,
    name: '@awsperm/adapter-sst',
    tool: 'sst',
    displayName: 'SST',
    features: SST_FEATURES,
    detect({ cwd }): Detection | undefined {
      const found = findSstConfig(cwd);
      if (!found) return undefined;
      try {
        const v = sstVersion(found.root, found.configFile);
        return { root: v.root, configFile: v.configFile, toolVersion: v.toolVersion };
      } catch {
        // Ambiguous projects are still SST projects: loadProject reports why.
        return found;
      }
    },
    async loadProject({ cwd, detection, args, env, log }): Promise<ToolProject<SstProjectInfo>> {
      const { stage, region, profile, roleArn, exec } = args;
      const version = sstVersion(detection.root, detection.configFile);
      const role = roleArn ?? options.roleArn;
      const info = await loadSstProject({
        cwd,
        detection: version,
        env,
        ...(stage ? { stage } : {}),
        ...(region ? { region } : {}),
        ...(profile ? { profile } : {}),
        ...(options.username !== undefined ? { username: options.username } : {}),
        ...(role ? { roleArn: role, roleArnFrom: roleArn ? '--role-arn' : 'the sst() adapter option roleArn' } : {}),
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
        ...(exec === false ? { exec: false } : {}),
        warn: (m) => log.warn(m),
      });
      const project: ToolProject<SstProjectInfo> = {
        name: info.app,
        root: detection.root,
        configFile: detection.configFile,
        toolVersion: info.toolVersion,
        config: info,
      };
      if (info.stage) project.stage = info.stage;
      const r = (info.major !== 3 ? region : undefined) ?? info.configRegion;
      if (r) project.region = r;
      if (info.configProfile) project.profile = info.configProfile;
      if (Object.keys(info.envFromFiles).length) project.env = info.envFromFiles;
      return project;
    },
    credentialRules({ project, env, args }): CredentialRules {
      const { region, profile } = args;
      return sstCredentialRules(project.config, { env, ...(region ? { region } : {}), ...(profile ? { profile } : {}) });
    },
    async requirements(ctx): Promise<Requirements> {
      const { project, kind, features, scope } = ctx;
      const { account } = scope;
      const region = scope.region ?? project.region ?? SST_DEFAULT_REGION;
      const set = sstPolicySet(project.config, kind, { region, features, ...(account ? { account } : {}) });
      if (project.config.major === 3) {
        // Pulumi, not CloudFormation: no templates; the app's own resources come from running run() in the worker.
        if (set.kind !== 'precise') return { kind: set.kind, fragments: set.fragments };
        const app = await sstAppRequirements(ctx, region, options.timeoutMs ? { timeoutMs: options.timeoutMs } : {});
        return { kind: set.kind, fragments: [...set.fragments, ...app.fragments], ...(app.unresolved.length ? { unresolved: app.unresolved } : {}) };
      }
      const source = sstTemplateLocations(project);
      const role = set.serviceRole;
      if (!role) return { kind: set.kind, fragments: set.fragments, sources: [source] };
      return {
        kind: set.kind,
        fragments: set.fragments,
        // CloudFormation creates the stacks' resources as the service role; publishing the assets stays the caller's.
        principals: [{ id: 'service-role', arn: role.arn, via: `CloudFormation service role (${role.from})`, from: role.from, fragments: role.fragments }],
        sources: [{ ...source, principal: 'service-role' }],
      };
    },
  };
}

export default sst;
