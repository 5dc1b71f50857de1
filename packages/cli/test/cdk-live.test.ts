import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, homeTracker, keysSection, type MotoServer, type SeededUser, secretsIn, seedParameter, seedRole, seedUser, startMoto } from '@awsperm/test-utils/moto';
import { recordingRunner, root } from './helpers.ts';

// The custom-qualifier fixture is environment-agnostic: its roles are the caller's account's (moto: 123456789012).
const app = join(root, 'packages/adapter-cdk/test/fixtures/custom-qualifier');
const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const name = (kind: string) => `cdk-team42-${kind}-role-${ACCOUNT}-${REGION}`;
const all = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

let moto: MotoServer;
let caller: SeededUser;
const homes = homeTracker();
const outputs: string[] = [];
const awsperm = recordingRunner(outputs);

beforeAll(async () => {
  moto = await startMoto();
  caller = await seedUser(moto.endpoint, 'cdk-ci', all);
  await seedRole(moto.endpoint, name('deploy'), { policy: all });
  await seedRole(moto.endpoint, name('file-publishing'), { policy: all });
  await seedRole(moto.endpoint, name('lookup'));
  // The execution role narrowed with --cloudformation-execution-policies to everything but Lambda.
  // Trusting CloudFormation, as the bootstrap's execution role does (its trust policy is checked too).
  const cfnTrust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'cloudformation.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
  await seedRole(moto.endpoint, name('cfn-exec'), { policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', NotAction: 'lambda:*', Resource: '*' }] }, trust: cfnTrust });
}, 120_000);

afterAll(async () => {
  await moto?.stop();
  homes.cleanup();
  expect(secretsIn(outputs.join('\n'), [caller])).toEqual([]);
});

const env = () => cleanEnv(homes.home({ credentials: keysSection('default', caller) }), {}, moto.endpoint);

interface Principal {
  id: string;
  ok: boolean;
  results: { action: string; decision: string }[];
}

describe('awsperm check --tool cdk --mode local (spawned, against moto)', () => {
  it('checks each bootstrap role by its fetched policies; an older bootstrap names both versions', async () => {
    await seedParameter(moto.endpoint, REGION, '/cdk-bootstrap/team42/version', '5');
    const r = await awsperm(['check', '--cwd', app, '--region', REGION, '--mode', 'local', '--format', 'json'], env());
    expect(r.code, r.stderr).toBe(1);
    const json = JSON.parse(r.stdout);
    const byId = new Map((json.principals as Principal[]).map((p) => [p.id, p]));
    expect([...byId.keys()].sort()).toEqual(['cdk-deploy-role', 'cdk-exec-role', 'cdk-file-publishing-role', 'cdk-lookup-role']);
    expect(byId.get('cdk-deploy-role')!.ok).toBe(true);
    expect(byId.get('cdk-file-publishing-role')!.ok).toBe(true);
    const exec = byId.get('cdk-exec-role')!;
    expect(exec.ok).toBe(false);
    const denied = exec.results.filter((x) => x.decision !== 'allowed').map((x) => x.action);
    expect(denied).toContain('lambda:CreateFunction');
    expect(denied.every((a) => a.startsWith('lambda:'))).toBe(true);
    expect(JSON.stringify(json.unresolved)).toMatch(/bootstrap version 5, older than version 6/);
  });

  it('a current bootstrap is no finding', async () => {
    await seedParameter(moto.endpoint, REGION, '/cdk-bootstrap/team42/version', '32');
    const r = await awsperm(['check', '--cwd', app, '--region', REGION, '--mode', 'local', '--format', 'json'], env());
    expect(r.code, r.stderr).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.unresolved ?? []).toEqual([]);
    expect((json.principals as Principal[]).filter((p) => !p.ok).map((p) => p.id)).toEqual(['cdk-exec-role']);
  });
});
