import type { AwspermAdapter, CredentialRules, Detection, PolicyFragment, PolicySet, Statement, ToolProject } from '@awsperm/core';
import { sstCredentialRules } from './credentials.ts';
import { findSstConfig, sstVersion } from './detect.ts';
import { adminPolicy, crudApiPolicy, customDomainPolicy, serviceRolePolicy } from './policies/documented.ts';
import { SST_PRECISE_FRAGMENTS, type SstCondition } from './policies/precise.ts';
import { loadSstProject, SST_DEFAULT_REGION, type SstProjectInfo } from './project.ts';
import { sstTemplateLocations } from './templates.ts';

export { AMAZON_ENV_NAMES, GO_ENV_NAMES, type SstCredentialInput, sstCredentialRules, sstProfile } from './credentials.ts';
export { atLeast, configShape, findSstConfig, rangeMajor, type SstDetection, type SstMajor, sstVersion, V2_CONFIG_FILES } from './detect.ts';
export { type EvaluateOptions, evaluateSstConfig } from './evaluate.ts';
export { adminPolicy, crudApiPolicy, customDomainPolicy, serviceRolePolicy } from './policies/documented.ts';
export { SST_PRECISE_FRAGMENTS, type SstCondition, type SstFragmentTemplate } from './policies/precise.ts';
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

/** SST's documented strategies: 1 with `admin`, 4 with `service-role`, else 2 (plus custom domains with `domains`). */
export function sstDocumentedFragments(features: readonly string[]): PolicyFragment[] {
  if (features.includes('admin')) return [adminPolicy];
  if (features.includes('service-role')) return [serviceRolePolicy];
  return features.includes('domains') ? [crudApiPolicy, customDomainPolicy] : [crudApiPolicy];
}

/** SST's precise fragments for this project, scoped to app, stage (`*` when unknown), account, region and CDK qualifier. */
export function sstPreciseFragments(info: SstProjectInfo, options: { region: string; account?: string; features: readonly string[] }): PolicyFragment[] {
  const conditions = new Set<SstCondition>([`v${info.major}` as SstCondition]);
  if (info.major !== 3) conditions.add('cdk');
  if (info.cloudFormationRole) conditions.add('serviceRole');
  for (const f of options.features) conditions.add(`feature:${f}` as SstCondition);
  const vars: Record<string, string> = {
    account: options.account ?? '*',
    region: options.region,
    app: info.app,
    stage: info.stage ?? '*',
    qualifier: info.qualifier,
    toolkitStack: info.toolkitStackName,
    bootstrapStack: info.bootstrapStackName,
  };
  const fill = (r: string): string => (r === '{serviceRole}' ? (info.cloudFormationRole ?? r) : r.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m));
  return SST_PRECISE_FRAGMENTS.filter((t) => t.when.every((w) => conditions.has(w))).map((t) => {
    const f: PolicyFragment = {
      id: t.id,
      title: t.title,
      source: t.source,
      statements: t.statements.map((s): Statement => {
        const list = (typeof s.Resource === 'string' ? [s.Resource] : (s.Resource ?? [])).map(fill);
        return { ...s, Resource: list.length === 1 ? list[0]! : list };
      }),
    };
    if (t.features) f.features = t.features;
    return f;
  });
}

/**
 * The awsperm adapter for SST (https://sst.dev), v1 (`sst.json`), v2 (`sst.config.*` with `config`/`stacks`) and
 * v3/v4 (`sst.config.ts` with `$config`). It finds the config as SST does, evaluates `config()`/`app()` without
 * running stacks, resolves the stage, profile and region per version, supplies SST's credential rules, and returns
 * SST's documented strategies or the precise bootstrap and deploy fragments of the detected version.
 */
export function sst(options: SstAdapterOptions = {}): AwspermAdapter {
  return {
    apiVersion: 1,
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
    async loadProject({ cwd, detection, stage, region, env }): Promise<ToolProject> {
      const version = sstVersion(detection.root, detection.configFile);
      const info = await loadSstProject({
        cwd,
        detection: version,
        env,
        ...(stage ? { stage } : {}),
        ...(region ? { region } : {}),
        ...(options.username !== undefined ? { username: options.username } : {}),
        ...(options.roleArn ? { roleArn: options.roleArn } : {}),
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      });
      const project: ToolProject = {
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
      return project;
    },
    credentialRules({ project, env, region, profile }): CredentialRules {
      return sstCredentialRules(project.config as SstProjectInfo, { env, ...(region ? { region } : {}), ...(profile ? { profile } : {}) });
    },
    templateLocations: ({ project }) => sstTemplateLocations(project),
    policySet({ project, kind, features, account, region }): PolicySet {
      if (kind === 'documented') return { kind, fragments: sstDocumentedFragments(features) };
      const info = project.config as SstProjectInfo;
      return { kind: 'precise', fragments: sstPreciseFragments(info, { region: region ?? project.region ?? SST_DEFAULT_REGION, features, ...(account ? { account } : {}) }) };
    },
  };
}

export default sst;
