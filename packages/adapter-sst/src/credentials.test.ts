import { hookContext } from '@awsperm/core/testing';
import { fileURLToPath } from 'node:url';
import { type Env, explainCredentials } from '@awsperm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, keysSection, makeHome, type MotoServer, type SeededUser, seedUser, startMoto, type TempHome } from '@awsperm/test-utils/moto';
import { sst } from './index.ts';

let moto: MotoServer;
let prodUser: SeededUser;
let devUser: SeededUser;
let envUser: SeededUser;
let h: TempHome;

const fixture = (name: string): string => fileURLToPath(new URL(`../test/fixtures/${name}`, import.meta.url));

/** What `awsperm whoami --tool sst --cwd <fixture> [--stage s]` does in-process: load the project, apply SST's rules. */
async function whoami(name: string, env: Env, stage?: string) {
  const adapter = sst({ username: 'tester' });
  const cwd = fixture(name);
  const detection = await adapter.detect(hookContext({ cwd }));
  const project = await adapter.loadProject({ ...hookContext({ cwd, env, args: { ...(stage ? { stage } : {}) } }), detection: detection! });
  const rules = await adapter.credentialRules!({ ...hookContext({ cwd, env }), project });
  const report = await explainCredentials(rules, { env });
  return { project, report };
}

beforeAll(async () => {
  moto = await startMoto();
  [prodUser, devUser, envUser] = await Promise.all([seedUser(moto.endpoint, 'sst-prod'), seedUser(moto.endpoint, 'sst-dev'), seedUser(moto.endpoint, 'sst-env')]);
  h = makeHome({ credentials: keysSection('prod-profile', prodUser) + keysSection('dev', devUser) });
});

afterAll(async () => {
  await moto?.stop();
  h?.cleanup();
});

describe("SST's credential rules against moto: the identity SST would deploy as", () => {
  it('v3: --stage prod selects prod-profile', async () => {
    const { project, report } = await whoami('v3-stage-profile', cleanEnv(h, {}, moto.endpoint), 'prod');
    expect(project.stage).toBe('prod');
    expect(report.credentials.profile).toBe('prod-profile');
    expect(report.identity?.arn).toBe(prodUser.arn);
    expect(report.credentials.region).toBe('eu-central-1');
  });

  it('v3: SST_STAGE=prod also selects prod-profile (app(input) sees the resolved stage)', async () => {
    const { report } = await whoami('v3-stage-profile', cleanEnv(h, { SST_STAGE: 'prod' }, moto.endpoint));
    expect(report.identity?.arn).toBe(prodUser.arn);
  });

  it('v3: a configured profile beats environment keys', async () => {
    const env = cleanEnv(h, { AWS_ACCESS_KEY_ID: envUser.accessKeyId, AWS_SECRET_ACCESS_KEY: envUser.secretAccessKey }, moto.endpoint);
    const { report } = await whoami('v3-stage-profile', env, 'dev');
    expect(report.identity?.arn).toBe(devUser.arn);
  });

  it('v2: --stage prod selects prod-profile; SST_STAGE=prod does not (config() sees CLI flags only)', async () => {
    const flag = await whoami('v2-stage-profile', cleanEnv(h, {}, moto.endpoint), 'prod');
    expect(flag.report.identity?.arn).toBe(prodUser.arn);
    expect(flag.report.credentials.region).toBe('us-west-2');
    const viaEnv = await whoami('v2-stage-profile', cleanEnv(h, { SST_STAGE: 'prod' }, moto.endpoint));
    expect(viaEnv.project.stage).toBe('prod');
    expect(viaEnv.report.identity?.arn).toBe(devUser.arn);
    expect(viaEnv.report.credentials.warnings.join('\n')).toMatch(/input\.stage is undefined/);
  });

  it('v2: environment keys cancel the config profile', async () => {
    const env = cleanEnv(h, { AWS_ACCESS_KEY_ID: envUser.accessKeyId, AWS_SECRET_ACCESS_KEY: envUser.secretAccessKey }, moto.endpoint);
    const { report } = await whoami('v2-stage-profile', env, 'prod');
    expect(report.identity?.arn).toBe(envUser.arn);
    expect(report.credentials.warnings.join('\n')).toMatch(/SST v2 ignores the profile 'prod-profile'/);
  });
});
