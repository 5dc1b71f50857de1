import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AwspermError } from './errors.ts';
import { expectedAccount, loadConfig, validateConfig } from './config.ts';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'awsperm-config-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

describe('loadConfig', () => {
  it('reads .awspermrc.json', async () => {
    const dir = project({ 'package.json': '{}', '.awspermrc.json': '{"accounts":{"prod":"111111111111"},"mode":"offline"}' });
    const { config, file } = await loadConfig(dir);
    expect(file).toBe(join(dir, '.awspermrc.json'));
    expect(config).toEqual({ accounts: { prod: '111111111111' }, mode: 'offline' });
  });
  it('reads package.json#awsperm', async () => {
    const dir = project({ 'package.json': '{"name":"x","awsperm":{"tool":"up"}}' });
    expect((await loadConfig(dir)).config).toEqual({ tool: 'up' });
  });
  it('reads YAML and awsperm.config.mjs', async () => {
    const yaml = project({ 'package.json': '{}', '.awspermrc.yaml': 'features:\n  - logs\n' });
    expect((await loadConfig(yaml)).config).toEqual({ features: ['logs'] });
    const mjs = project({ 'package.json': '{}', 'awsperm.config.mjs': 'export default { accounts: { "*": "222222222222" } };' });
    expect((await loadConfig(mjs)).config).toEqual({ accounts: { '*': '222222222222' } });
  });
  it('finds the config walking up, but not above the project (nearest package.json)', async () => {
    const dir = project({ 'package.json': '{}', '.awspermrc.json': '{"tool":"up"}', 'app/src/x.txt': '' });
    expect((await loadConfig(join(dir, 'app/src'))).config).toEqual({ tool: 'up' });
    const outer = project({ '.awspermrc.json': '{"tool":"sst"}', 'inner/package.json': '{}' });
    expect((await loadConfig(join(outer, 'inner'))).config).toEqual({});
  });
  it('returns an empty config when there is none', async () => {
    expect(await loadConfig(project({ 'package.json': '{}' }))).toEqual({ config: {} });
  });
  it('reports malformed files as CONFIG_INVALID', async () => {
    const dir = project({ 'package.json': '{}', '.awspermrc.json': '{"tool": ' });
    const error = await loadConfig(dir).catch((e: unknown) => e);
    expect(AwspermError.is(error) && error.code).toBe('CONFIG_INVALID');
  });
});

describe('validateConfig', () => {
  const bad: [string, unknown, RegExp][] = [
    ['not an object', [], /the config must be an object/],
    ['unknown key', { acounts: {} }, /unknown key "acounts"/],
    ['account not 12 digits', { accounts: { prod: '1234' } }, /accounts\.prod must be a 12-digit account id/],
    ['account as a number', { accounts: { prod: 111111111111 } }, /accounts\.prod must be a 12-digit account id in quotes/],
    ['bad mode', { mode: 'fast' }, /"mode" must be one of auto, simulate, local, offline/],
    ['bad tool', { tool: 'Up!' }, /"tool" must be a tool id/],
    ['features not strings', { features: [1] }, /"features" must be an array/],
    ['adapter neither name nor object', { adapters: [3] }, /adapters\[0\]/],
    ['extraPolicies without statements', { extraPolicies: [{ id: 'x', title: 'x' }] }, /extraPolicies\[0\] needs/],
    ['extraPolicies with a bad statement', { extraPolicies: [{ id: 'x', title: 'x', statements: [{ Effect: 'Allow' }] }] }, /extraPolicies\[0\] \(x\)/],
    ['context not an object', { context: ['aws:SourceIp=1.2.3.4'] }, /"context" must map condition keys to values/],
    ['context value an object', { context: { 'aws:SourceIp': { ip: '1.2.3.4' } } }, /context\.aws:SourceIp must be a string, number, boolean or a list of them/],
    ['context value of the wrong type', { context: { 'aws:SourceIp': 'home' } }, /awsperm\.config: request context aws:SourceIp: expected an IP address or CIDR .*, got "home"/],
  ];
  it.each(bad)('%s', (_n, value, message) => {
    expect(() => validateConfig(value, 'awsperm.config')).toThrow(message);
  });
  it('accepts a typed context', () => {
    const context = { 'aws:SourceIp': '203.0.113.7', 'aws:MultiFactorAuthPresent': true, 'aws:TagKeys': ['team', 'env'], 's3:max-keys': 10 };
    expect(validateConfig({ context }, 'awsperm.config').context).toEqual(context);
  });
});

describe('expectedAccount', () => {
  it('prefers the stage entry, then "*"', () => {
    const config = { accounts: { prod: '111111111111', '*': '222222222222' } };
    expect(expectedAccount(config, 'prod')).toBe('111111111111');
    expect(expectedAccount(config, 'dev')).toBe('222222222222');
    expect(expectedAccount(config, undefined)).toBe('222222222222');
    expect(expectedAccount({}, 'prod')).toBeUndefined();
  });
});
