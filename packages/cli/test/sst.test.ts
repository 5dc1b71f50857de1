import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, homeTracker, keysSection, type MotoServer, type SeededUser, secretsIn, seedUser, startMoto } from '../../core/test/moto/harness.ts';
import { recordingRunner, root } from './helpers.ts';

/** The SST adapter's fixtures: real project layouts per SST major version. */
const fixture = (name: string): string => join(root, 'packages/adapter-sst/test/fixtures', name);

let moto: MotoServer;
const users: Record<string, SeededUser> = {};
const homes = homeTracker();
const outputs: string[] = [];
const awsperm = recordingRunner(outputs);
const PROFILES = ['default', 'prod-profile', 'dev', 'staging-profile', 'acme-carol', 'old-config-profile', 'from-dotenv', 'dotenv-profile', 'prod-late', 'env-user'];

/** A HOME whose credentials file has one profile per seeded user (profile name = user). */
function env(extra: Record<string, string> = {}) {
  const h = homes.home({ credentials: PROFILES.filter((p) => p !== 'env-user').map((p) => keysSection(p, users[p]!)).join('') });
  return cleanEnv(h, extra, moto.endpoint);
}

/** A copy of a fixture in a temporary directory, with extra files (e.g. a .env holding keys moto issued). */
function copyOf(name: string, files: Record<string, string>): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'awsperm-sst-')), name);
  cpSync(fixture(name), dir, { recursive: true });
  for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, file), content);
  return dir;
}

async function whoami(cwd: string, extraEnv: Record<string, string> = {}, args: string[] = []) {
  const r = await awsperm(['whoami', '--tool', 'sst', '--cwd', cwd, ...args, '--format', 'json'], env(extraEnv));
  expect(r.code, r.stderr).toBe(0);
  const json = JSON.parse(r.stdout);
  expect(json.tool).toBe('sst');
  return json;
}

beforeAll(async () => {
  moto = await startMoto();
  const seeded = await Promise.all(PROFILES.map((p) => seedUser(moto.endpoint, `sst-${p}`)));
  PROFILES.forEach((p, i) => {
    users[p] = seeded[i]!;
  });
});

afterAll(async () => {
  await moto?.stop();
  homes.cleanup();
  expect(secretsIn(outputs.join('\n'), Object.values(users))).toEqual([]);
});

describe('awsperm whoami --tool sst: the stage, profile and identity SST would deploy with (spawned, against moto)', () => {
  describe('SST v1 (sst.json)', () => {
    it('--stage and AWS_PROFILE: the AWS_PROFILE user; SST_STAGE is ignored', async () => {
      const json = await whoami(fixture('v1-basic'), { AWS_PROFILE: 'prod-profile', SST_STAGE: 'ignored' }, ['--stage', 'prod']);
      expect(json.stage).toBe('prod');
      expect(json.credentials.profile).toBe('prod-profile');
      expect(json.identity.arn).toBe(users['prod-profile']!.arn);
      expect(json.region).toBe('eu-west-1');
    });

    it('.sst/stage gives the stage; the default profile', async () => {
      const json = await whoami(fixture('v1-personal-stage'));
      expect(json.stage).toBe('alice');
      expect(json.credentials.profile).toBe('default');
      expect(json.identity.arn).toBe(users.default!.arn);
    });

    it('sst.json "stage" (deprecated) gives the stage', async () => {
      const json = await whoami(fixture('v1-json-stage'), { AWS_PROFILE: 'dev' });
      expect(json.stage).toBe('staging');
      expect(json.credentials.profile).toBe('dev');
      expect(json.identity.arn).toBe(users.dev!.arn);
      expect(json.region).toBe('ap-southeast-2');
    });

    it('.env is not read for credentials: its AWS_PROFILE does not apply', async () => {
      const json = await whoami(fixture('v1-dotenv'), {}, ['--stage', 'dev']);
      expect(json.stage).toBe('dev');
      expect(json.credentials.profile).toBe('default');
      expect(json.identity.arn).toBe(users.default!.arn);
    });

    it('--profile is used alone, even with environment keys', async () => {
      const keys = users['env-user']!;
      const json = await whoami(fixture('v1-basic'), { AWS_ACCESS_KEY_ID: keys.accessKeyId, AWS_SECRET_ACCESS_KEY: keys.secretAccessKey }, ['--stage', 'prod', '--profile', 'prod-profile']);
      expect(json.credentials.profile).toBe('prod-profile');
      expect(json.identity.arn).toBe(users['prod-profile']!.arn);
    });
  });

  describe('SST v2 (sst.config.ts exporting config/stacks)', () => {
    it('a stage-dependent profile: --stage prod selects prod-profile', async () => {
      const json = await whoami(fixture('v2-stage-profile'), {}, ['--stage', 'prod']);
      expect(json.stage).toBe('prod');
      expect(json.credentials.profile).toBe('prod-profile');
      expect(json.identity.arn).toBe(users['prod-profile']!.arn);
      expect(json.region).toBe('us-west-2');
    });

    it('SST_STAGE=prod: the stage is prod, but config() sees no stage, so SST deploys as dev', async () => {
      const json = await whoami(fixture('v2-stage-profile'), { SST_STAGE: 'prod' });
      expect(json.stage).toBe('prod');
      expect(json.credentials.profile).toBe('dev');
      expect(json.identity.arn).toBe(users.dev!.arn);
      expect(json.credentials.warnings.join('\n')).toMatch(/input\.stage is undefined/);
    });

    it('SST_STAGE from the project .env', async () => {
      const json = await whoami(fixture('v2-env-stage'), { AWS_PROFILE: 'staging-profile' });
      expect(json.stage).toBe('qa');
      expect(json.credentials.profile).toBe('staging-profile');
      expect(json.identity.arn).toBe(users['staging-profile']!.arn);
    });

    it('monorepo: the config is found walking up from packages/web; .sst/stage at the root', async () => {
      const json = await whoami(fixture('v2-monorepo/packages/web'), { AWS_PROFILE: 'dev' });
      expect(json.stage).toBe('bob');
      expect(json.credentials.profile).toBe('dev');
      expect(json.identity.arn).toBe(users.dev!.arn);
      expect(json.region).toBe('eu-north-1');
    });

    it('.env sets AWS_PROFILE before the profile is decided; .env.<stage> (loaded after) still reaches the SDK chain', async () => {
      const dev = await whoami(fixture('v2-dotenv-profile'), {}, ['--stage', 'dev']);
      expect(dev.stage).toBe('dev');
      expect(dev.credentials.profile).toBe('dotenv-profile');
      expect(dev.identity.arn).toBe(users['dotenv-profile']!.arn);
      const prod = await whoami(fixture('v2-dotenv-profile'), {}, ['--stage', 'prod']);
      expect(prod.credentials.profile).toBe('prod-late');
      expect(prod.identity.arn).toBe(users['prod-late']!.arn);
      expect(prod.credentials.warnings.join('\n')).toMatch(/reads AWS_PROFILE from .*\.env/);
    });

    it('keys in .env.local cancel the config profile (decided after .env.local loads): the keys’ user', async () => {
      const keys = users['env-user']!;
      const cwd = copyOf('v2-stage-profile', { '.env.local': `AWS_ACCESS_KEY_ID=${keys.accessKeyId}\nAWS_SECRET_ACCESS_KEY=${keys.secretAccessKey}\n` });
      const json = await whoami(cwd, {}, ['--stage', 'prod']);
      expect(json.stage).toBe('prod');
      expect(json.credentials.source).toBe('environment');
      expect(json.credentials.profile).toBeNull();
      expect(json.identity.arn).toBe(keys.arn);
      expect(json.credentials.warnings.join('\n')).toMatch(/SST v2 ignores the profile 'prod-profile'/);
    });

    it('keys in .env.<stage> arrive after the profile is decided: the config profile wins', async () => {
      const keys = users['env-user']!;
      const cwd = copyOf('v2-stage-profile', { '.env.prod': `AWS_ACCESS_KEY_ID=${keys.accessKeyId}\nAWS_SECRET_ACCESS_KEY=${keys.secretAccessKey}\n` });
      const json = await whoami(cwd, {}, ['--stage', 'prod']);
      expect(json.credentials.profile).toBe('prod-profile');
      expect(json.identity.arn).toBe(users['prod-profile']!.arn);
    });
  });

  describe('SST v3/v4 (sst.config.ts with $config)', () => {
    it('a stage-dependent profile: --stage prod and SST_STAGE=prod both select prod-profile (app() sees the resolved stage)', async () => {
      for (const [extra, args] of [
        [{}, ['--stage', 'prod']],
        [{ SST_STAGE: 'prod' }, []],
      ] as const) {
        const json = await whoami(fixture('v3-stage-profile'), { ...extra }, [...args]);
        expect(json.stage).toBe('prod');
        expect(json.credentials.profile).toBe('prod-profile');
        expect(json.identity.arn).toBe(users['prod-profile']!.arn);
        expect(json.region).toBe('eu-central-1');
      }
    });

    it('.env gives SST_STAGE, .env.<stage> gives AWS_PROFILE', async () => {
      const json = await whoami(fixture('v3-env-stage'));
      expect(json.stage).toBe('staging');
      expect(json.credentials.profile).toBe('staging-profile');
      expect(json.identity.arn).toBe(users['staging-profile']!.arn);
    });

    it('monorepo: config found walking up, .sst/stage carol, profile acme-<stage>', async () => {
      const json = await whoami(fixture('v3-monorepo/packages/app'));
      expect(json.stage).toBe('carol');
      expect(json.credentials.profile).toBe('acme-carol');
      expect(json.identity.arn).toBe(users['acme-carol']!.arn);
      expect(json.region).toBe('us-east-2');
    });

    it('before 3.2.64 the config profile beats AWS_PROFILE; from 3.2.64 AWS_PROFILE wins', async () => {
      const old = await whoami(fixture('v3-old'), { AWS_PROFILE: 'dev' }, ['--stage', 'dev']);
      expect(old.credentials.profile).toBe('old-config-profile');
      expect(old.identity.arn).toBe(users['old-config-profile']!.arn);
      const current = await whoami(fixture('v3-stage-profile'), { AWS_PROFILE: 'staging-profile' }, ['--stage', 'prod']);
      expect(current.credentials.profile).toBe('staging-profile');
      expect(current.identity.arn).toBe(users['staging-profile']!.arn);
    });

    it('keys in .env are used when no profile is configured', async () => {
      const keys = users['env-user']!;
      const cwd = copyOf('v3-env-stage', { '.env': `SST_STAGE=staging\n`, '.env.staging': `AWS_ACCESS_KEY_ID=${keys.accessKeyId}\nAWS_SECRET_ACCESS_KEY=${keys.secretAccessKey}\n` });
      const json = await whoami(cwd);
      expect(json.stage).toBe('staging');
      expect(json.credentials.source).toBe('environment');
      expect(json.identity.arn).toBe(keys.arn);
    });
  });
});

describe('SST error paths: one or two lines, exit 2, no stack trace', () => {
  const cases: [string, string[], RegExp][] = [
    ['v1 and v2 configs side by side', ['--cwd', fixture('v1v2-ambiguous')], /holds both sst\.json \(SST v1\) and sst\.config\.ts/],
    ['a throwing config names the file and line', ['--cwd', fixture('v2-throws'), '--stage', 'dev'], /v2-throws\/sst\.config\.ts:4: config\(\) threw: Error: missing REGION/],
    ['a throwing v3 app()', ['--cwd', fixture('v3-throws'), '--stage', 'dev'], /v3-throws\/sst\.config\.ts:5: app\(\) threw: Error: only prod is allowed/],
    ['an app() that never returns is stopped', ['--cwd', fixture('v3-infinite'), '--stage', 'dev'], /app\(\) took longer than 2000 ms/],
    ['sst.json without a name', ['--cwd', fixture('v1-no-name')], /"name" is required/],
    ['sst.json that is not JSON', ['--cwd', fixture('v1-bad-json')], /v1-bad-json\/sst\.json: not valid JSON/],
    ['a v3 config pinned to sst 2.x', ['--cwd', fixture('v3-version-mismatch'), '--stage', 'dev'], /calls \$config\(\.\.\.\) \(SST v3\/v4\), but/],
    ['a v3 app() without home', ['--cwd', fixture('v3-no-home'), '--stage', 'dev'], /app\(\) must return a "home"/],
    ['v1 does not walk up: no SST project in a subdirectory', ['--cwd', fixture('v1-monorepo/packages/api')], /no SST project in .*v1-monorepo\/packages\/api/],
    ['--role-arn on SST v2', ['--cwd', fixture('v2-stage-profile'), '--stage', 'dev', '--role-arn', 'arn:aws:iam::123456789012:role/x'], /SST v2 has no --role-arn/],
  ];
  for (const [what, args, message] of cases) {
    it(what, async () => {
      const command = args.includes('--role-arn') ? 'check' : 'whoami';
      const extra = command === 'check' ? ['--policy', join(root, 'examples/up-app/policies/administrator.json')] : [];
      const r = await awsperm([command, '--tool', 'sst', ...args, ...extra, '--format', 'json'], env());
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('a config importing packages that are not installed loads (v2 ./stacks/Api → sst/constructs; v3 imports sst and ./infra)', async () => {
    const v2 = await whoami(fixture('v2-stage-profile'), {}, ['--stage', 'dev']);
    expect(v2.identity.arn).toBe(users.dev!.arn);
    const v3 = await whoami(fixture('v3-env-stage'));
    expect(v3.stage).toBe('staging');
  });
});
