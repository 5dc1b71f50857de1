import type { FragmentSource, Statement } from '@awsperm/core';

/** When a precise fragment applies: the SST major version, a project fact, or a `--feature`. */
export type SstCondition = 'v1' | 'v2' | 'v3' | 'cdk' | 'serviceRole' | 'feature:start';

/**
 * A precise fragment as data. Resource strings hold placeholders filled per project: `{account}`, `{region}`,
 * `{app}`, `{stage}` (`*` when no stage resolves), `{qualifier}` (CDK qualifier, default `hnb659fds`),
 * `{toolkitStack}` (`CDKToolkit`), `{bootstrapStack}` (`SSTBootstrap`) and, as a whole resource, `{serviceRole}`.
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
  /** Statements with placeholders. */
  statements: Statement[];
  /** Where the entry comes from. */
  source: FragmentSource;
}

const gh = (repo: string, ref: string, path: string): FragmentSource => ({
  title: `${repo} @ ${ref}: ${path}`,
  url: `https://github.com/${repo}/blob/${ref}/${path}`,
});
const CDK_TEMPLATE = gh('aws/aws-cdk-cli', '072accc', 'packages/aws-cdk/lib/api/bootstrap/bootstrap-template.yaml');
const V1_DOCS = gh('sst/sst', 'v1.18.4', 'www/docs/advanced/iam-credentials.md');
const V2_DOCS = gh('sst/sst', 'v2.44.0', 'www/docs/advanced/iam-credentials.md');
const allow = (Sid: string, Action: string[], Resource: string | string[]): Statement => ({ Sid, Effect: 'Allow', Action, Resource });

const CDK_ROLES = ['cfn-exec', 'deploy', 'file-publishing', 'image-publishing', 'lookup'].map(
  (r) => `arn:aws:iam::{account}:role/cdk-{qualifier}-${r}-role-{account}-{region}`,
);
const CDK_ASSUMED_ROLES = ['deploy', 'file-publishing', 'image-publishing', 'lookup'].map(
  (r) => `arn:aws:iam::{account}:role/cdk-{qualifier}-${r}-role-{account}-{region}`,
);
const CDK_BUCKET = 'arn:aws:s3:::cdk-{qualifier}-assets-{account}-{region}';
const CDK_VERSION_PARAMETER = 'arn:aws:ssm:{region}:{account}:parameter/cdk-bootstrap/{qualifier}/version';
const CHANGE_SET_ACTIONS = [
  'cloudformation:CreateChangeSet',
  'cloudformation:DeleteChangeSet',
  'cloudformation:DescribeChangeSet',
  'cloudformation:ExecuteChangeSet',
  'cloudformation:DescribeStacks',
  'cloudformation:DescribeStackEvents',
  'cloudformation:GetTemplate',
  'cloudformation:DeleteStack',
];
/** SST v1 and v2 name app stacks `<stage>-<app>-<id>` (v1 packages/resources/src/App.ts, v2 packages/sst/src/constructs/App.ts). */
const APP_STACKS = 'arn:aws:cloudformation:{region}:{account}:stack/{stage}-{app}-*/*';

/**
 * What SST calls, per major version, as IAM requirements scoped to the app. The CDK bootstrap entries follow the
 * resources of the current CDK bootstrap template (version 26) and the Sids of SST v2's documented policy; the SST
 * bootstrap entries follow each version's bootstrap source.
 */
export const SST_PRECISE_FRAGMENTS: readonly SstFragmentTemplate[] = [
  {
    id: 'sst.cdk-bootstrap',
    title: 'Create or update the CDK bootstrap stack (CDKToolkit) with the caller’s own credentials',
    when: ['cdk'],
    statements: [
      allow('ManageToolkitStack', CHANGE_SET_ACTIONS, 'arn:aws:cloudformation:{region}:{account}:stack/{toolkitStack}/*'),
      allow(
        'ManageToolkitRoles',
        [
          'iam:AttachRolePolicy',
          'iam:CreateRole',
          'iam:DeleteRole',
          'iam:DeleteRolePolicy',
          'iam:DetachRolePolicy',
          'iam:GetRole',
          'iam:GetRolePolicy',
          'iam:ListAttachedRolePolicies',
          'iam:ListRolePolicies',
          'iam:PutRolePolicy',
          'iam:TagRole',
          'iam:PassRole',
        ],
        CDK_ROLES,
      ),
      allow(
        'ManageToolkitBucket',
        [
          's3:CreateBucket',
          's3:DeleteBucketPolicy',
          's3:GetEncryptionConfiguration',
          's3:GetBucketLocation',
          's3:GetBucketPolicy',
          's3:PutBucketPolicy',
          's3:PutBucketVersioning',
          's3:PutEncryptionConfiguration',
          's3:PutLifecycleConfiguration',
          's3:PutBucketPublicAccessBlock',
        ],
        CDK_BUCKET,
      ),
      allow(
        'ManageToolkitRepository',
        ['ecr:CreateRepository', 'ecr:DeleteRepository', 'ecr:DescribeRepositories', 'ecr:PutLifecyclePolicy', 'ecr:SetRepositoryPolicy', 'ecr:TagResource'],
        'arn:aws:ecr:{region}:{account}:repository/cdk-{qualifier}-container-assets-{account}-{region}',
      ),
      allow('ManageToolkitVersionParameter', ['ssm:DeleteParameter', 'ssm:GetParameters', 'ssm:PutParameter', 'ssm:AddTagsToResource'], CDK_VERSION_PARAMETER),
    ],
    source: { ...CDK_TEMPLATE, title: `${CDK_TEMPLATE.title} (bootstrap version 26), with the Sids of ${V2_DOCS.title}` },
  },
  {
    id: 'sst.cdk-deploy',
    title: 'Deploy app stacks through the CDK bootstrap roles and read the bootstrap version',
    when: ['cdk'],
    statements: [
      allow('AssumeCdkRoles', ['sts:AssumeRole'], CDK_ASSUMED_ROLES),
      allow('ReadBootstrapVersion', ['ssm:GetParameter', 'ssm:GetParameters'], CDK_VERSION_PARAMETER),
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
    title: 'Deploy with a CloudFormation service role: CloudFormation on the app stacks, iam:PassRole on the role, asset access',
    when: ['cdk', 'serviceRole'],
    statements: [
      allow('ManageAppStacks', [...CHANGE_SET_ACTIONS, 'cloudformation:DescribeStackResources'], APP_STACKS),
      allow('PassServiceRole', ['iam:PassRole'], '{serviceRole}'),
      allow('PublishAssets', ['s3:GetObject', 's3:PutObject', 's3:ListBucket', 's3:GetBucketLocation'], [CDK_BUCKET, `${CDK_BUCKET}/*`]),
    ],
    source: { ...V1_DOCS, title: `${V1_DOCS.title} (strategy 4, --role-arn); sst/sst v2.44.0 packages/sst/src/constructs/Stack.ts (cdk.cloudFormationExecutionRole)` },
  },
  {
    id: 'sst.v1-bootstrap',
    title: 'SST v1 bootstrap stack (SSTBootstrap): its stack and the /sst/bootstrap/* parameters',
    when: ['v1'],
    statements: [
      allow('ManageBootstrapStack', CHANGE_SET_ACTIONS, 'arn:aws:cloudformation:{region}:{account}:stack/{bootstrapStack}/*'),
      allow('ReadBootstrapParameters', ['ssm:GetParameters', 'ssm:GetParameter'], 'arn:aws:ssm:{region}:{account}:parameter/sst/bootstrap/*'),
    ],
    source: gh('sst/sst', 'v1.18.4', 'packages/core/src/bootstrap/index.ts'),
  },
  {
    id: 'sst.v1-debug-stack',
    title: 'SST v1 Debug stack of sst start (<stage>-<app>-debug-stack) and the resources it holds',
    when: ['v1', 'feature:start'],
    features: ['start'],
    statements: [
      allow('ManageDebugStack', CHANGE_SET_ACTIONS, 'arn:aws:cloudformation:{region}:{account}:stack/{stage}-{app}-debug-stack/*'),
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
    ],
    source: { ...V1_DOCS, title: `${V1_DOCS.title} ("Additional permissions", the Debug stack); sst/sst v1.18.4 packages/resources/src/DebugStack.ts` },
  },
  {
    id: 'sst.v2-bootstrap',
    title: 'SST v2 bootstrap stack (SSTBootstrap): its stack and the app metadata in its bucket',
    when: ['v2'],
    statements: [
      allow('ManageBootstrapStack', CHANGE_SET_ACTIONS, 'arn:aws:cloudformation:{region}:{account}:stack/{bootstrapStack}/*'),
      allow('ManageBootstrapBucket', ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:ListBucket'], ['arn:aws:s3:::sstbootstrap-*', 'arn:aws:s3:::sstbootstrap-*/*']),
    ],
    source: { ...V2_DOCS, title: `${V2_DOCS.title} (AllowSSTManageBootstrapStack, AllowSSTManageBootstrapBucket); sst/sst v2.44.0 packages/sst/src/bootstrap.ts` },
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
    source: gh('anomalyco/sst', 'v4.17.0', 'pkg/project/provider/aws.go'),
  },
  {
    id: 'sst.v3-state',
    title: 'SST v3/v4 state of this app and stage: the passphrase parameter and the state objects',
    when: ['v3'],
    statements: [
      allow('ManagePassphrase', ['ssm:GetParameter', 'ssm:PutParameter'], 'arn:aws:ssm:{region}:{account}:parameter/sst/passphrase/{app}/{stage}'),
      allow('ManageState', ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], 'arn:aws:s3:::sst-state-*/*/{app}/{stage}*'),
    ],
    source: gh('anomalyco/sst', 'v4.17.0', 'pkg/project/provider/aws.go'),
  },
];
