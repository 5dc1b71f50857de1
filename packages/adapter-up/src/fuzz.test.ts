import { hookContext } from '@awsperm/core/testing';
/**
 * Fuzzing (fast-check, fixed seed, bounded runs and time) of up.json: random and mutated files through the adapter
 * as the CLI drives it — read, validate, load the project, build both policy sets. Each answers or throws an
 * AwspermError; nothing pollutes `Object.prototype`; the file's content is never echoed by a JSON error;
 * `__proto__` / `constructor` keys never change what the project is.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwspermError, validatePolicyDocument } from '@awsperm/core';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { up } from './index.ts';
import { validateUpConfig } from './up-json.ts';
import { expectCleanPrototype, jsonWithKeys, mutatedJson } from '@awsperm/test-utils/fuzz-kit';

const RUNS = { seed: 9, numRuns: 300, interruptAfterTimeLimit: 10_000 } as const;
const KEYS = ['name', 'profile', 'regions', 'type', 'lambda', 'stages', 'dns', 'tags', 'actions', 'alerts', 'role', 'policy', 'memory', 'domain', 'zone', 'layers', 'production', 'staging', 'vpc', 'subnets'];
const dir = mkdtempSync(join(tmpdir(), 'awsperm-up-fuzz-'));

afterEach(expectCleanPrototype);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const VALID = {
  name: 'app',
  profile: 'dev',
  regions: ['eu-west-1'],
  lambda: { memory: 512, role: 'arn:aws:iam::123456789012:role/app', policy: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] },
  stages: { production: { domain: 'example.com', zone: false }, staging: { domain: 'staging.example.com' } },
  dns: { 'example.com': [{ name: 'a.example.com', type: 'A', value: ['1.2.3.4'] }] },
  tags: { team: 'x' },
  actions: [{ name: 'ops', type: 'email' }],
  alerts: [{ metric: 'http.count', action: 'ops' }],
};

const json = jsonWithKeys(KEYS, [null, true, 0, -1, '', 'app', 'eu-*', 'us-west-2', 'A', 'email', 'ops', 'arn:aws:iam::123456789012:role/r']);

const mutated = mutatedJson(VALID, KEYS);

let n = 0;
async function throughTheAdapter(text: string): Promise<unknown> {
  const root = join(dir, String(n++));
  const { mkdirSync } = await import('node:fs');
  mkdirSync(root);
  const configFile = join(root, 'up.json');
  writeFileSync(configFile, text);
  const adapter = up();
  try {
    const project = await adapter.loadProject({ ...hookContext({ cwd: root, env: {}, args: { stage: 'production' } }), detection: { root, configFile } });
    for (const kind of ['precise', 'documented'] as const) {
      const set = await adapter.requirements({ ...hookContext({ cwd: project.root, features: [] }), project, kind });
      for (const f of set.fragments) validatePolicyDocument({ Version: '2012-10-17', Statement: f.statements }, f.id);
    }
    return project;
  } catch (error) {
    if (!AwspermError.is(error)) throw error;
    expect(error.message.split('\n')).toHaveLength(1);
    return error;
  }
}

describe('up.json', () => {
  it('random and mutated files: the adapter answers or throws an AwspermError, never echoing the file', async () => {
    const texts = fc.oneof(mutated, json.map((j) => JSON.stringify(j) ?? ''), fc.string({ maxLength: 30 }), mutated.map((t) => t.slice(0, t.length / 2)));
    await fc.assert(
      fc.asyncProperty(texts, async (text) => {
        const result = await throughTheAdapter(`${text}`);
        if (AwspermError.is(result) && result.code === 'JSON_INVALID') {
          const marked = await throughTheAdapter(`${text} SECRETMARKER`);
          expect((marked as Error).message).not.toContain('SECRETMARKER');
        }
      }),
      RUNS,
    );
  });

  it('validateUpConfig answers or throws PROJECT_CONFIG_INVALID / POLICY_INVALID for any JSON value', () => {
    fc.assert(
      fc.property(json, (value) => {
        try {
          const info = validateUpConfig(value, 'up.json');
          expect(typeof info.config.name).toBe('string');
        } catch (error) {
          if (!AwspermError.is(error)) throw error;
          expect(['PROJECT_CONFIG_INVALID', 'POLICY_INVALID']).toContain(error.code);
        }
      }),
      RUNS,
    );
  });

  it('a record or action type that is an object with its own "toString" is a config error, not a crash (regression)', async () => {
    for (const text of [
      '{"name":"app","actions":[{"name":"ops","type":{"toString":{}}}]}',
      '{"name":"app","dns":{"example.com":[{"name":"a","type":{"toString":1},"value":["x"]}]}}',
      '{"name":"app","actions":[{"name":"ops","type":"email"}],"alerts":[{"metric":"m","action":{"toString":{}}}]}',
    ]) {
      const result = await throughTheAdapter(text);
      expect(AwspermError.is(result) && result.code, text).toBe('PROJECT_CONFIG_INVALID');
    }
  });

  it('a "__proto__" stage or dns zone is data, not a prototype (regression guard)', async () => {
    const text = '{"name":"app","stages":{"__proto__":{"domain":"x.example.com"}},"dns":{"__proto__":[]}}';
    const result = await throughTheAdapter(text);
    if (!AwspermError.is(result)) expect(Object.getPrototypeOf((result as { config: { config: object } }).config.config)).toBe(Object.prototype);
  });
});
