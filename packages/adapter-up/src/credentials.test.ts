import { AwspermError, type Env, explainCredentials } from '@awsperm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanEnv,
  keysSection,
  homeTracker,
  type MotoServer,
  type SeededUser,
  seedRole,
  secretsIn,
  seedUser,
  startMoto,
} from '@awsperm/test-utils/moto';
import { type UpCredentialInput, upCredentialRules } from './credentials.ts';

let moto: MotoServer;
let a: SeededUser;
let b: SeededUser;
let c: SeededUser;
let roleArn: string;
const homes = homeTracker();
const outputs: string[] = [];

const home = homes.home;

async function up(env: Env, input: Omit<UpCredentialInput, 'env'> = {}) {
  const report = await explainCredentials(upCredentialRules({ env, ...input }), { env });
  outputs.push(JSON.stringify(report));
  return report;
}

async function upFails(env: Env, input: Omit<UpCredentialInput, 'env'> = {}): Promise<AwspermError & { explanation?: { warnings: string[] } }> {
  try {
    await up(env, input);
  } catch (error) {
    expect(AwspermError.is(error)).toBe(true);
    const e = error as AwspermError & { explanation?: { warnings: string[] } };
    expect(e.kind).toBe('unavailable');
    outputs.push(JSON.stringify({ m: e.message, h: e.hint, x: e.explanation }));
    return e;
  }
  throw new Error('expected a failure');
}

beforeAll(async () => {
  moto = await startMoto();
  [a, b, c] = await Promise.all([seedUser(moto.endpoint, 'up-a'), seedUser(moto.endpoint, 'up-b'), seedUser(moto.endpoint, 'up-c')]);
  roleArn = (await seedRole(moto.endpoint, 'up-deployer', { path: '/deploy/' })).arn;
});

afterAll(async () => {
  await moto?.stop();
  homes.cleanup();
  expect(secretsIn(outputs.join('\n'), [a, b, c])).toEqual([]);
});

describe("Up's credential rules against moto", () => {
  it('environment keys beat up.json "profile", with a warning that the profile is ignored', async () => {
    const h = home({ credentials: keysSection('a', a) });
    const r = await up(cleanEnv(h, { AWS_ACCESS_KEY_ID: b.accessKeyId, AWS_SECRET_ACCESS_KEY: b.secretAccessKey }, moto.endpoint), { profile: 'a' });
    expect(r.identity?.arn).toBe(b.arn);
    expect(r.credentials.source).toBe('environment');
    expect(r.credentials.warnings.join('\n')).toMatch(/profile 'a' \(up\.json "profile"\) and AWS_ACCESS_KEY_ID are both set: Up uses the environment keys and ignores the profile/);
  });

  it('AWS_ACCESS_KEY / AWS_SECRET_KEY are read as environment keys', async () => {
    const h = home({ credentials: keysSection('default', a) });
    const r = await up(cleanEnv(h, { AWS_ACCESS_KEY: c.accessKeyId, AWS_SECRET_KEY: c.secretAccessKey }, moto.endpoint));
    expect(r.identity?.arn).toBe(c.arn);
    expect(r.credentials.chain[0]?.detail).toBe('AWS_ACCESS_KEY and AWS_SECRET_KEY');
  });

  it('up.json "profile" overrides AWS_PROFILE', async () => {
    const h = home({ credentials: keysSection('a', a) + keysSection('c', c) });
    const r = await up(cleanEnv(h, { AWS_PROFILE: 'c' }, moto.endpoint), { profile: 'a' });
    expect(r.identity?.arn).toBe(a.arn);
    expect(r.credentials.warnings.join('\n')).toMatch(/up\.json "profile" 'a' overrides AWS_PROFILE 'c'/);
  });

  it('without AWS_SDK_LOAD_CONFIG a profile only in ~/.aws/config is invisible → exit 3 with what to do', async () => {
    const h = home({
      credentials: keysSection('default', c),
      config: `[profile cfg]\naws_access_key_id = ${a.accessKeyId}\naws_secret_access_key = ${a.secretAccessKey}\n`,
    });
    const e = await upFails(cleanEnv(h, {}, moto.endpoint), { profile: 'cfg' });
    expect(e.code).toBe('CREDENTIALS_UNAVAILABLE');
    expect(e.explanation?.warnings.join('\n')).toMatch(/profile 'cfg' is only in .*config; without AWS_SDK_LOAD_CONFIG .*set AWS_SDK_LOAD_CONFIG=true/);
  });

  it('with AWS_SDK_LOAD_CONFIG=true the same config-file profile works', async () => {
    const h = home({ config: `[profile cfg]\naws_access_key_id = ${a.accessKeyId}\naws_secret_access_key = ${a.secretAccessKey}\n` });
    const r = await up(cleanEnv(h, { AWS_SDK_LOAD_CONFIG: 'true' }, moto.endpoint), { profile: 'cfg' });
    expect(r.identity?.arn).toBe(a.arn);
    expect(r.credentials.source).toBe('config-file');
  });

  it('AWS_SDK_LOAD_CONFIG uses Go truthiness: "yes" is not true', async () => {
    const h = home({ config: `[profile cfg]\naws_access_key_id = ${a.accessKeyId}\naws_secret_access_key = ${a.secretAccessKey}\n` });
    const e = await upFails(cleanEnv(h, { AWS_SDK_LOAD_CONFIG: 'yes' }, moto.endpoint), { profile: 'cfg' });
    expect(e.code).toBe('CREDENTIALS_UNAVAILABLE');
  });

  it('without AWS_SDK_LOAD_CONFIG a role_arn profile is ignored', async () => {
    const h = home({ credentials: keysSection('base', a), config: `[profile deploy]\nrole_arn = ${roleArn}\nsource_profile = base\n` });
    const e = await upFails(cleanEnv(h, { AWS_PROFILE: 'deploy' }, moto.endpoint));
    expect(e.message).toMatch(/no AWS credentials found|not in/);
  });

  it('with AWS_SDK_LOAD_CONFIG=1 assume-role works (role ARN with path via iam:GetRole)', async () => {
    const h = home({ credentials: keysSection('base', a), config: `[profile deploy]\nrole_arn = ${roleArn}\nsource_profile = base\n` });
    const r = await up(cleanEnv(h, { AWS_PROFILE: 'deploy', AWS_SDK_LOAD_CONFIG: '1' }, moto.endpoint));
    expect(r.credentials.source).toBe('assume-role');
    expect(r.identity?.principalArn).toBe(roleArn);
  });

  it('with AWS_SDK_LOAD_CONFIG an mfa_serial profile fails as Up does (exit 3, says why)', async () => {
    const h = home({
      credentials: keysSection('base', a),
      config: `[profile mfa]\nrole_arn = ${roleArn}\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/a\n`,
    });
    const e = await upFails(cleanEnv(h, { AWS_SDK_LOAD_CONFIG: 'true' }, moto.endpoint), { profile: 'mfa' });
    expect(e.code).toBe('CREDENTIALS_UNSUPPORTED');
    expect(e.message).toMatch(/uses mfa_serial: Up .* fails every request/);
    expect(e.hint).toMatch(/aws-vault exec mfa -- up/);
  });

  it('static keys of the selected profile in the credentials file (no AWS_SDK_LOAD_CONFIG)', async () => {
    const h = home({ credentials: keysSection('default', a) + keysSection('c', c) });
    const r = await up(cleanEnv(h, { AWS_PROFILE: 'c' }, moto.endpoint));
    expect(r.identity?.arn).toBe(c.arn);
    expect(r.credentials.source).toBe('shared-credentials-file');
    expect(r.credentials.chain.map((s) => `${s.provider}:${s.outcome}`)).toEqual([
      'fromEnv:none',
      'credentials file (static keys only):used',
      'fromContainerMetadata:not-tried',
      'fromInstanceMetadata:not-tried',
    ]);
  });

  it("region order: --region, up.json regions, AWS_REGION, AWS_DEFAULT_REGION, profile region, us-west-2", async () => {
    const h = home({ credentials: keysSection('default', a), config: '[profile p]\nregion = ap-south-1\n' });
    const base = cleanEnv(h, { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-2', AWS_PROFILE: 'p' }, moto.endpoint);
    const region = (env: Env, input: Omit<UpCredentialInput, 'env'> = {}) =>
      up(env, input).then((r) => `${r.credentials.region} (${r.credentials.regionFrom})`);
    // AWS_PROFILE=p has no keys, so credentials come from env keys for these region-only checks.
    const keys = { AWS_ACCESS_KEY_ID: a.accessKeyId, AWS_SECRET_ACCESS_KEY: a.secretAccessKey };
    expect(await region({ ...base, ...keys }, { region: 'us-east-2', regions: ['ca-central-1'] })).toBe('us-east-2 (--region)');
    expect(await region({ ...base, ...keys }, { regions: ['ca-central-1'] })).toBe('ca-central-1 (up.json "regions")');
    expect(await region({ ...base, ...keys })).toBe('eu-west-1 (AWS_REGION)');
    expect(await region({ ...base, ...keys, AWS_REGION: undefined })).toBe('eu-west-2 (AWS_DEFAULT_REGION)');
    expect(await region({ ...base, ...keys, AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined })).toBe("ap-south-1 (profile 'p')");
    expect(await region({ ...base, ...keys, AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined, AWS_PROFILE: undefined })).toBe('us-west-2 (default)');
  });
});
