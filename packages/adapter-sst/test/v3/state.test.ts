// The stage's deployed state decides deletes: what is in the state but gone from the config must be deletable.
// From `--state <file>` (what `sst state export` prints), and in live modes read by awsperm itself from the state
// bucket named by /sst/bootstrap (moto_server on loopback).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { check } from '@awsperm/core';
import { cleanEnv, homeTracker, type MotoServer, seedObject, seedParameter, seedUser, startMoto } from '@awsperm/test-utils/moto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sst } from '../../src/index.ts';
import { FIXTURES } from './load.ts';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSTATESECRET';
const dir = mkdtempSync(join(tmpdir(), 'awsperm-sst-state-'));
const homes = homeTracker();
let moto: MotoServer | undefined;
afterAll(async () => {
  await moto?.stop();
  homes.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const STACK = 'urn:pulumi:dev::order-flow::pulumi:pulumi:Stack::order-flow-dev';
const urn = (type: string, name: string, parentType?: string) => `urn:pulumi:dev::order-flow::${parentType ? `${parentType}$` : ''}${type}::${name}`;
/** The dev stage as deployed: the Jobs queue the config still has, and a table and a bucket it no longer has. */
const CHECKPOINT = {
  stack: 'organization/order-flow/dev',
  latest: {
    manifest: { time: '2026-11-30T10:00:00Z', version: 'v3.140.0' },
    secrets_providers: { type: 'passphrase', state: { salt: 'v1:abc' } },
    resources: [
      { urn: STACK, type: 'pulumi:pulumi:Stack', outputs: { token: SECRET } },
      { urn: urn('sst:aws:Queue', 'Jobs'), type: 'sst:aws:Queue', parent: STACK },
      { urn: urn('aws:sqs/queue:Queue', 'JobsQueue', 'sst:aws:Queue'), type: 'aws:sqs/queue:Queue', parent: urn('sst:aws:Queue', 'Jobs'), outputs: { url: 'https://sqs' } },
      { urn: urn('aws:dynamodb/table:Table', 'OldTable'), type: 'aws:dynamodb/table:Table', parent: STACK, inputs: { name: 'order-flow-dev-old', secret: SECRET } },
      { urn: urn('sst:aws:Bucket', 'OldUploads'), type: 'sst:aws:Bucket', parent: STACK },
      { urn: urn('aws:s3/bucketV2:BucketV2', 'OldUploadsBucket', 'sst:aws:Bucket'), type: 'aws:s3/bucketV2:BucketV2', parent: urn('sst:aws:Bucket', 'OldUploads') },
    ],
  },
};
const write = (name: string, content: unknown): string => {
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
};
const DENY_DELETE_TABLE = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: 'dynamodb:DeleteTable', Resource: '*' }] };
const cwd = fileURLToPath(new URL('queue-topic', FIXTURES));
const base = { cwd, tool: 'sst', stage: 'dev', adapters: [sst({ username: 'tester' })] };

describe('--state <file>', () => {
  const env = { HOME: dir, AWS_EC2_METADATA_DISABLED: 'true' };
  const policy = write('deny-delete-table.json', DENY_DELETE_TABLE);

  test('a resource removed from the config requires its delete actions; without the state it is not required', async () => {
    const without = await check({ ...base, env, policy: [policy] });
    expect(without.ok).toBe(true);
    expect(without.fragments.map((f) => f.id)).not.toContain('sst.app.removed');

    const state = write('state.json', CHECKPOINT);
    const withState = await check({ ...base, env, policy: [policy], state });
    expect(withState.ok).toBe(false);
    const removed = withState.fragments.find((f) => f.id === 'sst.app.removed');
    expect(removed?.requirements.filter((r) => r.decision !== 'allowed').map((r) => r.action)).toEqual(['dynamodb:DeleteTable']);
    expect(removed?.requirements.map((r) => r.action)).toEqual(expect.arrayContaining(['dynamodb:DeleteTable', 's3:DeleteBucket']));
    // The queue the config still has is not deleted.
    expect(removed?.requirements.map((r) => r.action)).not.toContain('sqs:DeleteQueue');
    expect(JSON.stringify(withState)).not.toContain(SECRET);
  });

  test('the same through the export wrapper (`{ version, checkpoint }`)', async () => {
    const state = write('wrapped.json', { version: 3, checkpoint: CHECKPOINT });
    const report = await check({ ...base, env, policy: [policy], state });
    expect(report.fragments.map((f) => f.id)).toContain('sst.app.removed');
  });

  test('a state file that is not JSON: a config error naming the file, nothing echoed', async () => {
    const state = write('bad.json', `{ "stack": "${SECRET}"`);
    const error = await check({ ...base, env, policy: [policy], state }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'JSON_INVALID' });
    expect((error as Error).message).toContain('bad.json');
    expect((error as Error).message).not.toContain(SECRET);
  });
});

describe('live modes read the stage’s state from the state bucket (moto)', () => {
  beforeAll(async () => {
    moto = await startMoto();
    await seedParameter(moto.endpoint, 'us-east-1', '/sst/bootstrap', JSON.stringify({ version: 'v1', asset: 'sst-asset-abc', state: 'sst-state-abc123' }));
    await seedObject(moto.endpoint, 'us-east-1', 'sst-state-abc123', 'app/order-flow/dev.json', JSON.stringify({ version: 3, checkpoint: CHECKPOINT }));
  }, 60_000);

  test('check --mode local: the removed table’s delete is required and denied', async () => {
    const user = await seedUser(moto!.endpoint, 'sst-deployer', DENY_DELETE_TABLE);
    const home = homes.home();
    const env = cleanEnv(home, { AWS_ACCESS_KEY_ID: user.accessKeyId, AWS_SECRET_ACCESS_KEY: user.secretAccessKey, AWS_REGION: 'us-east-1' }, moto!.endpoint);
    const report = await check({ ...base, env, mode: 'local' });
    expect(report.mode).toBe('local');
    const removed = report.fragments.find((f) => f.id === 'sst.app.removed');
    expect(removed?.requirements.find((r) => r.action === 'dynamodb:DeleteTable')?.decision).toBe('explicitDeny');
    // Live: the ARNs are scoped to the caller's account (moto's 123456789012), not "*".
    const queue = report.fragments.find((f) => f.id === 'sst.app.Jobs')?.requirements.find((r) => r.action === 'sqs:CreateQueue');
    expect(queue?.resource).toBe('arn:aws:sqs:us-east-1:123456789012:order-flow-dev-*');
    expect(report.ok).toBe(false);
    expect(JSON.stringify(report)).not.toContain(SECRET);
    expect(JSON.stringify(report)).not.toContain(user.secretAccessKey);
  });

  test('a stage never deployed (no state object): nothing removed, no warning', async () => {
    const user = await seedUser(moto!.endpoint, 'sst-deployer-2', DENY_DELETE_TABLE);
    const env = cleanEnv(homes.home(), { AWS_ACCESS_KEY_ID: user.accessKeyId, AWS_SECRET_ACCESS_KEY: user.secretAccessKey, AWS_REGION: 'us-east-1' }, moto!.endpoint);
    const report = await check({ ...base, stage: 'fresh', env, mode: 'local' });
    expect(report.fragments.map((f) => f.id)).not.toContain('sst.app.removed');
    expect(report.ok).toBe(true);
    expect(report.warnings ?? []).not.toContainEqual(expect.stringMatching(/state/));
  });
});
