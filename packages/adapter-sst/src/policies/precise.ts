import type { FragmentSource, Statement } from '@awsperm/core';
import { CDK_BOOTSTRAP_SOURCE, cdkBootstrapFragments } from '@awsperm/core/kit';

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

const gh = (repo: string, ref: string, path: string): FragmentSource => ({
  title: `${repo} @ ${ref}: ${path}`,
  url: `https://github.com/${repo}/blob/${ref}/${path}`,
});
const CDK_TEMPLATE = CDK_BOOTSTRAP_SOURCE;
const CDK = cdkBootstrapFragments();
const V1_DOCS = gh('sst/sst', 'v1.18.4', 'www/docs/advanced/iam-credentials.md');
const V2_DOCS = gh('sst/sst', 'v2.44.0', 'www/docs/advanced/iam-credentials.md');
const allow = (Sid: string, Action: string[], Resource: string | string[]): Statement => ({ Sid, Effect: 'Allow', Action, Resource });

const CDK_BUCKET = CDK.bucket;
const CHANGE_SET_ACTIONS = [...CDK.changeSetActions];
/** SST v1 and v2 name app stacks `<stage>-<app>-<id>` (v1 packages/resources/src/App.ts, v2 packages/sst/src/constructs/App.ts). */
const APP_STACKS = 'arn:aws:cloudformation:{region}:{account}:stack/{stage}-{app}-*/*';

const V1_CORE = (path: string): FragmentSource => gh('sst/sst', 'v1.18.4', path);
const V2_BOOTSTRAP = gh('sst/sst', 'v2.44.0', 'packages/sst/src/bootstrap.ts');
const V3_AWS = gh('anomalyco/sst', 'v4.17.0', 'pkg/project/provider/aws.go');
/** The CloudFormation registry schemas' handler permissions, for what CloudFormation needs per resource type. */
const HANDLERS = 'handler permissions of the CloudFormation registry schemas (hashicorp/terraform-provider-awscc @ f995d4f, internal/service/cloudformation/schemas)';

/** A Lambda-backed CDK custom resource provider of a stack (autoDeleteObjects, log retention): its function and role. */
const customResourceProvider = (stack: string): Statement[] => [
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
 * What SST calls, per major version, as IAM requirements scoped to the app. The CDK bootstrap entries follow the
 * resources of the current CDK bootstrap template (version 26) and the Sids of SST v2's documented policy; the SST
 * bootstrap entries follow each version's bootstrap source. `creates` lists what CloudFormation needs for the
 * stack's resources: the caller's business without a service role, the role's with one.
 */
export const SST_PRECISE_FRAGMENTS: readonly SstFragmentTemplate[] = [
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
    source: { ...V1_DOCS, title: `${V1_DOCS.title} (strategy 4, --role-arn); sst/sst v2.44.0 packages/sst/src/bootstrap.ts and constructs/Stack.ts (cdk.cloudFormationExecutionRole in the synthesizer)` },
  },
  {
    id: 'sst.v1-bootstrap',
    title: 'SST v1 bootstrap stack (SSTBootstrap): its stack, its bucket and the /sst/bootstrap/* parameters',
    when: ['v1'],
    roleApplies: ['v1'],
    statements: [
      allow('ManageBootstrapStack', CHANGE_SET_ACTIONS, 'arn:aws:cloudformation:{region}:{account}:stack/{bootstrapStack}/*'),
      allow('ReadBootstrapParameters', ['ssm:GetParameters', 'ssm:GetParameter'], 'arn:aws:ssm:{region}:{account}:parameter/sst/bootstrap/*'),
    ],
    creates: [
      allow(
        'BootstrapBucket',
        ['s3:CreateBucket', 's3:DeleteBucket', 's3:PutEncryptionConfiguration', 's3:PutBucketPublicAccessBlock', 's3:PutBucketTagging', 's3:PutBucketPolicy', 's3:GetBucketPolicy', 's3:DeleteBucketPolicy'],
        '{bootstrapBucket}',
      ),
      allow(
        'BootstrapParameters',
        ['ssm:PutParameter', 'ssm:DeleteParameter', 'ssm:GetParameters', 'ssm:AddTagsToResource', 'ssm:RemoveTagsFromResource', 'ssm:ListTagsForResource'],
        'arn:aws:ssm:{region}:{account}:parameter/sst/bootstrap/*',
      ),
      ...customResourceProvider('{bootstrapStack}'),
    ],
    source: {
      ...V1_CORE('packages/core/src/bootstrap/index.ts'),
      title: `sst/sst @ v1.18.4: packages/core/src/bootstrap/index.ts and packages/core/assets/bootstrap/cdk-app/bin/index.mjs (bucket with autoDeleteObjects, three /sst/bootstrap/* parameters); ${HANDLERS}`,
    },
  },
  {
    id: 'sst.v1-debug-stack',
    title: 'SST v1 Debug stack of sst start (<stage>-<app>-debug-stack) and the resources it holds',
    when: ['v1', 'feature:start'],
    features: ['start'],
    roleApplies: ['v1'],
    statements: [allow('ManageDebugStack', CHANGE_SET_ACTIONS, 'arn:aws:cloudformation:{region}:{account}:stack/{stage}-{app}-debug-stack/*')],
    creates: [
      allow(
        'DebugStackRoles',
        ['iam:CreateRole', 'iam:DeleteRole', 'iam:GetRole', 'iam:PassRole', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:GetRolePolicy', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy', 'iam:TagRole'],
        'arn:aws:iam::{account}:role/{stage}-{app}-debug-stack-*',
      ),
      allow(
        'DebugStackTable',
        ['dynamodb:CreateTable', 'dynamodb:DescribeTable', 'dynamodb:UpdateTable', 'dynamodb:DeleteTable', 'dynamodb:TagResource', 'dynamodb:DescribeContinuousBackups'],
        'arn:aws:dynamodb:{region}:{account}:table/{stage}-{app}-debug-stack-*',
      ),
      allow(
        'DebugStackBucket',
        ['s3:CreateBucket', 's3:DeleteBucket', 's3:PutBucketPolicy', 's3:GetBucketPolicy', 's3:DeleteBucketPolicy', 's3:PutEncryptionConfiguration', 's3:PutLifecycleConfiguration', 's3:PutBucketPublicAccessBlock', 's3:PutBucketTagging'],
        'arn:aws:s3:::{stage}-{app}-debug-stack-*',
      ),
      allow(
        'DebugStackFunctions',
        ['lambda:CreateFunction', 'lambda:DeleteFunction', 'lambda:GetFunction', 'lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration', 'lambda:AddPermission', 'lambda:RemovePermission', 'lambda:InvokeFunction', 'lambda:TagResource'],
        'arn:aws:lambda:{region}:{account}:function:{stage}-{app}-debug-stack-*',
      ),
      allow('DebugStackWebSocketApi', ['apigateway:GET', 'apigateway:POST', 'apigateway:PATCH', 'apigateway:PUT', 'apigateway:DELETE'], 'arn:aws:apigateway:{region}::/apis*'),
      allow('ReadFunctionCode', ['s3:GetObject'], `${CDK_BUCKET}/*`),
    ],
    source: {
      ...V1_DOCS,
      title: `${V1_DOCS.title} ("Additional permissions", the Debug stack); sst/sst v1.18.4 packages/resources/src/DebugStack.ts and DebugApp.ts (stack <stage>-<app>-debug-stack), packages/cli/scripts/start.mjs`,
    },
  },
  {
    id: 'sst.v2-bootstrap',
    title: 'SST v2 bootstrap stack (SSTBootstrap): its stack, the app metadata in its bucket, and its metadata function',
    when: ['v2'],
    roleApplies: ['v2'],
    statements: [
      allow('ManageBootstrapStack', CHANGE_SET_ACTIONS, 'arn:aws:cloudformation:{region}:{account}:stack/{bootstrapStack}/*'),
      allow('ManageBootstrapBucket', ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:ListBucket'], ['{bootstrapBucket}', '{bootstrapBucket}/*']),
    ],
    creates: [
      allow(
        'BootstrapBucket',
        ['s3:CreateBucket', 's3:DeleteBucket', 's3:PutEncryptionConfiguration', 's3:PutLifecycleConfiguration', 's3:PutBucketPublicAccessBlock', 's3:PutBucketTagging', 's3:PutBucketPolicy', 's3:GetBucketPolicy', 's3:DeleteBucketPolicy'],
        '{bootstrapBucket}',
      ),
      allow(
        'MetadataRule',
        ['events:PutRule', 'events:DeleteRule', 'events:DescribeRule', 'events:PutTargets', 'events:RemoveTargets', 'events:ListTargetsByRule', 'events:TagResource'],
        'arn:aws:events:{region}:{account}:rule/{bootstrapStack}-*',
      ),
      allow('MetadataRulePermission', ['lambda:AddPermission', 'lambda:RemovePermission', 'lambda:GetPolicy'], 'arn:aws:lambda:{region}:{account}:function:{bootstrapStack}-*'),
      ...customResourceProvider('{bootstrapStack}'),
    ],
    source: { ...V2_BOOTSTRAP, title: `${V2_BOOTSTRAP.title} (bucket, MetadataHandler, MetadataRule); ${V2_DOCS.title} (AllowSSTManageBootstrapStack, AllowSSTManageBootstrapBucket); ${HANDLERS}` },
  },
  {
    id: 'sst.v3-bootstrap',
    title: 'SST v3/v4 bootstrap: sst-asset-*/sst-state-* buckets, the sst-asset ECR repository, /sst/bootstrap',
    when: ['v3'],
    statements: [
      allow(
        'ManageBootstrapBuckets',
        ['s3:CreateBucket', 's3:PutBucketVersioning', 's3:PutBucketNotification', 's3:PutBucketPolicy', 's3:ListBucket'],
        ['arn:aws:s3:::sst-asset-*', 'arn:aws:s3:::sst-state-*'],
      ),
      allow('ManageAssetObjects', ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], 'arn:aws:s3:::sst-asset-*/*'),
      allow('ManageBootstrapRepository', ['ecr:CreateRepository', 'ecr:DescribeRepositories'], 'arn:aws:ecr:{region}:{account}:repository/sst-asset'),
      allow('ManageBootstrapParameter', ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:PutParameter'], 'arn:aws:ssm:{region}:{account}:parameter/sst/bootstrap'),
    ],
    source: { ...V3_AWS, title: `${V3_AWS.title} (AwsProvider.Bootstrap: the steps recorded in /sst/bootstrap)` },
  },
  {
    id: 'sst.v3-state',
    title: 'SST v3/v4 state of this app and stage: the passphrase parameter and the state objects',
    when: ['v3'],
    statements: [
      allow('ManagePassphrase', ['ssm:GetParameter', 'ssm:PutParameter', 'ssm:DeleteParameter'], 'arn:aws:ssm:{region}:{account}:parameter/sst/passphrase/{app}/{stage}'),
      allow(
        'ManageState',
        ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion'],
        ['arn:aws:s3:::sst-state-*/*/{app}/{stage}.json', 'arn:aws:s3:::sst-state-*/*/{app}/{stage}/*'],
      ),
      allow('ListState', ['s3:ListBucket', 's3:ListBucketVersions'], 'arn:aws:s3:::sst-state-*'),
    ],
    source: {
      ...V3_AWS,
      title: `${V3_AWS.title} (AwsHome: pathForData <key>/<app>/<stage>.json and <key>/<app>/<stage>/ prefixes, pathForPassphrase /sst/passphrase/<app>/<stage>, ListObjectVersions/DeleteObjects for retention)`,
    },
  },
];
