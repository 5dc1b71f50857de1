// `policy --missing` in a live mode (spawned, against moto): the fix of the principal behind the credentials, and
// the loop closed — a user granted its policy plus that fix passes the same live check.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, homeTracker, keysSection, type MotoServer, secretsIn, type SeededUser, seedUser, startMoto } from '@awsperm/test-utils/moto';
import { recordingRunner, root } from './helpers.ts';

let moto: MotoServer;
let narrow: SeededUser;
const homes = homeTracker();
const outputs: string[] = [];
const awsperm = recordingRunner(outputs);
const deployer = JSON.parse(readFileSync(join(root, 'examples/up-app/policies/deployer.json'), 'utf8'));
const users: SeededUser[] = [];

const envOf = (user: SeededUser) => cleanEnv(homes.home({ credentials: keysSection('hello-dev', user) }), { AWS_REGION: 'eu-west-1' }, moto.endpoint);
const upApp = join(root, 'examples/up-app');

beforeAll(async () => {
  moto = await startMoto();
  narrow = await seedUser(moto.endpoint, 'missing-live-narrow', deployer);
  users.push(narrow);
});

afterAll(async () => {
  await moto?.stop();
  homes.cleanup();
  expect(secretsIn(outputs.join('\n'), users)).toEqual([]);
});

describe('awsperm policy --missing --mode local (spawned, against moto)', () => {
  it('prints the fix of the credentials’ principal; granting it makes the live check pass', async () => {
    const missing = await awsperm(['policy', '--missing', '--cwd', upApp, '--mode', 'local', '--format', 'document'], envOf(narrow));
    expect(missing.code, missing.stderr).toBe(0);
    const fix = JSON.parse(missing.stdout);
    expect(fix.Statement.flatMap((s: { Action: string | string[] }) => [s.Action].flat())).toEqual(['ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs']);
    const before = await awsperm(['check', '--cwd', upApp, '--mode', 'local'], envOf(narrow));
    expect(before.code).toBe(1);
    expect(before.stdout).toMatch(/^awsperm check · tool up · account \d{12} · region eu-west-1 · mode local$/m);
    const granted = await seedUser(moto.endpoint, 'missing-live-granted', { Version: '2012-10-17', Statement: [...deployer.Statement, ...fix.Statement] });
    users.push(granted);
    const after = await awsperm(['check', '--cwd', upApp, '--mode', 'local'], envOf(granted));
    expect(after.code, after.stdout).toBe(0);
  });
});
