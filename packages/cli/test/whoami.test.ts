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
    expect(r.stderr, r.stderr).toMatch(pattern);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
  });
});
