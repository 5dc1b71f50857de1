import { actionExists, expandAction } from '@awsperm/core';
import { createHandlerResolver } from '@awsperm/core/cloudformation';
import { describe, expect, test } from 'vitest';
import { ACTION_RESOURCE_TYPES, RESOURCE_ARN_FORMATS } from './arns.ts';
import { COMPONENTS_3, COMPONENTS_4 } from './components.ts';
import { PULUMI_TERRAFORM } from './pulumi-terraform.ts';
import { CATALOGUE_EXCEPTIONS, RPC_3, RPC_4 } from './rpc.ts';
import { TERRAFORM_IAM } from './terraform-iam.ts';
import type { ComponentEntry, ComponentItem } from './types.ts';

const FAMILIES = [
  { family: '3', components: COMPONENTS_3, rpc: RPC_3, major: 'v6' },
  { family: '4', components: COMPONENTS_4, rpc: RPC_4, major: 'v7' },
] as const;

function itemsOf(e: ComponentEntry): ComponentItem[] {
  return [...e.always, ...e.conditional.flatMap((c) => c.items), ...e.methods.flatMap((m) => [...m.always, ...m.conditional.flatMap((c) => c.items)]), ...(e.get?.items ?? [])];
}

async function known(action: string): Promise<boolean> {
  if (!/[*?]/.test(action)) return actionExists(action);
  return (await expandAction(action)).length > 0;
}

describe('SST v3/v4 tables', () => {
  test('every action of the Terraform, rpc and link tables is in the IAM catalogue; exceptions are not', async () => {
    const actions = new Set<string>();
    for (const t of Object.values(TERRAFORM_IAM)) for (const a of [...t.create, ...t.read, ...t.update, ...t.delete, ...t.tags, ...t.gaps.map((g) => g.action)]) actions.add(a);
    for (const { rpc, components } of FAMILIES) {
      for (const r of Object.values(rpc)) for (const a of [...r.create, ...r.update, ...r.delete, ...r.read]) actions.add(a);
      for (const e of Object.values(components)) for (const a of e.linkActions ?? []) actions.add(a);
    }
    expect(actions.size).toBeGreaterThan(500);
    const unknown: string[] = [];
    for (const a of actions) if (!(await known(a))) unknown.push(a);
    expect(unknown).toEqual([]);
    const exceptions = [...CATALOGUE_EXCEPTIONS, ...Object.values(TERRAFORM_IAM).flatMap((t) => t.exceptions ?? [])];
    expect(exceptions.map((e) => e.action)).toContain('cloudfront:CreateDistributionWithTags');
    for (const e of exceptions) {
      const inCatalogue = /^[a-z0-9-]+:[A-Za-z0-9*?]+$/.test(e.action) && (await actionExists(e.action).catch(() => false));
      expect(inCatalogue, `${e.action} is in the catalogue now: regenerate the tables`).toBe(false);
    }
  });

  for (const { family, components, rpc, major } of FAMILIES) test(`SST ${family}.x: every component item maps to pulumi-aws ${major}, a Terraform type with IAM data, an rpc resource or a sub-component`, () => {
    const problems: string[] = [];
    for (const [key, e] of Object.entries(components)) {
      for (const item of itemsOf(e)) {
        if (item.t.startsWith('pulumi:providers:')) continue;
        if (item.k === 'r' || item.k === 'g' || item.k === 'i') {
          const m = PULUMI_TERRAFORM[item.t]?.[major];
          if (!m) problems.push(`${key}: ${item.t} has no ${major} mapping`);
          else if (!TERRAFORM_IAM[m.iamAs ?? m.tf]) problems.push(`${key}: ${m.tf} has no IAM entry`);
        } else if (item.k === 'p' && !rpc[item.t]) problems.push(`${key}: rpc ${item.t} unknown`);
        else if (item.k === 's' && !components[item.t]) problems.push(`${key}: sub-component ${item.t} unknown`);
      }
    }
    expect(problems).toEqual([]);
    expect(Object.keys(components).filter((k) => k.startsWith('sst.aws.')).length).toBeGreaterThan(40);
  });

  test('the release families differ where SST does: CronV2 and Alb only in 4.x, S3 BucketV2 (v6) → Bucket (v7)', () => {
    expect(COMPONENTS_3['sst.aws.CronV2']).toBeUndefined();
    expect(itemsOf(COMPONENTS_4['sst.aws.CronV2']!).map((i) => i.t)).toContain('aws:scheduler/schedule:Schedule');
    expect(COMPONENTS_4['sst.aws.Alb']).toBeDefined();
    const tokens = (e: ComponentEntry | undefined): string[] => (e ? itemsOf(e).map((i) => i.t) : []);
    expect(tokens(COMPONENTS_3['sst.aws.Bucket'])).toContain('aws:s3/bucketV2:BucketV2');
    expect(tokens(COMPONENTS_4['sst.aws.Bucket'])).toContain('aws:s3/bucket:Bucket');
    expect(PULUMI_TERRAFORM['aws:s3/bucketV2:BucketV2']?.v7).toMatchObject({ tf: 'aws_s3_bucket_v2_compat', iamAs: 'aws_s3_bucket' });
  });

  test('conditions decide the optional resources: Function url, Vpc nat gateway', () => {
    const fn = COMPONENTS_4['sst.aws.Function']!;
    const url = fn.conditional.find((c) => c.items.some((i) => i.t === 'aws:lambda/functionUrl:FunctionUrl'));
    expect(url?.when).toEqual([{ test: 'set', path: ['url'] }]);
    const nat = COMPONENTS_4['sst.aws.Vpc']!.conditional.find((c) => c.items.some((i) => i.t === 'aws:ec2/natGateway:NatGateway'));
    expect(nat?.when).toContainEqual({ test: 'eq', path: ['nat', 'type'], value: 'managed' });
    expect(fn.onByDefault).toContain('logging');
  });

  test('the curated gaps are applied as cited additions to pike', () => {
    const lambda = TERRAFORM_IAM['aws_lambda_function']!;
    expect(lambda.update).not.toContain('lambda:UpdateFunctionCode');
    expect(lambda.gaps).toContainEqual(expect.objectContaining({ action: 'lambda:UpdateFunctionCode', phases: ['update'] }));
    expect(TERRAFORM_IAM['aws_iam_role']!.gaps.map((g) => g.action)).toContain('iam:UpdateAssumeRolePolicy');
    expect(lambda.file).toBe('src/mapping/aws/resource/lambda/aws_lambda_function.json');
  });

  test('every action has its resource types, and every resource type an ARN format scoped by {region}/{account} placeholders', () => {
    for (const t of Object.values(TERRAFORM_IAM)) for (const a of [...t.create, ...t.update, ...t.delete]) if (!/[*?]/.test(a)) expect(ACTION_RESOURCE_TYPES[a], a).toBeDefined();
    for (const [a, types] of Object.entries(ACTION_RESOURCE_TYPES)) for (const rt of types) expect(RESOURCE_ARN_FORMATS[`${a.split(':')[0]}:${rt}`], `${a} ${rt}`).toMatch(/^arn:aws:/);
    expect(RESOURCE_ARN_FORMATS['lambda:function']).toBe('arn:aws:lambda:{region}:{account}:function:*');
  });
});

/** Terraform types and the CloudFormation types that create the same AWS resource. */
const CORRESPONDING: readonly [string, string, string][] = [
  ['aws_lambda_function', 'AWS::Lambda::Function', 'lambda:CreateFunction'],
  ['aws_lambda_permission', 'AWS::Lambda::Permission', 'lambda:AddPermission'],
  ['aws_lambda_event_source_mapping', 'AWS::Lambda::EventSourceMapping', 'lambda:CreateEventSourceMapping'],
  ['aws_lambda_function_url', 'AWS::Lambda::Url', 'lambda:CreateFunctionUrlConfig'],
  ['aws_iam_role', 'AWS::IAM::Role', 'iam:CreateRole'],
  ['aws_s3_bucket', 'AWS::S3::Bucket', 's3:CreateBucket'],
  ['aws_dynamodb_table', 'AWS::DynamoDB::Table', 'dynamodb:CreateTable'],
  ['aws_sqs_queue', 'AWS::SQS::Queue', 'sqs:CreateQueue'],
  ['aws_sns_topic', 'AWS::SNS::Topic', 'sns:CreateTopic'],
  ['aws_cloudwatch_log_group', 'AWS::Logs::LogGroup', 'logs:CreateLogGroup'],
  ['aws_cloudfront_distribution', 'AWS::CloudFront::Distribution', 'cloudfront:CreateDistribution'],
  ['aws_cloudfront_function', 'AWS::CloudFront::Function', 'cloudfront:CreateFunction'],
  ['aws_cloudwatch_event_rule', 'AWS::Events::Rule', 'events:PutRule'],
  ['aws_cloudwatch_event_bus', 'AWS::Events::EventBus', 'events:CreateEventBus'],
  ['aws_cognito_user_pool', 'AWS::Cognito::UserPool', 'cognito-idp:CreateUserPool'],
  ['aws_cognito_user_pool_client', 'AWS::Cognito::UserPoolClient', 'cognito-idp:CreateUserPoolClient'],
  ['aws_security_group', 'AWS::EC2::SecurityGroup', 'ec2:CreateSecurityGroup'],
  ['aws_vpc', 'AWS::EC2::VPC', 'ec2:CreateVpc'],
  ['aws_subnet', 'AWS::EC2::Subnet', 'ec2:CreateSubnet'],
  ['aws_acm_certificate', 'AWS::CertificateManager::Certificate', 'acm:RequestCertificate'],
  ['aws_sfn_state_machine', 'AWS::StepFunctions::StateMachine', 'states:CreateStateMachine'],
];

describe('cross-check with the CloudFormation handler table', () => {
  test('corresponding types share their core create action; the differences are reported', async () => {
    const resolver = createHandlerResolver();
    const cfn = await resolver.resolve(CORRESPONDING.map(([, c]) => c));
    const report: string[] = [];
    let compared = 0;
    for (const [tf, type, core] of CORRESPONDING) {
      const t = TERRAFORM_IAM[tf];
      const h = cfn.get(type);
      if (!t || !h) continue;
      compared++;
      const tfCreate = new Set([...t.create, ...t.gaps.filter((g) => g.phases.includes('create')).map((g) => g.action)]);
      const cfnCreate = new Set(h.handlers.create ?? []);
      expect(tfCreate.has(core), `${tf} (pike) creates with ${core}`).toBe(true);
      expect(cfnCreate.has(core), `${type} (CloudFormation) creates with ${core}`).toBe(true);
      const onlyCfn = [...cfnCreate].filter((a) => !tfCreate.has(a) && !t.tags.includes(a) && !t.update.includes(a));
      const onlyTf = [...tfCreate].filter((a) => !cfnCreate.has(a));
      if (onlyCfn.length || onlyTf.length) report.push(`${tf} ↔ ${type}: only CloudFormation ${onlyCfn.join(' ') || '-'}; only pike ${onlyTf.join(' ') || '-'}`);
    }
    expect(compared).toBeGreaterThanOrEqual(15);
    // The report is the point: a human reads it when the tables are regenerated.
    console.info(`SST v3 tables vs CloudFormation handlers (${compared} types):\n${report.join('\n')}`);
    expect(report.length).toBeGreaterThan(0);
  });
});
