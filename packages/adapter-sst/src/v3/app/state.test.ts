import { describe, expect, test } from 'vitest';
import { type AppInventory, emptyInventory } from './inventory.ts';
import { appRequirements } from './requirements.ts';
import { parseStateExport, stateChanges } from './state.ts';

const STACK = 'urn:pulumi:dev::shop::pulumi:pulumi:Stack::shop-dev';
const SECRET = 'AKIAEXAMPLESECRET/wJalrXUtnFEMI';
const res = (type: string, name: string, parent = STACK, extra: Record<string, unknown> = {}) => ({
  urn: `urn:pulumi:dev::shop::${parent === STACK ? '' : 'sst:aws:Function$'}${type}::${name}`,
  type,
  parent,
  inputs: { name, environment: { variables: { KEY: SECRET } } },
  outputs: { arn: `arn:${name}`, secret: { '4dabf18193072939515e22adb298388d': '1b47061264138c4ac30d75fd1eb44270', plaintext: `"${SECRET}"` } },
  ...extra,
});
/** A checkpoint as `sst state export` prints it, with secret inputs and outputs. */
const CHECKPOINT = {
  stack: 'organization/shop/dev',
  latest: {
    manifest: { time: '2026-11-30T10:00:00Z', version: 'v3.140.0' },
    secrets_providers: { type: 'passphrase', state: { salt: 'v1:abc' } },
    resources: [
      { urn: STACK, type: 'pulumi:pulumi:Stack', outputs: { _protect: false, token: SECRET } },
      { urn: 'urn:pulumi:dev::shop::pulumi:providers:aws::default_6_66_2', type: 'pulumi:providers:aws' },
      { urn: 'urn:pulumi:dev::shop::sst:aws:Function::Api', type: 'sst:aws:Function', parent: STACK },
      res('aws:lambda/function:Function', 'ApiFunction', 'urn:pulumi:dev::shop::sst:aws:Function::Api'),
      { urn: 'urn:pulumi:dev::shop::sst:aws:Function::Old', type: 'sst:aws:Function', parent: STACK },
      res('aws:lambda/function:Function', 'OldFunction', 'urn:pulumi:dev::shop::sst:aws:Function::Old'),
      res('aws:iam/role:Role', 'OldRole', 'urn:pulumi:dev::shop::sst:aws:Function::Old'),
      res('aws:sqs/queue:Queue', 'LegacyQueue'),
      { urn: 'urn:pulumi:dev::shop::sst:sst:Version::Version', type: 'sst:sst:Version', parent: STACK },
    ],
  },
};
const INVENTORY: AppInventory = { ...emptyInventory('shop', 'dev'), components: [{ type: 'sst.aws.Function', name: 'Api', options: { handler: true }, calls: [] }] };

describe('sst state export', () => {
  test('parses the checkpoint (bare or wrapped) into types and names, keeping nothing of inputs, outputs or secrets', () => {
    const text = JSON.stringify(CHECKPOINT, null, 2);
    const state = parseStateExport(text);
    expect(state.map((r) => `${r.type} ${r.name}`)).toContain('aws:lambda/function:Function OldFunction');
    expect(state).toHaveLength(9);
    expect(JSON.stringify(state)).not.toContain(SECRET);
    expect(JSON.stringify(state)).not.toContain('1b47061264138c4ac30d75fd1eb44270');
    expect(parseStateExport(JSON.stringify({ version: 3, checkpoint: CHECKPOINT }))).toEqual(state);
  });

  test('bad input gets a one-line error', () => {
    expect(() => parseStateExport(`not json ${SECRET}`)).toThrow(expect.objectContaining({ code: 'JSON_INVALID', message: 'the SST state is not JSON' }));
    expect(() => parseStateExport('[]')).toThrow('the SST state is not a Pulumi checkpoint');
    expect(() => parseStateExport('{"latest":{"resources":{}}}')).toThrow('is not a list');
    expect(parseStateExport('{"stack":"organization/a/b"}')).toEqual([]);
  });

  test('resources gone from the config need their delete actions; those still there are kept; secrets never appear', () => {
    const state = parseStateExport(JSON.stringify(CHECKPOINT));
    const { kept, removed } = stateChanges(state, INVENTORY);
    expect(kept.map((r) => r.name)).toEqual(['Api', 'ApiFunction']);
    expect(removed.map((r) => r.name)).toEqual(['Old', 'OldFunction', 'OldRole', 'LegacyQueue']);
    const req = appRequirements(INVENTORY, { sstVersion: '3.17.25', app: 'shop', stage: 'dev', account: '111122223333', region: 'us-east-1', state });
    const gone = req.fragments.find((f) => f.id === 'sst.app.removed');
    const actions = gone?.statements.flatMap((s) => s.Action) ?? [];
    expect(actions).toEqual(expect.arrayContaining(['lambda:DeleteFunction', 'iam:DeleteRole', 'sqs:DeleteQueue']));
    expect(actions).not.toContain('lambda:CreateFunction');
    expect(JSON.stringify(req)).not.toContain(SECRET);
    const without = appRequirements(INVENTORY, { sstVersion: '3.17.25', app: 'shop', stage: 'dev' });
    expect(without.fragments.map((f) => f.id)).not.toContain('sst.app.removed');
  });
});
