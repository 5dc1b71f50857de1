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

/** The stack `cdk bootstrap` deploys (its default `--toolkit-stack-name`). */
export const TOOLKIT_STACK_NAME = 'CDKToolkit';

const sub = (value: string) => ({ 'Fn::Sub': value });

/**
 * The resources of the bootstrap template of {@link BOOTSTRAP_TEMPLATE_SOURCE} with its default parameters (a new KMS
 * key for the staging bucket, no trusted accounts, no permissions boundary), as a CloudFormation template whose
 * names carry the qualifier. Only what decides the IAM actions of creating them is kept: types, names and the
 * references between them; core's handler-permission table turns them into actions. `ShouldCreatePermissionsBoundary`
 * (off by default) would add an `AWS::IAM::ManagedPolicy`.
 */
export function bootstrapTemplate(qualifier: string): { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> } {
  const role = (kind: string) => ({ Type: 'AWS::IAM::Role', Properties: { RoleName: sub(`cdk-${qualifier}-${kind}-role-\${AWS::AccountId}-\${AWS::Region}`) } });
  return {
    Resources: {
      FileAssetsBucketEncryptionKey: { Type: 'AWS::KMS::Key', Properties: {} },
      FileAssetsBucketEncryptionKeyAlias: { Type: 'AWS::KMS::Alias', Properties: { AliasName: `alias/cdk-${qualifier}-assets-key`, TargetKeyId: { Ref: 'FileAssetsBucketEncryptionKey' } } },
      StagingBucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: sub(`cdk-${qualifier}-assets-\${AWS::AccountId}-\${AWS::Region}`) } },
      StagingBucketPolicy: { Type: 'AWS::S3::BucketPolicy', Properties: { Bucket: { Ref: 'StagingBucket' } } },
      ContainerAssetsRepository: { Type: 'AWS::ECR::Repository', Properties: { RepositoryName: sub(`cdk-${qualifier}-container-assets-\${AWS::AccountId}-\${AWS::Region}`) } },
      FilePublishingRole: role('file-publishing'),
      ImagePublishingRole: role('image-publishing'),
      LookupRole: role('lookup'),
      DeploymentActionRole: role('deploy'),
      CloudFormationExecutionRole: role('cfn-exec'),
      FilePublishingRoleDefaultPolicy: {
        Type: 'AWS::IAM::Policy',
        Properties: { PolicyName: sub(`cdk-${qualifier}-file-publishing-role-default-policy-\${AWS::AccountId}-\${AWS::Region}`), Roles: [{ Ref: 'FilePublishingRole' }] },
      },
      ImagePublishingRoleDefaultPolicy: {
        Type: 'AWS::IAM::Policy',
        Properties: { PolicyName: sub(`cdk-${qualifier}-image-publishing-role-default-policy-\${AWS::AccountId}-\${AWS::Region}`), Roles: [{ Ref: 'ImagePublishingRole' }] },
      },
      CdkBootstrapVersion: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Name: `/cdk-bootstrap/${qualifier}/version`, Value: String(BOOTSTRAP_TEMPLATE_VERSION) } },
    },
  };
}

/**
 * What `cdk bootstrap` does to the toolkit stack with the caller's credentials (it assumes no bootstrap role): a
 * change set on `CDKToolkit` (create or update), reading the stack and its events while it waits.
 */
export const TOOLKIT_STACK_ACTIONS: readonly string[] = [
  'cloudformation:CreateChangeSet',
  'cloudformation:DescribeChangeSet',
  'cloudformation:ExecuteChangeSet',
  'cloudformation:DeleteChangeSet',
  'cloudformation:DescribeStacks',
  'cloudformation:DescribeStackEvents',
  'cloudformation:GetTemplate',
];
