import { createServer, type Server } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { createDeadline } from '../src/aws/deadline.ts';
import { explainCredentials } from '../src/credentials/explain.ts';
import { genericCredentialRules } from '../src/credentials/generic.ts';
import { AwspermError } from '../src/errors.ts';
import { cleanEnv, homeTracker } from '@awsperm/test-utils/moto';

const SECRET = 'helperSecretAccessKeyDoNotPrint0123456789';
const homes = homeTracker();
const servers: Server[] = [];

afterAll(() => {
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
  homes.cleanup();
});

/** A loopback HTTP server that accepts requests and never answers them; `hits` lists the paths asked for. */
const hits: string[] = [];
async function silentServer(): Promise<string> {
  const server = createServer((req) => {
    hits.push(req.url ?? '');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

/** A helper that prints its "keys" on stderr and never ends. */
function hangingHelper(h: ReturnType<typeof homes.home>): string {
  const script = h.write('bin/hang.mjs', `process.stderr.write(${JSON.stringify(`{"SecretAccessKey":"${SECRET}"} ${SECRET}`)});\nsetInterval(() => {}, 1000);\n`, 0o700);
  return `"${process.execPath}" "${script}"`;
}

async function timedFailure(env: Record<string, string>, seconds = 1): Promise<{ error: AwspermError; ms: number; debug: string[] }> {
  const debug: string[] = [];
  const start = Date.now();
  const error = await explainCredentials(genericCredentialRules(env, {}), { env, deadline: createDeadline(seconds), debug: (l) => debug.push(l) }).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!AwspermError.is(error)) throw new Error(`expected an AwspermError, got ${String(error)}`);
  expect(JSON.stringify([String(error), error.hint, debug, String((error as Error).cause)])).not.toContain(SECRET);
  expect(error.message.split('\n')).toHaveLength(1);
  return { error, ms: Date.now() - start, debug };
}

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
    expect((error as Error).message).toMatch(/credential_process did not finish within 1 s \(the timeout option\) and was stopped/);
    expect(JSON.stringify([String(error), debug])).not.toContain(SECRET);
  });

  it('reached through role_arn + source_profile, the helper is bounded too and named', async () => {
    const h = homes.home();
    h.write('.aws/config', `[profile base]\ncredential_process = ${hangingHelper(h)}\n\n[profile chained]\nrole_arn = arn:aws:iam::123456789012:role/deployer\nsource_profile = base\n`);
    const { error, ms } = await timedFailure(cleanEnv(h, { AWS_PROFILE: 'chained' }, 'http://127.0.0.1:9'));
    expect(ms).toBeLessThan(4000);
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toBe("profile 'chained' (source profile 'base'): credential_process did not finish within 1 s (the timeout option) and was stopped");
  });

  it('two role hops down, still bounded and named', async () => {
    const h = homes.home();
    h.write(
      '.aws/config',
      [
        `[profile base]\ncredential_process = ${hangingHelper(h)}`,
        '[profile middle]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = base',
        '[profile top]\nrole_arn = arn:aws:iam::123456789012:role/b\nsource_profile = middle\n',
      ].join('\n\n'),
    );
    const { error, ms } = await timedFailure(cleanEnv(h, { AWS_PROFILE: 'top' }, 'http://127.0.0.1:9'));
    expect(ms).toBeLessThan(4000);
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toMatch(/^profile 'top' \(source profile 'base'\): credential_process did not finish/);
  });

  it('credential_process wins over SSO keys in the same profile (the SDK order): still awsperm\'s bounded runner', async () => {
    const h = homes.home();
    h.write('.aws/config', `[profile mixed]\ncredential_process = ${hangingHelper(h)}\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\nsso_account_id = 123456789012\nsso_role_name = Dev\n`);
    const { error, ms } = await timedFailure(cleanEnv(h, { AWS_PROFILE: 'mixed' }, 'http://127.0.0.1:9'));
    expect(ms).toBeLessThan(4000);
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toMatch(/^profile 'mixed': credential_process did not finish within 1 s/);
  });

  it('credential_source = EcsContainer with an endpoint that never answers: TIMEOUT at --timeout', async () => {
    const h = homes.home();
    h.write('.aws/config', '[profile cs]\nrole_arn = arn:aws:iam::123456789012:role/deployer\ncredential_source = EcsContainer\n');
    const env = { ...cleanEnv(h, { AWS_PROFILE: 'cs' }, 'http://127.0.0.1:9'), AWS_CONTAINER_CREDENTIALS_FULL_URI: `${await silentServer()}/creds` };
    const { error, ms } = await timedFailure(env, 2);
    expect(ms).toBeLessThan(5000);
    expect(ms).toBeGreaterThan(1500);
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toBe("profile 'cs': credential_source EcsContainer did not answer within 2 s (the timeout option)");
  });

  it('the container credentials link itself: bounded by --timeout, not only by its per-request timeout', async () => {
    const h = homes.home();
    const env = { ...cleanEnv(h, {}, 'http://127.0.0.1:9'), AWS_CONTAINER_CREDENTIALS_FULL_URI: `${await silentServer()}/creds` };
    const { error, ms } = await timedFailure(env, 0.4);
    expect(ms).toBeLessThan(900);
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toBe('the container credentials endpoint did not answer within 0.4 s (the timeout option)');
  });

  it('credential_source = Environment, STS never answering the AssumeRole: TIMEOUT at --timeout', async () => {
    const h = homes.home();
    h.write('.aws/config', '[profile cs]\nrole_arn = arn:aws:iam::123456789012:role/deployer\ncredential_source = Environment\n');
    const env = cleanEnv(h, { AWS_PROFILE: 'cs', AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: SECRET }, await silentServer());
    const { error, ms } = await timedFailure(env);
    expect(ms).toBeLessThan(4000);
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toMatch(/no answer from AWS at http:\/\/127\.0\.0\.1:\d+ within 1 s/);
  });
});

describe('a web identity token file that is a FIFO is refused, never read (the SDK reads it synchronously)', () => {
  it('AWS_WEB_IDENTITY_TOKEN_FILE, and a profile\'s web_identity_token_file', async () => {
    const { spawnSync } = await import('node:child_process');
    const h = homes.home();
    const fifo = h.path('token.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const env = cleanEnv(h, { AWS_WEB_IDENTITY_TOKEN_FILE: fifo, AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/ci' }, 'http://127.0.0.1:9');
    const a = await timedFailure(env);
    expect(a.ms).toBeLessThan(4000);
    expect(a.error.kind).toBe('usage');
    expect(a.error.message).toBe(`the web identity token file (AWS_WEB_IDENTITY_TOKEN_FILE) is a FIFO (named pipe), not a regular file: ${fifo}`);
    h.write('.aws/config', `[profile wi]\nrole_arn = arn:aws:iam::123456789012:role/ci\nweb_identity_token_file = ${fifo}\n`);
    const b = await timedFailure(cleanEnv(h, { AWS_PROFILE: 'wi' }, 'http://127.0.0.1:9'));
    expect(b.error.message).toMatch(/^the web identity token file \(web_identity_token_file of profile 'wi'\) is a FIFO/);
  });
});

describe('SSO exchanges are bounded by --timeout', () => {
  function ssoHome(extra = ''): ReturnType<typeof homes.home> {
    const h = homes.home();
    h.write(
      '.aws/config',
      `[profile sso]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Dev\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n${extra}`,
    );
    return h;
  }
  async function cacheToken(h: ReturnType<typeof homes.home>): Promise<void> {
    const { createHash } = await import('node:crypto');
    h.write(
      `.aws/sso/cache/${createHash('sha1').update('corp').digest('hex')}.json`,
      JSON.stringify({ accessToken: 'ssoAccessTokenDoNotPrint', expiresAt: new Date(Date.now() + 3_600_000).toISOString(), region: 'eu-west-1', startUrl: 'https://corp.awsapps.com/start' }),
    );
  }

  it('sso:GetRoleCredentials never answered: TIMEOUT at --timeout', async () => {
    const h = ssoHome();
    await cacheToken(h);
    const before = hits.length;
    const { error, ms } = await timedFailure(cleanEnv(h, { AWS_PROFILE: 'sso' }, await silentServer()));
    expect(hits.length).toBeGreaterThan(before);
    expect(hits.at(-1)).toMatch(/^\/federation\/credentials/);
    expect(ms).toBeLessThan(4000);
    expect(error.code).toBe('TIMEOUT');
  });

  it('a FIFO as the cached token: refused with the login hint at once, never read', async () => {
    const { createHash } = await import('node:crypto');
    const { mkdirSync } = await import('node:fs');
    const { spawnSync } = await import('node:child_process');
    const h = ssoHome();
    mkdirSync(h.path('.aws/sso/cache'), { recursive: true });
    expect(spawnSync('mkfifo', [h.path(`.aws/sso/cache/${createHash('sha1').update('corp').digest('hex')}.json`)]).status).toBe(0);
    const { error, ms } = await timedFailure(cleanEnv(h, { AWS_PROFILE: 'sso' }, 'http://127.0.0.1:9'));
    expect(ms).toBeLessThan(4000);
    expect(error.code).toBe('SSO_TOKEN_EXPIRED');
    expect(error.hint).toBe("run 'aws sso login --profile sso'");
  });

  it('through role_arn + source_profile = an SSO profile: TIMEOUT at --timeout too', async () => {
    const h = ssoHome('\n[profile deploy]\nrole_arn = arn:aws:iam::123456789012:role/deployer\nsource_profile = sso\n');
    await cacheToken(h);
    const before = hits.length;
    const { error, ms } = await timedFailure(cleanEnv(h, { AWS_PROFILE: 'deploy' }, await silentServer()));
    expect(hits.length).toBeGreaterThan(before);
    expect(ms).toBeLessThan(4000);
    expect(error.code).toBe('TIMEOUT');
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
