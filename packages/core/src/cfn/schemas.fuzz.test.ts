import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { AwspermError } from '../errors.ts';
import { HANDLER_OPERATIONS, parseSchema, readSchemaBundle } from './schemas.ts';

const tmp = mkdtempSync(join(tmpdir(), 'awsperm-cfn-fuzz-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const VALID = JSON.stringify({
  typeName: 'AWS::S3::Bucket',
  handlers: { create: { permissions: ['s3:CreateBucket'] }, delete: { permissions: ['s3:DeleteBucket'] } },
});

/** Keys the reader looks at, plus prototype-related ones, so generated documents hit them often. */
const key = fc.oneof(
  fc.constantFrom('typeName', 'handlers', 'permissions', '__proto__', 'constructor', 'prototype', ...HANDLER_OPERATIONS),
  fc.string({ maxLength: 6 }),
);
const value = fc.letrec((tie) => ({
  json: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.string({ maxLength: 12 }),
    fc.constantFrom('AWS::A::B', 's3:GetObject', ' Iam:PassRole ', 'not an action'),
    fc.array(tie('json'), { maxLength: 4 }),
    fc.dictionary(key, tie('json'), { maxKeys: 5 }),
  ),
})).json;

/** Random JSON, random text, mutations of a valid schema, and a document with `__proto__` keys. */
const documents = fc.oneof(
  value.map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 60 }),
  // Mutations of a valid schema: truncation, a character replaced, a chunk inserted.
  fc.tuple(fc.nat(VALID.length), fc.string({ maxLength: 3 })).map(([i, s]) => VALID.slice(0, i) + s + VALID.slice(i + 1)),
  fc.nat(VALID.length).map((i) => VALID.slice(0, i)),
  fc.constant('{"typeName":"AWS::A::B","__proto__":{"polluted":true},"handlers":{"__proto__":{"permissions":["x:Y"]}}}'),
);

function polluted(): boolean {
  const probe = {} as Record<string, unknown>;
  return probe.polluted !== undefined || probe.permissions !== undefined || probe.typeName !== undefined || probe.handlers !== undefined;
}

describe('schema reader fuzz', () => {
  it('parseSchema either returns a well-formed result or throws CFN_SCHEMA_INVALID, and pollutes no prototype', () => {
    fc.assert(
      fc.property(documents, (text) => {
        try {
          const s = parseSchema(text, 'fuzz.json');
          expect(typeof s.typeName).toBe('string');
          expect(s.typeName.trim()).toBe(s.typeName);
          if (s.handlers) {
            for (const [op, list] of Object.entries(s.handlers)) {
              expect(HANDLER_OPERATIONS).toContain(op);
              for (const a of list ?? []) expect(a).toMatch(/^[a-z0-9-]+:[A-Za-z0-9*?]+$/);
            }
          }
        } catch (error) {
          if (!AwspermError.is(error)) throw error;
          expect(error.code).toBe('CFN_SCHEMA_INVALID');
          expect(error.message.startsWith('fuzz.json: ')).toBe(true);
        }
        expect(polluted()).toBe(false);
      }),
      { seed: 11, numRuns: 400 },
    );
  });

  it('readSchemaBundle on random and mutated zip bytes fails only with an AwspermError', async () => {
    const good = zipSync({ 'aws-s3-bucket.json': new TextEncoder().encode(VALID) });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }).map((b) => Uint8Array.from([0x50, 0x4b, 0x03, 0x04, ...b])),
          fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })).map(([i, byte]) => {
            const copy = good.slice();
            copy[i] = byte;
            return copy;
          }),
          fc.nat(good.length).map((i) => good.slice(0, i)),
        ),
        async (bytes) => {
          const file = join(tmp, `f${n++}.zip`);
          writeFileSync(file, bytes);
          try {
            const bundle = await readSchemaBundle(file);
            for (const [type, schema] of bundle.schemas) expect(schema.typeName).toBe(type);
          } catch (error) {
            if (!AwspermError.is(error)) throw error;
            expect(['CFN_SCHEMA_INVALID', 'FILE_UNREADABLE']).toContain(error.code);
            expect(error.message).toContain(file);
          }
          expect(polluted()).toBe(false);
        },
      ),
      { seed: 5, numRuns: 150 },
    );
  });
});
