import { describe, expect, it } from 'vitest';
import { createDeadline } from '../src/aws/deadline.ts';
import { explainCredentials } from '../src/credentials/explain.ts';
import { genericCredentialRules } from '../src/credentials/generic.ts';
import { AwspermError } from '../src/errors.ts';
import { cleanEnv, homeTracker } from '@awsperm/test-utils/moto';

const SECRET = 'helperSecretAccessKeyDoNotPrint0123456789';
const homes = homeTracker();

describe('credential_process is bounded by --timeout and never shown', () => {
  it('a helper that never ends is killed at the deadline: TIMEOUT, nothing printed from it', async () => {
    const h = homes.home();
    const script = h.write('bin/hang.mjs', `process.stderr.write(${JSON.stringify(`{"SecretAccessKey":"${SECRET}"}`)});\nsetInterval(() => {}, 1000);\n`, 0o700);
    h.write('.aws/config', `[profile proc]\ncredential_process = "${process.execPath}" "${script}"\n`);
    const env = cleanEnv(h, { AWS_PROFILE: 'proc' }, 'http://127.0.0.1:9');
    const debug: string[] = [];
    const start = Date.now();
    const error = await explainCredentials(genericCredentialRules(env, {}), { env, deadline: createDeadline(1), debug: (l) => debug.push(l) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(Date.now() - start).toBeLessThan(4000);
    expect(AwspermError.is(error) && error.code).toBe('TIMEOUT');
    expect((error as Error).message).toMatch(/credential_process did not finish within 1 s \(--timeout\) and was stopped/);
    expect(JSON.stringify([String(error), debug])).not.toContain(SECRET);
  });
});

describe('SSO tokens are never refreshed (a write: sso-oidc CreateToken)', () => {
  it('a cached token within the refresh window is refused with the login hint; the cache is untouched', async () => {
    const { createHash } = await import('node:crypto');
    const { readFileSync } = await import('node:fs');
    const h = homes.home();
    h.write(
      '.aws/config',
      '[profile sso]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Dev\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n',
    );
    const cache = `.aws/sso/cache/${createHash('sha1').update('corp').digest('hex')}.json`;
    const token = JSON.stringify({
      accessToken: 'ssoAccessTokenDoNotPrint',
      expiresAt: new Date(Date.now() + 120_000).toISOString(),
      refreshToken: 'ssoRefreshTokenDoNotPrint',
      clientId: 'c',
      clientSecret: 's',
      registrationExpiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      region: 'eu-west-1',
      startUrl: 'https://corp.awsapps.com/start',
    });
    const file = h.write(cache, token);
    const env = cleanEnv(h, { AWS_PROFILE: 'sso' }, 'http://127.0.0.1:9');
    const error = await explainCredentials(genericCredentialRules(env, {}), { env }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(AwspermError.is(error) && error.code).toBe('SSO_TOKEN_EXPIRED');
    expect((error as AwspermError).message).toMatch(/the SSO token of session 'corp' is about to expire and would be refreshed/);
    expect((error as AwspermError).hint).toBe("run 'aws sso login --profile sso'");
    expect(readFileSync(file, 'utf8')).toBe(token);
  });
});
