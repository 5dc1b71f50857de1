import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AdapterAws, type AdapterLog, AwspermError } from '@awsperm/core';
import { afterAll, describe, expect, test } from 'vitest';
import { deployedState, stateObjectKey } from './deployed-state.ts';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSTATESECRET';
const STACK = 'urn:pulumi:dev::shop::pulumi:pulumi:Stack::shop-dev';
/** A checkpoint as `sst state export` prints it, secrets in inputs and outputs. */
const CHECKPOINT = {
  stack: 'organization/shop/dev',
  latest: {
    manifest: { time: '2026-11-30T10:00:00Z', version: 'v3.140.0' },
    secrets_providers: { type: 'passphrase', state: { salt: `v1:${SECRET}` } },
    resources: [
      { urn: STACK, type: 'pulumi:pulumi:Stack', outputs: { token: SECRET } },
      { urn: 'urn:pulumi:dev::shop::sst:aws:Function::Api', type: 'sst:aws:Function', parent: STACK },
      {
        urn: 'urn:pulumi:dev::shop::sst:aws:Function$aws:lambda/function:Function::ApiFunction',
        type: 'aws:lambda/function:Function',
        parent: 'urn:pulumi:dev::shop::sst:aws:Function::Api',
        inputs: { environment: { variables: { KEY: SECRET } } },
        outputs: { secret: { '4dabf18193072939515e22adb298388d': '1b47061264138c4ac30d75fd1eb44270', plaintext: `"${SECRET}"` } },
      },
    ],
  },
};
/** The object in the state bucket: the checkpoint wrapped in a Pulumi VersionedCheckpoint. */
const VERSIONED = { version: 3, checkpoint: CHECKPOINT };
const URNS = CHECKPOINT.latest.resources.map((r) => r.urn);

const dir = mkdtempSync(join(tmpdir(), 'awsperm-sst-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

function recorder(): AdapterLog & { warnings: string[]; debugs: string[] } {
  const warnings: string[] = [];
  const debugs: string[] = [];
  return { warnings, debugs, warn: (m) => warnings.push(m), debug: (m) => debugs.push(m) };
}

/** An `aws` facility answering from maps; `fail` makes a call throw. */
function fakeAws(
  parameters: Record<string, string>,
  objects: Record<string, string | Uint8Array>,
  fail: { parameter?: AwspermError; object?: AwspermError } = {},
): AdapterAws & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async getParameter(name) {
      calls.push(`ssm:${name}`);
      if (fail.parameter) throw fail.parameter;
      return parameters[name];
    },
    async getObject(bucket, key) {
      calls.push(`s3:${bucket}/${key}`);
      if (fail.object) throw fail.object;
      const o = objects[`${bucket}/${key}`];
      return typeof o === 'string' ? new TextEncoder().encode(o) : o;
    },
  };
}

const BOOTSTRAP = { '/sst/bootstrap': JSON.stringify({ version: 'v3', asset: 'sst-asset-abc', state: 'sst-state-abc' }) };
const OBJECTS = { 'sst-state-abc/app/shop/dev.json': JSON.stringify(VERSIONED) };
const target = { app: 'shop', stage: 'dev' };

describe('deployedState from --state', () => {
  test('reads the export, keeping types, URNs and names only', async () => {
    const log = recorder();
    const path = file('export.json', JSON.stringify(CHECKPOINT, null, 2));
    const aws = fakeAws(BOOTSTRAP, OBJECTS);
    const got = await deployedState({ args: { state: path }, aws, log }, target);
    expect(got?.from).toBe(path);
    expect(got?.resources.map((r) => r.urn)).toEqual(URNS);
    expect(got?.resources[2]).toEqual({ urn: URNS[2], type: 'aws:lambda/function:Function', name: 'ApiFunction', parent: URNS[1] });
    expect(JSON.stringify(got)).not.toContain(SECRET);
    expect(JSON.stringify(got)).not.toContain('1b47061264138c4ac30d75fd1eb44270');
    // The file wins: no AWS call.
    expect(aws.calls).toEqual([]);
    expect(log.warnings).toEqual([]);
  });

  test('reads the raw VersionedCheckpoint object too', async () => {
    const got = await deployedState({ args: { state: file('raw.json', JSON.stringify(VERSIONED)) }, log: recorder() }, target);
    expect(got?.resources.map((r) => r.type)).toEqual(['pulumi:pulumi:Stack', 'sst:aws:Function', 'aws:lambda/function:Function']);
  });

  test('a file that is not JSON: JSON_INVALID (exit 2) naming the file, nothing of its content echoed', async () => {
    const path = file('broken.json', `{"latest":{"resources":[{"urn":"x","inputs":{"k":"${SECRET}"`);
    const error = await deployedState({ args: { state: path }, log: recorder() }, target).catch((e: unknown) => e);
    expect(AwspermError.is(error)).toBe(true);
    const e = error as AwspermError;
    expect(e.code).toBe('JSON_INVALID');
    expect(e.kind).toBe('config');
    expect(e.message).toBe(`${path}: the SST state is not JSON`);
    expect(e.message).not.toContain('\n');
    expect(`${e.message} ${e.hint}`).not.toContain(SECRET);
  });

  test('JSON that is not a checkpoint: JSON_INVALID naming the file', async () => {
    const path = file('policy.json', JSON.stringify({ Version: '2012-10-17', Statement: [], token: SECRET }));
    const e = (await deployedState({ args: { state: path }, log: recorder() }, target).catch((x: unknown) => x)) as AwspermError;
    expect(e.code).toBe('JSON_INVALID');
    expect(e.message).toBe(`${path}: the SST state is not a Pulumi checkpoint`);
    expect(e.message).not.toContain(SECRET);
  });

  test('a missing file: FILE_NOT_FOUND (exit 2) naming it; a directory: FILE_UNREADABLE', async () => {
    const missing = join(dir, 'nope.json');
    const e = (await deployedState({ args: { state: missing }, log: recorder() }, target).catch((x: unknown) => x)) as AwspermError;
    expect(e.code).toBe('FILE_NOT_FOUND');
    expect(e.kind).toBe('usage');
    expect(e.message).toContain(missing);
    const d = (await deployedState({ args: { state: dir }, log: recorder() }, target).catch((x: unknown) => x)) as AwspermError;
    expect(d.code).toBe('FILE_UNREADABLE');
  });
});

describe('deployedState from AWS (live modes)', () => {
  test('reads /sst/bootstrap for the bucket, then app/<app>/<stage>.json, and unwraps the checkpoint', async () => {
    const log = recorder();
    const aws = fakeAws(BOOTSTRAP, OBJECTS);
    const got = await deployedState({ args: {}, aws, log }, target);
    expect(aws.calls).toEqual(['ssm:/sst/bootstrap', 's3:sst-state-abc/app/shop/dev.json']);
    expect(got?.from).toBe('s3://sst-state-abc/app/shop/dev.json');
    expect(got?.resources.map((r) => r.urn)).toEqual(URNS);
    expect(JSON.stringify(got)).not.toContain(SECRET);
    expect(log.warnings).toEqual([]);
    expect(stateObjectKey('my-app', 'pr-12')).toBe('app/my-app/pr-12.json');
  });

  test('offline (no aws) and without --state: nothing, silently', async () => {
    const log = recorder();
    expect(await deployedState({ args: {}, log }, target)).toBeUndefined();
    expect(log.warnings).toEqual([]);
  });

  test('no bootstrap parameter, or no object: a first deploy, said only in the debug log', async () => {
    const log = recorder();
    expect(await deployedState({ args: {}, aws: fakeAws({}, OBJECTS), log }, target)).toBeUndefined();
    const aws = fakeAws(BOOTSTRAP, {});
    expect(await deployedState({ args: {}, aws, log }, { app: 'shop', stage: 'prod' })).toBeUndefined();
    expect(aws.calls).toEqual(['ssm:/sst/bootstrap', 's3:sst-state-abc/app/shop/prod.json']);
    expect(log.warnings).toEqual([]);
    expect(log.debugs).toHaveLength(2);
    expect(log.debugs[1]).toContain('s3://sst-state-abc/app/shop/prod.json');
  });

  test('a denied read: one warning naming the stage and the call, and no state', async () => {
    const denied = (call: string) => new AwspermError('ACCESS_DENIED', `${call} was denied (AccessDenied)`);
    const log = recorder();
    const ssm = fakeAws(BOOTSTRAP, OBJECTS, { parameter: denied('ssm:GetParameter /sst/bootstrap') });
    expect(await deployedState({ args: {}, aws: ssm, log }, target)).toBeUndefined();
    expect(log.warnings).toEqual([
      'could not read the deployed state of stage dev (ssm:GetParameter denied): resources removed from the config are not checked; give the output of `sst state export` (the state option)',
    ]);
    const s3 = fakeAws(BOOTSTRAP, OBJECTS, { object: denied('s3:GetObject s3://sst-state-abc/app/shop/dev.json') });
    expect(await deployedState({ args: {}, aws: s3, log }, target)).toBeUndefined();
    expect(log.warnings[1]).toBe(
      'could not read the deployed state of stage dev (s3:GetObject denied): resources removed from the config are not checked; give the output of `sst state export` (the state option)',
    );
  });

  test('other failures (network, timeout, credentials) are not hidden', async () => {
    const aws = fakeAws(BOOTSTRAP, OBJECTS, { object: new AwspermError('NETWORK', 's3:GetObject: could not reach AWS (ECONNREFUSED)') });
    const e = (await deployedState({ args: {}, aws, log: recorder() }, target).catch((x: unknown) => x)) as AwspermError;
    expect(e.code).toBe('NETWORK');
  });

  test('a bootstrap parameter without a bucket, or an object that is no checkpoint: a warning, no content echoed', async () => {
    const log = recorder();
    const noBucket = fakeAws({ '/sst/bootstrap': JSON.stringify({ asset: SECRET }) }, OBJECTS);
    expect(await deployedState({ args: {}, aws: noBucket, log }, target)).toBeUndefined();
    expect(noBucket.calls).toEqual(['ssm:/sst/bootstrap']);
    const garbage = fakeAws(BOOTSTRAP, { 'sst-state-abc/app/shop/dev.json': `{"checkpoint":{"latest":{"resources":"${SECRET}"}}}` });
    expect(await deployedState({ args: {}, aws: garbage, log }, target)).toBeUndefined();
    expect(log.warnings).toHaveLength(2);
    expect(log.warnings[0]).toContain('/sst/bootstrap names no state bucket');
    expect(log.warnings[1]).toContain('s3://sst-state-abc/app/shop/dev.json: the SST state has a "latest.resources" that is not a list');
    expect(log.warnings.join('\n')).not.toContain(SECRET);
  });
});
