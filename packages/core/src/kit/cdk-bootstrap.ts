import type { FragmentSource, Statement } from '../policy/types.ts';

// What the CDK v2 bootstrap (the CDKToolkit stack) holds and what a deploy through it needs, for any CDK-based
// adapter (SST v1/v2 today, a CDK adapter next). Resources hold the placeholders {account}, {region}, {qualifier}
// (default hnb659fds) and {toolkitStack} (default CDKToolkit), filled with fillPlaceholders.

/** The CDK bootstrap template these statements follow (bootstrap version 26). */
export const CDK_BOOTSTRAP_SOURCE: FragmentSource = {
  title: 'aws/aws-cdk-cli @ 072accc: packages/aws-cdk/lib/api/bootstrap/bootstrap-template.yaml',
  url: 'https://github.com/aws/aws-cdk-cli/blob/072accc/packages/aws-cdk/lib/api/bootstrap/bootstrap-template.yaml',
};

const allow = (Sid: string, Action: string[], Resource: string | string[]): Statement => ({ Sid, Effect: 'Allow', Action, Resource });
const role = (r: string): string => `arn:aws:iam::{account}:role/cdk-{qualifier}-${r}-role-{account}-{region}`;

/** What {@link cdkBootstrapFragments} returns: statement groups, each for one principal's part of the work. */
export interface CdkBootstrapOptions {
  /** The Sid prefix-free statements are returned as they are; `sidPrefix` prefixes each Sid (default none). */
  sidPrefix?: string;
}

/**
 * The CDK bootstrap's statements:
 * - `toolkitStack`: change sets on the CDKToolkit stack (who runs `cdk bootstrap`);
 * - `toolkitResources`: what CloudFormation needs to create the bootstrap's roles, assets bucket, container
 *   repository and version parameter (the caller's without an execution role);
 * - `deploy`: assuming the bootstrap's deploy, publishing and lookup roles, and reading the bootstrap version;
 * - `assets`: publishing file assets to the staging bucket.
 */
export function cdkBootstrapFragments(options: CdkBootstrapOptions = {}): {
  toolkitStack: Statement[];
  toolkitResources: Statement[];
  deploy: Statement[];
  assets: Statement[];
  changeSetActions: readonly string[];
  bucket: string;
  versionParameter: string;
} {
  const p = options.sidPrefix ?? '';
  const bucket = 'arn:aws:s3:::cdk-{qualifier}-assets-{account}-{region}';
  const versionParameter = 'arn:aws:ssm:{region}:{account}:parameter/cdk-bootstrap/{qualifier}/version';
  const changeSetActions = [
    'cloudformation:CreateChangeSet',
    'cloudformation:DeleteChangeSet',
    'cloudformation:DescribeChangeSet',
    'cloudformation:ExecuteChangeSet',
    'cloudformation:DescribeStacks',
    'cloudformation:DescribeStackEvents',
    'cloudformation:GetTemplate',
    'cloudformation:DeleteStack',
  ];
  return {
    changeSetActions,
    bucket,
    versionParameter,
    toolkitStack: [allow(`${p}ManageToolkitStack`, [...changeSetActions], 'arn:aws:cloudformation:{region}:{account}:stack/{toolkitStack}/*')],
    toolkitResources: [
      allow(
        `${p}ManageToolkitRoles`,
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
        ['cfn-exec', 'deploy', 'file-publishing', 'image-publishing', 'lookup'].map(role),
      ),
      allow(
        `${p}ManageToolkitBucket`,
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
        bucket,
      ),
      allow(
        `${p}ManageToolkitRepository`,
        ['ecr:CreateRepository', 'ecr:DeleteRepository', 'ecr:DescribeRepositories', 'ecr:PutLifecyclePolicy', 'ecr:SetRepositoryPolicy', 'ecr:TagResource'],
        'arn:aws:ecr:{region}:{account}:repository/cdk-{qualifier}-container-assets-{account}-{region}',
      ),
      allow(`${p}ManageToolkitVersionParameter`, ['ssm:DeleteParameter', 'ssm:GetParameters', 'ssm:PutParameter', 'ssm:AddTagsToResource'], versionParameter),
    ],
    deploy: [
      allow(`${p}AssumeCdkRoles`, ['sts:AssumeRole'], ['deploy', 'file-publishing', 'image-publishing', 'lookup'].map(role)),
      allow(`${p}ReadBootstrapVersion`, ['ssm:GetParameter', 'ssm:GetParameters'], versionParameter),
    ],
    assets: [allow(`${p}PublishAssets`, ['s3:GetObject', 's3:PutObject', 's3:ListBucket', 's3:GetBucketLocation'], [bucket, `${bucket}/*`])],
  };
}
