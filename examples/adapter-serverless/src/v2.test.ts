import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { check, policy, renderCheckJson } from '@awsperm/core';
import { testAdapter } from '@awsperm/core/testing';
import { describe, expect, it } from 'vitest';
import serverless, { serverlessV2 } from './index.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`../test/fixtures/${name}`, import.meta.url));

// The same tool through both contracts: the v1 adapter (core adapts it) and its v2 twin.
testAdapter(serverlessV2(), {
  fixtures: ['minimal', 'custom-bucket', 'deployment-role'].map(fixture),
  badFixtures: ['bad-yaml', 'no-service'].map(fixture),
});

function policyFile(actions: string[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'awsperm-sls-')), 'policy.json');
  writeFileSync(file, JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] }));
  return file;
}

const env = { HOME: mkdtempSync(join(tmpdir(), 'awsperm-home-')) };

describe('the v2 twin through the session API', () => {
  it('checks the deployment role as a second principal, with its own policy files', async () => {
    const caller = policyFile(['cloudformation:*', 's3:*', 'iam:PassRole']);
    const role = policyFile(['lambda:*', 'iam:*']); // no logs:*: the role cannot create the log group
    const report = await check({
      cwd: fixture('deployment-role'),
      tool: 'serverless',
      adapters: [serverlessV2()],
      policy: [caller],
      rolePolicy: [`arn:aws:iam::123456789012:role/billing-cfn=${role}`],
      env,
    });
    expect(report.summary.allowed).toBe(report.summary.required);
    const json = JSON.parse(renderCheckJson(report));
    expect(json.principals).toHaveLength(1);
    const [p] = json.principals;
    expect(p).toMatchObject({ id: 'service-role', arn: 'arn:aws:iam::123456789012:role/billing-cfn', via: 'CloudFormation service role (provider.iam.deploymentRole)', ok: false });
    expect(p.results.filter((r: { decision: string }) => r.decision !== 'allowed').map((r: { action: string }) => r.action)).toContain('logs:CreateLogGroup');
    // schemaVersion 1 keeps `serviceRole` for the same principal.
    expect(json.serviceRole).toMatchObject({ arn: p.arn, from: 'provider.iam.deploymentRole', ok: false });
    expect(json.ok).toBe(false);
  });

  it('the v1 adapter gives the same caller requirements when there is no deployment role', async () => {
    const caller = policyFile(['cloudformation:*', 's3:*', 'lambda:*', 'iam:*', 'logs:*']);
    const v1 = await check({ cwd: fixture('minimal'), tool: 'serverless', adapters: [serverless()], policy: [caller], env });
    const v2 = await check({ cwd: fixture('minimal'), tool: 'serverless', adapters: [serverlessV2()], policy: [caller], env });
    expect(JSON.parse(renderCheckJson(v2))).toEqual(JSON.parse(renderCheckJson(v1)));
    expect(v1.ok).toBe(true);
  });

  it('log.warn reaches the report (and the live log)', async () => {
    const seen: string[] = [];
    const report = await policy({ cwd: fixture('deployment-role'), tool: 'serverless', adapters: [serverlessV2()], profile: 'other', leastPrivilege: true, env, log: { warn: (m) => seen.push(m) } });
    expect(report.warnings?.[0]).toMatch(/--profile other replaces provider.profile 'billing-deploy'/);
    expect(seen).toEqual(report.warnings);
    expect(report.principals?.[0]?.policies.length).toBe(1);
    expect(JSON.stringify(report.policies)).toMatch(/iam:PassRole/);
    expect(JSON.stringify(report.principals?.[0]?.policies)).toMatch(/logs:CreateLogGroup/);
  });
});
