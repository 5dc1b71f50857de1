import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanEnv,
  closedPortEndpoint,
  keysSection,
  homeTracker,
  type MotoServer,
  processScript,
  type SeededUser,
  secretsIn,
  seedUser,
  startMoto,
} from '@awsperm/test-utils/moto';
import { recordingRunner } from './helpers.ts';

let moto: MotoServer;
let a: SeededUser;
let b: SeededUser;
const homes = homeTracker();
const outputs: string[] = [];

const home = homes.home;

function projectDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'awsperm-project-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

/** Runs awsperm with exactly this environment (moto as AWS_ENDPOINT_URL), recording output for the secret check. */
const awsperm = recordingRunner(outputs);

beforeAll(async () => {
  moto = await startMoto();
  [a, b] = await Promise.all([seedUser(moto.endpoint, 'who-a'), seedUser(moto.endpoint, 'who-b')]);
});

afterAll(async () => {
  await moto?.stop();
  homes.cleanup();
  // No secret key, and no unmasked access key id, in anything awsperm printed in this file.
  expect(secretsIn(outputs.join('\n'), [a, b])).toEqual([]);
});

describe('awsperm whoami (spawned, against moto)', () => {
  it("Up: up.json's profile is ignored when environment keys are set — reports the env keys' user", async () => {
    const h = home({ credentials: keysSection('a', a) });
    const cwd = projectDir({ 'up.json': '{ "name": "app", "profile": "a", "regions": ["eu-west-1"] }' });
    const env = cleanEnv(h, { AWS_ACCESS_KEY_ID: b.accessKeyId, AWS_SECRET_ACCESS_KEY: b.secretAccessKey }, moto.endpoint);
    const r = await awsperm(['whoami', '--tool', 'up', '--cwd', cwd, '--format', 'json'], env);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.schemaVersion).toBe(1);
    expect(json.tool).toBe('up');
    expect(json.identity.arn, r.stdout).toBe(b.arn);
    expect(json.credentials.source).toBe('environment');
    expect(json.credentials.accessKeyId).toBe(`${b.accessKeyId.slice(0, 4)}…${b.accessKeyId.slice(-4)}`);
    expect(json.credentials.warnings.join('\n')).toMatch(/profile 'a' \(up\.json "profile"\).*Up uses the environment keys and ignores the profile/);
    expect(json.region).toBe('eu-west-1');
    expect(json.ok).toBe(true);
  });

  it('generic: the default profile, as a readable text panel', async () => {
    const h = home({ credentials: keysSection('default', a) });
    const r = await awsperm(['whoami', '--cwd', h.dir], cleanEnv(h, {}, moto.endpoint));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`identity\\s+${a.arn.replace(/[/.]/g, '\\$&')}`));
    expect(r.stdout).toMatch(/source\s+shared-credentials-file/);
    expect(r.stdout).toMatch(/chain:/);
  });

  it('--endpoint-url reaches STS as AWS_ENDPOINT_URL does', async () => {
    const h = home({ credentials: keysSection('default', a) });
    const env = cleanEnv(h, {});
    const r = await awsperm(['whoami', '--cwd', h.dir, '--endpoint-url', moto.endpoint, '--format', 'json'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).identity.arn).toBe(a.arn);
  });

  it('account guard: the wrong account for the stage exits 1 naming both accounts', async () => {
    const h = home({ credentials: keysSection('default', a) });
    const cwd = projectDir({ 'package.json': '{}', '.awspermrc.json': '{ "accounts": { "prod": "111111111111" } }' });
    const env = cleanEnv(h, {}, moto.endpoint);
    const r = await awsperm(['whoami', '--cwd', cwd, '--stage', 'prod', '--format', 'json'], env);
    expect(r.code, r.stderr).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.expectedAccount).toBe('111111111111');
    expect(json.ok).toBe(false);
    expect(r.stderr).toMatch(new RegExp(`account ${json.identity.account}.*deploys to 111111111111`));
    const other = await awsperm(['whoami', '--cwd', cwd, '--stage', 'dev', '--format', 'json'], env);
    expect(other.code).toBe(0);
  });

  const failures: [string, () => Promise<{ env: Record<string, string>; args: string[] }>, RegExp][] = [
    ['a garbled credentials file', async () => {
      const h = home({ credentials: '[default\naws_access_key_id = \u0000\u0001 garbage ===\n' });
      return { env: cleanEnv(h, {}, moto.endpoint), args: ['whoami', '--cwd', h.dir] };
    }, /credentials|profile/i],
    ['a profile that does not exist', async () => {
      const h = home({ credentials: keysSection('default', a) });
      return { env: cleanEnv(h, { AWS_PROFILE: 'nope' }, moto.endpoint), args: ['whoami', '--cwd', h.dir] };
    }, /nope/],
    ['a credential_process that fails', async () => {
      const h = home();
      h.write('.aws/config', `[default]\ncredential_process = ${processScript(h, 'fail', '', 3)}\n`);
      return { env: cleanEnv(h, {}, moto.endpoint), args: ['whoami', '--cwd', h.dir] };
    }, /profile 'default': credential_process exited with code 3/],
    ['a credential_process that prints junk', async () => {
      const h = home();
      h.write('.aws/config', `[default]\ncredential_process = ${processScript(h, 'junk', `not json ${b.secretAccessKey}`)}\n`);
      return { env: cleanEnv(h, {}, moto.endpoint), args: ['whoami', '--cwd', h.dir] };
    }, /credential_process|process/i],
    ['an unreachable endpoint', async () => {
      const h = home({ credentials: keysSection('default', a) });
      return { env: cleanEnv(h, {}, await closedPortEndpoint()), args: ['whoami', '--cwd', h.dir, '--format', 'json'] };
    }, /reach|connect|network/i],
  ];
  it.each(failures)('%s → exit 3, a short message, no stack trace', async (_name, setup, pattern) => {
    const { env, args } = await setup();
    const r = await awsperm(args, env);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toBe('');
    const [message, chain] = r.stderr.split('  the credential chain as tried:\n');
    expect(message, r.stderr).toMatch(pattern);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(message!.trim().split('\n').length).toBeLessThanOrEqual(2);
    // When the chain found nothing usable, it is printed as tried, one indented line per link.
    if (chain !== undefined) for (const line of chain.trimEnd().split('\n')) expect(line).toMatch(/^ {4}(used|none|skipped|failed) +from\w+: /);
  });
});

describe('awsperm whoami: why the chain failed', () => {
  it('a source_profile naming no profile: the broken link, what to do, and the chain as tried', async () => {
    const h = home({ config: '[profile a]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = nonexist\n' });
    const r = await awsperm(['whoami', '--profile', 'a'], cleanEnv(h, {}, moto.endpoint));
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(`awsperm: no usable AWS credentials: fromIni: profile 'a' has source_profile 'nonexist', which is in neither ${h.dir}/.aws/config nor ${h.dir}/.aws/credentials`);
    expect(lines[1]).toBe("  Add a profile 'nonexist' with credentials, or point source_profile of profile 'a' at one that exists.");
    expect(lines[2]).toBe('  the credential chain as tried:');
    expect(lines.slice(3)).toEqual(expect.arrayContaining([expect.stringMatching(/^ {4}skipped +fromEnv: /), expect.stringMatching(/^ {4}failed +fromIni: profile 'a' has source_profile 'nonexist'/)]));
    expect(r.stderr).not.toMatch(/\n\s+at |Could not resolve credentials/);
  });

  it('keys AWS rejects: the masked key id and the profile they came from', async () => {
    const { startFaultProxy } = await import('@awsperm/test-utils/fault-proxy');
    const p = await startFaultProxy(
      () => moto.endpoint,
      (call) => (call.name === 'sts:GetCallerIdentity' ? { kind: 'error', status: 403, code: 'InvalidClientTokenId', message: () => 'The security token included in the request is invalid.' } : undefined),
    );
    try {
      const h = home({ credentials: keysSection('dev', a) });
      const r = await awsperm(['whoami', '--profile', 'dev'], cleanEnv(h, {}, p.endpoint));
      expect(r.code, r.stderr).toBe(3);
      const masked = `${a.accessKeyId.slice(0, 4)}…${a.accessKeyId.slice(-4)}`;
      expect(r.stderr.split('\n')[0]).toBe(`awsperm: sts:GetCallerIdentity: AWS rejected the access key ${masked} of profile 'dev' (InvalidClientTokenId)`);
      expect(r.stderr).toMatch(/\n {4}used +fromIni: static keys of profile 'dev'/);
    } finally {
      await p.stop();
    }
  });
});

describe('awsperm whoami: warnings', () => {
  it('each warning once, on stderr, never in the answer on stdout', async () => {
    // Environment keys and a profile both set (a credential-rules warning), a secrets file readable by others, and an
    // SST project whose version is unknown (a project warning the adapter logs and its credential rules repeat).
    const h = home({ credentials: keysSection('default', b) });
    h.write('.aws/credentials', keysSection('default', b), 0o644);
    const cwd = projectDir({ 'sst.config.ts': "export default $config({ app() { return { name: 'demo', home: 'aws' }; }, async run() {} });\n" });
    const env = cleanEnv(h, { AWS_PROFILE: 'default', AWS_ACCESS_KEY_ID: a.accessKeyId, AWS_SECRET_ACCESS_KEY: a.secretAccessKey }, moto.endpoint);
    const r = await awsperm(['whoami', '--cwd', cwd, '--stage', 'dev'], env);
    expect(r.code, r.stderr).toBe(0);
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('awsperm: warning: '));
    expect(warnings.length, r.stderr).toBeGreaterThanOrEqual(2);
    expect(new Set(warnings).size, r.stderr).toBe(warnings.length);
    expect(warnings.join('\n')).toMatch(/SST version unknown/);
    expect(warnings.join('\n')).toMatch(/\.aws\/credentials is readable by group or others \(mode 0644\)/);
    expect(r.stdout).not.toMatch(/warning|SST version unknown|readable by group/);
    // JSON carries them, each once; stderr still says each once.
    const json = await awsperm(['whoami', '--cwd', cwd, '--stage', 'dev', '--format', 'json'], env);
    const report = JSON.parse(json.stdout);
    expect(new Set(report.warnings).size).toBe(report.warnings.length);
    const again = json.stderr.split('\n').filter((l) => l.startsWith('awsperm: warning: '));
    expect(again).toEqual(warnings);
  });

  it('no permission warning for a readable config that holds no secret', async () => {
    const h = home({ credentials: keysSection('default', a) });
    h.write('.aws/config', '[default]\nregion = eu-west-1\n', 0o644);
    const r = await awsperm(['whoami', '--cwd', h.dir], cleanEnv(h, {}, moto.endpoint));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/readable by group or others/);
  });
});

describe('awsperm whoami: no SDK internals in any message', () => {
  /** A loopback "AWS" answering every request with `status`, `type` and `body`. */
  async function garbage(status: number, type: string, body: string): Promise<{ endpoint: string; close: () => Promise<void> }> {
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(status, { 'content-type': type }).end(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    return { endpoint: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
  }

  it.each([
    [200, 'text/xml', '<Foo><Bar>', /could not be read/],
    [200, 'text/xml', '', /without a caller ARN/],
    [200, 'text/plain', 'hello', /answered with text\/plain, not an AWS response/],
    [400, 'text/xml', 'garbage<<<', /could not be read/],
    [403, 'text/html', '<html><body>Forbidden by proxy</body></html>', /answered HTTP 403 with text\/html, not an AWS response/],
    [404, 'application/xml', '<html>not found</html>', /HTTP 404|could not be read|not an AWS response/],
    [500, 'text/html', '<html>oops</html>', /answered HTTP 500 on every attempt/],
  ])('HTTP %i %s %j → exit 3, one plain message', async (status, type, body, says) => {
    const s = await garbage(status, type, body);
    try {
      const h = home({ credentials: keysSection('default', a) });
      const r = await awsperm(['whoami', '--cwd', h.dir, '--timeout', '5'], cleanEnv(h, {}, s.endpoint));
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toMatch(/^awsperm: sts:GetCallerIdentity: /);
      expect(r.stderr).toMatch(says);
      expect(r.stderr).not.toMatch(/\$response|\$metadata|Deserialization|hidden field|\bUnknown\b|\n\s+at /);
      expect(r.stderr).not.toMatch(/the \w+ option/);
      expect(r.stderr.trimEnd().split('\n').length, r.stderr).toBeLessThanOrEqual(2);
    } finally {
      await s.close();
    }
  });
});
