import { AwspermError } from '@awsperm/core';
import { describe, expect, it } from 'vitest';
import { flagOf, hintFor, isThirdPartyAdapter } from './remedies.ts';

describe("the CLI's remedies", () => {
  const cases: [string, AwspermError, RegExp][] = [
    ['TIMEOUT', AwspermError.from('TIMEOUT', { operation: 'sts:GetCallerIdentity', seconds: 1 }), /--timeout <seconds>.*|--endpoint-url/],
    ['TOOL_AMBIGUOUS', AwspermError.from('TOOL_AMBIGUOUS', { cwd: '/p', found: [{ tool: 'up', configFile: 'up.json' }] }), /Choose one with --tool\./],
    ['TOOL_NOT_DETECTED', AwspermError.from('TOOL_NOT_DETECTED', { cwd: '/p', known: ['up', 'sst'] }), /Pass --tool \(up, sst, .*--cwd <project dir>.*--action/],
    ['PRINCIPAL_NOT_FOUND', AwspermError.from('PRINCIPAL_NOT_FOUND', { file: 'd.json', principal: 'x', users: 2, roles: 3 }), /2 user\(s\) and 3 role\(s\); pass one of their ARNs with --principal\./],
    ['CFN_SCHEMA_INVALID', AwspermError.from('CFN_SCHEMA_INVALID', { file: 'x.zip', detail: 'bad', remedy: 'bundle' }), /Give --cfn-schemas the CloudFormation schema bundle/],
    ['MFA_REQUIRED', AwspermError.from('MFA_REQUIRED', { profile: 'dev' }), /Pass --mfa-code <code>/],
    ['AWS_RESPONSE_INVALID', AwspermError.from('AWS_RESPONSE_INVALID', { operation: 'iam:GetUser', detail: 'HTML', reason: 'endpoint' }), /Check --endpoint-url/],
    ['AWS_UNAVAILABLE', AwspermError.from('AWS_UNAVAILABLE', { operation: 'iam:SimulatePrincipalPolicy', detail: 'HTTP 500', reason: 'server-error', alternative: 'local-mode' }), /run with --mode local/],
    ['ADAPTER_FAILED', AwspermError.from('ADAPTER_FAILED', { adapter: 'acme', hook: 'detect', detail: 'boom' }), /rerun with --debug/],
  ];

  it.each(cases)('%s: the printed hint names the flag, core’s does not', (_code, error, pattern) => {
    expect(error.hint).toBeDefined();
    expect(error.hint).not.toMatch(/--[a-z]/);
    expect(hintFor(error)).toMatch(pattern);
  });

  it('a project config that does not load: core says the exec option, the CLI says --no-exec', async () => {
    const { workerFailure, WorkerError } = await import('@awsperm/core/worker');
    const e = workerFailure(new WorkerError('threw', 'boom'), '/p/sst.config.ts', undefined, {}) as AwspermError;
    expect(e.hint).toMatch(/the exec option: false/);
    expect(e.hint).not.toMatch(/--[a-z]/);
    expect(hintFor(e)).toMatch(/fix it so that it loads, or pass --no-exec\.$/);
  });

  it('keeps core’s hint where the CLI has nothing to add', () => {
    const e = AwspermError.from('JSON_INVALID', { where: 'p.json:1:2', detail: 'expected ,' });
    expect(hintFor(e)).toBe(e.hint);
    const legacy = new AwspermError('TOOL_AMBIGUOUS', 'several tools', { hint: 'an adapter’s own hint' });
    expect(hintFor(legacy)).toBe('an adapter’s own hint');
  });

  it('reads the data of an error rewrapped with the same code and hint, not of one with a new hint', () => {
    const inner = AwspermError.from('AWS_RESPONSE_INVALID', { operation: 'sts:GetCallerIdentity', detail: 'no ARN', reason: 'endpoint' });
    const same = new AwspermError('AWS_RESPONSE_INVALID', inner.message, { ...(inner.hint ? { hint: inner.hint } : {}), cause: inner });
    expect(hintFor(same)).toMatch(/--endpoint-url/);
    const other = new AwspermError('AWS_RESPONSE_INVALID', inner.message, { hint: 'Give the output of the export.', cause: inner });
    expect(hintFor(other)).toBe('Give the output of the export.');
  });

  it('names a file option’s flag', () => {
    expect(flagOf('cfnSchemas')).toBe('--cfn-schemas');
    const e = AwspermError.from('FILE_NOT_FOUND', { what: 'CloudFormation schema bundle', file: 'x.zip', option: 'cfnSchemas' });
    expect(hintFor(e)).toMatch(/\(given with --cfn-schemas\)$/);
  });

  it('tells third-party adapters from awsperm’s own', () => {
    expect(isThirdPartyAdapter('@awsperm/adapter-sst')).toBe(false);
    expect(isThirdPartyAdapter('awsperm-adapter-serverless')).toBe(true);
    expect(isThirdPartyAdapter('@acme/awsperm-adapter-foo')).toBe(true);
    expect(isThirdPartyAdapter('@awsperm/core')).toBe(true);
    expect(isThirdPartyAdapter(undefined)).toBe(false);
  });
});
