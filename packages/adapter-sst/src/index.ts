import type { AwspermAdapterV2, CredentialRules, Detection, Requirements, ToolProject } from '@awsperm/core';
import { loadSstProject, MAJORS, sstCredentialRules } from './majors.ts';
import { sstPolicySet } from './policies/policy-set.ts';
import { findSstConfig, type SstDetection, sstVersion } from './shared/detect.ts';
import { SST_DEFAULT_REGION, type SstProjectInfo } from './shared/project.ts';

export type { SstCredentialInput } from './shared/credentials.ts';
export { AMAZON_ENV_NAMES } from './v1/credentials.ts';
export { GO_ENV_NAMES } from './v3/credentials.ts';
export { sstCredentialRules, sstProfile, loadSstProject } from './majors.ts';
export { atLeast, configShape, findSstConfig, rangeMajor, type SstDetection, type SstMajor, sstVersion, V2_CONFIG_FILES } from './shared/detect.ts';
export { DISCOVERY_TIMEOUT_MS, type DiscoverOptions, discoverSstApp } from './v3/app/discovery.ts';
export { type EvaluateOptions, evaluateSstConfig } from './shared/evaluate.ts';
export { SST_V3_DOCUMENTED, SST_V3_DOCS_SOURCE, SST_V3_PLACEHOLDER_ID, sstV3DocumentedFragments, sstV3Strategy, v3AdminPolicy } from './policies/documented-v3.ts';
export { adminPolicy, crudApiPolicy, customDomainPolicy, serviceRolePolicy } from './policies/documented.ts';
export { SST_PRECISE_FRAGMENTS, type SstCondition, type SstFragmentTemplate } from './policies/precise.ts';
export { type SstScope, sstDocumentedFragments, sstPolicySet, sstPreciseFragments } from './policies/policy-set.ts';
export { type SstAppOptions, type SstAppRequirements, sstAppRequirements } from './v3/app-requirements.ts';
export { DEFAULT_QUALIFIER, type LoadSstInput, SST_DEFAULT_REGION, type SstProjectInfo } from './shared/project.ts';
export { AWS_PROFILE_FIRST_FROM, v3StageGuess } from './v3/project.ts';

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
 * The awsperm adapter for SST (https://sst.dev), v1 (`sst.json`), v2 (`sst.config.*` with `config`/`stacks`) and
 * v3/v4 (`sst.config.ts` with `$config`). It finds the config as SST does, evaluates `config()`/`app()` without
 * running stacks, resolves the stage, profile and region per version, supplies SST's credential rules, and returns
 * SST's documented strategies or the precise bootstrap and deploy fragments of the detected version. What differs
 * by version is in `v1/`, `v2/` and `v3/` (one module each, picked by the major); this only dispatches.
 */
export function sst(options: SstAdapterOptions = {}): AwspermAdapterV2<SstProjectInfo> {
  // What detect read of each detection it returned, for loadProject (core hands it the same object).
  const versions = new WeakMap<Detection, SstDetection>();
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
        const detection = { root: v.root, configFile: v.configFile, toolVersion: v.toolVersion };
        versions.set(detection, v);
        return detection;
      } catch {
        // Ambiguous projects are still SST projects: loadProject reports why.
        return found;
      }
    },
    async loadProject({ cwd, detection, args, env, log }): Promise<ToolProject<SstProjectInfo>> {
      const { stage, region, profile, roleArn, exec, requirements } = args;
      const version = versions.get(detection) ?? sstVersion(detection.root, detection.configFile);
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
        ...(requirements ? { requirements } : {}),
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
      const r = (MAJORS[info.major].regionFlag ? region : undefined) ?? info.configRegion;
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
      return MAJORS[project.config.major].requirements(ctx, set, region, options.timeoutMs ? { timeoutMs: options.timeoutMs } : {});
    },
  };
}

export default sst;
