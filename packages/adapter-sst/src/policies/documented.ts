import type { PolicyFragment } from '@awsperm/core';

const source = {
  title: 'SST documentation: IAM Credentials, "Creating an IAM policy" (sst/sst v2.44.0 www/docs/advanced/iam-credentials.md)',
  url: 'https://docs.sst.dev/advanced/iam-credentials',
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
