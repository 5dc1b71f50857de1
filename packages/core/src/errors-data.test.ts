import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ErrorCode, errorCodes } from './errors-data.ts';
import { AwspermError } from './errors.ts';

// A command-line flag of awsperm's, as a hint would name it: `--policy`, `--mode local`. `aws sso login --profile`
// is the AWS CLI's own command, which the user runs, and stays.
const FLAG = /(^|[\s(`'"])--[a-z][a-z-]*/;
const AWS_CLI = /aws sso login --profile/g;

function namesFlag(text: string): boolean {
  return FLAG.test(text.replace(AWS_CLI, ''));
}

describe('the error catalogue', () => {
  const entries = Object.entries(errorCodes) as [ErrorCode, (typeof errorCodes)[ErrorCode]][];

  it('has one entry per code, keyed by its code, with a kind, a title and a message template', () => {
    expect(entries.length).toBeGreaterThanOrEqual(34);
    for (const [key, entry] of entries) {
      expect(entry.code).toBe(key);
      expect(['usage', 'config', 'unavailable', 'internal']).toContain(entry.kind);
      expect(entry.title.length).toBeGreaterThan(5);
      expect(typeof entry.message).toBe('function');
    }
  });

  it('names no command-line flag in any title, message template or hint (every branch: the templates’ source is scanned)', () => {
    const offenders: string[] = [];
    for (const [code, entry] of entries) {
      for (const [part, value] of [['title', entry.title], ['message', entry.message], ['hint', entry.hint]] as const) {
        if (value !== undefined && namesFlag(String(value))) offenders.push(`${code}.${part}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the scan catches a flag (so that it can fail)', () => {
    expect(namesFlag(String((d: { x: string }) => `pass --policy ${d.x}`))).toBe(true);
    expect(namesFlag("run 'aws sso login --profile dev'")).toBe(false);
  });
});

// The flags only awsperm has (the tools have --stage, --profile, --region, SST v1 --role-arn of their own, which an
// adapter may name as the tool's), and the AWS CLI commands a hint tells the user to run.
const AWSPERM_FLAG = new RegExp(
  `--(${['no-exec', 'state', 'template', 'cfn-schemas', 'mode', 'policy', 'feature', 'tool', 'cwd', 'action', 'resource', 'timeout', 'endpoint-url', 'authorization-details', 'principal', 'role-policy', 'operations', 'stack', 'format', 'least-privilege', 'no-minimize', 'mfa-code', 'debug', 'context', 'missing', 'out-dir', 'verbose'].join('|')})\\b|\\b(Pass|pass|Drop|drop|Give|give|with|Use|use) --(stage|profile|region|role-arn)\\b`,
);
const AWS_COMMANDS = /aws (sso login|configure export-credentials)[^'"`]*/g;

/** The lines of `dir`'s sources (tests excepted) whose code, comments removed, names a flag only awsperm has. */
function flagLines(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.ts$/.test(entry.name) && !/\.test\.ts$/.test(entry.name)) {
        readFileSync(path, 'utf8')
          .split('\n')
          .forEach((line, i) => {
            const code = line.trimStart().startsWith('*') || line.trimStart().startsWith('/*') ? '' : line.replace(/(^|\s)\/\/.*$/, '');
            if (AWSPERM_FLAG.test(code.replace(AWS_COMMANDS, ''))) out.push(`${relative(root, path)}:${i + 1}: ${line.trim()}`);
          });
      }
    }
  };
  walk(dir);
  return out;
}
const root = join(import.meta.dirname, '../../..');

describe("the adapters' and core's messages", () => {
  it('name no flag of the awsperm CLI: adapters and core know nothing of it (the CLI words remedies, packages/cli/src/remedies.ts)', () => {
    // All of core (the session, the reports, the templates too), not only the parts adapters build on.
    const dirs = ['packages/adapter-up/src', 'packages/adapter-sst/src', 'packages/adapter-cdk/src', 'packages/core/src'];
    expect(dirs.flatMap((d) => flagLines(join(root, d)))).toEqual([]);
  });

  it('the scan catches a flag (so that it can fail)', () => {
    expect(AWSPERM_FLAG.test("hint: 'Pass --stage, set SST_STAGE'")).toBe(true);
    expect(AWSPERM_FLAG.test('warn(`…; pass --state`)')).toBe(true);
    expect(AWSPERM_FLAG.test("'run without --no-exec'")).toBe(true);
    expect(AWSPERM_FLAG.test("`SST v2 passes config() only CLI flags; --stage ${stage} selects`")).toBe(false);
    expect(AWSPERM_FLAG.test("'aws configure export-credentials --profile dev --format env'".replace(AWS_COMMANDS, ''))).toBe(false);
  });
});

describe('AwspermError.from', () => {
  it('fills the message and hint from the catalogue and keeps the data', () => {
    const e = AwspermError.from('TOOL_AMBIGUOUS', { cwd: '/p', found: [{ tool: 'up', configFile: 'up.json' }, { tool: 'sst', configFile: 'sst.config.ts' }] });
    expect(e.message).toBe('several tools detected in /p: up (up.json), sst (sst.config.ts)');
    expect(e.hint).toBe('Name the tool to use.');
    expect(e.kind).toBe('usage');
    expect(e.data).toEqual({ cwd: '/p', found: [{ tool: 'up', configFile: 'up.json' }, { tool: 'sst', configFile: 'sst.config.ts' }] });
    expect(AwspermError.is(e, 'TOOL_AMBIGUOUS')).toBe(true);
    expect(AwspermError.is(e, 'USAGE')).toBe(false);
  });

  it('hints depend on the data, and a given hint wins', () => {
    const tooLarge = AwspermError.from('FILE_UNREADABLE', { what: 'policy file', file: 'p.json', reason: 'too-large', limitKiB: 4096 });
    expect(tooLarge.message).toBe('policy file is larger than 4096 KiB: p.json');
    expect(tooLarge.hint).toMatch(/refuses inputs beyond this size/);
    const own = AwspermError.from('FILE_UNREADABLE', { what: 'policy file', file: 'p.json', reason: 'error', errno: 'EACCES' }, { hint: 'mine' });
    expect(own.message).toBe('cannot read policy file p.json: EACCES');
    expect(own.hint).toBe('mine');
    // A file that cannot be read says so in one line: no hint unless the site gives one.
    expect(AwspermError.from('FILE_UNREADABLE', { what: 'state file', file: '/s', reason: 'error', errno: 'EACCES' }).hint).toBeUndefined();
  });

  it('keeps the messages of the errors it replaced', () => {
    expect(AwspermError.from('PRINCIPAL_NOT_FOUND', { file: 'd.json', principal: 'arn:aws:iam::1:user/x', users: 2, roles: 1 }).message).toBe(
      'd.json: no user or role arn:aws:iam::1:user/x',
    );
    expect(AwspermError.from('ACCESS_DENIED', { operation: 'iam:GetUser', awsCode: 'AccessDenied', consequence: "awsperm cannot read this principal's policies", grant: 'read-policy' }).message).toBe(
      "iam:GetUser was denied (AccessDenied); awsperm cannot read this principal's policies",
    );
    expect(AwspermError.from('FEATURE_UNKNOWN', { feature: 'lgos', tool: 'up', toolName: 'Up', known: ['documented', 'logs'], suggestion: 'logs' }).message).toBe(
      'unknown feature "lgos" for Up; did you mean "logs"?',
    );
    expect(AwspermError.from('TIMEOUT', { operation: 'sts:GetCallerIdentity', seconds: 1, endpoint: 'http://127.0.0.1:1' }).message).toBe(
      'sts:GetCallerIdentity: no answer from AWS at http://127.0.0.1:1 within 1 s',
    );
  });
});

// The core files whose hints still name a flag, waiting for their owners (credential failures, the worker): the
// list may only shrink.
const PENDING = new Set<string>([]);

describe("core's sources", () => {
  it('give no hint naming a command-line flag outside the files pending migration', () => {
    const src = join(import.meta.dirname);
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
          const rel = relative(src, path);
          if (PENDING.has(rel)) continue;
          for (const m of readFileSync(path, 'utf8').matchAll(/hint:\s*(?:[\w.]+\s*\?\?\s*)?(['`"])((?:\\.|(?!\1).)*)\1/g)) {
            if (namesFlag(m[2]!)) offenders.push(`${rel}: ${m[2]}`);
          }
        }
      }
    };
    walk(src);
    expect(offenders).toEqual([]);
  });
});
