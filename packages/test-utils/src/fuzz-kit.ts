/**
 * Shared pieces of the fuzz tests (core's and the adapters', imported by relative path): keys that reach
 * prototypes, JSON values whose objects use a format's own keys and those, valid seeds mutated, and the check that
 * nothing reached `Object.prototype`.
 */
import fc from 'fast-check';
import { expect } from 'vitest';

/** The keys that reach prototypes. */
export const PROTO_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty'];

const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype).sort();

/** Fails when anything was added to `Object.prototype` (call it after each fuzz test). */
export function expectCleanPrototype(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_NAMES);
}

/** A JSON value whose object keys are often `keys` (the format's own) or {@link PROTO_KEYS}; `leaves` are likely values. */
export function jsonWithKeys(keys: readonly string[], leaves: readonly unknown[] = [null, true, false, 0, -1, 1.5, '', '*']): fc.Arbitrary<unknown> {
  const key = fc.oneof(fc.constantFrom(...keys, ...PROTO_KEYS), fc.string({ maxLength: 6 }));
  const { value } = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom(...leaves),
      fc.string({ maxLength: 12 }),
      fc.double(),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(key, tie('value'), { maxKeys: 5 }),
    ),
  }));
  return value;
}

/**
 * `seed` mutated, as JSON text: one subtree replaced by a random value, a key removed, a value wrapped in an array,
 * or a prototype key added at the top (as JSON text, so parsing makes it an own key, as a hostile file would).
 */
export function mutatedJson(seed: unknown, keys: readonly string[]): fc.Arbitrary<string> {
  const json = JSON.stringify(seed);
  return fc
    .tuple(fc.nat(), fc.nat(), fc.constantFrom('replace', 'delete', 'proto', 'wrap'), jsonWithKeys(keys), fc.constantFrom(...PROTO_KEYS))
    .map(([a, b, how, value, proto]) => {
      const doc = JSON.parse(json) as unknown;
      const holders: Record<string, unknown>[] = [];
      const walk = (v: unknown): void => {
        if (typeof v === 'object' && v !== null) {
          holders.push(v as Record<string, unknown>);
          for (const child of Object.values(v)) walk(child);
        }
      };
      walk(doc);
      const target = holders[a % holders.length]!;
      const names = Object.keys(target);
      const name = names[b % Math.max(1, names.length)];
      if (how === 'replace' && name !== undefined) target[name] = value;
      if (how === 'delete' && name !== undefined) delete target[name];
      if (how === 'wrap' && name !== undefined) target[name] = [target[name], value];
      const text = JSON.stringify(doc);
      return how === 'proto' ? text.replace(/^\{/, `{${JSON.stringify(proto)}:${JSON.stringify(value) ?? 'null'},`) : text;
    });
}

/** {@link mutatedJson}, parsed. */
export function mutated(seed: unknown, keys: readonly string[]): fc.Arbitrary<unknown> {
  return mutatedJson(seed, keys).map((text) => JSON.parse(text) as unknown);
}
