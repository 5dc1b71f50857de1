import { describe, expect, it } from 'vitest';
import { actionExists, actionsOfService, catalogVersion, expandAction, serviceExists, splitAction } from './catalog.ts';
import { AwspermError } from './errors.ts';

/** The AwspermError code a catalogue call fails with. */
async function errorCode(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (e) {
    expect(AwspermError.is(e)).toBe(true);
    return (e as AwspermError).code;
  }
  throw new Error('expected a rejection');
}

describe('expandAction', () => {
  it('expands a service wildcard into that service’s actions only', async () => {
    const actions = await expandAction('acm:*');
    expect(actions.length).toBeGreaterThan(10);
    expect(actions).toContain('acm:RequestCertificate');
    expect(actions).toContain('acm:DescribeCertificate');
    expect(actions.every((a) => a.startsWith('acm:'))).toBe(true);
    expect(new Set(actions).size).toBe(actions.length);
    expect(actions).toEqual(await actionsOfService('acm'));
  });

  it('expands a prefix wildcard to the matching actions and nothing else', async () => {
    const actions = await expandAction('lambda:Get*');
    expect(actions).toContain('lambda:GetFunction');
    expect(actions).toContain('lambda:GetFunctionConfiguration');
    expect(actions.every((a) => a.startsWith('lambda:Get'))).toBe(true);
    expect(actions).not.toContain('lambda:InvokeFunction');
  });

  it('matches wildcard patterns case-insensitively and returns the catalogue spelling', async () => {
    const actions = await expandAction('LAMBDA:get*');
    expect(actions).toEqual(await expandAction('lambda:Get*'));
  });

  it('honours ? as exactly one character', async () => {
    expect(await expandAction('s3:GetObjec?')).toEqual(['s3:GetObject']);
  });

  it('returns a concrete action in the catalogue spelling', async () => {
    expect(await expandAction('S3:getobject')).toEqual(['s3:GetObject']);
    expect(await expandAction('s3:GetObject')).toEqual(['s3:GetObject']);
  });

  it('returns an unknown concrete action of a known service as given, with the prefix lowercased', async () => {
    expect(await expandAction('S3:NoSuchActionYet')).toEqual(['s3:NoSuchActionYet']);
  });

  it('rejects an unknown service with ACTION_UNKNOWN', async () => {
    expect(await errorCode(() => expandAction('foo:*'))).toBe('ACTION_UNKNOWN');
    expect(await errorCode(() => expandAction('foo:Bar'))).toBe('ACTION_UNKNOWN');
  });

  it('rejects a pattern that matches nothing with ACTION_UNKNOWN', async () => {
    expect(await errorCode(() => expandAction('s3:Nope*'))).toBe('ACTION_UNKNOWN');
  });

  it('rejects text that is not service:Action with ACTION_INVALID', async () => {
    expect(await errorCode(() => expandAction('notanaction'))).toBe('ACTION_INVALID');
    expect(await errorCode(() => expandAction('s3:Get Object'))).toBe('ACTION_INVALID');
    expect(await errorCode(() => expandAction('s3:'))).toBe('ACTION_INVALID');
  });

  it('expands "*" (AdministratorAccess) to every action of every service', async () => {
    const all = await expandAction('*');
    expect(all.length).toBeGreaterThan(10000);
    expect(all).toEqual(expect.arrayContaining(['s3:GetObject', 'iam:PassRole', 'lambda:CreateFunction']));
    expect(new Set(all.map((a) => a.split(':')[0])).size).toBeGreaterThan(300);
  });
});

describe('splitAction', () => {
  it('splits and lowercases the service prefix only', () => {
    expect(splitAction('S3:GetObject')).toEqual({ service: 's3', name: 'GetObject' });
    expect(splitAction('execute-api:Invoke*')).toEqual({ service: 'execute-api', name: 'Invoke*' });
  });

  it('throws ACTION_INVALID with a hint, quoting the input', () => {
    expect(() => splitAction('s3')).toThrow(AwspermError);
    expect(() => splitAction('s3/GetObject')).toThrow(
      expect.objectContaining({ code: 'ACTION_INVALID', message: expect.stringContaining('"s3/GetObject"'), hint: expect.stringContaining('s3:GetObject') }),
    );
  });
});

describe('catalogue lookups', () => {
  it('knows services and actions case-insensitively', async () => {
    expect(await serviceExists('S3')).toBe(true);
    expect(await serviceExists('foo')).toBe(false);
    expect(await actionExists('s3:getobject')).toBe(true);
    expect(await actionExists('s3:NoSuchAction')).toBe(false);
    expect(await actionExists('foo:Bar')).toBe(false);
    expect(await actionsOfService('foo')).toBeUndefined();
  });

  it('reports a version and an ISO date', async () => {
    const { version, updatedAt } = await catalogVersion();
    expect(version).toMatch(/\d/);
    expect(new Date(updatedAt).toISOString()).toBe(updatedAt);
  });
});
