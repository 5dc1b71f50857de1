import type { AdapterScope, PolicyFragment } from '@awsperm/core';
import { CDK_BOOTSTRAP_SOURCE, cdkBootstrapFragments, fillPlaceholders, mapResources } from '@awsperm/core/kit';
import type { CdkStack } from './assembly.ts';
import { BOOTSTRAP_TEMPLATE_SOURCE, bootstrapTemplate, TOOLKIT_STACK_ACTIONS, TOOLKIT_STACK_NAME } from './bootstrap.ts';
import { qualifierOf, type ResolvedEnvironment, resolveEnvironment } from './requirements.ts';

/** `cdk bootstrap` deploys the toolkit stack with a change set, with the caller's credentials. */
const DEPLOY_BOOTSTRAP_SOURCE = {
  title: 'aws/aws-cdk-cli @ 7ff50e77f314548128df33ec9042c17fa0da6c1c: packages/@aws-cdk/toolkit-lib/lib/api/bootstrap/deploy-bootstrap.ts',
  url: 'https://github.com/aws/aws-cdk-cli/blob/7ff50e77f314548128df33ec9042c17fa0da6c1c/packages/@aws-cdk/toolkit-lib/lib/api/bootstrap/deploy-bootstrap.ts',
};

/** The environments `cdk bootstrap` (without arguments: every environment of the app) bootstraps, with their qualifiers. */
function environments(stacks: readonly CdkStack[], scope: AdapterScope): { env: ResolvedEnvironment; qualifier: string }[] {
  const out = new Map<string, { env: ResolvedEnvironment; qualifier: string }>();
  for (const s of stacks) {
    const env = resolveEnvironment(s, scope);
    const qualifier = qualifierOf(s) ?? 'hnb659fds';
    out.set(`${env.account} ${env.region} ${qualifier}`, { env, qualifier });
  }
  return [...out.values()];
}

/**
 * What `cdk bootstrap` needs in each environment of the app (`--feature bootstrap`): the change set on the toolkit
 * stack, and creating or updating its resources (the bootstrap template of version 32 as data, its IAM actions from
 * core's CloudFormation handler-permission table, its names scoped to the environment and qualifier).
 */
export async function bootstrapFragments(stacks: readonly CdkStack[], scope: AdapterScope): Promise<PolicyFragment[]> {
  const { createHandlerResolver, templateRequirements } = await import('@awsperm/core/cloudformation');
  const envs = environments(stacks, scope);
  const out: PolicyFragment[] = [];
  for (const { env, qualifier } of envs) {
    const where = `aws://${env.account === '*' ? 'unknown-account' : env.account}/${env.region === '*' ? 'unknown-region' : env.region}`;
    const suffix = envs.length > 1 ? `-${env.account === '*' ? 'any' : env.account}-${env.region === '*' ? 'any' : env.region}` : '';
    out.push({
      id: `cdk.bootstrap-stack${suffix}`,
      title: `cdk bootstrap ${where}: deploy the ${TOOLKIT_STACK_NAME} stack with a change set`,
      source: DEPLOY_BOOTSTRAP_SOURCE,
      features: ['bootstrap'],
      statements: [{ Effect: 'Allow', Action: [...TOOLKIT_STACK_ACTIONS], Resource: `arn:${env.partition}:cloudformation:${env.region}:${env.account}:stack/${TOOLKIT_STACK_NAME}/*` }],
    });
    const loaded = {
      stacks: [{ name: TOOLKIT_STACK_NAME, file: BOOTSTRAP_TEMPLATE_SOURCE.title, template: bootstrapTemplate(qualifier), environment: { ...(env.account !== '*' ? { account: env.account } : {}), ...(env.region !== '*' ? { region: env.region } : {}) }, stackName: TOOLKIT_STACK_NAME }],
      assets: [],
      warnings: [],
    };
    const required = await templateRequirements(loaded, createHandlerResolver(), {
      ...(env.account !== '*' ? { account: env.account } : {}),
      ...(env.region !== '*' ? { region: env.region } : {}),
    });
    for (const f of required.fragments) {
      out.push({
        ...f,
        id: `cdk.bootstrap-resources${suffix}`,
        title: `cdk bootstrap ${where}: create or update the ${TOOLKIT_STACK_NAME} resources (qualifier ${qualifier}, bootstrap version 32)`,
        description: 'CloudFormation creates the bootstrap’s staging bucket, KMS key, container repository, roles, policies and version parameter with the caller’s credentials; the IAM actions are the resources’ handler permissions.',
        source: BOOTSTRAP_TEMPLATE_SOURCE,
        features: ['bootstrap'],
      });
    }
  }
  return out;
}

/** The documented form of {@link bootstrapFragments}: the kit's CDK bootstrap statements for the toolkit stack. */
export function documentedBootstrapFragments(stacks: readonly CdkStack[], scope: AdapterScope): PolicyFragment[] {
  const statements = environments(stacks, scope).flatMap(({ env, qualifier }) => {
    const vars = { account: env.account, region: env.region, qualifier, toolkitStack: TOOLKIT_STACK_NAME };
    const kit = cdkBootstrapFragments();
    return [...mapResources(kit.toolkitStack, (r) => fillPlaceholders(r, vars)), ...mapResources(kit.toolkitResources, (r) => fillPlaceholders(r, vars))];
  });
  return [{ id: 'cdk.bootstrap', title: 'cdk bootstrap: deploy the CDKToolkit stack and create its resources', source: CDK_BOOTSTRAP_SOURCE, features: ['bootstrap'], statements }];
}
