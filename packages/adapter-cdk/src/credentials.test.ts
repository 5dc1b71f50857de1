import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { whoami } from '@awsperm/core';
import { cleanEnv, homeTracker, keysSection, type MotoServer, type SeededUser, secretsIn, seedUser, startMoto } from '@awsperm/test-utils/moto';
import { cdk } from './index.ts';

// The CDK CLI's credential resolution (see credentials.ts for the aws/aws-cdk-cli sources), through the session API:
// the adapter reads cdk.json and ~/.cdk.json from a temporary HOME, core resolves its rules against moto.
const fixture = fileURLToPath(new URL('../test/fixtures/custom-qualifier', import.meta.url));
let moto: MotoServer;
let a: SeededUser;
let b: SeededUser;
let c: SeededUser;
const homes = homeTracker();
const dirs: string[] = [];
const outputs: string[] = [];

beforeAll(async () => {
  moto = await startMoto();
  [a, b, c] = await Promise.all([seedUser(moto.endpoint, 'cdk-a'), seedUser(moto.endpoint, 'cdk-b'), seedUser(moto.endpoint, 'cdk-c')]);
}, 120_000);

afterAll(async () => {
  await moto?.stop();
  homes.cleanup();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  expect(secretsIn(outputs.join('\n'), [a, b, c])).toEqual([]);
});

/** A copy of the app whose cdk.json holds `settings`. */
function app(settings: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'awsperm-cdk-app-'));
  dirs.push(dir);
  cpSync(fixture, dir, { recursive: true });
  writeFileSync(join(dir, 'cdk.json'), JSON.stringify({ app: 'node bin/app.js', ...settings }));
  return dir;
}

async function who(cwd: string, env: Record<string, string>, extra: { profile?: string } = {}) {
  const report = await whoami({ cwd, tool: 'cdk', env, adapters: [cdk()], ...extra });
  outputs.push(JSON.stringify(report));
  return report;
}

describe('credentials as the CDK CLI resolves them (temp HOME, moto)', () => {
  it('cdk.json "profile" beats ~/.cdk.json, --profile beats both; a settings profile ignores environment keys', async () => {
    const h = homes.home({ credentials: [keysSection('a', a), keysSection('b', b), keysSection('c', c)].join('\n') });
    h.write('.cdk.json', JSON.stringify({ profile: 'b' }));
    const envKeys = { AWS_ACCESS_KEY_ID: c.accessKeyId, AWS_SECRET_ACCESS_KEY: c.secretAccessKey };
    const project = await who(app({ profile: 'a' }), cleanEnv(h, envKeys, moto.endpoint));
    expect(project.credentials?.rules).toBe('cdk');
    expect(project.identity?.arn).toBe(a.arn);
    expect(project.credentials?.selectedProfile).toMatchObject({ name: 'a', reason: 'cdk.json "profile"' });
    expect(project.credentials?.warnings.join('\n')).toMatch(/uses the profile and ignores the environment keys/);
    const user = await who(app(), cleanEnv(h, {}, moto.endpoint));
    expect(user.identity?.arn).toBe(b.arn);
    expect(user.credentials?.selectedProfile).toMatchObject({ name: 'b', reason: '~/.cdk.json "profile"' });
    const flag = await who(app({ profile: 'a' }), cleanEnv(h, {}, moto.endpoint), { profile: 'c' });
    expect(flag.identity?.arn).toBe(c.arn);
  });

  it('without a settings profile, environment keys come first even with AWS_PROFILE; AWS_DEFAULT_PROFILE selects a profile', async () => {
    const h = homes.home({ credentials: [keysSection('a', a), keysSection('b', b)].join('\n') });
    const env = await who(app(), cleanEnv(h, { AWS_PROFILE: 'a', AWS_ACCESS_KEY_ID: b.accessKeyId, AWS_SECRET_ACCESS_KEY: b.secretAccessKey }, moto.endpoint));
    expect(env.identity?.arn).toBe(b.arn);
    expect(env.credentials?.source).toBe('environment');
    expect(env.credentials?.warnings.join('\n')).toMatch(/uses the environment keys first/);
    const amazon = await who(app(), cleanEnv(h, { AMAZON_ACCESS_KEY_ID: a.accessKeyId, AMAZON_SECRET_ACCESS_KEY: a.secretAccessKey }, moto.endpoint));
    expect(amazon.identity?.arn).toBe(a.arn);
    const fallback = await who(app(), cleanEnv(h, { AWS_DEFAULT_PROFILE: 'b' }, moto.endpoint));
    expect(fallback.identity?.arn).toBe(b.arn);
    expect(fallback.credentials?.selectedProfile).toMatchObject({ name: 'b', reason: 'AWS_DEFAULT_PROFILE' });
  });

  it('region: AWS_REGION, AWS_DEFAULT_REGION, the profile’s, else us-east-1', async () => {
    const h = homes.home({ credentials: [keysSection('a', a), keysSection('c', c, { region: 'ap-south-1' })].join('\n') });
    expect((await who(app({ profile: 'c' }), cleanEnv(h, {}, moto.endpoint))).region).toBe('ap-south-1');
    expect((await who(app({ profile: 'c' }), cleanEnv(h, { AWS_DEFAULT_REGION: 'eu-north-1' }, moto.endpoint))).region).toBe('eu-north-1');
    expect((await who(app({ profile: 'a' }), cleanEnv(h, {}, moto.endpoint))).region).toBe('us-east-1');
  });
});
