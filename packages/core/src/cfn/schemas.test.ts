import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { AwspermError } from '../errors.ts';
import { normaliseActions, parseSchema, readSchemaBundle } from './schemas.ts';

const fixtures = join(import.meta.dirname, '../../test/fixtures/cfn-schemas');
const bundleDir = join(fixtures, 'bundle');
const tmp = mkdtempSync(join(tmpdir(), 'awsperm-cfn-schemas-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A zip of the given files (name → text), as AWS's CloudformationSchema.zip is laid out: flat JSON files. */
function zipOf(files: Record<string, string>, name: string): string {
  const path = join(tmp, name);
  writeFileSync(path, zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, new TextEncoder().encode(v)]))));
  return path;
}

async function failure(run: () => Promise<unknown>): Promise<AwspermError> {
  try {
    await run();
  } catch (error) {
    if (AwspermError.is(error)) return error;
    throw error;
  }
  throw new Error('expected an AwspermError');
}

describe('normaliseActions', () => {
  it('trims, lower-cases the service prefix, drops empties and duplicates, sorts, and reports non-actions', () => {
    const r = normaliseActions([' S3:GetObject ', 's3:getobject', '', 'iam:PassRole', 'REST.PUT.OBJECT', 'ec2:Describe*', 42]);
    expect(r.actions).toEqual(['ec2:Describe*', 'iam:PassRole', 's3:GetObject']);
    expect(r.skipped).toEqual(['REST.PUT.OBJECT', '42']);
  });
});

describe('parseSchema', () => {
  it('takes typeName and handlers, normalised; a schema without handlers has none', () => {
    const s = parseSchema(readFileSync(join(bundleDir, 'aws-s3-bucket.json'), 'utf8'), 'aws-s3-bucket.json');
    expect(s.typeName).toBe('AWS::S3::Bucket');
    expect(s.handlers).toEqual({
      create: ['s3:CreateBucket', 's3:PutBucketTagging'],
      update: ['s3:PutBucketTagging'],
      delete: ['s3:DeleteBucket'],
      list: ['s3:ListAllMyBuckets'],
    });
    expect(parseSchema('{"typeName":"AWS::X::Y","handlers":{}}', 'x').handlers).toBeUndefined();
    expect(parseSchema('{"typeName":"AWS::X::Y"}', 'x').handlers).toBeUndefined();
  });

  it('rejects what is not a resource schema, naming the file', () => {
    for (const [text, pattern] of [
      ['{ "typeName": ', /broken\.json: not a JSON resource schema/],
      ['[1,2]', /broken\.json: not a resource schema: the JSON is not an object/],
      ['{"description":"x"}', /broken\.json: not a resource schema: it has no "typeName"/],
      ['{"typeName":"AWS::A::B","handlers":[]}', /"handlers" of AWS::A::B is not an object/],
      ['{"typeName":"AWS::A::B","handlers":{"create":{"permissions":"s3:GetObject"}}}', /"handlers.create.permissions" of AWS::A::B is not a list/],
    ] as const) {
      let caught: unknown;
      try {
        parseSchema(text, 'broken.json');
      } catch (error) {
        caught = error;
      }
      expect(AwspermError.is(caught), text).toBe(true);
      expect((caught as AwspermError).code).toBe('CFN_SCHEMA_INVALID');
      expect((caught as AwspermError).kind).toBe('config');
      expect((caught as AwspermError).message).toMatch(pattern);
    }
  });

  it('does not let __proto__ keys reach any prototype', () => {
    const s = parseSchema('{"typeName":"AWS::A::B","__proto__":{"polluted":1},"handlers":{"__proto__":{"permissions":["x:Y"]},"create":{"permissions":["s3:GetObject"]}}}', 'p.json');
    expect(s.handlers).toEqual({ create: ['s3:GetObject'] });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('readSchemaBundle', () => {
  it('reads a directory of schemas at any depth, keyed by typeName, ignoring non-JSON files', async () => {
    const bundle = await readSchemaBundle(bundleDir);
    expect([...bundle.schemas.keys()].sort()).toEqual(['AWS::Example::Legacy', 'AWS::S3::Bucket', 'Acme::Widget::Thing']);
    expect(bundle.schemas.get('AWS::Example::Legacy')!.handlers).toBeUndefined();
    const acme = bundle.schemas.get('Acme::Widget::Thing')!;
    expect(acme.file).toBe(join(bundleDir, 'nested', 'acme-widget-thing.json'));
    expect(acme.handlers).toEqual({ create: ['lambda:InvokeFunction', 's3:GetObject'], delete: [] });
    expect(acme.skipped).toEqual(['not an action']);
  });

  it('reads the same schemas from a zip (the CloudformationSchema.zip layout), naming entries archive!entry', async () => {
    const files = Object.fromEntries(
      ['aws-s3-bucket.json', 'aws-example-legacy.json', 'README.txt'].map((f) => [f, readFileSync(join(bundleDir, f), 'utf8')]),
    );
    const zip = zipOf(files, 'CloudformationSchema.zip');
    const bundle = await readSchemaBundle(zip);
    expect([...bundle.schemas.keys()].sort()).toEqual(['AWS::Example::Legacy', 'AWS::S3::Bucket']);
    expect(bundle.schemas.get('AWS::S3::Bucket')!.file).toBe(`${zip}!aws-s3-bucket.json`);
    expect(bundle.schemas.get('AWS::S3::Bucket')!.handlers!.delete).toEqual(['s3:DeleteBucket']);
  });

  it('reads one schema file given directly', async () => {
    const bundle = await readSchemaBundle(join(bundleDir, 'aws-s3-bucket.json'));
    expect([...bundle.schemas.keys()]).toEqual(['AWS::S3::Bucket']);
  });

  it('reads an empty zip as an empty bundle', async () => {
    expect((await readSchemaBundle(zipOf({}, 'empty.zip'))).schemas.size).toBe(0);
  });

  it('rejects bad input with one clear error naming the file', async () => {
    const missing = await failure(() => readSchemaBundle(join(tmp, 'nope.zip')));
    expect(missing.code).toBe('FILE_NOT_FOUND');
    expect(missing.message).toContain('nope.zip');

    const text = await failure(() => readSchemaBundle(join(fixtures, 'bad', 'notes.txt')));
    expect(text.code).toBe('CFN_SCHEMA_INVALID');
    expect(text.message).toMatch(/notes\.txt: not a zip archive, a directory or a schema JSON file/);

    const truncated = await failure(() => readSchemaBundle(join(fixtures, 'bad', 'truncated.zip')));
    expect(truncated.code).toBe('CFN_SCHEMA_INVALID');
    expect(truncated.message).toMatch(/truncated\.zip: not a readable zip archive/);

    const inZip = zipOf({ 'aws-a-b.json': '{"typeName":"AWS::A::B"}', 'aws-broken.json': '{ nope' }, 'broken-entry.zip');
    const entry = await failure(() => readSchemaBundle(inZip));
    expect(entry.code).toBe('CFN_SCHEMA_INVALID');
    expect(entry.message).toContain(`${inZip}!aws-broken.json: not a JSON resource schema`);

    const badDir = await failure(() => readSchemaBundle(join(fixtures, 'bad')));
    expect(badDir.code).toBe('CFN_SCHEMA_INVALID');
    expect(badDir.message).toContain(join(fixtures, 'bad', 'broken.json'));

    for (const [file, pattern] of [
      ['no-typename.json', /no-typename\.json: not a resource schema: it has no "typeName"/],
      ['permissions-not-list.json', /is not a list/],
    ] as const) {
      const e = await failure(() => readSchemaBundle(join(fixtures, 'bad', file)));
      expect(e.code).toBe('CFN_SCHEMA_INVALID');
      expect(e.message).toMatch(pattern);
    }
  });

  it('rejects two schemas for one type', async () => {
    const dir = join(tmp, 'dupes');
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(bundleDir, 'aws-s3-bucket.json'), join(dir, 'a.json'));
    copyFileSync(join(bundleDir, 'aws-s3-bucket.json'), join(dir, 'b.json'));
    const e = await failure(() => readSchemaBundle(dir));
    expect(e.code).toBe('CFN_SCHEMA_INVALID');
    expect(e.message).toBe(`two schemas for AWS::S3::Bucket: ${join(dir, 'a.json')} and ${join(dir, 'b.json')}`);
  });
});
