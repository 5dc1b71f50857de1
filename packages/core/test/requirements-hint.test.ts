import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { policyDoc, sessionEnv, tempFile } from '@awsperm/test-utils/session';
import type { AwspermAdapterV2 } from '../src/adapter.ts';
import { check } from '../src/session/check.ts';
import { policy } from '../src/session/policy.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** An adapter that records the hint it was loaded with, and the set it was then asked for. */
type Seen = { hint?: string; asked?: string[] };

function recording(seen: Seen): AwspermAdapterV2<null> {
  return {
    apiVersion: 2,
    name: 'hint-adapter',
    tool: 'hint',
    features: { documented: 'the documented set' },
    detect: ({ cwd }) => ({ root: cwd, configFile: join(cwd, 'hint.json') }),
    loadProject: ({ cwd, args }) => {
      seen.hint = args.requirements ?? 'none';
      return { root: cwd, configFile: join(cwd, 'hint.json'), name: 'hint', config: null };
    },
    requirements: ({ kind }) => {
      (seen.asked ??= []).push(kind);
      return { kind, fragments: [{ id: 'f', title: 'f', source: { title: 'test' }, statements: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }] }] };
    },
  };
}

function project(config?: object): string {
  const dir = mkdtempSync(join(tmpdir(), 'awsperm-hint-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'hint.json'), '{}');
  if (config) writeFileSync(join(dir, '.awspermrc.json'), JSON.stringify(config));
  return dir;
}

describe('AdapterArgs.requirements: the set the command will ask for, told to loadProject', () => {
  const allow = () => tempFile('allow.json', policyDoc({ Effect: 'Allow', Action: '*', Resource: '*' }));

  it('check: precise, and the adapter is then asked for precise first', async () => {
    const seen: Seen = {};
    await check({ cwd: project(), tool: 'hint', adapters: [recording(seen)], env: sessionEnv(), policy: [allow()] });
    expect(seen.hint).toBe('precise');
    expect(seen.asked?.[0]).toBe('precise');
  });

  it('check with the documented feature (option or config): documented', async () => {
    for (const [cwd, feature] of [
      [project(), ['documented']],
      [project({ features: ['documented'] }), undefined],
    ] as const) {
      const seen: Seen = {};
      await check({ cwd, tool: 'hint', adapters: [recording(seen)], env: sessionEnv(), policy: [allow()], ...(feature ? { feature: [...feature] } : {}) });
      expect(seen.hint).toBe('documented');
      expect(seen.asked).toEqual(['documented']);
    }
  });

  it('policy: documented; with least privilege: precise', async () => {
    const plain: Seen = {};
    await policy({ cwd: project(), tool: 'hint', adapters: [recording(plain)], env: sessionEnv() });
    expect([plain.hint, plain.asked?.[0]]).toEqual(['documented', 'documented']);
    const least: Seen = {};
    await policy({ cwd: project(), tool: 'hint', adapters: [recording(least)], env: sessionEnv(), leastPrivilege: true });
    expect([least.hint, least.asked?.[0]]).toEqual(['precise', 'precise']);
  });
});
