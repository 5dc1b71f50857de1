import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { policyDoc, sessionEnv, tempFile } from '@awsperm/test-utils/session';
import type { AwspermAdapterV2, PrincipalRequirement } from '../src/adapter.ts';
import { AwspermError } from '../src/errors.ts';
import { check } from '../src/session/check.ts';
import { policy } from '../src/session/policy.ts';

// A principal the deploy only assumes (no fragments, no sources, trust requirements): its trust alone is checked,
// its own policies are not needed, and it has no policy of its own in the policy output.
const ACCOUNT = '111111111111';
const CALLER = `arn:aws:iam::${ACCOUNT}:user/ci`;
const WORKER = `arn:aws:iam::${ACCOUNT}:role/worker`;
const READER = `arn:aws:iam::${ACCOUNT}:role/reader`;
const ALL = { Effect: 'Allow', Action: '*', Resource: '*' };
const trustAccount = (account: string) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: account }, Action: 'sts:AssumeRole' }] });

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function adapter(): AwspermAdapterV2<null> {
  const worker: PrincipalRequirement = {
    id: 'worker',
    arn: WORKER,
    via: 'the worker role',
    fragments: [{ id: 'w', title: 'work', source: { title: 'test' }, statements: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }] }],
    trust: [{ by: 'caller' }],
  };
  const reader: PrincipalRequirement = { id: 'reader', arn: READER, via: 'the reader role', fragments: [], trust: [{ by: 'caller', ifDenied: 'the tool then reads with the caller’s own credentials' }] };
  return {
    apiVersion: 2,
    name: 'assume-adapter',
    tool: 'assume',
    detect: ({ cwd }) => ({ root: cwd, configFile: join(cwd, 'assume.json') }),
    loadProject: ({ cwd }) => ({ root: cwd, configFile: join(cwd, 'assume.json'), name: 'assume', config: null }),
    requirements: ({ kind }) => ({
      kind,
      fragments: [{ id: 'a', title: 'assume', source: { title: 'test' }, statements: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: [WORKER, READER] }] }],
      principals: [worker, reader],
    }),
  };
}

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'awsperm-assume-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'assume.json'), '{}');
  return dir;
}

function details(readerTrust: object): string {
  const role = (arn: string, trust: object, statements: object[], i: number) => ({
    RoleName: arn.split('/').pop(),
    RoleId: `AROAEXAMPLE${i}`,
    Arn: arn,
    Path: '/',
    AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(trust)),
    InstanceProfileList: [],
    AttachedManagedPolicies: [],
    RolePolicyList: [{ PolicyName: 'p', PolicyDocument: encodeURIComponent(policyDoc(...statements)) }],
    Tags: [],
  });
  return tempFile(
    'details.json',
    JSON.stringify({
      UserDetailList: [{ UserName: 'ci', UserId: 'AIDAEXAMPLECI', Arn: CALLER, Path: '/', GroupList: [], AttachedManagedPolicies: [], UserPolicyList: [{ PolicyName: 'p', PolicyDocument: encodeURIComponent(policyDoc(ALL)) }], Tags: [] }],
      GroupDetailList: [],
      // The reader's own policy denies everything: the deploy needs nothing of it.
      RoleDetailList: [role(WORKER, trustAccount(ACCOUNT), [ALL], 0), role(READER, readerTrust, [{ Effect: 'Deny', Action: '*', Resource: '*' }], 1)],
      Policies: [],
    }),
  );
}

const run = (file: string) => check({ cwd: project(), tool: 'assume', adapters: [adapter()], env: sessionEnv(), authorizationDetails: file, principal: CALLER });

describe('a principal that is only assumed', () => {
  it('authorization details: only its trust is checked, not its own policies', async () => {
    const r = await run(details(trustAccount(ACCOUNT)));
    expect(r.ok).toBe(true);
    const reader = r.principals!.find((p) => p.id === 'reader')!;
    expect(reader.fragments.map((f) => f.id)).toEqual(['reader.trust']);
    expect(reader.results.map((x) => `${x.action} ${x.resource} ${x.decision}`)).toEqual([`sts:AssumeRole ${READER} allowed`]);
    expect(reader.modeReason).toMatch(/only assumed/);
  });

  it('a trust policy that does not let the caller in fails the link, with the tool’s words added to the reason', async () => {
    const r = await run(details(trustAccount('999999999999')));
    expect(r.ok).toBe(false);
    const reader = r.principals!.find((p) => p.id === 'reader')!;
    expect(reader.ok).toBe(false);
    expect(reader.results[0]!.decision).toBe('implicitDeny');
    expect(reader.results[0]!.reason).toMatch(/does not let the caller .* assume the role: .*; the tool then reads with the caller’s own credentials$/);
    expect(r.principals!.find((p) => p.id === 'worker')!.ok).toBe(true);
    // No grant can let it in: the fix names the trust policy to change, and --missing is not sufficient.
    expect(reader.fix?.policies ?? []).toEqual([]);
    expect(reader.fix?.changes).toEqual([
      { kind: 'trust', policy: `the trust policy of ${READER}`, requests: [{ action: 'sts:AssumeRole', resource: READER }], message: expect.stringMatching(/^the trust policy of .*reader does not allow sts:AssumeRole: the trust policy must let the principal in/) },
    ]);
    const missing = await policy({ cwd: project(), tool: 'assume', adapters: [adapter()], env: sessionEnv(), missing: true, authorizationDetails: details(trustAccount('999999999999')), principal: CALLER });
    expect(missing.missing).toMatchObject({ ok: false, sufficient: false });
    expect(missing.warnings?.join('\n')).toMatch(/reader: the trust policy of/);
  });

  it('policy files: its trust is not known; one warning for all the principals with trust requirements; no policy file for it', async () => {
    const file = tempFile('all.json', policyDoc(ALL));
    const cwd = project();
    const r = await check({ cwd, tool: 'assume', adapters: [adapter()], env: sessionEnv(), policy: [file], rolePolicy: [file] });
    expect(r.ok).toBe(true);
    const notes = (r.warnings ?? []).filter((w) => /trust/.test(w));
    expect(notes).toEqual([expect.stringMatching(/^trust not checked: .*worker, reader.* is not checked/)]);
    expect(r.principals!.find((p) => p.id === 'reader')!.results).toEqual([]);
    await expect(check({ cwd, tool: 'assume', adapters: [adapter()], env: sessionEnv(), policy: [file], rolePolicy: [`${READER}=${file}`] })).rejects.toSatisfy(
      (e: unknown) => AwspermError.is(e) && /none of the principals/.test(e.message),
    );
  });

  it('has no policy of its own in the policy output', async () => {
    const p = await policy({ cwd: project(), tool: 'assume', adapters: [adapter()], env: sessionEnv(), leastPrivilege: true });
    expect(p.principals!.map((x) => x.id)).toEqual(['worker']);
  });
});
