import { AwspermError } from '@awsperm/core';
import { describe, expect, it } from 'vitest';
import { cliWording, flagOf, hintFor, isThirdPartyAdapter } from './remedies.ts';

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

  it('words core’s option names as flags: an option, a value of it, switching it off, the missing-policy call', () => {
    expect(cliWording('the authorizationDetails option needs the principal option <arn>')).toBe('--authorization-details needs --principal <arn>');
    expect(cliWording('the mode option "local": fetched the principal’s policies')).toBe('--mode local: fetched the principal’s policies');
    expect(cliWording('the minimize option: false does not apply')).toBe('--no-minimize does not apply');
    expect(cliWording('read it without running it (the exec option: false)')).toBe('read it without running it (--no-exec)');
    expect(cliWording('(policy({ missing: true }) with the same options prints it alone)')).toBe('(awsperm policy --missing with the same options prints it alone)');
    expect(cliWording('no option here: the "policy" key')).toBe('no option here: the "policy" key');
  });

  it('core’s session errors and report prose come out in the flags the CLI had', async () => {
    const { check, policy, renderCheckText } = await import('@awsperm/core');
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const cwd = mkdtempSync(join(tmpdir(), 'awsperm-remedies-'));
    const env = { HOME: cwd, AWS_EC2_METADATA_DISABLED: 'true' };
    const message = async (run: Promise<unknown>): Promise<string> =>
      run.then(
        () => 'no error',
        (e: AwspermError) => cliWording(e.message),
      );
    expect(await message(check({ cwd, env, action: ['s3:GetObject'], mode: 'offline' }))).toBe(
      '--mode offline needs --policy <file>, or --authorization-details <file> with --principal <arn>',
    );
    expect(await message(check({ cwd, env, action: ['s3:GetObject'], authorizationDetails: 'd.json' }))).toBe('--authorization-details needs --principal <arn>');
    expect(await message(check({ cwd, env, action: ['s3:GetObject'], mode: 'local', policy: ['p.json'] }))).toBe(
      '--mode local checks the principal behind the credentials; --policy and --authorization-details imply offline',
    );
    expect(await message(policy({ cwd, env, policy: ['p.json'] }))).toBe('--policy goes with --missing: the whole policy needs no principal');
    const { writeFileSync } = await import('node:fs');
    const file = join(cwd, 'p.json');
    writeFileSync(file, JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }] }));
    const report = await check({ cwd, env, action: ['s3:GetObject', 's3:ListBucket'], policy: [file] });
    const text = renderCheckText(report, undefined, { wording: cliWording });
    expect(text).toMatch(/\(awsperm policy --missing with the same options prints it alone\)/);
    expect(text).toMatch(/\(--verbose lists them\)/);
    expect(renderCheckText(report)).not.toMatch(/--[a-z]/);
  });

  it('tells third-party adapters from awsperm’s own', () => {
    expect(isThirdPartyAdapter('@awsperm/adapter-sst')).toBe(false);
    expect(isThirdPartyAdapter('awsperm-adapter-serverless')).toBe(true);
    expect(isThirdPartyAdapter('@acme/awsperm-adapter-foo')).toBe(true);
    expect(isThirdPartyAdapter('@awsperm/core')).toBe(true);
    expect(isThirdPartyAdapter(undefined)).toBe(false);
  });
});
