import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanEnv,
  closedPortEndpoint,
  keysSection,
  homeTracker,
  type MotoServer,
  processScript,
  type SeededUser,
  seedRole,
  secretsIn,
  seedUser,
  startMoto,
} from '@awsperm/test-utils/moto';
import { AwspermError } from '../errors.ts';
import { explainCredentials } from './explain.ts';
import { genericCredentialRules } from './generic.ts';
import type { Env } from './types.ts';

let moto: MotoServer;
let alice: SeededUser;
let bob: SeededUser;
let carol: SeededUser;
let roleArn: string;
const homes = homeTracker();
const outputs: string[] = [];

const home = homes.home;

async function whoami(env: Env, options: { profile?: string; mfaCode?: string; endpointUrl?: string } = {}) {
  const report = await explainCredentials(genericCredentialRules(env, options.profile ? { profile: options.profile } : {}), {
    env,
    ...(options.mfaCode ? { mfaCode: options.mfaCode } : {}),
    ...(options.endpointUrl ? { endpointUrl: options.endpointUrl } : {}),
  });
  outputs.push(JSON.stringify(report));
  return report;
}

async function failure(env: Env, options: { profile?: string; endpointUrl?: string } = {}): Promise<AwspermError> {
  try {
    await whoami(env, options);
  } catch (error) {
    expect(AwspermError.is(error)).toBe(true);
    const e = error as AwspermError & { explanation?: unknown };
    expect(e.kind).toBe('unavailable');
    outputs.push(JSON.stringify({ message: e.message, hint: e.hint, explanation: e.explanation, cause: String((e as Error).cause) }));
    return e;
  }
  throw new Error('expected a failure');
}

beforeAll(async () => {
  moto = await startMoto();
  [alice, bob, carol] = await Promise.all([seedUser(moto.endpoint, 'alice'), seedUser(moto.endpoint, 'bob'), seedUser(moto.endpoint, 'carol')]);
  roleArn = (await seedRole(moto.endpoint, 'deployer', { path: '/ci/' })).arn;
});

afterAll(async () => {
  await moto?.stop();
  homes.cleanup();
  // Secrets never appear in any explanation, identity or error of this file's scenarios.
  expect(secretsIn(outputs.join('\n'), [alice, bob, carol])).toEqual([]);
});

describe('generic rules (AWS SDK v3 default chain) against moto', () => {
  it('uses the default profile of the credentials file', async () => {
    const h = home({ credentials: keysSection('default', alice) });
    const r = await whoami(cleanEnv(h, {}, moto.endpoint));
    expect(r.identity?.arn).toBe(alice.arn);
    expect(r.credentials.source).toBe('shared-credentials-file');
    expect(r.credentials.profile).toBe('default');
    expect(r.credentials.accessKeyId).toBe(`${alice.accessKeyId.slice(0, 4)}…${alice.accessKeyId.slice(-4)}`);
    expect(r.credentials.chain.map((s) => `${s.provider}:${s.outcome}`)).toEqual([
      'fromEnv:none',
      'fromSSO:skipped',
      'fromIni:used',
      'fromProcess:not-tried',
      'fromTokenFile:not-tried',
      'fromContainerMetadata:not-tried',
      'fromInstanceMetadata:not-tried',
    ]);
  });

  it('environment keys win when no profile is selected', async () => {
    const h = home({ credentials: keysSection('default', alice) });
    const r = await whoami(cleanEnv(h, { AWS_ACCESS_KEY_ID: bob.accessKeyId, AWS_SECRET_ACCESS_KEY: bob.secretAccessKey }, moto.endpoint));
    expect(r.identity?.arn).toBe(bob.arn);
    expect(r.credentials.source).toBe('environment');
    expect(r.credentials.profile).toBeNull();
  });

  it('AWS_PROFILE beats environment keys, with a warning naming the winner', async () => {
    const h = home({ credentials: keysSection('default', alice) + keysSection('dev', carol) });
    const r = await whoami(
      cleanEnv(h, { AWS_PROFILE: 'dev', AWS_ACCESS_KEY_ID: bob.accessKeyId, AWS_SECRET_ACCESS_KEY: bob.secretAccessKey }, moto.endpoint),
    );
    expect(r.identity?.arn).toBe(carol.arn);
    expect(r.credentials.chain[0]).toMatchObject({ provider: 'fromEnv', outcome: 'skipped' });
    expect(r.credentials.warnings.join('\n')).toMatch(/profile 'dev' \(AWS_PROFILE\) and AWS_ACCESS_KEY_ID are both set: .* uses the profile/);
  });

  it('the profile option beats environment keys too', async () => {
    const h = home({ credentials: keysSection('default', alice) + keysSection('dev', carol) });
    const r = await whoami(cleanEnv(h, { AWS_ACCESS_KEY_ID: bob.accessKeyId, AWS_SECRET_ACCESS_KEY: bob.secretAccessKey }, moto.endpoint), {
      profile: 'dev',
    });
    expect(r.identity?.arn).toBe(carol.arn);
  });

  it('a missing profile with environment keys fails (no fallback to the keys)', async () => {
    const h = home({ credentials: keysSection('default', alice) });
    const e = await failure(cleanEnv(h, { AWS_PROFILE: 'nope', AWS_ACCESS_KEY_ID: bob.accessKeyId, AWS_SECRET_ACCESS_KEY: bob.secretAccessKey }, moto.endpoint));
    expect(e.code).toBe('CREDENTIALS_UNAVAILABLE');
    expect(e.message).toMatch(/profile 'nope' \(AWS_PROFILE\) is not in/);
  });

  it('AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE point elsewhere', async () => {
    const h = home({ credentials: keysSection('default', alice) });
    const creds = h.write('elsewhere/creds', keysSection('default', carol));
    const config = h.write('elsewhere/config', '[default]\nregion = eu-west-1\n');
    const r = await whoami(cleanEnv(h, { AWS_SHARED_CREDENTIALS_FILE: creds, AWS_CONFIG_FILE: config }, moto.endpoint));
    expect(r.identity?.arn).toBe(carol.arn);
    expect(r.credentials.region).toBe('eu-west-1');
    expect(r.credentials.files).toEqual({ credentials: creds, config });
  });

  it('static keys only in the config file are source config-file', async () => {
    const h = home({ config: `[profile cfg]\naws_access_key_id = ${bob.accessKeyId}\naws_secret_access_key = ${bob.secretAccessKey}\n` });
    const r = await whoami(cleanEnv(h, { AWS_PROFILE: 'cfg' }, moto.endpoint));
    expect(r.identity?.arn).toBe(bob.arn);
    expect(r.credentials.source).toBe('config-file');
  });

  it('assume-role with role_arn + source_profile goes through moto STS; the role ARN keeps its path', async () => {
    const h = home({
      credentials: keysSection('base', alice),
      config: `[profile deploy]\nrole_arn = ${roleArn}\nsource_profile = base\nrole_session_name = awsperm-test\n`,
    });
    const r = await whoami(cleanEnv(h, { AWS_PROFILE: 'deploy' }, moto.endpoint));
    expect(r.credentials.source).toBe('assume-role');
    expect(r.identity?.kind).toBe('assumed-role');
    expect(r.identity?.arn).toMatch(/^arn:aws:sts::\d{12}:assumed-role\/deployer\/awsperm-test$/);
    expect(r.identity?.principalArn).toBe(roleArn);
    expect(roleArn).toContain('/ci/');
    expect(r.identity?.derived).toBeUndefined();
    expect(r.credentials.expiration).toBeDefined();
  });

  it('the assume-role STS client honours an explicit endpoint over a broken AWS_ENDPOINT_URL', async () => {
    const h = home({ credentials: keysSection('base', alice), config: `[profile deploy]\nrole_arn = ${roleArn}\nsource_profile = base\n` });
    const r = await whoami(cleanEnv(h, { AWS_PROFILE: 'deploy', AWS_ENDPOINT_URL: await closedPortEndpoint() }), { endpointUrl: moto.endpoint });
    expect(r.identity?.principalArn).toBe(roleArn);
  });

  it('AWS_ENDPOINT_URL_STS reaches the assume-role client and the identity call', async () => {
    const h = home({ credentials: keysSection('base', alice), config: `[profile deploy]\nrole_arn = ${roleArn}\nsource_profile = base\n` });
    const r = await whoami(cleanEnv(h, { AWS_PROFILE: 'deploy', AWS_ENDPOINT_URL_STS: moto.endpoint, AWS_ENDPOINT_URL_IAM: moto.endpoint }));
    expect(r.identity?.principalArn).toBe(roleArn);
  });

  it('MFA required without a code → MFA_REQUIRED; with --mfa-code the role is assumed', async () => {
    const h = home({
      credentials: keysSection('base', alice),
      config: `[profile mfa]\nrole_arn = ${roleArn}\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\n`,
    });
    const env = cleanEnv(h, { AWS_PROFILE: 'mfa' }, moto.endpoint);
    const e = await failure(env);
    expect(e.code).toBe('MFA_REQUIRED');
    // Core names the option, not the flag (the CLI words it as --mfa-code).
    expect(e.hint).toMatch(/mfaCode option/);
    expect(e.data).toEqual({ profile: expect.any(String) });
    const r = await whoami(env, { mfaCode: '123456' });
    expect(r.identity?.principalArn).toBe(roleArn);
  });

  it('role_arn + source_profile whose source is a credential_process: awsperm runs it and assumes the role', async () => {
    const h = home();
    const cmd = processScript(h, 'src', JSON.stringify({ Version: 1, AccessKeyId: carol.accessKeyId, SecretAccessKey: carol.secretAccessKey }));
    h.write('.aws/config', `[profile src]\ncredential_process = ${cmd}\n\n[profile chained]\nrole_arn = ${roleArn}\nsource_profile = src\nrole_session_name = awsperm-test\n`);
    const r = await whoami(cleanEnv(h, { AWS_PROFILE: 'chained' }, moto.endpoint));
    expect(r.identity?.principalArn).toBe(roleArn);
    expect(r.identity?.arn).toMatch(/:assumed-role\/deployer\/awsperm-test$/);
    expect(r.credentials.source).toBe('assume-role');
    expect(r.credentials.chain.find((s) => s.outcome === 'used')?.detail).toBe(`assumed ${roleArn} from profile 'chained' (source_profile 'src')`);
  });

  it('role_arn + credential_source = Environment: the environment keys assume the role', async () => {
    const h = home({ config: `[profile cs]\nrole_arn = ${roleArn}\ncredential_source = Environment\n` });
    const r = await whoami(cleanEnv(h, { AWS_PROFILE: 'cs', AWS_ACCESS_KEY_ID: carol.accessKeyId, AWS_SECRET_ACCESS_KEY: carol.secretAccessKey }, moto.endpoint));
    expect(r.identity?.principalArn).toBe(roleArn);
    expect(r.credentials.source).toBe('assume-role');
  });

  it('credential_process (a node script) provides the credentials', async () => {
    const h = home();
    const cmd = processScript(h, 'creds', JSON.stringify({ Version: 1, AccessKeyId: carol.accessKeyId, SecretAccessKey: carol.secretAccessKey }));
    h.write('.aws/config', `[profile proc]\ncredential_process = ${cmd}\n`);
    const r = await whoami(cleanEnv(h, { AWS_PROFILE: 'proc' }, moto.endpoint));
    expect(r.identity?.arn).toBe(carol.arn);
    expect(r.credentials.source).toBe('process');
  });

  it('credential_process expiring within 15 minutes is flagged', async () => {
    const h = home();
    const expiration = new Date(Date.now() + 10 * 60_000).toISOString();
    const cmd = processScript(
      h,
      'soon',
      JSON.stringify({ Version: 1, AccessKeyId: carol.accessKeyId, SecretAccessKey: carol.secretAccessKey, SessionToken: 'tok-secret-value', Expiration: expiration }),
    );
    h.write('.aws/config', `[profile proc]\ncredential_process = ${cmd}\n`);
    const r = await whoami(cleanEnv(h, { AWS_PROFILE: 'proc' }, moto.endpoint));
    expect(r.credentials.warnings.join('\n')).toMatch(/session expires in (9|10) minutes/);
    expect(JSON.stringify(r)).not.toContain('tok-secret-value');
  });

  it('a failing credential_process → exit-3 error naming the process', async () => {
    const h = home();
    const cmd = processScript(h, 'fail', '', 3);
    h.write('.aws/config', `[profile proc]\ncredential_process = ${cmd}\n`);
    const e = await failure(cleanEnv(h, { AWS_PROFILE: 'proc' }, moto.endpoint));
    expect(e.code).toBe('CREDENTIALS_UNAVAILABLE');
    expect(e.message).toMatch(/profile 'proc': credential_process exited with code 3/);
  });

  it('a credential_process printing junk → exit-3 error, junk not echoed', async () => {
    const h = home();
    const cmd = processScript(h, 'junk', `not json ${bob.secretAccessKey}`);
    h.write('.aws/config', `[profile proc]\ncredential_process = ${cmd}\n`);
    const e = await failure(cleanEnv(h, { AWS_PROFILE: 'proc' }, moto.endpoint));
    expect(e.message).toMatch(/profile 'proc': credential_process did not print JSON/);
    expect(JSON.stringify(e)).not.toContain(bob.secretAccessKey);
  });

  it('a garbled credentials file → no credentials, clear message', async () => {
    const h = home({ credentials: '\u0000\u0001garbage [[[ = = =\nno sections here\n' });
    const e = await failure(cleanEnv(h, {}, moto.endpoint));
    expect(e.code).toBe('CREDENTIALS_UNAVAILABLE');
    expect(e.message).toMatch(/no AWS credentials found/);
    expect(e.hint).toBeTruthy();
  });

  it('an SSO profile without a cached token → SSO_TOKEN_EXPIRED with the login hint', async () => {
    const h = home({
      config:
        '[profile sso]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Dev\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n',
    });
    const e = await failure(cleanEnv(h, { AWS_PROFILE: 'sso' }, moto.endpoint));
    expect(e.code).toBe('SSO_TOKEN_EXPIRED');
    expect(e.hint).toBe("run 'aws sso login --profile sso'");
  });

  it('an unreachable endpoint → NETWORK error', async () => {
    const h = home({ credentials: keysSection('default', alice) });
    const e = await failure(cleanEnv(h, {}, await closedPortEndpoint()));
    expect(e.code).toBe('NETWORK');
    expect(e.message).toMatch(/sts:GetCallerIdentity: could not reach AWS at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  });

  it('warns when the credentials file is readable by others', async () => {
    const h = home();
    h.write('.aws/credentials', keysSection('default', alice), 0o644);
    const r = await whoami(cleanEnv(h, {}, moto.endpoint));
    expect(r.credentials.warnings.join('\n')).toMatch(/readable by group or others \(mode 0644\); run 'chmod 600/);
  });

  it('warns about readable files only when they hold secrets', async () => {
    const h = home();
    h.write('.aws/credentials', keysSection('default', alice), 0o600);
    h.write('.aws/config', '[default]\nregion = eu-west-1\n[profile ci]\nrole_arn = arn:aws:iam::123456789012:role/ci\nsource_profile = default\n', 0o644);
    const r = await whoami(cleanEnv(h, {}, moto.endpoint));
    expect(r.credentials.warnings.join('\n')).not.toMatch(/readable by group or others/);
    const secret = home();
    secret.write('.aws/config', `[default]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`, 0o640);
    const s = await whoami(cleanEnv(secret, {}, moto.endpoint));
    expect(s.credentials.warnings.join('\n')).toMatch(/\.aws\/config is readable by group or others \(mode 0640\)/);
    // A credentials file of regions only holds nothing to protect.
    const regions = home();
    regions.write('.aws/credentials', '[default]\nregion = eu-west-1\n', 0o644);
    regions.write('.aws/config', keysSection('default', alice), 0o600);
    const t = await whoami(cleanEnv(regions, {}, moto.endpoint));
    expect(t.credentials.warnings).toEqual([]);
  });

  it('a source_profile naming no profile → the chain failed at that profile, not "no credentials found"', async () => {
    const h = home({ config: `[profile deploy]\nrole_arn = ${roleArn}\nsource_profile = nonexist\n` });
    const e = await failure(cleanEnv(h, {}, moto.endpoint), { profile: 'deploy' });
    expect(e.code).toBe('CREDENTIALS_UNAVAILABLE');
    expect(e.message).toMatch(/^no usable AWS credentials: fromIni: profile 'deploy' has source_profile 'nonexist', which is in neither .*\.aws\/config nor .*\.aws\/credentials$/);
    expect(e.hint).toBe("Add a profile 'nonexist' with credentials, or point source_profile of profile 'deploy' at one that exists.");
    const chain = (e as AwspermError & { explanation: { chain: { provider: string; outcome: string }[] } }).explanation.chain;
    expect(chain.find((s) => s.provider === 'fromIni')?.outcome).toBe('failed');
    // Two hops: the broken link is the second profile's.
    const two = home({ config: `[profile deploy]\nrole_arn = ${roleArn}\nsource_profile = mid\n[profile mid]\nrole_arn = ${roleArn}\nsource_profile = gone\n` });
    const e2 = await failure(cleanEnv(two, {}, moto.endpoint), { profile: 'deploy' });
    expect(e2.message).toMatch(/profile 'mid' has source_profile 'gone'/);
  });

  it('keys AWS rejects → the masked key id and the profile it came from', async () => {
    const h = home({ credentials: keysSection('dev', { accessKeyId: 'AKIAREJECTEDKEY0ABCD', secretAccessKey: 'x'.repeat(40) }) });
    const { startFaultProxy } = await import('@awsperm/test-utils/fault-proxy');
    const p = await startFaultProxy(
      () => moto.endpoint,
      (call) => (call.name === 'sts:GetCallerIdentity' ? { kind: 'error', status: 403, code: 'InvalidClientTokenId', message: () => 'The security token included in the request is invalid.' } : undefined),
    );
    try {
      const e = await failure(cleanEnv(h, {}, p.endpoint), { profile: 'dev' });
      expect(e.code).toBe('CREDENTIALS_INVALID');
      expect(e.message).toBe("sts:GetCallerIdentity: AWS rejected the access key AKIA…ABCD of profile 'dev' (InvalidClientTokenId)");
      expect(e.message).not.toContain('REJECTEDKEY');
      const env = await failure(cleanEnv(home(), { AWS_ACCESS_KEY_ID: 'AKIAREJECTEDKEY0WXYZ', AWS_SECRET_ACCESS_KEY: 'y'.repeat(40) }, p.endpoint));
      expect(env.message).toBe('sts:GetCallerIdentity: AWS rejected the access key AKIA…WXYZ of the environment (InvalidClientTokenId)');
    } finally {
      await p.stop();
    }
  });

  it('no credentials at all → CREDENTIALS_UNAVAILABLE listing the chain', async () => {
    const h = home();
    const e = await failure(cleanEnv(h, {}, moto.endpoint));
    expect(e.message).toMatch(/tried fromEnv, fromSSO, fromIni, fromProcess, fromTokenFile/);
  });
});
