import { fileURLToPath } from 'node:url';
import { AwspermError, type ToolProject } from '@awsperm/core';
import { describe, expect, it } from 'vitest';
import serverless, { parseServerlessYml, settingValue } from './index.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`../test/fixtures/${name}`, import.meta.url));
const adapter = serverless();

async function load(name: string, options: { stage?: string; region?: string } = {}): Promise<ToolProject> {
  const cwd = fixture(name);
  const detection = await adapter.detect({ cwd });
  if (!detection) throw new Error(`no project in ${cwd}`);
  return adapter.loadProject({ cwd, detection, env: {}, ...options });
}

describe('loadProject', () => {
  it('uses the framework defaults: stage dev, region us-east-1', async () => {
    const project = await load('minimal');
    expect(project).toMatchObject({ name: 'orders', stage: 'dev', region: 'us-east-1' });
    expect(project.profile).toBeUndefined();
  });

  it("reads provider.profile, provider.region and the ${opt:stage, 'prod'} default", async () => {
    const project = await load('custom-bucket');
    expect(project).toMatchObject({ name: 'billing', stage: 'prod', region: 'eu-west-1', profile: 'billing-deployer' });
  });

  it('lets --stage and --region win', async () => {
    expect(await load('custom-bucket', { stage: 'qa', region: 'us-west-2' })).toMatchObject({ stage: 'qa', region: 'us-west-2' });
  });

  it('reports invalid YAML with the line', () => {
    const run = (): unknown => parseServerlessYml('service: x\nprovider:\n  name: aws\n   region: eu-west-1\n', 'serverless.yml');
    expect(run).toThrow(/^serverless\.yml:\d+: invalid YAML/);
    try {
      run();
    } catch (e) {
      expect(AwspermError.is(e) && e.code).toBe('PROJECT_CONFIG_INVALID');
    }
  });

  it('requires a service', () => {
    expect(() => parseServerlessYml('provider:\n  name: aws\n', 'serverless.yml')).toThrow(/missing "service"/);
  });

  it('accepts the object form of service', () => {
    expect(parseServerlessYml('service:\n  name: legacy\n', 'f').service).toBe('legacy');
  });
});

describe('settingValue', () => {
  it.each([
    [undefined, undefined, 'dev'],
    ['prod', undefined, 'prod'],
    ['prod', 'qa', 'qa'],
    ["${opt:stage, 'staging'}", undefined, 'staging'],
    ['${opt:stage}', undefined, 'dev'],
    ['${env:STAGE}', undefined, 'dev'],
  ])('%s with --stage %s is %s', (value, cli, expected) => {
    expect(settingValue(value, cli, 'dev')).toBe(expected);
  });
});

describe('policySet', () => {
  it('scopes the precise set to the stack, bucket, functions, role and logs', async () => {
    const project = await load('minimal');
    const set = await adapter.policySet({ project, kind: 'precise', features: [], account: '123456789012', region: 'us-east-1' });
    const resources = Object.fromEntries(set.fragments.map((f) => [f.id, f.statements.flatMap((s) => s.Resource ?? [])]));
    expect(resources['serverless.cloudformation']).toContain('arn:aws:cloudformation:us-east-1:123456789012:stack/orders-dev/*');
    expect(resources['serverless.deployment-bucket']).toContain('arn:aws:s3:::orders-dev-serverlessdeploymentbucket-*');
    expect(resources['serverless.lambda']).toEqual(['arn:aws:lambda:us-east-1:123456789012:function:orders-dev-*']);
    expect(resources['serverless.iam-role']).toEqual(['arn:aws:iam::123456789012:role/orders-dev-us-east-1-lambdaRole']);
    expect(resources['serverless.logs']).toContain('arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/orders-dev-*');
  });

  it('uses provider.deploymentBucket when it is set', async () => {
    const project = await load('custom-bucket');
    const set = await adapter.policySet({ project, kind: 'precise', features: [] });
    const bucket = set.fragments.find((f) => f.id === 'serverless.deployment-bucket')!;
    expect(bucket.statements.flatMap((s) => s.Resource)).toEqual(['arn:aws:s3:::acme-serverless-deployments', 'arn:aws:s3:::acme-serverless-deployments/*']);
  });

  it('returns the documented set citing the Serverless docs', async () => {
    const project = await load('minimal');
    const set = await adapter.policySet({ project, kind: 'documented', features: [] });
    expect(set.kind).toBe('documented');
    expect(set.fragments[0]!.source.url).toMatch(/^https:\/\/www\.serverless\.com\/framework\/docs\//);
  });
});
