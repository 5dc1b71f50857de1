import { afterEach, describe, expect, test } from 'vitest';
import { PULUMI_TERRAFORM } from '../data/pulumi-terraform.ts';
import { discoverApp, type InstalledGlobals, installSstGlobals, pulumiToken } from './globals.ts';

// biome-ignore lint/suspicious/noExplicitAny: the globals under test are dynamic stand-ins.
type Any = Record<string, any>;
let installed: InstalledGlobals | undefined;
afterEach(() => {
  installed?.uninstall();
  installed = undefined;
});
const g = (): Any => globalThis as unknown as Any;

describe('Pulumi tokens', () => {
  test('are derived as Pulumi does, and match the pulumi-terraform table', () => {
    expect(pulumiToken('s3', 'BucketV2')).toBe('aws:s3/bucketV2:BucketV2');
    expect(pulumiToken('lambda', 'Function')).toBe('aws:lambda/function:Function');
    expect(pulumiToken('s3', 'BucketObjectv2')).toBe('aws:s3/bucketObjectv2:BucketObjectv2');
    const resources = Object.entries(PULUMI_TERRAFORM).filter(([, t]) => t.kind === 'resource');
    expect(resources.length).toBeGreaterThan(100);
    for (const [token] of resources) {
      const m = /^aws:([a-z0-9]+)\/[^:]+:([A-Za-z0-9]+)$/.exec(token);
      expect(m, token).not.toBeNull();
      expect(pulumiToken(m![1]!, m![2]!)).toBe(token);
    }
  });
});

describe('recording stand-ins', () => {
  test('outputs chain, interpolate, await and apply without resolving anything', async () => {
    installed = installSstGlobals({ stage: 'dev', name: 'demo' });
    const fn = new (g()['sst'].aws.Function)('Api', { handler: 'src/api.handler', url: true });
    expect(`${fn.url}`).toBe('{Api.url}');
    expect(`${await fn.url}`).toBe('{Api.url}');
    const bucket = new (g()['sst'].aws.Bucket)('Files');
    expect(`${bucket.nodes.bucket.arn}`).toBe('{Files.nodes.bucket.arn}');
    let seen: unknown;
    const applied = bucket.name.apply((v: unknown) => {
      seen = v;
      return new (g()['sst'].aws.Queue)('MadeInApply');
    });
    expect(`${seen}`).toBe('{Files.name}');
    expect(`${applied}`).toContain('apply()');
    expect(`${g()['$interpolate']`arn:${bucket.arn}/*`}`).toContain('interpolate');
    expect(g()['$resolve']([1, 2]).apply((v: unknown) => v)).toBeTruthy();
    let known: unknown;
    g()['$output']({ a: 1 }).apply((v: unknown) => {
      known = v;
    });
    expect(known).toEqual({ a: 1 });
    expect(g()['$util'].interpolate`x`).toBeTruthy();
    expect(g()['$jsonStringify']({ a: bucket.arn })).toBeTruthy();
    expect(g()['$app']).toMatchObject({ name: 'demo', stage: 'dev' });
    expect(g()['$dev']).toBe(false);
    expect(installed.inventory().components.map((c) => c.name)).toEqual(['Api', 'Files', 'MadeInApply']);
  });

  test('decisive options are recorded with their values, others only as present, environment never', () => {
    installed = installSstGlobals({ stage: 'dev' });
    const vpc = new (g()['sst'].aws.Vpc)('Net', { nat: 'managed' });
    new (g()['sst'].aws.Function)('Api', {
      handler: 'src/a.handler',
      vpc,
      environment: { TOKEN: 'super-secret-value' },
      transform: { role: () => {} },
      description: 'the public API',
    });
    const [, api] = installed.inventory().components;
    expect(api?.options).toEqual({ handler: true, vpc: { $component: 'sst.aws.Vpc', name: 'Net' }, environment: true, transform: { role: '[function]' }, description: true });
    expect(JSON.stringify(installed.inventory())).not.toContain('super-secret-value');
  });

  test('methods, .get(), static calls, unknown components, raw resources, lookups, transforms, other providers', () => {
    installed = installSstGlobals({ stage: 'dev' });
    const sst = g()['sst'];
    const api = new sst.aws.ApiGatewayV2('Api');
    api.route('GET /', 'src/get.handler');
    sst.aws.Vpc.get('Shared', 'vpc-123');
    sst.aws.Queue.subscribe('arn:aws:sqs:eu-west-1:1:q', 'src/q.handler');
    new sst.aws.Teleporter('Beam');
    const aws = g()['aws'];
    new aws.s3.BucketV2('Raw');
    aws.iam.Role.get('Existing', 'role-name');
    aws.ec2.getSubnetsOutput({});
    g()['$transform'](sst.aws.Function, () => {});
    new (g()['cloudflare'].DnsRecord)('Apex', {});
    new sst.cloudflare.Worker('Edge', {});
    const awsx = g()['awsx'];
    new awsx.ec2.Vpc('Crosswalk');
    const inv = installed.inventory();
    expect(inv.components[0]?.calls).toEqual([{ method: 'route', args: ['GET /', 'src/get.handler'] }]);
    expect(inv.staticCalls).toEqual([{ type: 'sst.aws.Queue', call: { method: 'subscribe', args: ['arn:aws:sqs:eu-west-1:1:q', 'src/q.handler'] } }]);
    expect(inv.resources).toEqual([{ token: 'aws:s3/bucketV2:BucketV2', name: 'Raw' }]);
    expect(inv.lookups).toEqual([
      { kind: 'get', type: 'sst.aws.Vpc', name: 'Shared' },
      { kind: 'get', type: 'aws:iam/role:Role', name: 'Existing' },
      { kind: 'invoke', type: 'aws:ec2/getSubnets:getSubnets' },
    ]);
    expect(inv.transforms).toEqual(['sst.aws.Function']);
    expect(inv.unresolved).toEqual([
      { kind: 'component', type: 'sst.aws.Teleporter', name: 'Beam' },
      { kind: 'provider', type: 'awsx.ec2.Vpc', name: 'Crosswalk' },
    ]);
    expect(inv.outsideAws).toEqual([
      { provider: 'cloudflare', type: 'cloudflare.DnsRecord', name: 'Apex' },
      { provider: 'sst.cloudflare', type: 'sst.cloudflare.Worker', name: 'Edge' },
    ]);
  });

  test('uninstall restores what was there', () => {
    g()['$app'] = 'before';
    installed = installSstGlobals({ stage: 'dev' });
    expect(typeof g()['$app']).toBe('object');
    installed.uninstall();
    installed = undefined;
    expect(g()['$app']).toBe('before');
    expect(g()['sst']).toBeUndefined();
    delete g()['$app'];
  });
});

describe('discoverApp', () => {
  test('awaits app() then run(), with $app from app()', async () => {
    const order: string[] = [];
    const inv = await discoverApp(
      {
        default: {
          app: async (input) => {
            order.push(`app ${input.stage}`);
            return { name: 'shop', removal: 'retain', providers: { '@pulumiverse/vercel': '1.0.0' } };
          },
          run: async () => {
            order.push(`run ${g()['$app'].name}`);
            new (g()['vercel'].Project)('Site', {});
            if (g()['$app'].stage === 'production') new (g()['sst'].aws.Dynamo)('Prod', {});
          },
        },
      },
      { stage: 'dev' },
    );
    expect(order).toEqual(['app dev', 'run shop']);
    expect(inv.app).toEqual({ name: 'shop', stage: 'dev', removal: 'retain', providers: ['@pulumiverse/vercel'] });
    expect(inv.components).toEqual([]);
    expect(inv.outsideAws).toEqual([{ provider: 'vercel', type: 'vercel.Project', name: 'Site' }]);
    expect(g()['sst']).toBeUndefined();
  });

  test('errors name app() or run(); a module without run() is refused', async () => {
    await expect(discoverApp({ default: { app: () => ({ name: 'x' }), run: () => Promise.reject(new Error('boom')) } }, { stage: 'dev' })).rejects.toThrow('run() threw: boom');
    await expect(discoverApp({ default: { app: () => { throw new Error('no stage'); }, run: () => {} } }, { stage: 'dev' })).rejects.toThrow('app() threw: no stage');
    await expect(discoverApp({}, { stage: 'dev' })).rejects.toThrow('no default export with a run() function');
  });
});
