import { hookContext } from '@awsperm/core/testing';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AwspermError,
  buildPolicies,
  createPolicyEvaluator,
  listOf,
  type NamedPolicy,
  type PolicyFragment,
  runCheck,
  type Statement,
  statementsOf,
} from '@awsperm/core';
import { describe, expect, it } from 'vitest';
import { up } from './index.ts';
import { loadUpConfig } from './up-json.ts';
import { upPreciseFragments, upRegion } from './project.ts';

const fixtures = fileURLToPath(new URL('../test/fixtures/', import.meta.url));

/** An environment whose HOME is an empty temporary directory, so nothing is read from the machine's ~/.aws. */
function cleanHome(files: Record<string, string> = {}): Record<string, string> {
  const home = mkdtempSync(join(tmpdir(), 'awsperm-up-home-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(home, name, '..'), { recursive: true });
    writeFileSync(join(home, name), content);
  }
  return { HOME: home };
}

async function precise(fixture: string, features: string[] = [], account = '123456789012'): Promise<PolicyFragment[]> {
  const adapter = up();
  const cwd = join(fixtures, fixture);
  const detection = await adapter.detect(hookContext({ cwd }));
  if (!detection) throw new Error(`no up.json in ${cwd}`);
  const project = await adapter.loadProject({ ...hookContext({ cwd, env: cleanHome() }), detection });
  const set = await adapter.requirements({ ...hookContext({ cwd: project.root, features, scope: { account } }), project, kind: 'precise' });
  expect(set.kind).toBe('precise');
  return set.fragments;
}

const statements = (fragments: PolicyFragment[]): Statement[] => fragments.flatMap((f) => f.statements);
const actions = (fragments: PolicyFragment[]): string[] => statements(fragments).flatMap((s) => listOf(s.Action));
const resourcesOf = (fragments: PolicyFragment[], action: string): string[] =>
  statements(fragments)
    .filter((s) => listOf(s.Action).includes(action))
    .flatMap((s) => listOf(s.Resource));

describe('precise least-privilege policy per up.json', () => {
  it('minimal app: function, bucket, stack and role scoped to the app; no ecs, no ec2, no domains', async () => {
    const f = await precise('minimal');
    const a = actions(f);
    expect(a.some((x) => x.startsWith('ecs:'))).toBe(false);
    expect(a.some((x) => x.startsWith('ec2:'))).toBe(false);
    expect(a).not.toContain('acm:RequestCertificate');
    expect(a).toContain('iam:PutRolePolicy');
    expect(resourcesOf(f, 'iam:PutRolePolicy')).toEqual(['arn:aws:iam::123456789012:role/minimal-app-function']);
    expect(resourcesOf(f, 'iam:PassRole')).toEqual(['arn:aws:iam::123456789012:role/minimal-app-function']);
    expect(resourcesOf(f, 'lambda:CreateFunction')).toEqual([
      'arn:aws:lambda:us-west-2:123456789012:function:minimal-app',
      'arn:aws:lambda:us-west-2:123456789012:function:minimal-app:*',
    ]);
    expect(resourcesOf(f, 's3:CreateBucket')).toEqual(['arn:aws:s3:::up-123456789012-us-west-2']);
    expect(resourcesOf(f, 's3:PutObject')).toEqual(['arn:aws:s3:::up-123456789012-us-west-2/minimal-app/*']);
    expect(resourcesOf(f, 'cloudformation:CreateStack')).toEqual(['arn:aws:cloudformation:us-west-2:123456789012:stack/minimal-app/*']);
  });

  it('custom domain: certificates in us-east-1, domain names, hosted zones, cloudfront:UpdateDistribution', async () => {
    const f = await precise('custom-domain');
    const a = actions(f);
    for (const x of ['acm:ListCertificates', 'acm:RequestCertificate', 'acm:DescribeCertificate', 'cloudfront:UpdateDistribution', 'route53:ChangeResourceRecordSets']) {
      expect(a).toContain(x);
    }
    expect(resourcesOf(f, 'acm:DescribeCertificate')).toEqual(['arn:aws:acm:us-east-1:123456789012:certificate/*']);
    expect(resourcesOf(f, 'apigateway:POST')).toContain('arn:aws:apigateway:us-east-2::/domainnames/*');
  });

  it('lambda.role set: no role bootstrap, PassRole on every configured role', async () => {
    const f = await precise('lambda-role', ['stack-delete']);
    const a = actions(f);
    expect(a).not.toContain('iam:PutRolePolicy');
    expect(a).not.toContain('iam:CreateRole');
    expect(a).not.toContain('iam:DeleteRole');
    expect(resourcesOf(f, 'iam:PassRole')).toEqual([
      'arn:aws:iam::123456789012:role/billing-exec',
      'arn:aws:iam::123456789012:role/billing-prod-exec',
    ]);
  });

  it('lambda.vpc: the three EC2 describe calls, only then', async () => {
    expect(actions(await precise('vpc'))).toEqual(expect.arrayContaining(['ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups', 'ec2:DescribeVpcs']));
    expect(actions(await precise('minimal'))).not.toContain('ec2:DescribeSubnets');
  });

  it('Pro app: tags, warming, layers, alerts, SSM env on deploy', async () => {
    const f = await precise('pro');
    const a = actions(f);
    for (const x of ['lambda:TagResource', 'events:PutRule', 'lambda:GetLayerVersion', 'cloudwatch:PutMetricAlarm', 'sns:CreateTopic', 'ssm:GetParametersByPath', 's3:PutAccelerateConfiguration']) {
      expect(a).toContain(x);
    }
    expect(resourcesOf(f, 'lambda:GetLayerVersion')).toEqual(['arn:aws:lambda:ap-southeast-2:123456789012:layer:deps:3']);
    expect(resourcesOf(f, 'ssm:GetParametersByPath')).toEqual(['arn:aws:ssm:ap-southeast-2:123456789012:parameter/up/pro-app/*']);
    expect(a).toContain('route53:ChangeResourceRecordSets');
  });

  it('features add the commands the user runs', async () => {
    const a = actions(await precise('minimal', ['logs', 'metrics', 'domains', 'prune', 'stack-delete', 'env']));
    for (const x of ['logs:FilterLogEvents', 'cloudwatch:GetMetricStatistics', 'route53domains:RegisterDomain', 's3:DeleteObject', 'cloudformation:DeleteStack', 'iam:DeleteRole', 'ssm:PutParameter']) {
      expect(a).toContain(x);
    }
  });

  it('unknown account scopes to any account', async () => {
    const adapter = up();
    const cwd = join(fixtures, 'minimal');
    const project = await adapter.loadProject({ ...hookContext({ cwd, env: cleanHome() }), detection: (await adapter.detect(hookContext({ cwd })))! });
    const f = (await adapter.requirements({ ...hookContext({ cwd: project.root, features: [] }), project, kind: 'precise' })).fragments;
    expect(resourcesOf(f, 's3:CreateBucket')).toEqual(['arn:aws:s3:::up-*-us-west-2']);
  });
});

describe('the generated policy is exactly enough', () => {
  for (const fixture of ['minimal', 'custom-domain', 'lambda-role', 'vpc', 'pro']) {
    it(`${fixture}: the generated policy passes; without any one of its actions it fails on that action`, async () => {
      const fragments = await precise(fixture, ['logs', 'stack-delete']);
      const policies = buildPolicies(fragments, 'generated');
      for (const p of policies) expect(p.size).toBeLessThanOrEqual(6144);
      const named: NamedPolicy[] = policies.map((p) => ({ name: p.name, document: p.document }));
      const full = await runCheck(fragments, createPolicyEvaluator({ identity: named }, { mode: 'offline', subject: 'generated' }));
      expect(full.summary.denied).toBe(0);
      expect(full.summary.allowed).toBe(full.summary.required);

      const all = named.flatMap((p, pi) => statementsOf(p.document).flatMap((s, si) => listOf(s.Action).map((action) => ({ pi, si, action }))));
      for (const { pi, si, action } of all) {
        const reduced = named.map((p, i) => {
          if (i !== pi) return p;
          const list = statementsOf(p.document).map((s, j) => (j === si ? { ...s, Action: listOf(s.Action).filter((a) => a !== action) } : s));
          return { name: p.name, document: { ...p.document, Statement: list.filter((s) => listOf(s.Action).length > 0) } };
        });
        const r = await runCheck(fragments, createPolicyEvaluator({ identity: reduced }, { mode: 'offline', subject: 'reduced' }));
        const denied = r.results.filter((x) => x.decision !== 'allowed').map((x) => x.action);
        expect(denied.length, `removing ${action}`).toBeGreaterThan(0);
        expect(new Set(denied)).toEqual(new Set([action]));
      }
    });
  }
});

describe('up.json validation (as Up validates it)', () => {
  const invalid: [string, RegExp][] = [
    ['bad-regions', /\.regions: "mars-east-1" is not a region Up supports/],
    ['multi-region', /multiple regions is not yet supported, see https:\/\/github\.com\/apex\/up\/issues\/134/],
    ['bad-stage', /\.stages\.pre-prod: stage name "pre-prod" is invalid/],
  ];
  it.each(invalid)('%s → PROJECT_CONFIG_INVALID', async (fixture, message) => {
    const error = await loadUpConfig(join(fixtures, fixture, 'up.json')).catch((e: unknown) => e);
    expect(AwspermError.is(error)).toBe(true);
    expect((error as AwspermError).code).toBe('PROJECT_CONFIG_INVALID');
    expect((error as AwspermError).message).toMatch(message);
  });

  it('expands region globs against Up\'s region list', async () => {
    const info = await loadUpConfig(join(fixtures, 'custom-domain', 'up.json'));
    expect(info.regions).toEqual(['us-east-2']);
  });

  it('detects Pro keys', async () => {
    expect((await loadUpConfig(join(fixtures, 'pro', 'up.json'))).pro).toBe(true);
    expect((await loadUpConfig(join(fixtures, 'minimal', 'up.json'))).pro).toBe(false);
  });

  it('region order: --region, up.json regions, AWS_REGION, AWS_DEFAULT_REGION, us-west-2', async () => {
    const withRegions = await loadUpConfig(join(fixtures, 'vpc', 'up.json'));
    const without = await loadUpConfig(join(fixtures, 'minimal', 'up.json'));
    expect(upRegion(withRegions, 'ca-central-1', { AWS_REGION: 'us-east-1' })).toBe('ca-central-1');
    expect(upRegion(withRegions, undefined, { AWS_REGION: 'us-east-1' })).toBe('eu-west-1');
    expect(upRegion(without, undefined, { AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'eu-north-1' })).toBe('us-east-1');
    expect(upRegion(without, undefined, { AWS_DEFAULT_REGION: 'eu-north-1' })).toBe('eu-north-1');
    expect(upRegion(without, undefined, {})).toBe('us-west-2');
    expect(() => upRegion(without, 'mars-1', {})).toThrow(/"mars-1" is not a region Up supports/);
  });

  const cases: [string, unknown, RegExp][] = [
    ['name missing', {}, /\.name: is required/],
    ['name not a string', { name: 3 }, /\.name: must be a non-empty string/],
    ['lambda.role not an ARN', { name: 'a', lambda: { role: 'my-role' } }, /\.lambda\.role: "my-role" is not an IAM role ARN/],
    ['vpc subnets not strings', { name: 'a', lambda: { vpc: { subnets: [1] } } }, /\.lambda\.vpc\.subnets\[0\]/],
    ['bad endpoint', { name: 'a', lambda: { endpoint: 'global' } }, /\.lambda\.endpoint: must be "edge" or "regional"/],
    ['bad layer', { name: 'a', lambda: { layers: ['x'] } }, /is not a Lambda layer version ARN/],
    ['bad dns type', { name: 'a', dns: { 'example.com': [{ name: 'x', type: 'BOGUS', value: ['y'] }] } }, /\.dns\.example\.com\[0\]\.type/],
    ['bad action type', { name: 'a', actions: [{ name: 'x', type: 'pager' }] }, /\.actions\[0\]\.type/],
    ['alert names unknown action', { name: 'a', alerts: [{ metric: 'http.5xx', action: 'nope' }] }, /names no action/],
    ['bad lambda.policy', { name: 'a', lambda: { policy: [{ Effect: 'Allow' }] } }, /needs exactly one of Action and NotAction/],
    ['bad zone', { name: 'a', stages: { production: { domain: 'x.com', zone: 3 } } }, /\.stages\.production\.zone/],
  ];
  it.each(cases)('%s', async (_name, json, message) => {
    const { validateUpConfig } = await import('./up-json.ts');
    expect(() => validateUpConfig(json, 'up.json')).toThrow(message);
  });
});

describe("the profile's region in Up's order", () => {
  it('is used when up.json, --region and the environment name none; the credentials file wins', async () => {
    const adapter = up();
    const cwd = join(fixtures, 'minimal');
    const detection = (await adapter.detect(hookContext({ cwd })))!;
    const env = cleanHome({ '.aws/config': '[default]\nregion = eu-north-1\n[profile other]\nregion = ca-central-1\n' });
    expect((await adapter.loadProject({ ...hookContext({ cwd, env }), detection })).region).toBe('eu-north-1');
    expect((await adapter.loadProject({ ...hookContext({ cwd, env: { ...env, AWS_PROFILE: 'other' } }), detection })).region).toBe('ca-central-1');
    expect((await adapter.loadProject({ ...hookContext({ cwd, env: { ...env, AWS_DEFAULT_REGION: 'sa-east-1' } }), detection })).region).toBe('sa-east-1');
    const both = cleanHome({ '.aws/config': '[default]\nregion = eu-north-1\n', '.aws/credentials': '[default]\nregion = ap-south-1\n' });
    expect((await adapter.loadProject({ ...hookContext({ cwd, env: both }), detection })).region).toBe('ap-south-1');
    expect((await adapter.loadProject({ ...hookContext({ cwd, env: cleanHome() }), detection })).region).toBe('us-west-2');
  });
});

describe('documented set', () => {
  it('is returned for kind documented', async () => {
    const adapter = up();
    const cwd = join(fixtures, 'minimal');
    const detection = (await adapter.detect(hookContext({ cwd })))!;
    const project = await adapter.loadProject({ ...hookContext({ cwd, env: cleanHome() }), detection });
    const set = await adapter.requirements({ ...hookContext({ cwd: project.root, features: [] }), project, kind: 'documented' });
    expect(set.kind).toBe('documented');
    expect(set.fragments.map((f) => f.id)).toEqual(['up.documented']);
  });
});

// Keep upPreciseFragments reachable directly for library users.
describe('upPreciseFragments', () => {
  it('is usable without the adapter object', async () => {
    const info = await loadUpConfig(join(fixtures, 'minimal', 'up.json'));
    const f = upPreciseFragments(info, { region: 'eu-west-1', features: [] });
    expect(resourcesOf(f, 'apigateway:GET')).toContain('arn:aws:apigateway:eu-west-1::/restapis');
  });
});
