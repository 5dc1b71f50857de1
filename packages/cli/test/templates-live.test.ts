import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedLiveCheckFixtures } from '@awsperm/test-utils/moto/seed-live';
import { cleanEnv, homeTracker, keysSection, type MotoServer, type SeededUser, secretsIn, startMoto } from '@awsperm/test-utils/moto';
import { recordingRunner, root, tempFile } from './helpers.ts';

const cdkOut = join(root, 'packages/core/test/fixtures/cdk-app/cdk.out');
let moto: MotoServer;
let caller: SeededUser;
const homes = homeTracker();
const outputs: string[] = [];
const awsperm = recordingRunner(outputs);

beforeAll(async () => {
  moto = await startMoto();
  ({ caller } = await seedLiveCheckFixtures(moto.endpoint));
});

afterAll(async () => {
  await moto?.stop();
  homes.cleanup();
  expect(secretsIn(outputs.join('\n'), [caller])).toEqual([]);
});

const env = () => cleanEnv(homes.home({ credentials: keysSection('default', caller) }), { AWS_REGION: 'eu-west-1' }, moto.endpoint);

describe('awsperm check --template in a live mode (spawned, against moto)', () => {
  it('asks cloudformation:DescribeType only for types nothing local knows, and still reports what stays unresolved', async () => {
    const known = tempFile('queue.json', JSON.stringify({ Resources: { Q: { Type: 'AWS::SQS::Queue' } } }));
    const base = await awsperm(['check', '--template', known, '--mode', 'local', '--format', 'json'], env());
    const baseline = JSON.parse(base.stdout);
    expect(baseline.unresolvedTypes).toEqual([]);

    const r = await awsperm(['check', '--template', cdkOut, '--mode', 'local', '--format', 'json'], env());
    expect(r.code, r.stderr).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.mode).toBe('local');
    expect(json.policySet).toBe('template');
    expect(json.unresolvedTypes.map((u: { type: string }) => u.type)).toEqual(['AWS::Foo::Bar']);
    // The extra requests are DescribeType for AWS::Foo::Bar (moto does not know it; the SDK may retry).
    expect(json.requests).toBeGreaterThan(baseline.requests);
    // Account and region come from the cloud assembly; the identity's account is only a fallback.
    expect(json.results.some((x: { resource: string }) => x.resource === 'arn:aws:dynamodb:eu-west-1:123456789012:table/my-app-dev-table')).toBe(true);

    const text = await awsperm(['check', '--template', cdkOut, '--mode', 'local'], env());
    expect(text.stdout).toMatch(/Pass AWS's CloudFormation schema bundle with --cfn-schemas <dir\|zip> \(CloudformationSchema\.zip\)\.$/m);
  });
});
