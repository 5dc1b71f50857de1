import type { FragmentSource } from '@awsperm/core';
import { allow, CDK_BUCKET, CHANGE_SET_ACTIONS, customResourceProvider, gh, HANDLERS, type SstFragmentTemplate, V1_DOCS } from '../shared/fragments.ts';

const V1_CORE = (path: string): FragmentSource => gh('sst/sst', 'v1.18.4', path);

/**
 * SST v1's own precise fragments, after the CDK ones: its bootstrap stack (SSTBootstrap) and, with `--feature start`,
 * the Debug stack of `sst start`, each following SST v1's source.
 */
export const V1_FRAGMENTS: readonly SstFragmentTemplate[] = [
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
];
