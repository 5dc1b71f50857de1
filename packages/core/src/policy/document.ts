import { parseOperator } from '../engine/conditions.ts';
import { AwspermError } from '../errors.ts';
import type { PolicyDocument, Statement } from './types.ts';
import { isRecord } from '../json.ts';

const STATEMENT_KEYS = new Set(['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition', 'Principal', 'NotPrincipal']);


function invalid(where: string, message: string): never {
  throw AwspermError.from('POLICY_INVALID', { where, detail: message });
}

/**
 * One structural problem of a policy document: `statement` is the 0-based index of the statement at fault (absent
 * for the document itself), `path` a JSON pointer into the document (`/Statement/0/Action/1`).
 */
export interface PolicyProblem {
  statement?: number;
  sid?: string;
  path: string;
  message: string;
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** JSON pointer escaping of one path segment. */
export function pointerSegment(key: string | number): string {
  return typeof key === 'number' ? String(key) : key.replace(/~/g, '~0').replace(/\//g, '~1');
}

type Add = (path: string, message: string) => void;

function checkStringList(add: Add, base: string, key: string, value: unknown): void {
  const at = `${base}/${key}`;
  if (typeof value === 'string') {
    if (value === '') add(at, `${key} is an empty string`);
    return;
  }
  if (!Array.isArray(value)) {
    add(at, `${key} must be a string or an array of strings, not ${describe(value)}`);
    return;
  }
  if (value.length === 0) add(at, `${key} is an empty array`);
  value.forEach((item, i) => {
    if (typeof item !== 'string' || item === '') add(`${at}/${i}`, `${key}[${i}] must be a non-empty string, not ${describe(item)}`);
  });
}

/** The structural problems of one statement at `base` (a JSON pointer), in document order of the checks. */
function statementProblems(s: unknown, base: string, add: Add, resourceBased: boolean): void {
  if (!isRecord(s)) {
    add(base, `a statement must be an object, not ${describe(s)}`);
    return;
  }
  for (const key of Object.keys(s)) {
    if (!STATEMENT_KEYS.has(key)) add(`${base}/${pointerSegment(key)}`, `unknown statement element "${key}"`);
  }
  if (!resourceBased && (s.Principal !== undefined || s.NotPrincipal !== undefined)) {
    add(`${base}/${s.Principal !== undefined ? 'Principal' : 'NotPrincipal'}`, 'Principal/NotPrincipal belong in resource-based policies, not identity-based ones');
  }
  if (resourceBased && (s.Principal === undefined) === (s.NotPrincipal === undefined)) {
    add(base, 'a resource-based statement needs exactly one of Principal and NotPrincipal');
  }
  if (resourceBased) {
    for (const key of ['Principal', 'NotPrincipal'] as const) {
      const v = s[key];
      if (v === undefined || v === '*') continue;
      if (!isRecord(v)) {
        add(`${base}/${key}`, `${key} must be "*" or an object such as { "AWS": "<arn>" }`);
        continue;
      }
      for (const [kind, list] of Object.entries(v)) checkStringList(add, `${base}/${key}`, kind, list);
    }
  }
  if (s.Sid !== undefined && typeof s.Sid !== 'string') add(`${base}/Sid`, `Sid must be a string, not ${describe(s.Sid)}`);
  if (s.Effect !== 'Allow' && s.Effect !== 'Deny') {
    add(
      s.Effect === undefined ? base : `${base}/Effect`,
      `Effect must be "Allow" or "Deny", not ${typeof s.Effect === 'string' ? JSON.stringify(s.Effect) : describe(s.Effect)}`,
    );
  }
  if ((s.Action === undefined) === (s.NotAction === undefined)) {
    add(s.Action === undefined ? base : `${base}/NotAction`, 'a statement needs exactly one of Action and NotAction');
  }
  // A role's trust policy names no resource: the role it is attached to is the resource.
  if (s.Resource !== undefined && s.NotResource !== undefined) add(`${base}/NotResource`, 'a statement needs exactly one of Resource and NotResource');
  if (!resourceBased && s.Resource === undefined && s.NotResource === undefined) {
    add(base, 'a statement needs exactly one of Resource and NotResource');
  }
  for (const key of ['Action', 'NotAction', 'Resource', 'NotResource'] as const) {
    if (s[key] !== undefined) checkStringList(add, base, key, s[key]);
  }
  for (const key of ['Action', 'NotAction'] as const) {
    const raw = s[key];
    if (raw === undefined) continue;
    const items: unknown[] = Array.isArray(raw) ? raw : [raw];
    items.forEach((action, i) => {
      if (typeof action !== 'string' || action === '') return;
      if (action !== '*' && !/^[A-Za-z0-9*?-]+:[A-Za-z0-9*?]+$/.test(action)) {
        add(Array.isArray(raw) ? `${base}/${key}/${i}` : `${base}/${key}`, `${key} "${action}" is not of the form service:Action`);
      }
    });
  }
  if (s.Condition !== undefined) {
    const at = `${base}/Condition`;
    if (!isRecord(s.Condition)) {
      add(at, `Condition must be an object, not ${describe(s.Condition)}`);
      return;
    }
    for (const [op, keys] of Object.entries(s.Condition)) {
      const opAt = `${at}/${pointerSegment(op)}`;
      if (!parseOperator(op)) {
        add(opAt, `unknown condition operator "${op}"`);
        continue;
      }
      if (!isRecord(keys)) {
        add(opAt, `Condition operator ${op} must map condition keys to values`);
        continue;
      }
      for (const [key, value] of Object.entries(keys)) {
        const values = Array.isArray(value) ? value : [value];
        if (values.some((v) => typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')) {
          add(`${opAt}/${pointerSegment(key)}`, `Condition ${op} ${key} values must be strings, numbers or booleans`);
        }
      }
    }
  }
}

/**
 * Every structural problem of an IAM policy document (identity-based, or resource-based with `resourceBased`): of
 * the document itself, then of each statement (a broken statement does not hide the others). Empty when the
 * document is valid.
 */
export function policyDocumentProblems(value: unknown, options: { resourceBased?: boolean } = {}): PolicyProblem[] {
  const out: PolicyProblem[] = [];
  if (!isRecord(value)) return [{ path: '', message: `a policy document must be a JSON object, not ${describe(value)}` }];
  if (value.Statement === undefined) out.push({ path: '', message: 'the policy has no "Statement" element' });
  if (value.Version !== undefined && value.Version !== '2012-10-17' && value.Version !== '2008-10-17') {
    out.push({ path: '/Version', message: `Version must be "2012-10-17" or "2008-10-17", not ${JSON.stringify(value.Version)}` });
  }
  if (value.Statement === undefined) return out;
  const single = !Array.isArray(value.Statement);
  const statements: unknown[] = single ? [value.Statement] : (value.Statement as unknown[]);
  if (statements.length === 0) out.push({ path: '/Statement', message: 'Statement is an empty array' });
  statements.forEach((s, i) => {
    const sid = isRecord(s) && typeof s.Sid === 'string' && s.Sid !== '' ? s.Sid : undefined;
    statementProblems(s, single ? '/Statement' : `/Statement/${i}`, (path, message) => out.push({ statement: i, ...(sid ? { sid } : {}), path, message }), options.resourceBased ?? false);
  });
  return out;
}

/**
 * Checks that `value` is an identity-based IAM policy document and returns it typed. Throws `POLICY_INVALID`
 * naming `source` and the statement at fault (the first problem {@link policyDocumentProblems} finds).
 */
export function validatePolicyDocument(value: unknown, source: string): PolicyDocument {
  return validateDocument(value, source, false);
}

/**
 * Checks that `value` is a resource-based policy document (a role's trust policy, a bucket policy): statements name
 * a `Principal` or `NotPrincipal`, and `Resource` may be absent (a trust policy's resource is its role). Throws
 * `POLICY_INVALID` naming `source` and the statement at fault.
 * @since 0.2.0
 */
export function validateResourcePolicyDocument(value: unknown, source: string): PolicyDocument {
  return validateDocument(value, source, true);
}

function validateDocument(value: unknown, source: string, resourceBased: boolean): PolicyDocument {
  const [first] = policyDocumentProblems(value, { resourceBased });
  if (first) {
    const where = first.statement === undefined ? source : `${source}: statement ${first.statement + 1}${first.sid ? ` (Sid "${first.sid}")` : ''}`;
    invalid(where, first.message);
  }
  return value as unknown as PolicyDocument;
}

/** The statements of a document as an array, whether it holds one statement or a list. */
export function statementsOf(document: PolicyDocument): Statement[] {
  return Array.isArray(document.Statement) ? document.Statement : [document.Statement];
}

/** A string-or-array IAM field as an array (empty when absent). */
export function listOf(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
}
