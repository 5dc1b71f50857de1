import type { FragmentSource, Statement } from '@awsperm/core';
import type { RequirementContext } from '@awsperm/core/kit';

/**
 * When a precise fragment applies: a condition derived from up.json (see `upConditions` in `../project.ts`) or a
 * `--feature` the user switched on for a command they run.
 */
export type UpCondition =
  | 'always'
  | 'roleBootstrap'
  | 'domain'
  | 'zones'
  | 'vpc'
  | 'pro'
  | 'tags'
  | 'layers'
  | 'alerts'
  | 'warm'
  | 'feature:logs'
  | 'feature:metrics'
  | 'feature:domains'
  | 'feature:prune'
  | 'feature:stack-delete'
  | 'feature:env';

/**
 * A precise fragment as data. Resource strings may hold placeholders filled per project: `{name}`, `{account}`,
 * `{region}`, and, as a whole resource, `{functionRoles}` (the function role ARNs: `<name>-function` or every
 * `lambda.role`) and `{layers}` (the layer ARNs).
 */
export interface UpFragmentTemplate {
  /** Fragment id. */
  id: string;
  /** One-line title. */
  title: string;
  /** Which conditions must all hold. */
  when: UpCondition[];
  /** Statements with placeholders. */
  statements: Statement[];
  /** What the entry rests on. */
  source: FragmentSource;
  /** What Up's requests carry, for conditions (the service an iam:PassRole hands the role to). */
  context?: RequirementContext[];
}

const UP_SOURCE = 'apex/up v1.7.1 (community) and v1.7.0-pro';
const src = (where: string, url = 'https://github.com/apex/up/tree/v1.7.1'): FragmentSource => ({
  title: `${UP_SOURCE}: ${where}`,
  url,
});

const FUNCTION = 'arn:aws:lambda:{region}:{account}:function:{name}';
const FUNCTION_QUALIFIED = 'arn:aws:lambda:{region}:{account}:function:{name}:*';
const ROLE = 'arn:aws:iam::{account}:role/{name}-function';
const BUCKET = 'arn:aws:s3:::up-{account}-{region}';
const STACK = 'arn:aws:cloudformation:{region}:{account}:stack/{name}/*';
const allow = (Action: string[], Resource: string | string[]): Statement => ({ Effect: 'Allow', Action, Resource });
/** Up hands every role it passes to Lambda (lambda.CreateFunction / UpdateFunctionConfiguration with Role). */
export const UP_PASS_ROLE_CONTEXT: RequirementContext[] = [{ actions: ['iam:PassRole'], values: { 'iam:PassedToService': 'lambda.amazonaws.com' } }];

/**
 * The AWS calls Up makes, per feature, as IAM requirements scoped to the app. Facts from Up's source at the tags
 * named in each source (platform/lambda/*.go, platform/lambda/stack/resources/*.go, platform/aws/*); the actions
 * CloudFormation needs for Up's stack resources follow each resource type's documented handler permissions
 * (CloudFormation resource type schemas, `handlers.*.permissions`).
 */
export const UP_PRECISE_FRAGMENTS: readonly UpFragmentTemplate[] = [
  {
    id: 'up.role-bootstrap',
    title: 'Create or update the function role <name>-function (skipped when lambda.role is set)',
    when: ['roleBootstrap'],
    statements: [allow(['iam:GetRole', 'iam:CreateRole', 'iam:PutRolePolicy'], ROLE)],
    source: src('platform/lambda/lambda.go createRole/updateRole', 'https://github.com/apex/up/blob/v1.7.1/platform/lambda/lambda.go'),
  },
  {
    id: 'up.pass-role',
    title: 'Hand the function role to Lambda',
    when: ['always'],
    statements: [allow(['iam:PassRole'], '{functionRoles}')],
    context: UP_PASS_ROLE_CONTEXT,
    source: src('lambda.CreateFunction with Role', 'https://github.com/apex/up/blob/v1.7.1/platform/lambda/lambda.go'),
  },
  {
    id: 'up.function-deploy',
    title: 'Create or update the function and its stage aliases',
    when: ['always'],
    statements: [
      allow(
        [
          'lambda:GetFunctionConfiguration',
          'lambda:CreateFunction',
          'lambda:UpdateFunctionConfiguration',
          'lambda:UpdateFunctionCode',
          'lambda:GetAlias',
          'lambda:CreateAlias',
          'lambda:UpdateAlias',
        ],
        [FUNCTION, FUNCTION_QUALIFIED],
      ),
    ],
    source: src('platform/lambda/lambda.go deploy', 'https://github.com/apex/up/blob/v1.7.1/platform/lambda/lambda.go'),
  },
  {
    id: 'up.code-upload',
    title: 'Upload the code to the bucket up-<account>-<region>',
    when: ['always'],
    statements: [
      allow(['s3:CreateBucket'], BUCKET),
      allow(['s3:PutObject', 's3:AbortMultipartUpload', 's3:GetObject'], `${BUCKET}/{name}/*`),
    ],
    source: src('platform/lambda/lambda.go upload (s3manager)', 'https://github.com/apex/up/blob/v1.7.1/platform/lambda/lambda.go'),
  },
  {
    id: 'up.endpoint',
    title: "Find the app's URL (API Gateway REST APIs)",
    when: ['always'],
    statements: [allow(['apigateway:GET'], 'arn:aws:apigateway:{region}::/restapis')],
    source: src('platform/lambda/lambda.go getAPI (GetRestApis)', 'https://github.com/apex/up/blob/v1.7.1/platform/lambda/lambda.go'),
  },
  {
    id: 'up.stack',
    title: 'Create, plan, apply and inspect the CloudFormation stack <name>',
    when: ['always'],
    statements: [
      allow(
        [
          'cloudformation:CreateStack',
          'cloudformation:CreateChangeSet',
          'cloudformation:DeleteChangeSet',
          'cloudformation:DescribeChangeSet',
          'cloudformation:ExecuteChangeSet',
          'cloudformation:DescribeStacks',
          'cloudformation:DescribeStackResources',
          'cloudformation:DescribeStackEvents',
        ],
        STACK,
      ),
    ],
    source: src('platform/lambda/stack/stack.go', 'https://github.com/apex/up/blob/v1.7.1/platform/lambda/stack/stack.go'),
  },
  {
    id: 'up.stack-api',
    title: "The stack's API Gateway REST API, methods, deployments, aliases and permissions (created with your credentials)",
    when: ['always'],
    statements: [
      allow(
        ['apigateway:POST', 'apigateway:GET', 'apigateway:PUT', 'apigateway:PATCH', 'apigateway:DELETE'],
        ['arn:aws:apigateway:{region}::/restapis', 'arn:aws:apigateway:{region}::/restapis/*'],
      ),
      allow(
        ['lambda:AddPermission', 'lambda:RemovePermission', 'lambda:GetPolicy', 'lambda:DeleteAlias'],
        [FUNCTION, FUNCTION_QUALIFIED],
      ),
    ],
    source: src('platform/lambda/stack/resources (no RoleARN passed to CreateStack)', 'https://github.com/apex/up/tree/v1.7.1/platform/lambda/stack/resources'),
  },
  {
    id: 'up.certificates',
    title: 'Find or request certificates for stage domains (ACM in us-east-1)',
    when: ['domain'],
    statements: [
      allow(['acm:ListCertificates', 'acm:RequestCertificate'], '*'),
      allow(['acm:DescribeCertificate'], 'arn:aws:acm:us-east-1:{account}:certificate/*'),
    ],
    source: src('platform/lambda/lambda.go createCerts', 'https://github.com/apex/up/blob/v1.7.1/platform/lambda/lambda.go'),
  },
  {
    id: 'up.custom-domains',
    title: 'Custom domain names and base path mappings (edge: CloudFront distribution update)',
    when: ['domain'],
    statements: [
      allow(
        ['apigateway:POST', 'apigateway:GET', 'apigateway:PUT', 'apigateway:PATCH', 'apigateway:DELETE'],
        ['arn:aws:apigateway:{region}::/domainnames', 'arn:aws:apigateway:{region}::/domainnames/*'],
      ),
      allow(['cloudfront:UpdateDistribution'], '*'),
    ],
    source: {
      title: 'AWS API Gateway Developer Guide: permissions to set up an edge-optimized custom domain name',
      url: 'https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-edge-optimized-custom-domain-name.html',
    },
  },
  {
    id: 'up.hosted-zones',
    title: 'Hosted zones and DNS records for domains and the dns section',
    when: ['zones'],
    statements: [
      allow(['route53:ListHostedZonesByName'], '*'),
      allow(
        ['route53:GetHostedZone', 'route53:CreateHostedZone', 'route53:ChangeResourceRecordSets', 'route53:ListResourceRecordSets'],
        'arn:aws:route53:::hostedzone/*',
      ),
      allow(['route53:GetChange'], 'arn:aws:route53:::change/*'),
    ],
    source: src('platform/lambda/stack/resources dns.go, domains.go', 'https://github.com/apex/up/tree/v1.7.1/platform/lambda/stack/resources'),
  },
  {
    id: 'up.vpc',
    title: 'Configure the function in a VPC (lambda.vpc)',
    when: ['vpc'],
    statements: [allow(['ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs'], '*')],
    source: {
      title: 'AWS Lambda Developer Guide: user permissions for configuring VPC access',
      url: 'https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html',
    },
  },
  {
    id: 'up.pro-runtime',
    title: 'Up Pro: read env/secrets from SSM and accelerate uploads on deploy',
    when: ['pro'],
    statements: [
      allow(['ssm:GetParametersByPath'], 'arn:aws:ssm:{region}:{account}:parameter/up/{name}/*'),
      allow(['s3:PutAccelerateConfiguration'], BUCKET),
    ],
    source: src('v1.7.0-pro platform/aws/runtime/secrets.go', 'https://github.com/apex/up/tree/v1.7.0-pro/platform/aws/runtime'),
  },
  {
    id: 'up.pro-tags',
    title: 'Up Pro: tag the function (tags)',
    when: ['tags'],
    statements: [
      allow(['lambda:TagResource'], [FUNCTION, 'arn:aws:lambda:{region}:{account}:function:{name}-warming']),
      allow(['apigateway:PUT', 'apigateway:GET', 'apigateway:DELETE'], 'arn:aws:apigateway:{region}::/tags/*'),
    ],
    source: src('v1.7.0-pro CreateFunction with Tags', 'https://github.com/apex/up/tree/v1.7.0-pro/platform/lambda'),
  },
  {
    id: 'up.pro-layers',
    title: 'Up Pro: use the configured layers (lambda.layers)',
    when: ['layers'],
    statements: [allow(['lambda:GetLayerVersion'], '{layers}')],
    source: src('v1.7.0-pro CreateFunction with Layers', 'https://github.com/apex/up/tree/v1.7.0-pro/platform/lambda'),
  },
  {
    id: 'up.pro-alerts',
    title: 'Up Pro: CloudWatch alarms and the SNS topic behind alerts',
    when: ['alerts'],
    statements: [
      allow(['cloudwatch:PutMetricAlarm', 'cloudwatch:DescribeAlarms', 'cloudwatch:DeleteAlarms'], 'arn:aws:cloudwatch:{region}:{account}:alarm:*'),
      allow(
        ['sns:CreateTopic', 'sns:GetTopicAttributes', 'sns:DeleteTopic', 'sns:TagResource', 'sns:Subscribe', 'sns:Unsubscribe', 'sns:GetSubscriptionAttributes'],
        'arn:aws:sns:{region}:{account}:*',
      ),
    ],
    source: src('v1.7.0-pro platform/lambda/stack/resources alerts', 'https://github.com/apex/up/tree/v1.7.0-pro/platform/lambda/stack/resources'),
  },
  {
    id: 'up.pro-warming',
    title: 'Up Pro: the warming function, its role and schedule (lambda.warm)',
    when: ['warm'],
    statements: [
      allow(
        ['iam:GetRole', 'iam:CreateRole', 'iam:PutRolePolicy', 'iam:GetRolePolicy', 'iam:DeleteRolePolicy', 'iam:DeleteRole', 'iam:PassRole'],
        'arn:aws:iam::{account}:role/{name}-warming-function',
      ),
      allow(
        [
          'lambda:CreateFunction',
          'lambda:GetFunction',
          'lambda:DeleteFunction',
          'lambda:UpdateFunctionCode',
          'lambda:UpdateFunctionConfiguration',
          'lambda:AddPermission',
          'lambda:RemovePermission',
        ],
        'arn:aws:lambda:{region}:{account}:function:{name}-warming',
      ),
      allow(['events:PutRule', 'events:PutTargets', 'events:DescribeRule', 'events:RemoveTargets', 'events:DeleteRule'], 'arn:aws:events:{region}:{account}:rule/*'),
    ],
    context: UP_PASS_ROLE_CONTEXT,
    source: src('v1.7.0-pro platform/lambda/stack/resources warming', 'https://github.com/apex/up/tree/v1.7.0-pro/platform/lambda/stack/resources'),
  },
  {
    id: 'up.logs',
    title: 'up logs',
    when: ['feature:logs'],
    statements: [allow(['logs:FilterLogEvents'], 'arn:aws:logs:{region}:{account}:log-group:/aws/lambda/{name}:*')],
    source: src('github.com/tj/aws/logs FilterLogEvents'),
  },
  {
    id: 'up.metrics',
    title: 'up metrics',
    when: ['feature:metrics'],
    statements: [allow(['cloudwatch:GetMetricStatistics'], '*')],
    source: src('internal/cli/metrics'),
  },
  {
    id: 'up.domains',
    title: 'up domains (list, check, buy)',
    when: ['feature:domains'],
    statements: [
      allow(['route53domains:ListDomains', 'route53domains:CheckDomainAvailability', 'route53domains:GetDomainSuggestions', 'route53domains:RegisterDomain'], '*'),
    ],
    source: src('platform/aws/domains/domains.go', 'https://github.com/apex/up/blob/v1.7.1/platform/aws/domains/domains.go'),
  },
  {
    id: 'up.prune',
    title: 'up prune (old code in the deploy bucket; runs the role bootstrap)',
    when: ['feature:prune'],
    statements: [allow(['s3:ListBucket'], BUCKET), allow(['s3:DeleteObject'], `${BUCKET}/{name}/*`)],
    source: src('internal/cli/prune'),
  },
  {
    id: 'up.stack-delete',
    title: 'up stack delete (stack, function, code and — without lambda.role — the role)',
    when: ['feature:stack-delete'],
    statements: [
      allow(['cloudformation:DeleteStack'], STACK),
      allow(['lambda:DeleteFunction'], FUNCTION),
      allow(['s3:ListBucket'], BUCKET),
      allow(['s3:DeleteObject'], `${BUCKET}/{name}/*`),
    ],
    source: src('platform/lambda/stack/stack.go Delete', 'https://github.com/apex/up/blob/v1.7.1/platform/lambda/stack/stack.go'),
  },
  {
    id: 'up.stack-delete-role',
    title: 'up stack delete: remove the function role',
    when: ['feature:stack-delete', 'roleBootstrap'],
    statements: [allow(['iam:DeleteRolePolicy', 'iam:DeleteRole'], ROLE)],
    source: src('platform/lambda/lambda.go deleteRole', 'https://github.com/apex/up/blob/v1.7.1/platform/lambda/lambda.go'),
  },
  {
    id: 'up.pro-env',
    title: 'Up Pro: up env (SSM parameters under /up/<name>/)',
    when: ['feature:env'],
    statements: [
      allow(['ssm:DescribeParameters'], '*'),
      allow(
        ['ssm:GetParameter', 'ssm:GetParametersByPath', 'ssm:PutParameter', 'ssm:DeleteParameter'],
        'arn:aws:ssm:{region}:{account}:parameter/up/{name}/*',
      ),
    ],
    source: src('v1.7.0-pro platform/aws/runtime/secrets.go', 'https://github.com/apex/up/tree/v1.7.0-pro/platform/aws/runtime'),
  },
];
