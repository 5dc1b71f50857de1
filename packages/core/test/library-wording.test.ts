// Core speaks the library's terms: its errors, hints, warnings and rendered reports name session options ("the
// policy option"), never a flag of the awsperm CLI, which words them itself (packages/cli/src/remedies.ts).
// Representative failures and reports, run in process through the session API.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { policyDoc, sessionEnv, tempFile } from '@awsperm/test-utils/session';
import { describe, expect, it } from 'vitest';
import { errorCodes } from '../src/errors-data.ts';
import {
  type AwspermAdapterV2,
  AwspermError,
  type CheckOptions,
  check,
  type ErrorCode,
  type ErrorDetails,
  type PolicyOptions,
  policy,
  renderCheckJson,
  renderCheckMarkdown,
  renderCheckText,
} from '../src/index.ts';

// A flag as the CLI would print it: `--policy`, `--mode local`. The AWS CLI's own `aws sso login --profile` stays.
const FLAG = /(^|[\s(`'"])--[a-z]/;
const namesFlag = (text: string): boolean => FLAG.test(text.replace(/aws sso login --profile/g, ''));

const cdkOut = fileURLToPath(new URL('fixtures/cdk-app/cdk.out', import.meta.url));
const details = fileURLToPath(new URL('fixtures/authorization-details.json', import.meta.url));
const admin = fileURLToPath(new URL('../../../examples/up-app/policies/administrator.json', import.meta.url));
const cwd = (): string => mkdtempSync(join(tmpdir(), 'awsperm-wording-'));

/** A v2 adapter whose deploy acts as a second principal, a CloudFormation service role. */
function roleAdapter(): { adapter: AwspermAdapterV2; dir: string } {
  const dir = cwd();
  writeFileSync(join(dir, 'role.json'), '{}');
  const adapter: AwspermAdapterV2 = {
    apiVersion: 2,
    name: 'awsperm-adapter-role',
    tool: 'role',
    detect: (ctx) => ({ root: ctx.cwd, configFile: join(ctx.cwd, 'role.json') }),
    loadProject: (ctx) => ({ root: ctx.cwd, configFile: join(ctx.cwd, 'role.json'), name: 'app', config: null }),
    requirements: (ctx) => ({
      kind: ctx.kind,
      fragments: [{ id: 'role.caller', title: 'caller', source: { title: 'test' }, statements: [{ Effect: 'Allow', Action: 'cloudformation:CreateStack', Resource: '*' }] }],
      principals: [
        {
          id: 'service-role',
          arn: 'arn:aws:iam::123456789012:role/cfn',
          via: 'CloudFormation service role (role.json)',
          from: 'role.json',
          fragments: [{ id: 'role.cfn', title: 'role', source: { title: 'test' }, statements: [{ Effect: 'Allow', Action: 's3:CreateBucket', Resource: '*' }] }],
        },
      ],
    }),
  };
  return { adapter, dir };
}

/** What a failed session call shows its user: the message, the hint, and the warnings before it. */
async function failureText(run: (log: { warn: (m: string) => void }) => Promise<unknown>): Promise<string> {
  const warnings: string[] = [];
  const error = await run({ warn: (m) => warnings.push(m) }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(AwspermError.is(error), String(error)).toBe(true);
  const e = error as AwspermError;
  return [e.message, e.hint ?? '', ...warnings].join('\n');
}

describe('the session API’s failures name options, not CLI flags', () => {
  const env = sessionEnv;
  const checks: [string, () => Partial<CheckOptions>, RegExp][] = [
    ['policy files and authorization details', () => ({ action: ['s3:GetObject'], policy: [admin], authorizationDetails: details, principal: 'arn:aws:iam::1:user/x' }), /the policy option or the authorizationDetails option/],
    ['authorization details without a principal', () => ({ action: ['s3:GetObject'], authorizationDetails: details }), /needs the principal option/],
    ['a principal without authorization details', () => ({ action: ['s3:GetObject'], policy: [admin], principal: 'arn:aws:iam::1:user/x' }), /the principal option goes with the authorizationDetails option/],
    ['a principal in a live mode, before any credentials are looked for', () => ({ action: ['s3:GetObject'], principal: 'arn:aws:iam::1:user/x' }), /the principal option goes with the authorizationDetails option/],
    ['an empty action', () => ({ action: [''], policy: [admin] }), /the action option has an empty entry/],
    ['a resource without actions', () => ({ resource: 'arn:aws:s3:::b', template: [cdkOut], policy: [admin] }), /the resource option goes with the action option/],
    ['actions with templates', () => ({ action: ['s3:GetObject'], template: [cdkOut], policy: [admin] }), /the action option checks ad-hoc actions/],
    ['actions with a service role', () => ({ action: ['s3:GetObject'], roleArn: 'arn:aws:iam::1:role/r', policy: [admin] }), /go with a tool, not the action option/],
    ['an unknown mode', () => ({ action: ['s3:GetObject'], mode: 'fast' as CheckOptions['mode'] }), /the mode option must be one of/],
    ['offline without policies', () => ({ action: ['s3:GetObject'], mode: 'offline' }), /the mode option "offline" needs the policy option/],
    ['local with policies', () => ({ action: ['s3:GetObject'], mode: 'local', policy: [admin] }), /the mode option "local" checks the principal behind the credentials/],
    ['a bad operation', () => ({ template: [cdkOut], policy: [admin], operations: ['destroy' as 'create'] }), /the operations option takes/],
    ['role policies without a service role', () => ({ template: [cdkOut], policy: [admin], rolePolicy: [admin] }), /service role\nDrop the role policy, or name the service role \(the roleArn option\) where the tool takes one\./],
    ['a missing policy file', () => ({ action: ['s3:GetObject'], policy: ['/nonexistent/p.json'] }), /not found/],
  ];

  it.each(checks)('check(): %s', async (_name, options, pattern) => {
    const text = await failureText((log) => check({ cwd: cwd(), env: env(), ...options(), log }));
    expect(text).toMatch(pattern);
    expect(namesFlag(text), text).toBe(false);
  });

  it('check() with a tool acting as a service role: the role-policy mistakes', async () => {
    const { adapter, dir } = roleAdapter();
    const run = (o: Partial<CheckOptions>) => failureText((log) => check({ cwd: dir, env: env(), adapters: [adapter], ...o, log }));
    const texts = [
      await run({ policy: [admin] }),
      await run({ rolePolicy: [admin] }),
      await run({ policy: [admin], rolePolicy: [`arn:aws:iam::1:role/other=${admin}`] }),
      await run({ authorizationDetails: details, principal: 'arn:aws:iam::1:user/x', rolePolicy: [admin] }),
      await run({ policy: [admin], rolePolicy: [admin], cfnSchemas: [cdkOut] }),
    ];
    expect(texts[0]).toMatch(/the policy option gives only the caller's policies\nGive the role's policy documents with the rolePolicy option <file>/);
    expect(texts[2]).toMatch(/^the rolePolicy option arn:aws:iam::1:role\/other=.*is none of the principals/);
    expect(texts[4]).toMatch(/^the cfnSchemas option applies to templates, and there are none to read/);
    for (const t of texts) expect(namesFlag(t), t).toBe(false);
  });

  it('policy(): caller-only options without missing, and the warnings of templates alone', async () => {
    const policies: Partial<PolicyOptions>[] = [{ policy: [admin] }, { principal: 'arn:aws:iam::1:user/x' }, { mode: 'local' }, { rolePolicy: [admin] }];
    for (const o of policies) {
      const text = await failureText((log) => policy({ cwd: cwd(), env: env(), template: [cdkOut], ...o, log }));
      expect(text).toMatch(/option goes with the missing option/);
      expect(namesFlag(text), text).toBe(false);
    }
    const warnings: string[] = [];
    await policy({ cwd: cwd(), env: env(), template: [cdkOut], roleArn: 'arn:aws:iam::1:role/r', leastPrivilege: true, log: { warn: (m) => warnings.push(m) } });
    expect(warnings.join('\n')).toMatch(/the roleArn option applies[^\n]*\n.*the leastPrivilege option applies/s);
    for (const w of warnings) expect(namesFlag(w), w).toBe(false);
  });

  it('the catalogue’s messages and hints, filled with data, name no flag', () => {
    const samples: { [C in ErrorCode]?: ErrorDetails[C][] } = {
      TOOL_NOT_DETECTED: [{ cwd: '/p', known: ['up'] }, { cwd: '/p', tool: 'up', known: ['up'] }],
      TIMEOUT: [{ operation: 'sts:GetCallerIdentity', seconds: 1 }],
      NETWORK: [{ operation: 'sts:GetCallerIdentity', errno: 'ECONNREFUSED' }],
      MFA_REQUIRED: [{ profile: 'dev' }],
      SSO_TOKEN_EXPIRED: [{ profile: 'dev' }],
      AWS_UNAVAILABLE: (['throttled', 'server-error', 'failed'] as const).map((reason) => ({ operation: 'iam:GetUser', detail: 'x', reason })),
      AWS_RESPONSE_INVALID: (['endpoint', 'no-result', 'malformed-policy', 'object'] as const).map((reason) => ({ operation: 'iam:GetUser', detail: 'x', reason })),
      CFN_SCHEMA_INVALID: (['bundle', 'one-region', 'download'] as const).map((remedy) => ({ detail: 'x', remedy })),
      PRINCIPAL_NOT_FOUND: [{ file: 'd.json', principal: 'x', users: 1, roles: 2 }, { file: 'd.json', principal: 'x', via: 'CloudFormation service role' }],
      CREDENTIALS_UNSUPPORTED: [{ detail: 'x', principal: 'arn:aws:iam::1:root' }, { detail: 'x' }],
      CONTEXT_INVALID: [{ key: 'k', value: 'v', expected: 'key=value', from: 'option' }],
      ACCESS_DENIED: (['read-policy', 'tool-state', 'operation'] as const).map((grant) => ({ operation: 'iam:GetUser', awsCode: 'AccessDenied', grant })),
    };
    let seen = 0;
    for (const [code, list] of Object.entries(samples) as [ErrorCode, ErrorDetails[ErrorCode][]][]) {
      for (const data of list) {
        const e = AwspermError.from(code, data as never);
        expect(namesFlag(`${e.message}\n${e.hint ?? ''}`), `${code}: ${e.message} / ${e.hint}`).toBe(false);
        seen++;
      }
    }
    expect(seen).toBeGreaterThan(20);
    expect(Object.keys(samples).every((c) => c in errorCodes)).toBe(true);
  });
});

describe('the reports core renders name options, not CLI flags', () => {
  it('a failing offline check with a service role, and one of templates with unresolved types: text, markdown, JSON', async () => {
    const narrow = tempFile('narrow.json', policyDoc({ Effect: 'Allow', Action: 'iam:GetRole', Resource: '*' }));
    const { adapter, dir } = roleAdapter();
    const withRole = await check({ cwd: dir, env: sessionEnv(), adapters: [adapter], policy: [narrow], rolePolicy: [narrow] });
    const templates = await check({ cwd: cwd(), env: sessionEnv(), template: [cdkOut], policy: [narrow] });
    for (const report of [withRole, templates]) {
      expect(report.ok).toBe(false);
      expect(report.fix?.policies.length).toBeGreaterThan(0);
      for (const out of [renderCheckText(report), renderCheckText(report, undefined, { verbose: true }), renderCheckMarkdown(report, { verbose: true }), renderCheckJson(report)]) {
        expect(namesFlag(out), out.split('\n').find((l) => namesFlag(l))).toBe(false);
      }
    }
    // What the CLI rewords: the option, the option's value, the missing-policy call.
    expect(withRole.principals?.[0]?.modeReason).toBe('role policy files given (the rolePolicy option)');
    expect(renderCheckText(withRole)).toMatch(/\(policy\(\{ missing: true \}\) with the same options prints it alone\)/);
    expect(renderCheckText(templates)).toMatch(/\(the verbose option lists them\)/);
    expect(renderCheckText(templates)).toMatch(/with the cfnSchemas option <dir\|zip>/);
  });

  it('the wording option rewords core’s own prose, not the project’s', async () => {
    const narrow = tempFile('narrow.json', policyDoc({ Effect: 'Allow', Action: 'iam:GetRole', Resource: '*' }));
    const { adapter, dir } = roleAdapter();
    const report = await check({ cwd: dir, env: sessionEnv(), adapters: [adapter], policy: [narrow], rolePolicy: [narrow] });
    const upper = (t: string): string => t.replace(/the (\w+) option/g, (_, n: string) => `<${n.toUpperCase()}>`);
    const text = renderCheckText(report, undefined, { verbose: true, wording: upper });
    expect(text).toContain('mode offline: role policy files given (<ROLEPOLICY>)');
    expect(text).toContain('CloudFormation service role arn:aws:iam::123456789012:role/cfn (role.json)');
    expect(renderCheckMarkdown(report, { verbose: true, wording: upper })).toContain('(<ROLEPOLICY>)');
  });
});
