/**
 * Fuzzing (fast-check, fixed seed, bounded runs and time) of what the SST adapter parses: sst.json, package.json
 * dependency blocks (version detection), the value an SST v3 `app()` returns, dotenv files, version ranges and config
 * shapes. Each answers or throws an AwspermError; nothing pollutes `Object.prototype`; a file's content is never
 * echoed in an error; `__proto__` / `constructor` keys never change what is detected.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwspermError } from '@awsperm/core';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { atLeast, configShape, rangeMajor, sstVersion } from './shared/detect.ts';
import { parseDotenv } from './shared/env-files.ts';
import { loadSstProject, v3StageGuess } from './index.ts';
import { expectCleanPrototype, jsonWithKeys, PROTO_KEYS } from '@awsperm/test-utils/fuzz-kit';

const RUNS = { seed: 9, numRuns: 200, interruptAfterTimeLimit: 10_000 } as const;
const dirs: string[] = [];

afterEach(() => {
  expectCleanPrototype();
  expect(({} as Record<string, unknown>).sst).toBeUndefined();
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'awsperm-sst-fuzz-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

async function answersOrAwspermError(fn: () => unknown): Promise<unknown> {
  try {
    return await fn();
  } catch (error) {
    if (!AwspermError.is(error)) throw error;
    expect(error.message.split('\n')).toHaveLength(1);
    return error;
  }
}

const key = (keys: string[]) => fc.oneof(fc.constantFrom(...keys, ...PROTO_KEYS), fc.string({ maxLength: 5 }));
const json = jsonWithKeys(
  ['sst', 'name', 'stage', 'region', 'profile', 'home', 'providers', 'aws', 'dependencies', 'devDependencies'],
  [null, true, 2, '', '3.1.0', '^2.44.0', 'latest', 'workspace:*', 'aws', 'my-app', 'eu-west-1'],
);

describe('sst.json (SST v1)', () => {
  it('answers or throws an AwspermError, and never echoes the file', async () => {
    const texts = fc.oneof(
      json.map((j) => JSON.stringify(j) ?? ''),
      fc.string({ maxLength: 30 }),
      fc.record({ name: fc.string({ maxLength: 6 }), stage: json, region: json }).map((r) => JSON.stringify(r).slice(0, -1)),
    );
    await fc.assert(
      fc.asyncProperty(texts, async (text) => {
        const marked = `${text} SECRETMARKER`;
        for (const t of [text, marked]) {
          const root = project({ 'sst.json': t });
          const configFile = join(root, 'sst.json');
          const result = await answersOrAwspermError(() =>
            loadSstProject({ cwd: root, detection: { root, configFile, major: 1, toolVersion: '1.x', versionFrom: 'sst.json' }, env: {} }),
          );
          if (AwspermError.is(result)) expect(result.message).not.toContain('SECRETMARKER');
          else expect(typeof (result as { app: unknown }).app).toBe('string');
        }
      }),
      { ...RUNS, numRuns: 80 },
    );
  });
});

describe('package.json dependencies (version detection)', () => {
  it('answers or throws an AwspermError for any dependency blocks', async () => {
    await fc.assert(
      fc.asyncProperty(json, fc.constantFrom('sst.json', 'sst.config.ts'), async (pkg, config) => {
        const root = project({ 'package.json': JSON.stringify(pkg) ?? 'null', [config]: config === 'sst.json' ? '{"name":"a"}' : 'export default $config({ app() { return { name: "a", home: "aws" }; }, async run() {} });' });
        const result = await answersOrAwspermError(() => sstVersion(root, join(root, config)));
        if (!AwspermError.is(result)) expect([1, 2, 3]).toContain((result as { major: number }).major);
      }),
      { ...RUNS, numRuns: 150 },
    );
  });

  it('a non-string "sst" range or a "__proto__" dependency block does not crash or change the version (regression)', () => {
    const v2 = 'export default { config() { return { name: "a" }; }, stacks() {} };';
    const numeric = project({ 'package.json': '{"dependencies":{"sst":2}}', 'sst.config.ts': v2 });
    expect(() => sstVersion(numeric, join(numeric, 'sst.config.ts'))).not.toThrow(TypeError);
    const proto = project({ 'package.json': '{"dependencies":{"__proto__":{"sst":"3.0.0"}}}', 'sst.config.ts': v2 });
    const detected = sstVersion(proto, join(proto, 'sst.config.ts'));
    expect(detected.versionFrom).not.toContain('"sst": "3.0.0"');
    expect(detected.major).toBe(2);
  });
});

describe("the value an SST v3 config's app() returns", () => {
  it('answers or throws an AwspermError', async () => {
    await fc.assert(
      fc.asyncProperty(json, async (value) => {
        const root = project({ 'sst.config.ts': `export default $config({ app(input) { return ${JSON.stringify(value) ?? 'undefined'}; }, async run() {} });` });
        await answersOrAwspermError(() =>
          loadSstProject({
            cwd: root,
            detection: { root, configFile: join(root, 'sst.config.ts'), major: 3, toolVersion: '3.3.0', exactVersion: '3.3.0', versionFrom: 'test' },
            env: {},
            stage: 'dev',
          }),
        );
      }),
      { ...RUNS, numRuns: 40 },
    );
  });
});

describe('small parsers', () => {
  it('parseDotenv returns own string values only, whatever the text', () => {
    const lines = fc.array(fc.oneof(fc.string({ maxLength: 12 }), fc.tuple(fc.constantFrom('', 'export '), key(['AWS_PROFILE', 'SST_STAGE']), fc.string({ maxLength: 8 })).map(([e, k, v]) => `${e}${k}=${v}`)), { maxLength: 6 });
    fc.assert(
      fc.property(lines, (ls) => {
        const out = parseDotenv(ls.join('\n'));
        expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
        for (const v of Object.values(out)) expect(typeof v).toBe('string');
      }),
      RUNS,
    );
  });

  it('rangeMajor, atLeast, configShape and v3StageGuess answer for any string', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }), (a, b) => {
        const m = rangeMajor(a);
        if (m !== undefined) expect(Number.isInteger(m)).toBe(true);
        expect(typeof atLeast(a, b)).toBe('boolean');
        expect([undefined, 1, 2, 3]).toContain(configShape(a));
        const g = v3StageGuess(a);
        if (g !== undefined) expect(g).toMatch(/^[a-z0-9-]+$/);
      }),
      RUNS,
    );
  });
});
