import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AwspermAdapterV1, CredentialRules, Detection, PolicySet, ToolProject } from '@awsperm/core';
import { serverlessCredentialRules } from './credentials.ts';
import { documentedFragments, preciseFragments } from './policies.ts';
import { loadServerlessYml, type ServerlessConfig, settingValue } from './serverless-yml.ts';

export { type ServerlessCredentialInput, serverlessCredentialRules } from './credentials.ts';
export { documentedFragments, preciseFragments, type ServerlessScope } from './policies.ts';
export { loadServerlessYml, parseServerlessYml, type ServerlessConfig, settingValue, validateServerlessConfig } from './serverless-yml.ts';

/** Options of the Serverless Framework adapter (none yet). */
export type ServerlessAdapterOptions = Record<string, never>;

/** The config files the framework reads from the service directory, in its order; this adapter reads YAML only. */
const CONFIG_FILES = ['serverless.yml', 'serverless.yaml'];

/** The framework's default stage. */
export const DEFAULT_STAGE = 'dev';
/** The framework's default region. */
export const DEFAULT_REGION = 'us-east-1';

/**
 * The awsperm adapter for the Serverless Framework (https://www.serverless.com/framework). Detects `serverless.yml`
 * in the project directory, reads the service, stage, region, profile and deployment bucket, and returns the
 * permissions a deploy of the `<service>-<stage>` CloudFormation stack needs.
 */
export function serverless(_options: ServerlessAdapterOptions = {}): AwspermAdapterV1 {
  return {
    apiVersion: 1,
    name: 'awsperm-adapter-serverless',
    tool: 'serverless',
    displayName: 'Serverless Framework',
    detect({ cwd }): Detection | undefined {
      for (const file of CONFIG_FILES) {
        const configFile = join(cwd, file);
        if (existsSync(configFile)) return { root: cwd, configFile };
      }
      return undefined;
    },
    async loadProject({ detection, stage, region }): Promise<ToolProject> {
      const config = await loadServerlessYml(detection.configFile);
      const project: ToolProject = {
        name: config.service,
        root: detection.root,
        configFile: detection.configFile,
        stage: settingValue(config.stage, stage, DEFAULT_STAGE),
        region: settingValue(config.region, region, DEFAULT_REGION),
        config,
      };
      if (config.profile) project.profile = config.profile;
      return project;
    },
    credentialRules({ project, env, region, profile }): CredentialRules {
      const config = project.config as ServerlessConfig;
      return serverlessCredentialRules({
        env,
        stage: project.stage ?? DEFAULT_STAGE,
        ...(config.profile ? { providerProfile: config.profile } : {}),
        ...(profile ? { awsProfile: profile } : {}),
        ...(region ? { region } : {}),
        ...(project.region ? { providerRegion: project.region } : {}),
      });
    },
    policySet({ project, kind, account, region }): PolicySet {
      if (kind === 'documented') return { kind, fragments: documentedFragments() };
      const config = project.config as ServerlessConfig;
      const scope = {
        service: config.service,
        stage: project.stage ?? DEFAULT_STAGE,
        region: region ?? project.region ?? DEFAULT_REGION,
        account: account ?? '*',
        ...(config.deploymentBucket ? { deploymentBucket: config.deploymentBucket } : {}),
      };
      return { kind: 'precise', fragments: preciseFragments(scope) };
    },
  };
}

export default serverless;

export { serverlessV2 } from './v2.ts';
