import type { PolicyFragment } from '@awsperm/core';

/** What the precise fragments are scoped to. */
export interface ServerlessScope {
  /** The service name. */
  service: string;
  /** The stage being deployed. */
  stage: string;
  /** The region being deployed to. */
  region: string;
  /** The account id, or `*` when unknown. */
  account: string;
  /** The deployment bucket the user named, if any. */
  deploymentBucket?: string;
}

const DOCS = 'https://www.serverless.com/framework/docs/providers/aws/guide/credentials';
const DEPLOYING = 'https://www.serverless.com/framework/docs/providers/aws/guide/deploying';

/** The service-wide permissions the Serverless Framework's credentials guide points deployers at. */
export function documentedFragments(): PolicyFragment[] {
  return [
    {
      id: 'serverless.documented',
      title: 'Serverless Framework: services a deploy uses',
      description:
        'The credentials guide has deployers use an IAM user with broad rights; these are the services the framework itself calls when it packages and deploys a service with CloudFormation.',
      source: { title: 'Serverless Framework documentation: AWS Credentials', url: DOCS },
      statements: [
        {
          Effect: 'Allow',
          Action: ['cloudformation:*', 's3:*', 'lambda:*', 'logs:*', 'apigateway:*', 'events:*'],
          Resource: '*',
        },
        {
          Effect: 'Allow',
          Action: ['iam:GetRole', 'iam:CreateRole', 'iam:DeleteRole', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:PassRole'],
          Resource: '*',
        },
      ],
    },
  ];
}

/** The precise permissions `serverless deploy` needs, scoped to the service's stack, bucket, functions, role and logs. */
export function preciseFragments(scope: ServerlessScope): PolicyFragment[] {
  const { service, stage, region, account } = scope;
  const prefix = `${service}-${stage}`;
  const bucket = scope.deploymentBucket ?? `${prefix.toLowerCase()}-serverlessdeploymentbucket-*`;
  const source = { title: 'Serverless Framework documentation: Deploying', url: DEPLOYING };
  return [
    {
      id: 'serverless.cloudformation',
      title: `CloudFormation stack ${prefix}`,
      description: 'The framework deploys every service as one CloudFormation stack named <service>-<stage>.',
      source,
      statements: [
        {
          Effect: 'Allow',
          Action: [
            'cloudformation:CreateStack',
            'cloudformation:UpdateStack',
            'cloudformation:DeleteStack',
            'cloudformation:DescribeStacks',
            'cloudformation:DescribeStackEvents',
            'cloudformation:DescribeStackResource',
            'cloudformation:DescribeStackResources',
            'cloudformation:ListStackResources',
            'cloudformation:GetTemplate',
            'cloudformation:CreateChangeSet',
            'cloudformation:DescribeChangeSet',
            'cloudformation:ExecuteChangeSet',
            'cloudformation:DeleteChangeSet',
          ],
          Resource: `arn:aws:cloudformation:${region}:${account}:stack/${prefix}/*`,
        },
        { Effect: 'Allow', Action: 'cloudformation:ValidateTemplate', Resource: '*' },
      ],
    },
    {
      id: 'serverless.deployment-bucket',
      title: `Deployment bucket ${bucket}`,
      description: scope.deploymentBucket
        ? 'provider.deploymentBucket names the bucket the framework uploads packages to.'
        : 'The stack creates a deployment bucket named <service>-<stage>-serverlessdeploymentbucket-<suffix> for the packaged code.',
      source,
      statements: [
        {
          Effect: 'Allow',
          Action: [
            's3:CreateBucket',
            's3:DeleteBucket',
            's3:ListBucket',
            's3:ListBucketVersions',
            's3:GetBucketLocation',
            's3:GetBucketPolicy',
            's3:PutBucketPolicy',
            's3:DeleteBucketPolicy',
            's3:GetEncryptionConfiguration',
            's3:PutEncryptionConfiguration',
            's3:PutBucketPublicAccessBlock',
          ],
          Resource: `arn:aws:s3:::${bucket}`,
        },
        {
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
          Resource: `arn:aws:s3:::${bucket}/*`,
        },
      ],
    },
    {
      id: 'serverless.lambda',
      title: `Lambda functions ${prefix}-*`,
      description: 'Each function in serverless.yml is deployed as <service>-<stage>-<function>.',
      source,
      statements: [
        {
          Effect: 'Allow',
          Action: [
            'lambda:GetFunction',
            'lambda:GetFunctionConfiguration',
            'lambda:CreateFunction',
            'lambda:DeleteFunction',
            'lambda:UpdateFunctionCode',
            'lambda:UpdateFunctionConfiguration',
            'lambda:PublishVersion',
            'lambda:ListVersionsByFunction',
            'lambda:AddPermission',
            'lambda:RemovePermission',
            'lambda:TagResource',
            'lambda:UntagResource',
            'lambda:ListTags',
          ],
          Resource: `arn:aws:lambda:${region}:${account}:function:${prefix}-*`,
        },
      ],
    },
    {
      id: 'serverless.iam-role',
      title: `Execution role ${prefix}-${region}-lambdaRole`,
      description: 'The stack creates the functions’ execution role and passes it to Lambda.',
      source,
      statements: [
        {
          Effect: 'Allow',
          Action: ['iam:GetRole', 'iam:CreateRole', 'iam:DeleteRole', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:TagRole', 'iam:PassRole'],
          Resource: `arn:aws:iam::${account}:role/${prefix}-${region}-lambdaRole`,
        },
      ],
    },
    {
      id: 'serverless.logs',
      title: `Log groups /aws/lambda/${prefix}-*`,
      description: 'The stack creates one log group per function.',
      source,
      statements: [
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogGroup', 'logs:DeleteLogGroup', 'logs:PutRetentionPolicy', 'logs:TagResource'],
          Resource: `arn:aws:logs:${region}:${account}:log-group:/aws/lambda/${prefix}-*`,
        },
        { Effect: 'Allow', Action: 'logs:DescribeLogGroups', Resource: `arn:aws:logs:${region}:${account}:log-group:*` },
      ],
    },
  ];
}
