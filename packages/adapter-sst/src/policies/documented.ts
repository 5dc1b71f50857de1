import type { PolicyFragment } from '@awsperm/core';

// The page with the four strategies is SST v1's (v2 kept strategies 1 and 3 and replaced the others with a
// least-privilege policy; v3 dropped CloudFormation altogether).
const source = {
  title: 'SST documentation: IAM Credentials, "Creating an IAM policy" (sst/sst v1.18.4 www/docs/advanced/iam-credentials.md)',
  url: 'https://github.com/sst/sst/blob/v1.18.4/www/docs/advanced/iam-credentials.md',
};

/**
 * SST's documented strategy 2, "grant full permission to selected AWS services": the example for a CRUD API
 * backed by DynamoDB, as published on SST's IAM Credentials page.
 */
export const crudApiPolicy: PolicyFragment = {
  id: 'sst.documented-crud-api',
  title: 'SST strategy 2: CloudFormation plus the services of a CRUD API with DynamoDB',
  source,
  statements: [
    { Sid: 'ManageCloudFormationStacks', Effect: 'Allow', Action: ['cloudformation:*'], Resource: '*' },
    {
      Sid: 'ManageApi',
      Effect: 'Allow',
      Action: ['iam:*', 'logs:*', 'lambda:*', 'dynamodb:*', 'apigateway:*'],
      Resource: '*',
    },
  ],
};

/** The extra services SST's strategy 2 lists for custom domains (feature `domains`). */
export const customDomainPolicy: PolicyFragment = {
  id: 'sst.documented-custom-domain',
  title: 'SST strategy 2: custom domains for the API',
  source,
  features: ['domains'],
  statements: [
    { Sid: 'ManageCustomDomain', Effect: 'Allow', Action: ['acm:*', 'route53:*', 'cloudfront:*'], Resource: '*' },
  ],
};

/** SST's documented strategy 1: AdministratorAccess (feature `admin`). */
export const adminPolicy: PolicyFragment = {
  id: 'sst.documented-admin',
  title: 'SST strategy 1: AdministratorAccess',
  source,
  features: ['admin'],
  statements: [{ Sid: 'AdministratorAccess', Effect: 'Allow', Action: '*', Resource: '*' }],
};

/**
 * SST's documented strategy 4, a CloudFormation service role (`--role-arn`, feature `service-role`): the caller needs
 * CloudFormation, `iam:PassRole` on the role (any role of the account until the role is known) and the CDK assets.
 */
export const serviceRolePolicy: PolicyFragment = {
  id: 'sst.documented-service-role',
  title: 'SST strategy 4: CloudFormation service role (the caller passes the role; CloudFormation creates the resources)',
  source,
  features: ['service-role'],
  // The caller hands the role to CloudFormation (--role-arn on every cdk call).
  context: [{ actions: ['iam:PassRole'], values: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } }],
  statements: [
    { Sid: 'ManageCloudFormationStacks', Effect: 'Allow', Action: ['cloudformation:*'], Resource: '*' },
    { Sid: 'PassServiceRole', Effect: 'Allow', Action: ['iam:PassRole'], Resource: 'arn:aws:iam::*:role/*' },
    { Sid: 'PublishAssets', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'], Resource: ['arn:aws:s3:::cdk-*-assets-*', 'arn:aws:s3:::cdk-*-assets-*/*'] },
  ],
};
