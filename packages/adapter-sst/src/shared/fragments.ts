import type { FragmentSource, Statement } from '@awsperm/core';
import { CDK_BOOTSTRAP_SOURCE, cdkBootstrapFragments, type RequirementContext } from '@awsperm/core/kit';

/** When a precise fragment applies: the SST major version, a project fact, or a `--feature`. */
export type SstCondition = 'v1' | 'v2' | 'v3' | 'cdk' | 'serviceRole' | 'feature:start';

/**
 * A precise fragment as data. Resource strings hold placeholders filled per project: `{account}`, `{region}`,
 * `{app}`, `{stage}` (`*` when no stage resolves), `{qualifier}` (CDK qualifier, default `hnb659fds`),
 * `{toolkitStack}` (`CDKToolkit`), `{bootstrapStack}` (`SSTBootstrap`), `{bootstrapBucket}` (the SST bootstrap
 * bucket: `sstbootstrap-*` unless the v2 config names one) and, as a whole resource, `{serviceRole}`.
 */
export interface SstFragmentTemplate {
  /** Fragment id. */
  id: string;
  /** One-line title. */
  title: string;
  /** Conditions that must all hold. */
  when: SstCondition[];
  /** The `--feature` names that switch it on, if any. */
  features?: string[];
  /** Statements with placeholders: what the caller needs. */
  statements: Statement[];
  /** What SST's requests carry, for conditions (the service an iam:PassRole hands the role to). */
  context?: RequirementContext[];
  /**
   * What CloudFormation needs to create, update and delete the stack's resources. The caller needs them when the
   * stack is deployed with the caller's own credentials; the CloudFormation service role needs them instead when
   * the stack is deployed through one (`roleApplies`).
   */
  creates?: Statement[];
  /** The SST versions whose CloudFormation service role deploys this stack (v1 passes `--role-arn` to every cdk call; v2's synthesizer role skips `cdk bootstrap`). */
  roleApplies?: ('v1' | 'v2')[];
  /** Where the entry comes from. */
  source: FragmentSource;
}

/** A source on GitHub: `repo @ ref: path`, linked at the ref. */
export const gh = (repo: string, ref: string, path: string): FragmentSource => ({
  title: `${repo} @ ${ref}: ${path}`,
  url: `https://github.com/${repo}/blob/${ref}/${path}`,
});
const CDK_TEMPLATE = CDK_BOOTSTRAP_SOURCE;
const CDK = cdkBootstrapFragments();
/** SST v1's IAM Credentials page. */
export const V1_DOCS: FragmentSource = gh('sst/sst', 'v1.18.4', 'www/docs/advanced/iam-credentials.md');
/** SST v2's IAM Credentials page. */
export const V2_DOCS: FragmentSource = gh('sst/sst', 'v2.44.0', 'www/docs/advanced/iam-credentials.md');
/** An Allow statement. */
export const allow = (Sid: string, Action: string[], Resource: string | string[]): Statement => ({ Sid, Effect: 'Allow', Action, Resource });

/** The CDK assets bucket of the bootstrap, with placeholders. */
export const CDK_BUCKET: string = CDK.bucket;
/** What creating, updating and deleting a stack through change sets needs. */
export const CHANGE_SET_ACTIONS: string[] = [...CDK.changeSetActions];
/** SST v1 and v2 name app stacks `<stage>-<app>-<id>` (v1 packages/resources/src/App.ts, v2 packages/sst/src/constructs/App.ts). */
const APP_STACKS = 'arn:aws:cloudformation:{region}:{account}:stack/{stage}-{app}-*/*';

/** The CloudFormation registry schemas' handler permissions, for what CloudFormation needs per resource type. */
export const HANDLERS = 'handler permissions of the CloudFormation registry schemas (hashicorp/terraform-provider-awscc @ f995d4f, internal/service/cloudformation/schemas)';

/** A Lambda-backed CDK custom resource provider of a stack (autoDeleteObjects, log retention): its function and role. */
export const customResourceProvider = (stack: string): Statement[] => [
  allow(
    'CustomResourceProviderRole',
    ['iam:CreateRole', 'iam:DeleteRole', 'iam:GetRole', 'iam:PassRole', 'iam:TagRole', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:GetRolePolicy'],
    `arn:aws:iam::{account}:role/${stack}-*`,
  ),
  allow(
    'CustomResourceProviderFunction',
    ['lambda:CreateFunction', 'lambda:DeleteFunction', 'lambda:GetFunction', 'lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration', 'lambda:InvokeFunction', 'lambda:TagResource'],
    `arn:aws:lambda:{region}:{account}:function:${stack}-*`,
  ),
  allow('ReadFunctionCode', ['s3:GetObject'], `${CDK_BUCKET}/*`),
];

/**
 * The CDK fragments SST v1 and v2 share: the CDK bootstrap stack, deploying app stacks through the bootstrap roles,
 * and deploying through a CloudFormation service role. They follow the resources of the current CDK bootstrap
 * template (version 26) and the Sids of SST v2's documented policy.
 */
export const CDK_FRAGMENTS: readonly SstFragmentTemplate[] = [
  {
    id: 'sst.cdk-bootstrap',
    title: 'Create or update the CDK bootstrap stack (CDKToolkit): v2 always with the caller’s credentials, v1 through --role-arn when given',
    when: ['cdk'],
    roleApplies: ['v1'],
    statements: CDK.toolkitStack,
    creates: CDK.toolkitResources,
    source: {
      ...CDK_TEMPLATE,
      title: `${CDK_TEMPLATE.title} (bootstrap version 26; the KMS key only with --bootstrap-customer-key, so not required), with the Sids of ${V2_DOCS.title}; v1 passes --role-arn to cdk bootstrap (sst/sst v1.18.4 packages/core/src/index.ts)`,
    },
  },
  {
    id: 'sst.cdk-deploy',
    title: 'Deploy app stacks through the CDK bootstrap roles and read the bootstrap version',
    when: ['cdk'],
    statements: [
      ...CDK.deploy,
      allow(
        'MonitorAppStacks',
        ['cloudformation:DescribeStacks', 'cloudformation:DescribeStackEvents', 'cloudformation:DescribeStackResources', 'cloudformation:GetTemplate', 'cloudformation:DeleteStack'],
        APP_STACKS,
      ),
    ],
    source: { ...V2_DOCS, title: `${V2_DOCS.title} (AllowSSTAssumeCDKToolkitRoles, AllowSSTMonitorStackDeployment); CDK DefaultStackSynthesizer roles in ${CDK_TEMPLATE.title}` },
  },
  {
    id: 'sst.cfn-service-role',
    title: 'Deploy through the CloudFormation service role: CloudFormation on the app stacks, iam:PassRole on the role, asset access',
    when: ['cdk', 'serviceRole'],
    statements: [
      allow('ManageAppStacks', [...CHANGE_SET_ACTIONS, 'cloudformation:DescribeStackResources'], APP_STACKS),
      allow('PassServiceRole', ['iam:PassRole'], '{serviceRole}'),
      ...CDK.assets,
    ],
    // The role is handed to CloudFormation (CreateChangeSet/UpdateStack with RoleARN).
    context: [{ actions: ['iam:PassRole'], values: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } }],
    source: { ...V1_DOCS, title: `${V1_DOCS.title} (strategy 4, --role-arn); sst/sst v2.44.0 packages/sst/src/bootstrap.ts and constructs/Stack.ts (cdk.cloudFormationExecutionRole in the synthesizer)` },
  },
];
