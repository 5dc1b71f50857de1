import { existsSync } from 'node:fs';
import { readProfileFiles, sharedFilePaths } from '@awsperm/core/kit';
import { join } from 'node:path';
import type { AwspermAdapterV2, CredentialRules, Detection, Requirements, ToolProject } from '@awsperm/core';
import { upCredentialRules } from './credentials.ts';
import { UP_FEATURES, upDocumentedFragments, upPreciseFragments, upRegion } from './project.ts';
import { loadUpConfig, type UpConfigInfo } from './up-json.ts';

export { UP_ENV_NAMES, type UpCredentialInput, upCredentialRules, upProfile } from './credentials.ts';
export { documentedPolicy } from './policies/documented.ts';
export { UP_PRECISE_FRAGMENTS, type UpCondition, type UpFragmentTemplate } from './policies/precise.ts';
export { UP_FEATURES, upConditions, upDocumentedFragments, upPreciseFragments, upRegion } from './project.ts';
export { expandRegions, UP_DEFAULT_REGION, UP_REGIONS } from './regions.ts';
export {
  BUILTIN_STAGES,
  loadUpConfig,
  type UpConfig,
  type UpConfigInfo,
  type UpDnsRecord,
  type UpLambda,
  type UpStage,
  validateUpConfig,
} from './up-json.ts';

/**
 * The region of the profile Up's region lookup reads: up.json `profile`, else `AWS_PROFILE`, else
 * `AWS_DEFAULT_PROFILE`, else `default`; the credentials file overrides the config file. Read only when nothing
 * earlier in Up's order names a region.
 */
async function upProfileRegion(info: UpConfigInfo, env: Readonly<Record<string, string | undefined>>): Promise<string | undefined> {
  if (info.regions[0] || env.AWS_REGION || env.AWS_DEFAULT_REGION) return undefined;
  const name = info.config.profile || env.AWS_PROFILE || env.AWS_DEFAULT_PROFILE || 'default';
  const files = await readProfileFiles(sharedFilePaths(env));
  return files.credentials[name]?.region ?? files.config[name]?.region;
}

/** Options of the Up adapter (none yet; reserved for future use). */
export type UpAdapterOptions = Record<string, never>;

/**
 * The awsperm adapter for Apex Up (https://apex.sh/up/). Detects `up.json` in the project directory (Up reads it
 * from the working directory only), validates it as Up does, and returns Up's documented policy or the precise,
 * app-scoped policy of what Up really calls.
 */
export function up(_options: UpAdapterOptions = {}): AwspermAdapterV2<UpConfigInfo> {
  return {
    apiVersion: 2,
    name: '@awsperm/adapter-up',
    tool: 'up',
    displayName: 'Apex Up',
    features: UP_FEATURES,
    detect({ cwd }): Detection | undefined {
      const configFile = join(cwd, 'up.json');
      return existsSync(configFile) ? { root: cwd, configFile } : undefined;
    },
    async loadProject({ detection, args, env }): Promise<ToolProject<UpConfigInfo>> {
      const { stage, region } = args;
      const info = await loadUpConfig(detection.configFile);
      const project: ToolProject<UpConfigInfo> = {
        name: info.config.name,
        root: detection.root,
        configFile: detection.configFile,
        config: info,
        region: upRegion(info, region, env, await upProfileRegion(info, env)),
      };
      if (info.config.profile) project.profile = info.config.profile;
      if (stage) project.stage = stage;
      return project;
    },
    credentialRules({ project, env, args }): CredentialRules {
      const info = project.config;
      const { region } = args;
      return upCredentialRules({
        env,
        ...(info.config.profile ? { profile: info.config.profile } : {}),
        regions: info.regions,
        ...(region ? { region } : {}),
      });
    },
    requirements({ project, kind, features, scope }): Requirements {
      if (kind === 'documented') return { kind, fragments: upDocumentedFragments() };
      const info = project.config;
      const { account, region } = scope;
      const options = { region: region ?? project.region ?? 'us-west-2', features: [...features], ...(account ? { account } : {}) };
      return { kind: 'precise', fragments: upPreciseFragments(info, options) };
    },
  };
}

export default up;
