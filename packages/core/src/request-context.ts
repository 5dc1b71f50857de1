import { AwspermError } from './errors.ts';
import type { RequestContext } from './engine/conditions.ts';

/** What awsperm knows about the principal making the requests. */
export interface PrincipalFacts {
  /** The principal's ARN (user or role). */
  arn: string;
  /** `user` or `role`. */
  type: 'user' | 'role';
  /** The unique id (AIDA… for users, AROA… for roles). */
  userId?: string;
  /** The principal's tags. */
  tags?: Record<string, string>;
}

/**
 * Builds the request context awsperm can vouch for: the requested region, HTTPS (AWS SDKs always use it), the
 * current time, and — when the principal is known — its ARN, account, type, user name and id, and tags. Keys not
 * set here stay unknown, so conditions on them make decisions depend on context.
 */
export function buildRequestContext(options: { region?: string; principal?: PrincipalFacts; now?: Date }): RequestContext {
  const now = options.now ?? new Date();
  const context: Record<string, string | string[] | null> = {
    'aws:SecureTransport': 'true',
    'aws:CurrentTime': now.toISOString(),
    'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
  };
  if (options.region) context['aws:RequestedRegion'] = options.region;
  const p = options.principal;
  if (p) {
    context['aws:PrincipalArn'] = p.arn;
    const account = p.arn.split(':')[4];
    if (account) context['aws:PrincipalAccount'] = account;
    context['aws:PrincipalType'] = p.type === 'user' ? 'User' : 'AssumedRole';
    if (p.type === 'user') context['aws:username'] = p.arn.slice(p.arn.lastIndexOf('/') + 1);
    else context['aws:username'] = null;
    if (p.userId) context['aws:userid'] = p.userId;
    // Tags are complete for the principal: a tag it lacks is known to be absent.
    for (const [k, v] of Object.entries(p.tags ?? {})) context[`aws:PrincipalTag/${k}`] = v;
    if (p.tags) context['aws:PrincipalTagKeys'] = Object.keys(p.tags);
  }
  return context;
}

/**
 * A request-context value as a library caller or the awsperm config gives it: a string, number, boolean or date,
 * or a list of them for a multivalued key (`aws:TagKeys`). From the command line, `key=value` strings.
 */
export type ContextValue = string | number | boolean | Date | readonly (string | number | boolean | Date)[];

/** The value types of IAM's simulation API (`ContextKeyType`), which awsperm also validates values by. */
export type ContextKeyType = 'string' | 'numeric' | 'boolean' | 'date' | 'ip' | 'binary';

/** A validated request-context entry: its type, whether it is a list, and its values as IAM compares them. */
export interface TypedContextEntry {
  key: string;
  type: ContextKeyType;
  list: boolean;
  values: string[];
}

// The types of the global condition keys whose values are not strings (IAM User Guide, "AWS global condition
// context keys"); every other key is a string unless its value says otherwise.
const GLOBAL_KEY_TYPES: Readonly<Record<string, ContextKeyType>> = {
  'aws:currenttime': 'date',
  'aws:epochtime': 'date',
  'aws:tokenissuetime': 'date',
  'aws:multifactorauthage': 'numeric',
  'aws:multifactorauthpresent': 'boolean',
  'aws:securetransport': 'boolean',
  'aws:viaawsservice': 'boolean',
  'aws:principalisawsservice': 'boolean',
  'aws:sourceip': 'ip',
  // Strings that look like numbers: account ids, ids.
  'aws:principalaccount': 'string',
  'aws:resourceaccount': 'string',
  'aws:sourceaccount': 'string',
  'aws:username': 'string',
  'aws:userid': 'string',
  'aws:vpcsourceip': 'ip',
  'aws:ec2instancesourceprivateipv4': 'ip',
};

/** Keys that hold lists (multivalued context keys). */
const LIST_KEYS = new Set(['aws:tagkeys', 'aws:principaltagkeys', 'aws:calledvia', 'aws:principalservicenameslist', 'aws:principalorgpaths', 'aws:resourceorgpaths']);

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function isIp(value: string): boolean {
  const net = process.getBuiltinModule('node:net');
  const [address, prefix] = value.split('/');
  if (!net.isIP(address ?? '')) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (net.isIPv4(address!) ? 32 : 128));
}

const CHECKS: Record<Exclude<ContextKeyType, 'string' | 'binary'>, { test: (v: string) => boolean; expected: string }> = {
  boolean: { test: (v) => v === 'true' || v === 'false', expected: 'true or false' },
  numeric: { test: (v) => /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v), expected: 'a number' },
  date: { test: (v) => (ISO_DATE.test(v) && !Number.isNaN(Date.parse(v))) || /^\d{1,12}$/.test(v), expected: 'an ISO 8601 date (2026-01-31T12:00:00Z) or epoch seconds' },
  ip: { test: isIp, expected: 'an IP address or CIDR (203.0.113.7, 10.0.0.0/8)' },
};

function contextError(key: string, value: string, expected: string, from: 'option' | 'config'): never {
  throw AwspermError.from('CONTEXT_INVALID', { key, value: value.slice(0, 80), expected, from });
}

const KEY_FORM = /^[A-Za-z0-9-]+:[A-Za-z0-9_.:-]+(\/[^\s=]+)?$/;

/** The type of an untyped key's values: the first of boolean, number, date, IP all values fit; else string. */
function inferType(values: string[]): ContextKeyType {
  for (const type of ['boolean', 'numeric', 'date', 'ip'] as const) if (values.length && values.every(CHECKS[type].test)) return type;
  return 'string';
}

/** The declared type of a key: IAM's global keys, and tags (always strings, `007` included). */
function knownType(key: string): ContextKeyType | undefined {
  const lower = key.toLowerCase();
  return GLOBAL_KEY_TYPES[lower] ?? (/^aws:(request|resource|principal)tag\//.test(lower) ? 'string' : undefined);
}

function typed(key: string, values: string[], listGiven: boolean, from: 'option' | 'config'): TypedContextEntry {
  if (!KEY_FORM.test(key)) contextError(key, values.join(','), 'a condition key such as aws:SourceIp or iam:PassedToService', from);
  const type = knownType(key) ?? inferType(values);
  if (type !== 'string' && type !== 'binary') {
    const bad = values.find((v) => !CHECKS[type].test(v));
    if (bad !== undefined) contextError(key, bad, CHECKS[type].expected, from);
  }
  if (values.length === 0 || values.some((v) => v === '')) contextError(key, values.join(','), 'a value (lists: a,b)', from);
  return { key, type, list: listGiven || values.length > 1 || LIST_KEYS.has(key.toLowerCase()), values };
}

function scalar(v: string | number | boolean | Date, key: string, from: 'option' | 'config'): string {
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) contextError(key, 'Invalid Date', 'a valid date', from);
    return v.toISOString();
  }
  if (typeof v === 'number' && !Number.isFinite(v)) contextError(key, String(v), 'a finite number', from);
  if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') contextError(key, String(v), 'a string, number, boolean or date', from);
  return String(v);
}

/**
 * Validates request context given by the user: `key=value` strings (the command line: `a,b` is a list) or an
 * object of key → {@link ContextValue} (library, config). Values are typed by the key (IAM's global keys: dates,
 * numbers, booleans, IPs) or, for other keys, by what every value looks like. Throws `CONTEXT_INVALID`.
 */
export function parseContext(input: readonly string[] | Readonly<Record<string, unknown>> | undefined, from: 'option' | 'config' = 'option'): TypedContextEntry[] {
  if (input === undefined) return [];
  const out = new Map<string, TypedContextEntry>();
  const put = (e: TypedContextEntry) => out.set(e.key.toLowerCase(), e);
  if (Array.isArray(input)) {
    for (const raw of input as readonly string[]) {
      const eq = raw.indexOf('=');
      if (eq <= 0) contextError(eq === 0 ? '' : raw, '', 'key=value', from);
      const key = raw.slice(0, eq).trim();
      const text = raw.slice(eq + 1).trim();
      const values = text.split(',').map((v) => v.trim());
      put(typed(key, values, values.length > 1, from));
    }
  } else {
    for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
      const list = Array.isArray(value);
      const values = (list ? (value as unknown[]) : [value]).map((v) => scalar(v as string, key, from));
      put(typed(key, values, list, from));
    }
  }
  return [...out.values()];
}

/** The entries as a {@link RequestContext} (lists stay lists). */
export function contextOf(entries: readonly TypedContextEntry[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const e of entries) out[e.key] = e.list ? e.values : e.values[0]!;
  return out;
}

/** The simulation API's type of a key with these values (as {@link parseContext} types them). */
export function contextKeyType(key: string, values: readonly string[]): ContextKeyType {
  return knownType(key) ?? inferType([...values]);
}

/**
 * Layers request contexts: a key of a later layer replaces the same key (case-insensitive) of an earlier one. The
 * run's own facts come first, then what the requirement carries, then what the user gave, which wins.
 */
export function mergeContext(...layers: (RequestContext | undefined)[]): RequestContext {
  const byLower = new Map<string, [string, string | readonly string[] | null]>();
  for (const layer of layers) for (const [k, v] of Object.entries(layer ?? {})) byLower.set(k.toLowerCase(), [k, v]);
  return Object.fromEntries(byLower.values());
}
