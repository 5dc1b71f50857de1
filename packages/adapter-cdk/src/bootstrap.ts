import type { FragmentSource } from '@awsperm/core';

// What each link of a CDK v2 deploy needs, as the bootstrap template (the CDKToolkit stack) grants it to its roles.
// We require the subset a `cdk deploy` of the synthesized stacks uses, scoped to those stacks, buckets and
// repositories; the bootstrap grants more (pipelines' cross-account buckets, stack refactors, `cdk destroy`).

/** The bootstrap template the tables follow (bootstrap version 32). */
export const BOOTSTRAP_TEMPLATE_SOURCE: FragmentSource = {
  title: 'aws/aws-cdk-cli @ 7ff50e77f314548128df33ec9042c17fa0da6c1c: packages/aws-cdk/lib/api/bootstrap/bootstrap-template.yaml',
  url: 'https://github.com/aws/aws-cdk-cli/blob/7ff50e77f314548128df33ec9042c17fa0da6c1c/packages/aws-cdk/lib/api/bootstrap/bootstrap-template.yaml',
};

/** The bootstrap version of {@link BOOTSTRAP_TEMPLATE_SOURCE} (its `CdkBootstrapVersion` parameter value). */
export const BOOTSTRAP_TEMPLATE_VERSION = 32;

/**
 * The deploy role's part of a deploy: the change-set actions the CLI calls on each stack (the role's
 * `DeployPermissions` statement and its `AWSCloudFormationReadOnlyAccess` managed policy).
 */
export const DEPLOY_STACK_ACTIONS: readonly string[] = [
  'cloudformation:CreateChangeSet',
  'cloudformation:DescribeChangeSet',
  'cloudformation:ExecuteChangeSet',
  'cloudformation:DeleteChangeSet',
  'cloudformation:DescribeStacks',
  'cloudformation:DescribeStackEvents',
  'cloudformation:GetTemplate',
];

/** CloudFormation reads the uploaded template with the deploy role's credentials (the role's `CliStagingBucket`). */
export const DEPLOY_TEMPLATE_ACTIONS: readonly string[] = ['s3:GetObject'];

/** CreateChangeSet resolves the `CdkBootstrapVersion` SSM parameter of the template's rule (the role's `ReadVersion`). */
export const DEPLOY_VERSION_ACTIONS: readonly string[] = ['ssm:GetParameters'];

/** The file-publishing role uploads to the staging bucket (`FilePublishingRoleDefaultPolicy`). */
export const FILE_BUCKET_ACTIONS: readonly string[] = ['s3:GetBucketLocation', 's3:ListBucket'];
/** …and the objects in it. */
export const FILE_OBJECT_ACTIONS: readonly string[] = ['s3:GetObject', 's3:PutObject'];

/** The image-publishing role pushes to the container repository (`ImagePublishingRoleDefaultPolicy`). */
export const IMAGE_REPOSITORY_ACTIONS: readonly string[] = [
  'ecr:DescribeRepositories',
  'ecr:DescribeImages',
  'ecr:BatchCheckLayerAvailability',
  'ecr:InitiateLayerUpload',
  'ecr:UploadLayerPart',
  'ecr:CompleteLayerUpload',
  'ecr:PutImage',
];
/** …after logging in to the registry, which takes no resource. */
export const IMAGE_LOGIN_ACTIONS: readonly string[] = ['ecr:GetAuthorizationToken'];
