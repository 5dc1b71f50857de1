// node:net is loaded on the first IP condition only: it costs a few milliseconds of start-up that lint, policy and
// most checks never need.
const net = (): typeof import('node:net') => process.getBuiltinModule('node:net');
import { AwspermError } from '../errors.ts';
import type { ConditionBlock } from '../policy/types.ts';
import { matchesGlob } from './glob.ts';

/**
 * What awsperm knows about a request's context. Keys are condition keys (case-insensitive). A key mapped to
 * `null` is known to be absent from the request; a key not in the map is unknown, and a condition on it makes the
 * decision depend on context rather than silently match or not.
 */
export type RequestContext = Readonly<Record<string, string | readonly string[] | null>>;

/** The result of evaluating a condition block or one of its parts. */
export type ConditionOutcome = { result: 'match' } | { result: 'noMatch' } | { result: 'unknown'; keys: string[] };

const MATCH: ConditionOutcome = { result: 'match' };
const NO_MATCH: ConditionOutcome = { result: 'noMatch' };
const unknown = (...keys: string[]): ConditionOutcome => ({ result: 'unknown', keys });

type Compare = (contextValue: string, policyValue: string) => boolean | undefined;

function parseDate(value: string): number | undefined {
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : t;
}

function parseNumber(value: string): number | undefined {
  // Decimal notation only: Number() would also take "0x10", "Infinity" and "".
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value.trim()) ? Number(value) : undefined;
}

function numeric(op: (a: number, b: number) => boolean): Compare {
  return (c, p) => {
    const a = parseNumber(c);
    const b = parseNumber(p);
    return a === undefined || b === undefined ? false : op(a, b);
  };
}

function date(op: (a: number, b: number) => boolean): Compare {
  return (c, p) => {
    const a = parseDate(c);
    const b = parseDate(p);
    return a === undefined || b === undefined ? false : op(a, b);
  };
}

function ipMatches(address: string, cidr: string): boolean {
  const [subnet, prefixText] = cidr.split('/');
  const { BlockList, isIP } = net();
  const family = isIP(subnet ?? '');
  const addressFamily = isIP(address);
  if (!family || !addressFamily || family !== addressFamily) return false;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const max = family === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return false;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) return false;
  const list = new BlockList();
  list.addSubnet(subnet!, prefix, type);
  return list.check(address, type);
}

function arnLike(c: string, p: string): boolean {
  // Each of the first six colon-separated parts is matched on its own; the last part keeps its colons.
  const split = (arn: string) => {
    const parts = arn.split(':');
    return parts.length < 6 ? undefined : [...parts.slice(0, 5), parts.slice(5).join(':')];
  };
  const cp = split(c);
  const pp = split(p);
  if (!cp || !pp) return false;
  return pp.every((part, i) => matchesGlob(part, cp[i]!));
}

function binaryEquals(c: string, p: string): boolean {
  try {
    return Buffer.from(c, 'base64').equals(Buffer.from(p, 'base64'));
  } catch {
    return false;
  }
}

/** Base operators: how one context value compares with one policy value, and whether the operator is negated. */
const OPERATORS: Record<string, { compare: Compare; negated: boolean }> = {
  stringequals: { compare: (c, p) => c === p, negated: false },
  stringnotequals: { compare: (c, p) => c === p, negated: true },
  stringequalsignorecase: { compare: (c, p) => c.toLowerCase() === p.toLowerCase(), negated: false },
  stringnotequalsignorecase: { compare: (c, p) => c.toLowerCase() === p.toLowerCase(), negated: true },
  stringlike: { compare: (c, p) => matchesGlob(p, c), negated: false },
  stringnotlike: { compare: (c, p) => matchesGlob(p, c), negated: true },
  numericequals: { compare: numeric((a, b) => a === b), negated: false },
  numericnotequals: { compare: numeric((a, b) => a === b), negated: true },
  numericlessthan: { compare: numeric((a, b) => a < b), negated: false },
  numericlessthanequals: { compare: numeric((a, b) => a <= b), negated: false },
  numericgreaterthan: { compare: numeric((a, b) => a > b), negated: false },
  numericgreaterthanequals: { compare: numeric((a, b) => a >= b), negated: false },
  dateequals: { compare: date((a, b) => a === b), negated: false },
  datenotequals: { compare: date((a, b) => a === b), negated: true },
  datelessthan: { compare: date((a, b) => a < b), negated: false },
  datelessthanequals: { compare: date((a, b) => a <= b), negated: false },
  dategreaterthan: { compare: date((a, b) => a > b), negated: false },
  dategreaterthanequals: { compare: date((a, b) => a >= b), negated: false },
  bool: { compare: (c, p) => c.toLowerCase() === p.toLowerCase(), negated: false },
  binaryequals: { compare: binaryEquals, negated: false },
  ipaddress: { compare: ipMatches, negated: false },
  notipaddress: { compare: ipMatches, negated: true },
  arnequals: { compare: arnLike, negated: false },
  arnlike: { compare: arnLike, negated: false },
  arnnotequals: { compare: arnLike, negated: true },
  arnnotlike: { compare: arnLike, negated: true },
};

// In wildcard operators, ${*} and ${?} must stay literal characters: private-use stand-ins the glob matcher
// treats as the literal `*` and `?`.
const LIKE = new Set(['stringlike', 'stringnotlike', 'arnequals', 'arnlike', 'arnnotequals', 'arnnotlike']);
const GLOB_LITERALS = { star: '\uE000', question: '\uE001' };

/** A condition operator split into its parts: `ForAnyValue:StringLikeIfExists` → set `any`, base, ifExists. */
export interface ParsedOperator {
  /** The set operator prefix, if any. */
  set: 'all' | 'any' | undefined;
  /** The base operator, lower-case (`stringlike`), or `null` for the Null operator. */
  base: string;
  /** Whether the `IfExists` suffix is present. */
  ifExists: boolean;
}

/** Parses a condition operator name, or returns `undefined` when it is not one IAM knows. */
export function parseOperator(name: string): ParsedOperator | undefined {
  const m = /^(?:(ForAllValues|ForAnyValue):)?([A-Za-z]+?)(IfExists)?$/i.exec(name);
  if (!m) return undefined;
  const set = m[1] === undefined ? undefined : m[1].toLowerCase() === 'forallvalues' ? 'all' : 'any';
  const base = m[2]!.toLowerCase();
  const ifExists = m[3] !== undefined;
  if (base === 'null') return ifExists || set ? undefined : { set, base, ifExists };
  // Own keys only: "constructor" or "toString" must not pass for an operator.
  if (!Object.hasOwn(OPERATORS, base)) return undefined;
  return { set, base, ifExists };
}

function lookup(context: RequestContext, key: string): { known: boolean; values: readonly string[] | null } {
  const lower = key.toLowerCase();
  for (const [k, v] of Object.entries(context)) {
    if (k.toLowerCase() === lower) return { known: true, values: v === null ? null : typeof v === 'string' ? [v] : v };
  }
  return { known: false, values: null };
}

/**
 * Substitutes policy variables (`${aws:username}`, `${aws:PrincipalTag/team}`, `${key, 'default'}`) and the
 * escapes `${*}`, `${?}`, `${$}` in a value. Returns `undefined` with the variable named when one cannot be
 * resolved from the context. A multi-valued key never substitutes.
 */
export function substituteVariables(
  value: string,
  context: RequestContext,
  literals: { star: string; question: string } = { star: '*', question: '?' },
): { value: string } | { unresolved: string } | { absent: string } {
  let unresolved: string | undefined;
  let absent: string | undefined;
  const out = value.replace(/\$\{([^}]*)\}/g, (whole, inner: string) => {
    if (inner === '*') return literals.star;
    if (inner === '?') return literals.question;
    if (inner === '$') return inner;
    const m = /^\s*([^,\s]+)\s*(?:,\s*'([^']*)'\s*)?$/.exec(inner);
    if (!m) {
      unresolved ??= whole;
      return whole;
    }
    const { known, values } = lookup(context, m[1]!);
    if (known && values && values.length === 1) return values[0]!;
    // The default applies only when the key is known to be absent; an unknown key might carry a value.
    if (known && (values === null || values.length === 0)) {
      if (m[2] !== undefined) return m[2];
      absent ??= m[1]!;
      return whole;
    }
    unresolved ??= `\${${m[1]}}`;
    return whole;
  });
  if (unresolved !== undefined) return { unresolved };
  return absent === undefined ? { value: out } : { absent };
}

function evaluateOne(op: ParsedOperator, key: string, policyValues: string[], context: RequestContext, withVariables: boolean): ConditionOutcome {
  const { known, values } = lookup(context, key);
  if (!known) return unknown(key);
  const present = values !== null && values.length > 0;
  if (op.base === 'null') {
    const wantAbsent = policyValues.some((v) => v.toLowerCase() === 'true');
    return present !== wantAbsent ? MATCH : NO_MATCH;
  }
  const { compare, negated } = OPERATORS[op.base]!;
  // Absent keys decide before any variable is looked at: the values never get compared.
  if (!present) {
    if (op.set === 'all') return MATCH;
    if (op.set === 'any') return NO_MATCH;
    return op.ifExists || negated ? MATCH : NO_MATCH;
  }
  const resolved: string[] = [];
  // Policy variables work in String and ARN operators only (IAM User Guide, "Variables and tags").
  const substitute = withVariables && /^(string|arn)/.test(op.base);
  for (const v of policyValues) {
    if (!substitute) {
      resolved.push(v);
      continue;
    }
    const s = substituteVariables(v, context, LIKE.has(op.base) ? GLOB_LITERALS : undefined);
    if ('unresolved' in s) return unknown(s.unresolved);
    // A variable whose key is absent makes any attempt to match it fail.
    if ('absent' in s) continue;
    resolved.push(s.value);
  }
  const matchesAny = (c: string) => resolved.some((p) => compare(c, p) === true);
  if (op.set === 'all') {
    const ok = values!.every((c) => (negated ? !matchesAny(c) : matchesAny(c)));
    return ok ? MATCH : NO_MATCH;
  }
  if (op.set === 'any') {
    const ok = values!.some((c) => (negated ? !matchesAny(c) : matchesAny(c)));
    return ok ? MATCH : NO_MATCH;
  }
  const positive = values!.some(matchesAny);
  return positive !== negated ? MATCH : NO_MATCH;
}

/**
 * Evaluates a statement's Condition block against what awsperm knows of the request: every operator and every
 * key must match (AND); several values for one key match if any does (OR; NOR for negated operators). A key the
 * context does not know makes the outcome `unknown` — unless another part of the block already fails.
 */
export function evaluateConditions(block: ConditionBlock, context: RequestContext, withVariables = true): ConditionOutcome {
  const unknownKeys: string[] = [];
  for (const [operator, keys] of Object.entries(block)) {
    const op = parseOperator(operator);
    if (!op) throw AwspermError.from('POLICY_INVALID', { detail: `unknown condition operator "${operator}"` });
    for (const [key, raw] of Object.entries(keys)) {
      const values = (Array.isArray(raw) ? raw : [raw]).map(String);
      const outcome = evaluateOne(op, key, values, context, withVariables);
      if (outcome.result === 'noMatch') return NO_MATCH;
      if (outcome.result === 'unknown') unknownKeys.push(...outcome.keys);
    }
  }
  return unknownKeys.length ? unknown(...new Set(unknownKeys)) : MATCH;
}
