import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type AwspermAdapterV2, defineAdapter, type PolicyFragment, type PrincipalRequirement, type Requirements } from '@awsperm/core';
import { serverlessCredentialRules } from './credentials.ts';
import { documentedFragments, preciseFragments } from './policies.ts';
import { loadServerlessYml, type ServerlessConfig, settingValue } from './serverless-yml.ts';

const CONFIG_FILES = ['serverless.yml', 'serverless.yaml'];
const DEFAULT_STAGE = 'dev';
const DEFAULT_REGION = 'us-east-1';
/** The fragments CloudFormation needs when it acts as the deployment role: the stack's resources. */
const RESOURCE_FRAGMENTS = new Set(['serverless.lambda', 'serverless.iam-role', 'serverless.logs']);

function passRole(role: string): PolicyFragment {
  return {
    id: 'serverless.pass-deployment-role',
    title: 'Hand the deployment role to CloudFormation',
    description: 'With provider.iam.deploymentRole the framework passes the role to CloudFormation on every stack operation.',
    source: { title: 'Serverless Framework documentation: IAM deployment role', url: 'https://www.serverless.com/framework/docs/providers/aws/guide/iam' },
    statements: [{ Effect: 'Allow', Action: 'iam:PassRole', Resource: role, Condition: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } } }],
  };
}

/**
 * The Serverless Framework adapter written against adapter contract v2: the same tool as the v1 {@link serverless}
 * adapter, with a typed project (`ToolProject<ServerlessConfig>`, no casts), warnings through `log`, and the
 * CloudFormation deployment role (`provider.iam.deploymentRole`) as a second principal.
 */
export function serverlessV2(): AwspermAdapterV2<ServerlessConfig> {
  return defineAdapter({
    apiVersion: 2,
    name: 'awsperm-adapter-serverless',
    tool: 'serverless',
    displayName: 'Serverless Framework',
    detect({ cwd }) {
      for (const file of CONFIG_FILES) {
        const configFile = join(cwd, file);
        if (existsSync(configFile)) return { root: cwd, configFile };
      }
      return undefined;
    },
    async loadProject({ detection, args, log }) {
      const config = await loadServerlessYml(detection.configFile);
      if (args.profile && config.profile && args.profile !== config.profile) {
        log.warn(`--profile ${args.profile} replaces provider.profile '${config.profile}' of ${detection.configFile}, as \`serverless deploy --aws-profile\` would`);
      }
      return {
        name: config.service,
        root: detection.root,
        configFile: detection.configFile,
        stage: settingValue(config.stage, args.stage, DEFAULT_STAGE),
        region: settingValue(config.region, args.region, DEFAULT_REGION),
        ...(config.profile ? { profile: config.profile } : {}),
        config,
      };
    },
    credentialRules({ project, env, args }) {
      return serverlessCredentialRules({
        env,
        stage: project.stage ?? DEFAULT_STAGE,
        ...(project.config.profile ? { providerProfile: project.config.profile } : {}),
        ...(args.profile ? { awsProfile: args.profile } : {}),
        ...(args.region ? { region: args.region } : {}),
        ...(project.region ? { providerRegion: project.region } : {}),
      });
    },
    requirements({ project, kind, scope }): Requirements {
      if (kind === 'documented') return { kind, fragments: documentedFragments() };
      const { config } = project;
      const all = preciseFragments({
        service: config.service,
        stage: project.stage ?? DEFAULT_STAGE,
        region: scope.region ?? project.region ?? DEFAULT_REGION,
        account: scope.account ?? '*',
        ...(config.deploymentBucket ? { deploymentBucket: config.deploymentBucket } : {}),
      });
      const role = config.deploymentRole;
      if (!role) return { kind: 'precise', fragments: all };
      const deploymentRole: PrincipalRequirement = {
        id: 'service-role',
        arn: role,
        via: 'CloudFormation service role (provider.iam.deploymentRole)',
        from: 'provider.iam.deploymentRole',
        fragments: all.filter((f) => RESOURCE_FRAGMENTS.has(f.id)),
      };
      return { kind: 'precise', fragments: [...all.filter((f) => !RESOURCE_FRAGMENTS.has(f.id)), passRole(role)], principals: [deploymentRole] };
    },
  });
}
