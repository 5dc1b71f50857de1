import { parseOperator } from '../engine/conditions.ts';
import { AwspermError } from '../errors.ts';
import type { PolicyDocument, Statement } from './types.ts';
import { isRecord } from '../json.ts';

const STATEMENT_KEYS = new Set(['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition', 'Principal', 'NotPrincipal']);


function invalid(where: string, message: string): never {
  throw AwspermError.from('POLICY_INVALID', { where, detail: message });
}

function checkStringList(where: string, key: string, value: unknown): void {
  if (typeof value === 'string') {
    if (value === '') invalid(where, `${key} is an empty string`);
    return;
  }
  if (!Array.isArray(value)) invalid(where, `${key} must be a string or an array of strings, not ${describe(value)}`);
  if (value.length === 0) invalid(where, `${key} is an empty array`);
  value.forEach((item, i) => {
    if (typeof item !== 'string' || item === '') {
      invalid(where, `${key}[${i}] must be a non-empty string, not ${describe(item)}`);
    }
  });
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function checkStatement(where: string, s: unknown, resourceBased = false): asserts s is Statement {
  if (!isRecord(s)) invalid(where, `a statement must be an object, not ${describe(s)}`);
  for (const key of Object.keys(s)) {
    if (!STATEMENT_KEYS.has(key)) invalid(where, `unknown statement element "${key}"`);
  }
  if (!resourceBased && (s.Principal !== undefined || s.NotPrincipal !== undefined)) {
    invalid(where, 'Principal/NotPrincipal belong in resource-based policies, not identity-based ones');
  }
  if (resourceBased && (s.Principal === undefined) === (s.NotPrincipal === undefined)) {
    invalid(where, 'a resource-based statement needs exactly one of Principal and NotPrincipal');
  }
  if (resourceBased) {
    for (const key of ['Principal', 'NotPrincipal'] as const) {
      const v = s[key];
      if (v === undefined || v === '*') continue;
      if (!isRecord(v)) invalid(where, `${key} must be "*" or an object such as { "AWS": "<arn>" }`);
      for (const [kind, list] of Object.entries(v)) checkStringList(where, `${key}.${kind}`, list);
    }
  }
  if (s.Sid !== undefined && typeof s.Sid !== 'string') invalid(where, `Sid must be a string, not ${describe(s.Sid)}`);
  if (s.Effect !== 'Allow' && s.Effect !== 'Deny') {
    invalid(where, `Effect must be "Allow" or "Deny", not ${typeof s.Effect === 'string' ? JSON.stringify(s.Effect) : describe(s.Effect)}`);
  }
  if ((s.Action === undefined) === (s.NotAction === undefined)) {
    invalid(where, 'a statement needs exactly one of Action and NotAction');
  }
  // A role's trust policy names no resource: the role it is attached to is the resource.
  if (s.Resource !== undefined && s.NotResource !== undefined) invalid(where, 'a statement needs exactly one of Resource and NotResource');
  if (!resourceBased && s.Resource === undefined && s.NotResource === undefined) {
    invalid(where, 'a statement needs exactly one of Resource and NotResource');
  }
  for (const key of ['Action', 'NotAction', 'Resource', 'NotResource'] as const) {
    if (s[key] !== undefined) checkStringList(where, key, s[key]);
  }
  for (const key of ['Action', 'NotAction'] as const) {
    const list = s[key];
    if (list === undefined) continue;
    for (const action of typeof list === 'string' ? [list] : (list as string[])) {
      if (action !== '*' && !/^[A-Za-z0-9*?-]+:[A-Za-z0-9*?]+$/.test(action)) {
        invalid(where, `${key} "${action}" is not of the form service:Action`);
      }
    }
  }
  if (s.Condition !== undefined) {
    if (!isRecord(s.Condition)) invalid(where, `Condition must be an object, not ${describe(s.Condition)}`);
    for (const [op, keys] of Object.entries(s.Condition)) {
      if (!parseOperator(op)) invalid(where, `unknown condition operator "${op}"`);
      if (!isRecord(keys)) invalid(where, `Condition operator ${op} must map condition keys to values`);
      for (const [key, value] of Object.entries(keys)) {
        const values = Array.isArray(value) ? value : [value];
        for (const v of values) {
          if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
            invalid(where, `Condition ${op} ${key} values must be strings, numbers or booleans`);
          }
        }
      }
    }
  }
}

/**
 * Checks that `value` is an identity-based IAM policy document and returns it typed. Throws `POLICY_INVALID`
 * naming `source` and the statement at fault.
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
  if (!isRecord(value)) invalid(source, `a policy document must be a JSON object, not ${describe(value)}`);
  if (value.Statement === undefined) invalid(source, 'the policy has no "Statement" element');
  if (value.Version !== undefined && value.Version !== '2012-10-17' && value.Version !== '2008-10-17') {
    invalid(source, `Version must be "2012-10-17" or "2008-10-17", not ${JSON.stringify(value.Version)}`);
  }
  const statements = Array.isArray(value.Statement) ? value.Statement : [value.Statement];
  if (statements.length === 0) invalid(source, 'Statement is an empty array');
  statements.forEach((s, i) => {
    const sid = isRecord(s) && typeof s.Sid === 'string' && s.Sid !== '' ? ` (Sid "${s.Sid}")` : '';
    checkStatement(`${source}: statement ${i + 1}${sid}`, s, resourceBased);
  });
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
