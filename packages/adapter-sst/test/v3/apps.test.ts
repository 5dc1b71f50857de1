import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AwspermError, type PolicyFragment, type Statement } from '@awsperm/core';
import { describe, expect, test } from 'vitest';
import { discoverSstApp } from '../../src/app-discovery.ts';
import { ACTION_RESOURCE_TYPES } from '../../src/v3/data/arns.ts';
import { type AppInventory, type AppRequirements, appRequirements } from '../../src/v3/index.ts';
import { discoverFixture, FIXTURES } from './load.ts';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';

function sstVersion(app: string): string {
  return (JSON.parse(readFileSync(new URL(`${app}/package.json`, FIXTURES), 'utf8')) as { dependencies: { sst: string } }).dependencies.sst;
}

async function requirements(app: string, stage = 'dev'): Promise<{ inv: AppInventory; req: AppRequirements }> {
  const inv = await discoverFixture(app, { stage });
  const req = appRequirements(inv, { sstVersion: sstVersion(app), app: inv.app.name, stage, account: ACCOUNT, region: REGION });
  return { inv, req };
}

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const statementsOf = (fragments: PolicyFragment[]): Statement[] => fragments.flatMap((f) => f.statements);
const fragment = (req: AppRequirements, id: string): PolicyFragment => {
  const f = req.fragments.find((x) => x.id === id);
  if (!f) throw new Error(`no fragment ${id} among ${req.fragments.map((x) => x.id).join(', ')}`);
  return f;
};
/** The resources that allow `action` in the fragments. */
function resourcesFor(fragments: PolicyFragment[], action: string): string[] {
  return statementsOf(fragments)
    .filter((s) => list(s.Action).includes(action))
    .flatMap((s) => list(s.Resource));
}
const actionsOf = (fragments: PolicyFragment[]): Set<string> => new Set(statementsOf(fragments).flatMap((s) => list(s.Action)));

/** Actions on resources SST names `<app>-<stage>-…`: their statements must never be `Resource: "*"`. */
const NAMED = ['lambda:CreateFunction', 'lambda:CreateFunctionUrlConfig', 'dynamodb:CreateTable', 'sqs:CreateQueue', 'sns:CreateTopic', 's3:CreateBucket', 'iam:CreateRole', 'iam:PutRolePolicy', 'iam:PassRole', 'ecs:CreateService', 'ecs:CreateCluster', 'rds:CreateDBInstance'];

/** The checks every fixture's requirements pass. */
function wellFormed(req: AppRequirements, inv: AppInventory, stage: string): void {
  expect(req.fragments.length).toBeGreaterThan(0);
  for (const s of statementsOf(req.fragments)) {
    // `Resource: "*"` only for actions that take no resource (the catalogue's resource types are empty).
    if (list(s.Resource).includes('*')) for (const a of list(s.Action)) expect(ACTION_RESOURCE_TYPES[a], `${a} on "*"`).toEqual([]);
    for (const a of list(s.Action)) {
      expect(a).not.toBe('*');
      expect(a, 'no service-wide wildcard').not.toMatch(/:\*$/);
    }
    for (const r of list(s.Resource)) {
      expect(r).not.toContain('{account}');
      expect(r).not.toContain('{region}');
    }
  }
  const prefix = `${inv.app.name}-${stage}-`;
  for (const action of NAMED) {
    const resources = resourcesFor(req.fragments, action);
    for (const r of resources) expect(r, `${action} on ${r}`).not.toBe('*');
    if (resources.length > 0) expect(resources.some((r) => r.toLowerCase().includes(prefix.toLowerCase())), `${action} is scoped to the app's names`).toBe(true);
  }
  for (const f of req.fragments) {
    expect(f.id).toMatch(/^sst\.app\./);
    expect(f.source.title.length).toBeGreaterThan(10);
  }
}

describe('SST v3/v4 fixture apps', () => {
  test('api-function (3.x): Function with url and link, Dynamo subscribe, ApiGatewayV2 routes; the domain only in production', async () => {
    const { inv, req } = await requirements('api-function');
    wellFormed(req, inv, 'dev');
    const hello = fragment(req, 'sst.app.Hello');
    expect(hello.title).toContain('sst.aws.Function');
    const fn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:notes-api-dev-*`;
    expect(resourcesFor([hello], 'lambda:CreateFunction')).toEqual([fn]);
    expect(resourcesFor([hello], 'lambda:CreateFunctionUrlConfig')).toEqual([fn]);
    expect(resourcesFor([hello], 'lambda:UpdateFunctionCode')).toEqual([fn]);
    const pass = statementsOf([hello]).find((s) => list(s.Action).includes('iam:PassRole'));
    expect(pass).toMatchObject({ Resource: `arn:aws:iam::${ACCOUNT}:role/notes-api-dev-*`, Condition: { StringEquals: { 'iam:PassedToService': ['lambda.amazonaws.com'] } } });
    expect(resourcesFor([hello], 'iam:PutRolePolicy')).toEqual([`arn:aws:iam::${ACCOUNT}:role/notes-api-dev-*`]);
    expect(hello.description).toContain('aws_lambda_function_url');
    const notes = fragment(req, 'sst.app.Notes');
    expect(resourcesFor([notes], 'dynamodb:CreateTable')).toEqual([`arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/notes-api-dev-*`]);
    expect(actionsOf([notes])).toContain('lambda:CreateEventSourceMapping');
    expect(actionsOf([notes])).toContain('dynamodb:TagResource');
    const api = fragment(req, 'sst.app.Api');
    expect(actionsOf([api])).toContain('apigateway:POST');
    expect(actionsOf([api])).toContain('lambda:AddPermission');
    expect(actionsOf([api])).not.toContain('acm:RequestCertificate');
    expect(resourcesFor([fragment(req, 'sst.app.assets')], 's3:PutObject')).toEqual(['arn:aws:s3:::sst-asset-*/*']);
    expect(req.unresolved).toEqual([]);

    const prod = await requirements('api-function', 'production');
    wellFormed(prod.req, prod.inv, 'production');
    const prodApi = fragment(prod.req, 'sst.app.Api');
    expect(actionsOf([prodApi])).toContain('acm:RequestCertificate');
    expect(actionsOf([prodApi])).toContain('route53:ChangeResourceRecordSets');
  });

  test('vpc-function (4.x): managed NAT, Function in the VPC with an IAM url, Bucket notify', async () => {
    const { inv, req } = await requirements('vpc-function');
    wellFormed(req, inv, 'dev');
    const net = fragment(req, 'sst.app.Net');
    expect(actionsOf([net])).toContain('ec2:CreateNatGateway');
    expect(actionsOf([net])).toContain('ec2:CreateVpc');
    expect(actionsOf([net])).toContain('ec2:CreateTags');
    expect(resourcesFor([net], 'ec2:CreateNatGateway').every((r) => r.startsWith(`arn:aws:ec2:${REGION}:${ACCOUNT}:`))).toBe(true);
    const uploads = fragment(req, 'sst.app.Uploads');
    expect(resourcesFor([uploads], 's3:CreateBucket')).toEqual(['arn:aws:s3:::photo-lab-dev-*']);
    expect(actionsOf([uploads])).toContain('s3:PutBucketNotification');
    expect(actionsOf([uploads])).toContain('lambda:CreateFunction');
    const api = fragment(req, 'sst.app.Api');
    expect(actionsOf([api])).toContain('lambda:CreateFunctionUrlConfig');
    expect(inv.components.find((c) => c.name === 'Api')?.options['vpc']).toEqual({ $component: 'sst.aws.Vpc', name: 'Net' });
  });

  test('queue-topic (3.x): Queue subscribe, SnsTopic subscribe and subscribeQueue, Cron', async () => {
    const { inv, req } = await requirements('queue-topic');
    wellFormed(req, inv, 'dev');
    expect(resourcesFor([fragment(req, 'sst.app.Jobs')], 'sqs:CreateQueue')).toEqual([`arn:aws:sqs:${REGION}:${ACCOUNT}:order-flow-dev-*`]);
    expect(actionsOf([fragment(req, 'sst.app.Jobs')])).toContain('lambda:CreateEventSourceMapping');
    const topic = fragment(req, 'sst.app.OrderEvents');
    expect(resourcesFor([topic], 'sns:CreateTopic')).toEqual([`arn:aws:sns:${REGION}:${ACCOUNT}:order-flow-dev-*`]);
    expect(actionsOf([topic])).toContain('sns:Subscribe');
    expect(actionsOf([topic])).toContain('sqs:SetQueueAttributes');
    const partner = fragment(req, 'sst.app.Queue.subscribe');
    expect(actionsOf([partner])).toContain('lambda:CreateEventSourceMapping');
    expect(actionsOf([partner])).toContain('lambda:CreateFunction');
    expect(req.warnings).toEqual(['$transform(sst.aws.Function, …) may change what is created or how; its callback is not followed']);
    const cron = fragment(req, 'sst.app.Nightly');
    expect(resourcesFor([cron], 'events:PutRule')).toEqual([`arn:aws:events:${REGION}:${ACCOUNT}:rule/*/order-flow-dev-*`, `arn:aws:events:${REGION}:${ACCOUNT}:rule/order-flow-dev-*`]);
    expect(actionsOf([cron])).toContain('events:PutTargets');
  });

  test('cron-bus (4.x): CronV2 on EventBridge Scheduler (PassRole to scheduler), Bus subscribe', async () => {
    const { inv, req } = await requirements('cron-bus');
    wellFormed(req, inv, 'dev');
    const cron = fragment(req, 'sst.app.Cleanup');
    expect(actionsOf([cron])).toContain('scheduler:CreateSchedule');
    const pass = statementsOf([cron]).find((s) => list(s.Action).includes('iam:PassRole'));
    expect(pass?.Condition?.['StringEquals']?.['iam:PassedToService']).toEqual(expect.arrayContaining(['lambda.amazonaws.com', 'scheduler.amazonaws.com']));
    expect(actionsOf([fragment(req, 'sst.app.Ledger')])).toContain('events:CreateEventBus');
    const shared = fragment(req, 'sst.app.Shared');
    expect(shared.title).toBe('sst.aws.Bus.get("Shared") with subscribe(): what the calls make');
    expect([...actionsOf([shared])]).toEqual(expect.arrayContaining(['events:PutRule', 'events:PutTargets', 'lambda:CreateFunction']));
    expect(actionsOf([shared])).not.toContain('events:CreateEventBus');
    expect(actionsOf([fragment(req, 'sst.app.Shared.Bus')])).toContain('events:DescribeEventBus');
  });

  test('cron-bus is a 4.x app: read with the 3.x tables, CronV2 is unresolved', async () => {
    const inv = await discoverFixture('cron-bus', { stage: 'dev' });
    const req = appRequirements(inv, { sstVersion: '3.17.25', app: inv.app.name, stage: 'dev' });
    expect(req.unresolved).toContainEqual(expect.objectContaining({ kind: 'component', type: 'sst.aws.CronV2', name: 'Cleanup' }));
  });

  test('router-static (4.x): Router with a domain, StaticSite on it: CloudFront, certificate, site files', async () => {
    const { inv, req } = await requirements('router-static');
    wellFormed(req, inv, 'dev');
    const all = actionsOf(req.fragments);
    expect(all).toContain('cloudfront:CreateDistribution');
    expect(all).toContain('acm:RequestCertificate');
    expect(all).toContain('cloudfront:CreateKeyValueStore');
    expect(actionsOf([fragment(req, 'sst.app.Docs')])).toContain('s3:PutObject');
    expect(resourcesFor([fragment(req, 'sst.app.Docs')], 's3:CreateBucket')).toEqual(['arn:aws:s3:::docs-site-dev-*']);
  });

  test('nextjs-app (3.x): Nextjs with linked Bucket and Secret; DevCommand and Secret create nothing in AWS', async () => {
    const { inv, req } = await requirements('nextjs-app');
    wellFormed(req, inv, 'dev');
    const shop = fragment(req, 'sst.app.Shop');
    expect(actionsOf([shop])).toContain('cloudfront:CreateDistribution');
    expect(actionsOf([shop])).toContain('lambda:CreateFunction');
    expect(actionsOf([shop])).toContain('cloudfront:CreateInvalidation');
    expect(req.fragments.map((f) => f.id)).not.toContain('sst.app.Studio');
    expect(req.fragments.map((f) => f.id)).not.toContain('sst.app.StripeKey');
    expect(inv.components.map((c) => c.type)).toEqual(['sst.aws.Bucket', 'sst.Secret', 'sst.aws.Nextjs', 'sst.x.DevCommand']);
    expect(JSON.stringify(inv)).not.toContain('eu-west-1');
  });

  test('cluster-service (4.x): Vpc with bastion, Cluster, Service with a load balancer and a built image', async () => {
    const { inv, req } = await requirements('cluster-service');
    wellFormed(req, inv, 'dev');
    const web = fragment(req, 'sst.app.Web');
    expect(resourcesFor([web], 'ecs:CreateService')).toEqual([`arn:aws:ecs:${REGION}:${ACCOUNT}:service/chat-backend-dev-*/*`]);
    expect(actionsOf([web])).toContain('ecs:RegisterTaskDefinition');
    expect(actionsOf([web])).toContain('elasticloadbalancing:CreateLoadBalancer');
    const pass = statementsOf([web]).find((s) => list(s.Action).includes('iam:PassRole'));
    expect(pass?.Condition?.['StringEquals']?.['iam:PassedToService']).toContain('ecs-tasks.amazonaws.com');
    expect(actionsOf([fragment(req, 'sst.app.Cluster')])).toContain('ecs:CreateCluster');
    const assets = fragment(req, 'sst.app.assets');
    expect(resourcesFor([assets], 'ecr:PutImage')).toEqual([`arn:aws:ecr:${REGION}:${ACCOUNT}:repository/sst-asset`]);
    expect(resourcesFor([assets], 'ecr:GetAuthorizationToken')).toEqual(['*']);
    expect(actionsOf([fragment(req, 'sst.app.Vpc')])).toContain('ec2:RunInstances');
  });

  test('databases (3.x): Postgres, Redis, EC2 NAT, a linked Function in the VPC', async () => {
    const { inv, req } = await requirements('databases');
    wellFormed(req, inv, 'dev');
    expect(resourcesFor([fragment(req, 'sst.app.Db')], 'rds:CreateDBInstance')).toEqual([
      `arn:aws:rds:${REGION}:${ACCOUNT}:db:crm-dev-*`,
      `arn:aws:rds:${REGION}:${ACCOUNT}:og:*`,
      `arn:aws:rds:${REGION}:${ACCOUNT}:pg:crm-dev-*`,
      `arn:aws:rds:${REGION}:${ACCOUNT}:secgrp:*`,
      `arn:aws:rds:${REGION}:${ACCOUNT}:subgrp:crm-dev-*`,
      `arn:aws:rds:${REGION}:${ACCOUNT}:cluster:crm-dev-*`,
    ].sort());
    expect(actionsOf([fragment(req, 'sst.app.Cache')])).toContain('elasticache:CreateReplicationGroup');
    const vpc = fragment(req, 'sst.app.Vpc');
    expect(actionsOf([vpc])).toContain('ec2:RunInstances');
    expect(actionsOf([vpc])).not.toContain('ec2:CreateNatGateway');
  });

  test('aurora (4.x): Aurora Serverless v2 cluster', async () => {
    const { inv, req } = await requirements('aurora');
    wellFormed(req, inv, 'dev');
    const ledger = fragment(req, 'sst.app.Ledger');
    expect(actionsOf([ledger])).toContain('rds:CreateDBCluster');
    expect(actionsOf([ledger])).toContain('rds:CreateDBInstance');
  });

  test('email-auth (4.x): Email identity, CognitoUserPool with a trigger and addClient', async () => {
    const { inv, req } = await requirements('email-auth');
    wellFormed(req, inv, 'dev');
    expect(actionsOf([fragment(req, 'sst.app.Mail')])).toContain('ses:CreateEmailIdentity');
    const users = fragment(req, 'sst.app.Users');
    expect(actionsOf([users])).toContain('cognito-idp:CreateUserPool');
    expect(actionsOf([users])).toContain('cognito-idp:CreateUserPoolClient');
    expect(actionsOf([users])).toContain('lambda:CreateFunction');
    expect(users.description).toContain('addClient()');
  });

  test('realtime-chat (3.x): Realtime with an authorizer and a subscriber', async () => {
    const { inv, req } = await requirements('realtime-chat');
    wellFormed(req, inv, 'dev');
    const live = fragment(req, 'sst.app.Live');
    expect(actionsOf([live])).toContain('iot:CreateAuthorizer');
    expect(resourcesFor([live], 'iot:CreateTopicRule')).toEqual([`arn:aws:iot:${REGION}:${ACCOUNT}:rule/live_chat_dev_*`]);
    expect(inv.components[0]?.calls[0]?.args[1]).toEqual({ filter: 'live-chat/dev/chat/#' });
  });

  test('raw-resources (3.x): aws.* resources by their Pulumi type, an unknown type unresolved, cloudflare outside AWS', async () => {
    const { inv, req } = await requirements('raw-resources');
    wellFormed(req, inv, 'dev');
    expect(inv.resources.map((r) => r.token)).toEqual([
      'aws:s3/bucketV2:BucketV2',
      'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock',
      'aws:iam/role:Role',
      'aws:lambda/function:Function',
      'aws:ssm/parameter:Parameter',
      'aws:gamelift/fleet:Fleet',
    ]);
    expect(inv.lookups).toEqual([{ kind: 'invoke', type: 'aws:index/getCallerIdentity:getCallerIdentity' }]);
    const raw = fragment(req, 'sst.app.resources');
    for (const a of ['s3:CreateBucket', 's3:PutBucketPublicAccessBlock', 'iam:CreateRole', 'lambda:CreateFunction', 'ssm:PutParameter']) expect(actionsOf([raw])).toContain(a);
    expect(req.unresolved).toEqual([expect.objectContaining({ kind: 'resource', type: 'aws:gamelift/fleet:Fleet', name: 'Unusual' })]);
    expect(req.outsideAws).toEqual([{ provider: 'cloudflare', type: 'cloudflare.DnsRecord', name: 'Apex' }]);
    expect(inv.app.providers).toEqual(['cloudflare']);
  });

  test('infra-imports (4.x): components in files imported with await import() are found', async () => {
    const { inv, req } = await requirements('infra-imports');
    wellFormed(req, inv, 'dev');
    expect(inv.components.map((c) => `${c.type} ${c.name}`)).toEqual(['sst.aws.Dynamo Items', 'sst.aws.Bucket Files', 'sst.aws.ApiGatewayV2 Http']);
    expect(inv.components[2]?.calls.map((c) => c.method)).toEqual(['route', 'route']);
    expect(actionsOf([fragment(req, 'sst.app.Items')])).toContain('dynamodb:CreateTable');
  });

  test('stage-conditional (3.x): the production-only table and bucket only for stage production', async () => {
    const dev = await requirements('stage-conditional', 'dev');
    wellFormed(dev.req, dev.inv, 'dev');
    expect(dev.req.fragments.map((f) => f.id)).toEqual(['sst.app.Sessions', 'sst.app.ExportsEU']);
    expect(actionsOf(dev.req.fragments)).not.toContain('dynamodb:CreateTable');
    const prod = await requirements('stage-conditional', 'production');
    wellFormed(prod.req, prod.inv, 'production');
    expect(prod.req.fragments.map((f) => f.id)).toEqual(['sst.app.Sessions', 'sst.app.AuditLog', 'sst.app.ExportsEU', 'sst.app.ExportsUS']);
    expect(resourcesFor(prod.req.fragments, 'dynamodb:CreateTable')).toEqual([`arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/tenant-portal-production-*`]);
    expect(prod.inv.app.protect).toBe(true);
  });

  test('unknown-component: the unknown component and method are unresolved, the known Queue still counted', async () => {
    const { req } = await requirements('unknown-component');
    expect(req.unresolved).toEqual([
      { kind: 'component', type: 'sst.aws.QuantumLedger', name: 'Ledger', reason: 'unknown component: no data' },
      expect.objectContaining({ kind: 'method', type: 'sst.aws.Queue.teleport', name: 'Inbox' }),
    ]);
    expect(actionsOf([fragment(req, 'sst.app.Inbox')])).toContain('sqs:CreateQueue');
  });

  test('throws: the error of run() comes out with what threw it', async () => {
    await expect(discoverFixture('throws', { stage: 'dev' })).rejects.toThrow('run() threw: missing STRIPE_KEY for this stage');
  });

  test('placeholders stay for the caller to fill when account and region are unknown', async () => {
    const inv = await discoverFixture('queue-topic', { stage: 'dev' });
    const req = appRequirements(inv, { sstVersion: '3.14.2', app: inv.app.name, stage: 'dev' });
    expect(resourcesFor(req.fragments, 'sqs:CreateQueue')).toContain('arn:aws:sqs:{region}:{account}:order-flow-dev-*');
    expect(() => appRequirements(inv, { sstVersion: '2.44.0', app: 'x', stage: 'dev' })).toThrow(/not a v3\/v4 release/);
  });
});

describe('discovery in the isolated worker (what the adapter runs)', () => {
  const APPS = ['api-function', 'vpc-function', 'queue-topic', 'cron-bus', 'router-static', 'nextjs-app', 'cluster-service', 'databases', 'aurora', 'email-auth', 'realtime-chat', 'raw-resources', 'infra-imports', 'stage-conditional', 'unknown-component'];
  const config = (app: string): string => fileURLToPath(new URL(`${app}/sst.config.ts`, FIXTURES));

  test.each(APPS)('%s: the worker finds the same inventory as the in-process loader', async (app) => {
    const inWorker = await discoverSstApp(config(app), { stage: 'dev', env: {} });
    expect(inWorker).toEqual(await discoverFixture(app, { stage: 'dev' }));
    expect(inWorker.components.length + inWorker.resources.length).toBeGreaterThan(0);
  });

  test('a run() that throws is a config error naming the file and the line', async () => {
    const error = await discoverSstApp(config('throws'), { stage: 'dev', env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwspermError);
    expect((error as AwspermError).code).toBe('PROJECT_CONFIG_INVALID');
    expect((error as AwspermError).message).toMatch(/throws\/sst\.config\.ts:\d+: run\(\) threw: Error: missing STRIPE_KEY for this stage$/);
  });

  test('a run() that never finishes is stopped at the bound and reported', async () => {
    const started = Date.now();
    const error = await discoverSstApp(config('loops'), { stage: 'dev', env: {}, timeoutMs: 800 }).catch((e: unknown) => e);
    expect((error as AwspermError).code).toBe('PROJECT_CONFIG_INVALID');
    expect((error as AwspermError).message).toMatch(/loops\/sst\.config\.ts: run\(\) took longer than 800 ms and was stopped/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  test('an option whose value comes from a package awsperm does not load is reported, not silently dropped', async () => {
    const warnings: string[] = [];
    const inv = await discoverSstApp(config('stubbed-option'), { stage: 'dev', env: {}, warn: (m) => warnings.push(m) });
    expect(inv.components.map((c) => `${c.type} ${c.name}`)).toEqual(['sst.aws.ApiGatewayV2 Api']);
    expect(inv.components[0]?.options['domain']).toBeUndefined();
    expect(warnings).toEqual([expect.stringMatching(/stubbed-option\/sst\.config\.ts: a value run\(\) gave the app's resources \(\.components\[0\]\.options\.domain\) depends on the package @acme\/settings, which awsperm replaces by a stand-in: it is unknown/)]);
  });

  test('raw resources through explicit imports of @pulumi/aws (namespace, named, per module) are recorded like aws.*', async () => {
    const inv = await discoverSstApp(config('pulumi-imports'), { stage: 'dev', env: {} });
    expect(inv.resources).toEqual([
      { token: 'aws:dynamodb/table:Table', name: 'Ledger' },
      { token: 'aws:sqs/queue:Queue', name: 'Settlements' },
      { token: 'aws:sns/topic:Topic', name: 'Alerts' },
    ]);
    const req = appRequirements(inv, { sstVersion: '3.17.25', app: inv.app.name, stage: 'dev', account: ACCOUNT, region: REGION });
    for (const a of ['dynamodb:CreateTable', 'sqs:CreateQueue', 'sns:CreateTopic']) expect(actionsOf(req.fragments), a).toContain(a);
    // Other providers' packages too: cloudflare is outside AWS; awsx makes AWS resources awsperm has no data for.
    expect(req.outsideAws).toEqual([{ provider: 'cloudflare', type: 'cloudflare.DnsRecord', name: 'Apex' }]);
    expect(req.unresolved).toContainEqual(expect.objectContaining({ type: expect.stringContaining('awsx'), name: 'Shared' }));
  });

  test('project code sees no credentials: the worker environment is scrubbed', async () => {
    const inv = await discoverSstApp(config('api-function'), { stage: 'dev', env: { AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', SST_STAGE: 'dev' } });
    expect(JSON.stringify(inv)).not.toContain('wJalrXUtnFEMI');
  });
});
