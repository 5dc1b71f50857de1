import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { actionExists, expandAction } from '../catalog.ts';
import { hasWildcard } from '../engine/glob.ts';
import { BUILTIN_HANDLER_PERMISSIONS, BUILTIN_TABLE_STAMP, CATALOGUE_EXCEPTIONS } from './handler-permissions.ts';
import { customResourceActions, isCustomResourceType, OVERLAY_HANDLER_PERMISSIONS, overlayFor } from './overlay.ts';
import { createHandlerResolver } from './resolver.ts';
import { compareActions, HANDLER_OPERATIONS } from './schemas.ts';
import type { HandlerPermissions } from './types.ts';

/** The resource types issue 7 asks the data to cover (builtin table or overlay). */
const REQUIRED_TYPES = [
  ...['Function', 'Permission', 'Version', 'Alias', 'EventSourceMapping', 'LayerVersion', 'LayerVersionPermission', 'Url', 'EventInvokeConfig'].map(
    (t) => `AWS::Lambda::${t}`,
  ),
  ...['Role', 'ManagedPolicy', 'InstanceProfile', 'User', 'Group', 'Policy'].map((t) => `AWS::IAM::${t}`),
  'AWS::S3::Bucket',
  'AWS::S3::BucketPolicy',
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  ...['RestApi', 'Resource', 'Method', 'Deployment', 'Stage', 'Account', 'DomainName', 'BasePathMapping', 'Authorizer', 'ApiKey', 'UsagePlan', 'UsagePlanKey'].map(
    (t) => `AWS::ApiGateway::${t}`,
  ),
  ...['Api', 'Stage', 'Route', 'Integration', 'Authorizer', 'DomainName', 'ApiMapping', 'Deployment'].map((t) => `AWS::ApiGatewayV2::${t}`),
  'AWS::SQS::Queue',
  'AWS::SQS::QueuePolicy',
  'AWS::SNS::Topic',
  'AWS::SNS::Subscription',
  'AWS::SNS::TopicPolicy',
  'AWS::Events::Rule',
  'AWS::Events::EventBus',
  'AWS::Logs::LogGroup',
  'AWS::Logs::SubscriptionFilter',
  'AWS::KMS::Key',
  'AWS::KMS::Alias',
  'AWS::SSM::Parameter',
  'AWS::ECR::Repository',
  ...['Distribution', 'CloudFrontOriginAccessIdentity', 'OriginAccessControl', 'Function', 'CachePolicy', 'OriginRequestPolicy', 'ResponseHeadersPolicy'].map(
    (t) => `AWS::CloudFront::${t}`,
  ),
  'AWS::Route53::HostedZone',
  'AWS::Route53::RecordSet',
  'AWS::Route53::RecordSetGroup',
  'AWS::CertificateManager::Certificate',
  'AWS::StepFunctions::StateMachine',
  'AWS::StepFunctions::Activity',
  ...['GraphQLApi', 'DataSource', 'Resolver', 'FunctionConfiguration', 'ApiKey', 'GraphQLSchema'].map((t) => `AWS::AppSync::${t}`),
  ...['UserPool', 'UserPoolClient', 'UserPoolDomain', 'IdentityPool', 'IdentityPoolRoleAttachment'].map((t) => `AWS::Cognito::${t}`),
  'AWS::CloudFormation::Stack',
  'AWS::CloudFormation::WaitCondition',
  'AWS::CloudFormation::WaitConditionHandle',
  'AWS::CloudFormation::CustomResource',
  'AWS::CDK::Metadata',
  'AWS::CodeBuild::Project',
  'AWS::EC2::SecurityGroup',
  'AWS::EC2::VPC',
  'AWS::EC2::Subnet',
];

const entries = (): [string, HandlerPermissions, string][] => [
  ...[...BUILTIN_HANDLER_PERMISSIONS].map(([type, e]): [string, HandlerPermissions, string] => [type, e.handlers, 'builtin']),
  ...[...OVERLAY_HANDLER_PERMISSIONS].map(([type, e]): [string, HandlerPermissions, string] => [type, e.handlers, 'overlay']),
];

async function inCatalogue(action: string): Promise<boolean> {
  if (!hasWildcard(action)) return actionExists(action);
  return expandAction(action).then(
    () => true,
    () => false,
  );
}

describe('builtin handler table and overlay', () => {
  it('covers every resource type the issue lists', async () => {
    const resolved = await createHandlerResolver().resolve(REQUIRED_TYPES);
    expect(REQUIRED_TYPES.filter((t) => !resolved.has(t))).toEqual([]);
    expect(BUILTIN_HANDLER_PERMISSIONS.size).toBeGreaterThanOrEqual(60);
  });

  it('knows every action in the IAM action catalogue, in its spelling (exceptions: CATALOGUE_EXCEPTIONS, not in the table)', async () => {
    const unknown: string[] = [];
    const misspelt: string[] = [];
    for (const [type, handlers, kind] of entries()) {
      for (const op of HANDLER_OPERATIONS) {
        for (const action of handlers[op] ?? []) {
          if (!(await inCatalogue(action))) unknown.push(`${kind} ${type} ${op}: ${action}`);
          else if (!hasWildcard(action) && (await expandAction(action))[0] !== action) misspelt.push(`${type}: ${action}`);
        }
      }
    }
    expect(unknown).toEqual([]);
    expect(misspelt).toEqual([]);
  });

  it('lists as exceptions only entries the catalogue still does not know (regenerate the table when it learns one)', async () => {
    const known: string[] = [];
    for (const [type, actions] of CATALOGUE_EXCEPTIONS) {
      expect(BUILTIN_HANDLER_PERMISSIONS.has(type), type).toBe(true);
      for (const a of actions) {
        if (/^[a-z0-9-]+:[A-Za-z0-9*?]+$/i.test(a) && (await inCatalogue(a))) known.push(`${type}: ${a}`);
      }
    }
    expect(known).toEqual([]);
  });

  it('keeps each list normalised: lower-case service prefix, trimmed, no duplicates, sorted', () => {
    for (const [type, handlers] of entries()) {
      for (const op of HANDLER_OPERATIONS) {
        const list = handlers[op];
        if (!list) continue;
        for (const a of list) expect(a, `${type} ${op}`).toMatch(/^[a-z0-9-]+:[A-Za-z0-9*?]+$/);
        expect(new Set(list.map((a) => a.toLowerCase())).size, `${type} ${op} duplicates`).toBe(list.length);
        expect([...list].sort(compareActions), `${type} ${op} order`).toEqual(list);
      }
    }
  });

  it('gives every resource type a delete handler and a create handler, so a deploy and a rollback are both covered', () => {
    for (const [type, handlers] of entries()) {
      expect(handlers.create, `${type} create`).toBeDefined();
      expect(handlers.delete, `${type} delete`).toBeDefined();
    }
  });

  it('cites the public schema file and commit for each builtin entry, and is stamped with its date and catalogue', () => {
    for (const [type, e] of BUILTIN_HANDLER_PERMISSIONS) {
      expect(e.url, type).toBe(
        `https://github.com/hashicorp/terraform-provider-awscc/blob/${e.url.split('/')[6]}/internal/service/cloudformation/schemas/${type.replaceAll('::', '_')}.json`,
      );
      expect(e.url.split('/')[6], type).toMatch(/^[0-9a-f]{40}$/);
    }
    expect(BUILTIN_TABLE_STAMP.derivedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(BUILTIN_TABLE_STAMP.catalogue).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('writes overlay entries only for types the builtin table lacks, each citing public documentation', () => {
    for (const [type, e] of OVERLAY_HANDLER_PERMISSIONS) {
      expect(BUILTIN_HANDLER_PERMISSIONS.has(type), type).toBe(false);
      for (const url of e.url.split('; ')) expect(url, type).toMatch(/^https:\/\/docs\.aws\.amazon\.com\/[\w./-]+\.html$/);
    }
  });

  it('keeps the example types right: the function needs PassRole, the queue its own actions', () => {
    const fn = BUILTIN_HANDLER_PERMISSIONS.get('AWS::Lambda::Function')!.handlers;
    expect(fn.create).toEqual(expect.arrayContaining(['iam:PassRole', 'lambda:CreateFunction']));
    expect(fn.delete).toEqual(expect.arrayContaining(['lambda:DeleteFunction']));
    // Schemas write some names in other cases (iam:listUsers): the table has the catalogue's spelling.
    expect(BUILTIN_HANDLER_PERMISSIONS.get('AWS::IAM::User')!.handlers.list).toEqual(['iam:ListUsers']);
    // A schema's non-action strings and API-only names never reach the table.
    expect(BUILTIN_HANDLER_PERMISSIONS.get('AWS::S3::Bucket')!.handlers.update).not.toContain('s3:DeleteBucketCors');
    expect(CATALOGUE_EXCEPTIONS.get('AWS::S3::Bucket')).toContain('s3:DeleteBucketCors');
  });
});

describe('custom resources', () => {
  it('recognises custom resource types', () => {
    expect(isCustomResourceType('AWS::CloudFormation::CustomResource')).toBe(true);
    expect(isCustomResourceType('Custom::S3AutoDeleteObjects')).toBe(true);
    expect(isCustomResourceType('Custom::')).toBe(false);
    expect(isCustomResourceType('AWS::Lambda::Function')).toBe(false);
    expect(overlayFor('Custom::Anything')!.handlers.create).toEqual(['lambda:InvokeFunction', 'sns:Publish']);
    expect(overlayFor('AWS::Nope::Nope')).toBeUndefined();
  });

  it('picks the ServiceToken action by ARN, by the referenced type, or both when neither tells', () => {
    expect(customResourceActions('arn:aws:lambda:eu-west-1:123456789012:function:provider')).toEqual(['lambda:InvokeFunction']);
    expect(customResourceActions('arn:aws:sns:eu-west-1:123456789012:topic')).toEqual(['sns:Publish']);
    expect(customResourceActions({ 'Fn::GetAtt': ['Provider', 'Arn'] }, 'AWS::Lambda::Function')).toEqual(['lambda:InvokeFunction']);
    expect(customResourceActions({ Ref: 'Topic' }, 'AWS::SNS::Topic')).toEqual(['sns:Publish']);
    expect(customResourceActions({ 'Fn::ImportValue': 'x' })).toEqual(['lambda:InvokeFunction', 'sns:Publish']);
  });
});

describe('start-up cost', () => {
  it('loads the table only through a dynamic import (no module imports it statically)', () => {
    const src = join(import.meta.dirname, '..');
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    const statics = files.filter((f) => /^(?:import|export)[^;]*from\s+'[./]+(?:cfn\/)?handler-permissions\.ts'/m.test(readFileSync(join(src, f), 'utf8')));
    const dynamics = files.filter((f) => /import\('\.\/handler-permissions\.ts'\)/.test(readFileSync(join(src, f), 'utf8')));
    expect(statics).toEqual([]);
    expect(dynamics).toEqual([join('cfn', 'resolver.ts')]);
  });
});
