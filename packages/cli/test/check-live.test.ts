import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWSPERM_READ_POLICY } from '@awsperm/core';
import { seedLiveCheckFixtures } from '@awsperm/test-utils/moto/seed-live';
import { cleanEnv, homeTracker, keysSection, type MotoServer, type SeededUser, secretsIn, startMoto } from '@awsperm/test-utils/moto';
import { type SimServer, startSimulateServer } from '@awsperm/test-utils/simulate-server';
import { recordingRunner } from './helpers.ts';

let moto: MotoServer;
let caller: SeededUser;
let roleArn: string;
const homes = homeTracker();
const outputs: string[] = [];
const awsperm = recordingRunner(outputs);

beforeAll(async () => {
  moto = await startMoto();
  ({ caller, roleArn } = await seedLiveCheckFixtures(moto.endpoint));
});

afterAll(async () => {
  await moto?.stop();
  homes.cleanup();
  expect(secretsIn(outputs.join('\n'), [caller])).toEqual([]);
});

function roleEnv(extra: Record<string, string> = {}, endpoint = moto.endpoint) {
  const h = homes.home({
    credentials: keysSection('src', caller),
    config: `[profile deploy]\nrole_arn = ${roleArn}\nsource_profile = src\nregion = eu-west-1\n`,
  });
  return cleanEnv(h, { AWS_PROFILE: 'deploy', ...extra }, endpoint);
}

describe('awsperm check --mode local (spawned, against moto)', () => {
  it('a role assumed via STS: lambda:* from a managed policy (default version), the boundary cuts lambda:DeleteFunction', async () => {
    const r = await awsperm(['check', '--action', 'lambda:DeleteFunction,lambda:GetFunction,logs:CreateLogGroup,iam:CreateUser', '--mode', 'local', '--format', 'json'], roleEnv());
    expect(r.code, r.stderr).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.mode).toBe('local');
    // The JSON is the library's report (renderCheckJson of check()), in the library's words; the text says --mode.
    expect(json.modeReason).toContain('the mode option "local"');
    expect(json.identity.principalArn).toBe(roleArn);
    expect(json.identity.kind).toBe('assumed-role');
    expect(json.credentials.source).toBe('assume-role');
    expect(json.subject).toBe(roleArn);
    // GetCallerIdentity, GetRole (the role's path) and one page of account authorization details.
    expect(json.requests).toBeLessThanOrEqual(3);
    const by = (a: string) => json.results.find((x: { action: string }) => x.action === a);
    expect(by('lambda:DeleteFunction').decision).toBe('implicitDeny');
    expect(by('lambda:DeleteFunction').reason).toContain('DeployBoundary');
    expect(by('lambda:GetFunction').decision).toBe('allowed');
    expect(by('logs:CreateLogGroup').decision).toBe('allowed'); // inline policy, inside the boundary
    expect(by('iam:CreateUser').decision).toBe('implicitDeny'); // only the non-default version allows "*"
  });

  it('a user: inline, group inline and group-attached managed policies; request count on stderr with --verbose only', async () => {
    const h = homes.home({ credentials: keysSection('default', caller) });
    const r = await awsperm(['check', '--action', 'lambda:DeleteFunction,sqs:SendMessage', '--mode', 'local', '--verbose'], cleanEnv(h, {}, moto.endpoint));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^awsperm: made \d+ AWS requests$/m);
    expect(r.stdout).toMatch(/^mode local: --mode local: fetched the principal’s policies/m);
    const quiet = await awsperm(['check', '--action', 'lambda:DeleteFunction,sqs:SendMessage', '--mode', 'local'], cleanEnv(h, {}, moto.endpoint));
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).not.toMatch(/AWS request/);
    expect(quiet.stdout).not.toMatch(/^mode local:/m);
    const j = await awsperm(['check', '--action', 'iam:CreateUser', '--mode', 'local', '--format', 'json'], cleanEnv(h, {}, moto.endpoint));
    expect(j.code).toBe(1);
    expect(JSON.parse(j.stdout).identity.principalArn).toBe(caller.arn);
  });

  it('the wrong account per the awsperm config → exit 1 naming both accounts', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const cwd = mkdtempSync(join(tmpdir(), 'awsperm-acct-'));
    writeFileSync(join(cwd, '.awspermrc.json'), JSON.stringify({ accounts: { prod: '111111111111' } }));
    const r = await awsperm(['check', '--cwd', cwd, '--stage', 'prod', '--action', 'lambda:GetFunction', '--mode', 'local', '--format', 'json'], roleEnv());
    expect(r.stderr).toMatch(/123456789012.*111111111111/);
    const json = JSON.parse(r.stdout);
    expect(json.expectedAccount).toBe('111111111111');
    expect(json.ok).toBe(false);
    expect(r.code).toBe(1);
    // Another stage has no expected account: the guard does not apply.
    const dev = await awsperm(['check', '--cwd', cwd, '--stage', 'dev', '--action', 'lambda:GetFunction', '--mode', 'local', '--format', 'json'], roleEnv());
    expect(JSON.parse(dev.stdout).expectedAccount).toBeUndefined();
    expect(dev.code, dev.stderr).toBe(0);
  });
});

describe('awsperm check: auto and simulate modes (STS on moto, IAM on a loopback server)', () => {
  let sim: SimServer;
  beforeAll(async () => {
    sim = await startSimulateServer();
  });
  afterAll(() => sim?.stop());
  const env = (user = caller) => {
    const h = homes.home({ credentials: keysSection('default', user) });
    return cleanEnv(h, { AWS_ENDPOINT_URL_STS: moto.endpoint, AWS_ENDPOINT_URL_IAM: sim.endpoint, AWS_REGION: 'eu-west-1' });
  };

  it('auto runs simulate and reproduces its answers across pages', async () => {
    sim.script = { pageSize: 1, answer: (a) => ({ decision: a === 'lambda:DeleteFunction' ? 'implicitDeny' : 'allowed', matched: [{ id: 'devs-lambda' }] }) };
    sim.calls.length = 0;
    const r = await awsperm(['check', '--action', 'lambda:DeleteFunction,lambda:GetFunction,lambda:InvokeFunction', '--format', 'json'], env());
    expect(r.code, r.stderr).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.mode).toBe('simulate');
    expect(json.modeReason).toContain('SimulatePrincipalPolicy');
    expect(json.results.map((x: { decision: string }) => x.decision)).toEqual(['implicitDeny', 'allowed', 'allowed']);
    expect(sim.calls.filter((c) => c.action === 'SimulatePrincipalPolicy')).toHaveLength(3);
    expect(json.requests).toBe(4); // GetCallerIdentity + 3 pages
  });

  it('auto: simulate denied → local; local denied on every read → exit 3 naming the read policy', async () => {
    const denied = { error: 'AccessDenied', status: 403 };
    sim.script = {
      deny: true,
      other: Object.fromEntries(
        ['GetAccountAuthorizationDetails', 'GetUser', 'ListUserPolicies', 'ListAttachedUserPolicies', 'ListGroupsForUser'].map((a) => [a, denied]),
      ),
    };
    const r = await awsperm(['check', '--action', 'lambda:GetFunction'], env());
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain('falling back to local mode');
    expect(r.stderr).toMatch(/iam:SimulatePrincipalPolicy was denied, and so was iam:/);
    expect(r.stderr).toContain('iam:ListAttachedUserPolicies');
    expect(r.stdout).toBe('');
  });

  it('a malformed policy document inside an IAM response → exit 3', async () => {
    const NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
    const empty = (op: string, key: string) => `<${op}Response xmlns="${NS}"><${op}Result><${key}/><IsTruncated>false</IsTruncated></${op}Result></${op}Response>`;
    sim.script = {
      deny: true,
      other: {
        // Denied account-wide details make awsperm fall back to the targeted calls.
        GetAccountAuthorizationDetails: { error: 'AccessDenied', status: 403 },
        GetUser: `<GetUserResponse xmlns="${NS}"><GetUserResult><User><UserName>deployer-user</UserName><Arn>${caller.arn}</Arn><UserId>AIDAX</UserId><Path>/</Path><CreateDate>2024-01-01T00:00:00Z</CreateDate></User></GetUserResult></GetUserResponse>`,
        ListUserPolicies: `<ListUserPoliciesResponse xmlns="${NS}"><ListUserPoliciesResult><PolicyNames><member>broken</member></PolicyNames><IsTruncated>false</IsTruncated></ListUserPoliciesResult></ListUserPoliciesResponse>`,
        GetUserPolicy: `<GetUserPolicyResponse xmlns="${NS}"><GetUserPolicyResult><UserName>deployer-user</UserName><PolicyName>broken</PolicyName><PolicyDocument>${encodeURIComponent('{"Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}')}</PolicyDocument></GetUserPolicyResult></GetUserPolicyResponse>`,
        ListAttachedUserPolicies: empty('ListAttachedUserPolicies', 'AttachedPolicies'),
        ListGroupsForUser: empty('ListGroupsForUser', 'Groups'),
      },
    };
    const r = await awsperm(['check', '--action', 'lambda:GetFunction'], env());
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/malformed policy document for user deployer-user inline policy broken/);
  });

  it('a throttling storm on every read → exit 3 with a clear message, after bounded retries', async () => {
    const throttled = { error: 'Throttling', status: 400 };
    sim.script = {
      throttleFirst: 1_000_000,
      other: Object.fromEntries(
        ['GetAccountAuthorizationDetails', 'GetUser', 'ListUserPolicies', 'ListAttachedUserPolicies', 'ListGroupsForUser'].map((a) => [a, throttled]),
      ),
    };
    const r = await awsperm(['check', '--action', 'lambda:GetFunction', '--mode', 'local'], env());
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/Throttling|throttl/i);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a principal that no longer exists → exit 3', async () => {
    const NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
    const details = `<GetAccountAuthorizationDetailsResponse xmlns="${NS}"><GetAccountAuthorizationDetailsResult><UserDetailList/><GroupDetailList/><RoleDetailList/><Policies/><IsTruncated>false</IsTruncated></GetAccountAuthorizationDetailsResult></GetAccountAuthorizationDetailsResponse>`;
    sim.script = { other: { GetAccountAuthorizationDetails: details, GetUser: { error: 'NoSuchEntity', status: 404 }, ListUserPolicies: { error: 'NoSuchEntity', status: 404 }, ListAttachedUserPolicies: { error: 'NoSuchEntity', status: 404 }, ListGroupsForUser: { error: 'NoSuchEntity', status: 404 } } };
    const r = await awsperm(['check', '--action', 'lambda:GetFunction', '--mode', 'local'], env());
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/no longer exists/);
  });

  it('prints the read-only policy awsperm needs in check --help', async () => {
    const r = await awsperm(['check', '--help'], env());
    expect(r.code).toBe(0);
    const actions = [AWSPERM_READ_POLICY.Statement].flat().flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    for (const a of actions) expect(r.stdout).toContain(a);
  });
});

