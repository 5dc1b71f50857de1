// The fix of a failing SST check, in process through core's session API: each principal's own fix (the caller's,
// and the CloudFormation service role's of an SST v2 app with cdk.cloudFormationExecutionRole), `policy --missing`
// returning them, and the loop closed — the same check with each fix added to that principal's policies passes.
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CheckOptions, check, policy, renderCheckJson, renderCheckText } from '@awsperm/core';
import { policyDoc, sessionEnv, tempFile } from '@awsperm/test-utils/session';
import { describe, expect, it } from 'vitest';
import { sst } from '../src/index.ts';

// v2 configs are transpiled and run in a worker per call: more than the default 30 s per test on a loaded machine.
const SLOW = { timeout: 120_000 };
const ROLE = 'arn:aws:iam::123456789012:role/jobs-cfn';

function project(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'awsperm-sst-fix-')), 'v2-env-stage');
  cpSync(fileURLToPath(new URL('fixtures/v2-env-stage', import.meta.url)), dir, { recursive: true });
  writeFileSync(join(dir, '.awspermrc.json'), JSON.stringify({ accounts: { '*': '123456789012' } }));
  return dir;
}

describe('the fix of an SST v2 check with a CloudFormation service role', SLOW, () => {
  it('a fix per principal; with each added to its principal’s policies the check passes', async () => {
    const cwd = project();
    const run = (options: Partial<CheckOptions>) => check({ cwd, tool: 'sst', env: sessionEnv(), adapters: [sst()], ...options });
    const caller = tempFile('caller.json', policyDoc({ Effect: 'Allow', Action: ['cloudformation:*', 's3:*'], Resource: '*' }));
    const role = tempFile('role.json', policyDoc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }));
    const report = await run({ policy: [caller], rolePolicy: [role] });
    expect(report.ok).toBe(false);
    const rolePart = report.principals!.find((p) => p.arn === ROLE)!;
    expect(rolePart.ok).toBe(false);
    expect(report.fix!.policies.length).toBeGreaterThan(0);
    expect(rolePart.fix!.policies.length).toBeGreaterThan(0);
    expect(rolePart.fix!.policies[0]!.name).toMatch(/-service-role-missing(-1)?$/);
    // Each fix holds only what its principal lacks: nothing already allowed (s3, and cloudformation for the caller).
    const callerFix = JSON.stringify(report.fix!.policies);
    expect(callerFix).not.toMatch(/"s3:|"cloudformation:/);
    expect(JSON.stringify(rolePart.fix!.policies)).not.toMatch(/"s3:/);
    const json = JSON.parse(renderCheckJson(report));
    expect(json.fix.policies).toEqual(report.fix!.policies);
    expect(json.principals.find((p: { arn: string }) => p.arn === ROLE).fix.policies).toEqual(rolePart.fix!.policies);
    expect(json.serviceRole.fix.policies).toEqual(rolePart.fix!.policies);
    const text = renderCheckText(report);
    expect(text).toContain('Fix: grant the caller ');
    expect(text).toContain(`Fix: grant the service role ${ROLE} `);

    const files = (list: { document: unknown }[], name: string) => list.map((p, i) => tempFile(`${name}-${i}.json`, JSON.stringify(p.document)));
    const closed = await run({ policy: [caller, ...files(report.fix!.policies, 'caller-fix')], rolePolicy: [role, ...files(rolePart.fix!.policies, 'role-fix')] });
    expect(closed.results.filter((r) => r.decision !== 'allowed')).toEqual([]);
    expect(closed.principals!.every((p) => p.ok)).toBe(true);
    expect(closed.ok).toBe(true);

    const missing = await policy({ cwd, tool: 'sst', env: sessionEnv(), adapters: [sst()], missing: true, policy: [caller], rolePolicy: [role] });
    expect(missing.policies).toEqual(report.fix!.policies);
    expect(missing.serviceRole?.policies).toEqual(rolePart.fix!.policies);
    expect(missing.principals?.find((p) => p.arn === ROLE)?.policies).toEqual(rolePart.fix!.policies);
    expect(missing.missing).toEqual({ ok: false, sufficient: true });
  });
});
