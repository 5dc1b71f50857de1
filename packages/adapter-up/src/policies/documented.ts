import type { PolicyFragment } from '@awsperm/core';

/**
 * Up's documented IAM policy, as published on Up's "AWS Credentials" page
 * (https://apex.sh/docs/up/credentials/, source `docs/02-aws-credentials.md` in apex/up at tag v1.7.1).
 * Every action of the page's policy is listed, in the page's order; API Gateway is scoped as the page scopes it.
 */
export const documentedPolicy: PolicyFragment = {
  id: 'up.documented',
  title: "Up's documented IAM policy",
  description:
    'The policy Up\'s documentation tells users to grant. It is broad (ec2:*, ecs:*, s3:*, …) and, by the page\'s own note, may change as Up gains features.',
  source: {
    title: 'Up documentation: AWS Credentials, "IAM Policy for Up CLI"',
    url: 'https://apex.sh/docs/up/credentials/',
  },
  features: ['documented'],
  // Up passes roles only to Lambda (its function role, and the warming function's with Up Pro).
  context: [{ actions: ['iam:PassRole'], values: { 'iam:PassedToService': 'lambda.amazonaws.com' } }],
  statements: [
    {
      Effect: 'Allow',
      Action: [
        'acm:*',
        'cloudformation:Create*',
        'cloudformation:Delete*',
        'cloudformation:Describe*',
        'cloudformation:ExecuteChangeSet',
        'cloudformation:Update*',
        'cloudfront:*',
        'cloudwatch:*',
        'ec2:*',
        'ecs:*',
        'events:*',
        'iam:AttachRolePolicy',
        'iam:CreatePolicy',
        'iam:CreateRole',
        'iam:DeleteRole',
        'iam:DeleteRolePolicy',
        'iam:GetRole',
        'iam:PassRole',
        'iam:PutRolePolicy',
        'lambda:AddPermission',
        'lambda:Create*',
        'lambda:Delete*',
        'lambda:Get*',
        'lambda:InvokeFunction',
        'lambda:List*',
        'lambda:RemovePermission',
        'lambda:Update*',
        'logs:Create*',
        'logs:Describe*',
        'logs:FilterLogEvents',
        'logs:Put*',
        'logs:Test*',
        'route53:*',
        'route53domains:*',
        's3:*',
        'ssm:*',
        'sns:*',
      ],
      Resource: '*',
    },
    {
      Effect: 'Allow',
      Action: 'apigateway:*',
      Resource: 'arn:aws:apigateway:*::/*',
    },
  ],
};
