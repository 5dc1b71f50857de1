/**
 * A condition/evaluation corpus written from AWS's documentation, not from the implementation:
 * - AWS IAM User Guide, "IAM JSON policy elements: Condition operators" (String, Numeric, Date, Bool, Binary,
 *   IP address, ARN, ...IfExists, Null), including the rule that a key absent from the request context makes a
 *   condition false, except for negated operators (true), ...IfExists (true) and Null;
 * - "IAM JSON policy elements: Condition" / "Creating a condition with multiple keys or values": AND across
 *   operators and keys, OR across the values of one key (NOR for negated operators), case-insensitive key names;
 * - "Multivalued context keys" / "Set operators for multivalued context keys" (ForAllValues, ForAnyValue);
 * - "IAM policy elements: Variables and tags" (substitution, defaults, ${*} ${?} ${$}, Version 2012-10-17 only,
 *   variables only in string and ARN operators);
 * - "Policy evaluation logic" (explicit Deny wins, an Allow is needed, permissions boundaries cap).
 * Plus awsperm's own contract (RequestContext): a key missing from the context is unknown, and a condition that
 * depends on it is `unknown` with the key named — unless a known part of the block already fails.
 *
 * Each case names the rule it checks; cases with a `bug` note guard against an engine bug this corpus found (since fixed).
 */
import { describe, expect, it } from 'vitest';
import type { ConditionBlock, NamedPolicy, Statement } from '../policy/types.ts';
import { type ConditionOutcome, evaluateConditions, type RequestContext } from './conditions.ts';
import { evaluate, type PrincipalPolicies } from './evaluate.ts';
import type { Decision } from './types.ts';

const OPS = 'Condition operators';
const STRING = `${OPS}: String`;
const NUMERIC = `${OPS}: Numeric`;
const DATE = `${OPS}: Date`;
const BOOL = `${OPS}: Boolean`;
const BINARY = `${OPS}: Binary`;
const IP = `${OPS}: IP address`;
const ARN = `${OPS}: Amazon Resource Name (ARN)`;
const IF_EXISTS = `${OPS}: ...IfExists`;
const NULL = `${OPS}: Condition operator to check existence of condition keys (Null)`;
const ABSENT = `${OPS}: a key not present in the request context makes the condition false, or true for negated operators`;
const MULTI = 'Multivalued context keys: set operators ForAllValues / ForAnyValue';
const AND_OR = 'Condition element: multiple operators and keys are ANDed, multiple values of one key are ORed';
const KEY_CASE = 'Condition element: condition key names are not case-sensitive';
const VARS = 'Variables and tags';
const VARS_WHERE = `${VARS}: variables only in string and ARN condition operators`;
const VARS_DEFAULT = `${VARS}: specifying default values`;
const VARS_SPECIAL = `${VARS}: special characters \${*} \${?} \${$}`;
const VARS_VERSION = `${VARS}: variables need Version 2012-10-17; otherwise literal strings`;
const VARS_ABSENT = `${VARS}: a key that is not present makes any attempt to match it fail`;
const EVAL = 'Policy evaluation logic';
const BOUNDARY = `${EVAL}: permissions boundaries`;
const AWSPERM = 'awsperm RequestContext: a key missing from the context is unknown';

/** The expected outcome: a match, no match, unknown naming keys, or just "anything but a match". */
type Expected = 'match' | 'noMatch' | { unknown: string[] } | 'notMatch';

interface ConditionCase {
  name: string;
  rule: string;
  condition: ConditionBlock;
  context: RequestContext;
  expected: Expected;
  /** False for a Version 2008-10-17 policy (no variable substitution). */
  withVariables?: boolean;
  /** Set when the engine disagrees with AWS's documented behaviour: what is wrong. */
  bug?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// String operators
// ---------------------------------------------------------------------------------------------------------------
const TEAM = 'aws:PrincipalTag/team';
const PREFIX = 's3:prefix';

const stringCases: ConditionCase[] = [
  { name: 'StringEquals matches an identical value', rule: STRING, condition: { StringEquals: { [TEAM]: 'Dev' } }, context: { [TEAM]: 'Dev' }, expected: 'match' },
  { name: 'StringEquals is case-sensitive', rule: STRING, condition: { StringEquals: { [TEAM]: 'Dev' } }, context: { [TEAM]: 'dev' }, expected: 'noMatch' },
  { name: 'StringEquals treats * as a literal character, not a wildcard', rule: STRING, condition: { StringEquals: { [PREFIX]: 'home/*' } }, context: { [PREFIX]: 'home/alice' }, expected: 'noMatch' },
  { name: 'StringEquals matches a literal * in the request value', rule: STRING, condition: { StringEquals: { [PREFIX]: 'home/*' } }, context: { [PREFIX]: 'home/*' }, expected: 'match' },
  { name: 'StringEquals with several values is OR: one equal value suffices', rule: AND_OR, condition: { StringEquals: { [TEAM]: ['Ops', 'Dev', 'Sec'] } }, context: { [TEAM]: 'Dev' }, expected: 'match' },
  { name: 'StringEquals with several values fails when none is equal', rule: AND_OR, condition: { StringEquals: { [TEAM]: ['Ops', 'Sec'] } }, context: { [TEAM]: 'Dev' }, expected: 'noMatch' },
  { name: 'StringEquals compares a JSON number policy value as its string form', rule: STRING, condition: { StringEquals: { 's3:max-keys': 10 } }, context: { 's3:max-keys': '10' }, expected: 'match' },
  { name: 'StringEquals matches an empty string only to an empty string', rule: STRING, condition: { StringEquals: { [PREFIX]: '' } }, context: { [PREFIX]: 'x' }, expected: 'noMatch' },
  { name: 'StringNotEquals matches a different value', rule: STRING, condition: { StringNotEquals: { [TEAM]: 'Ops' } }, context: { [TEAM]: 'Dev' }, expected: 'match' },
  { name: 'StringNotEquals fails on an equal value', rule: STRING, condition: { StringNotEquals: { [TEAM]: 'Dev' } }, context: { [TEAM]: 'Dev' }, expected: 'noMatch' },
  { name: 'StringNotEquals with several values is NOR: equal to one of them fails', rule: AND_OR, condition: { StringNotEquals: { [TEAM]: ['Ops', 'Dev'] } }, context: { [TEAM]: 'Dev' }, expected: 'noMatch' },
  { name: 'StringNotEquals with several values is NOR: equal to none matches', rule: AND_OR, condition: { StringNotEquals: { [TEAM]: ['Ops', 'Sec'] } }, context: { [TEAM]: 'Dev' }, expected: 'match' },
  { name: 'StringNotEquals is case-sensitive: a case variant is "not equal"', rule: STRING, condition: { StringNotEquals: { [TEAM]: 'dev' } }, context: { [TEAM]: 'Dev' }, expected: 'match' },
  { name: 'StringEqualsIgnoreCase matches a case variant', rule: STRING, condition: { StringEqualsIgnoreCase: { [TEAM]: 'DEV' } }, context: { [TEAM]: 'dev' }, expected: 'match' },
  { name: 'StringEqualsIgnoreCase fails on a different value', rule: STRING, condition: { StringEqualsIgnoreCase: { [TEAM]: 'ops' } }, context: { [TEAM]: 'Dev' }, expected: 'noMatch' },
  { name: 'StringEqualsIgnoreCase does not treat * as a wildcard', rule: STRING, condition: { StringEqualsIgnoreCase: { [TEAM]: 'D*' } }, context: { [TEAM]: 'Dev' }, expected: 'noMatch' },
  { name: 'StringNotEqualsIgnoreCase fails on a case variant', rule: STRING, condition: { StringNotEqualsIgnoreCase: { [TEAM]: 'DEV' } }, context: { [TEAM]: 'dev' }, expected: 'noMatch' },
  { name: 'StringNotEqualsIgnoreCase matches a different value', rule: STRING, condition: { StringNotEqualsIgnoreCase: { [TEAM]: 'OPS' } }, context: { [TEAM]: 'dev' }, expected: 'match' },
  { name: 'StringNotEqualsIgnoreCase with several values is NOR', rule: AND_OR, condition: { StringNotEqualsIgnoreCase: { [TEAM]: ['OPS', 'DEV'] } }, context: { [TEAM]: 'dev' }, expected: 'noMatch' },
  { name: 'StringLike: * matches any run of characters', rule: STRING, condition: { StringLike: { [PREFIX]: 'home/alice/*' } }, context: { [PREFIX]: 'home/alice/docs/cv.pdf' }, expected: 'match' },
  { name: 'StringLike: * matches an empty run', rule: STRING, condition: { StringLike: { [PREFIX]: 'home/alice/*' } }, context: { [PREFIX]: 'home/alice/' }, expected: 'match' },
  { name: 'StringLike: * in the middle of the value', rule: STRING, condition: { StringLike: { [PREFIX]: 'a*z' } }, context: { [PREFIX]: 'abc/xyz' }, expected: 'match' },
  { name: 'StringLike: * spans colons', rule: STRING, condition: { StringLike: { 'aws:SourceArn': 'arn:aws:*' } }, context: { 'aws:SourceArn': 'arn:aws:s3:::bucket' }, expected: 'match' },
  { name: 'StringLike: ? matches exactly one character', rule: STRING, condition: { StringLike: { [PREFIX]: 'file?.txt' } }, context: { [PREFIX]: 'file1.txt' }, expected: 'match' },
  { name: 'StringLike: ? does not match zero characters', rule: STRING, condition: { StringLike: { [PREFIX]: 'file?.txt' } }, context: { [PREFIX]: 'file.txt' }, expected: 'noMatch' },
  { name: 'StringLike: ? does not match two characters', rule: STRING, condition: { StringLike: { [PREFIX]: 'file?.txt' } }, context: { [PREFIX]: 'file10.txt' }, expected: 'noMatch' },
  { name: 'StringLike is case-sensitive', rule: STRING, condition: { StringLike: { [PREFIX]: 'Home/*' } }, context: { [PREFIX]: 'home/alice' }, expected: 'noMatch' },
  { name: 'StringLike applies to the whole value (a partial match needs a wildcard)', rule: STRING, condition: { StringLike: { [PREFIX]: 'alice' } }, context: { [PREFIX]: 'home/alice/' }, expected: 'noMatch' },
  { name: 'StringLike without wildcards behaves like an exact match', rule: STRING, condition: { StringLike: { [PREFIX]: 'home/alice/' } }, context: { [PREFIX]: 'home/alice/' }, expected: 'match' },
  { name: 'StringLike treats regular-expression characters literally', rule: STRING, condition: { StringLike: { [PREFIX]: 'a.b(c)+' } }, context: { [PREFIX]: 'axb(c)+' }, expected: 'noMatch' },
  { name: 'StringLike with several patterns is OR', rule: AND_OR, condition: { StringLike: { [PREFIX]: ['public/*', 'home/alice/*'] } }, context: { [PREFIX]: 'home/alice/x' }, expected: 'match' },
  { name: 'StringNotLike matches when no pattern matches', rule: STRING, condition: { StringNotLike: { [PREFIX]: ['private/*', 'secret/*'] } }, context: { [PREFIX]: 'public/x' }, expected: 'match' },
  { name: 'StringNotLike with several patterns is NOR: one matching pattern fails', rule: AND_OR, condition: { StringNotLike: { [PREFIX]: ['private/*', 'public/*'] } }, context: { [PREFIX]: 'public/x' }, expected: 'noMatch' },
  { name: 'StringNotLike honours ? as one character', rule: STRING, condition: { StringNotLike: { 'aws:RequestedRegion': 'eu-west-?' } }, context: { 'aws:RequestedRegion': 'eu-west-1' }, expected: 'noMatch' },
  { name: 'StringNotLike is case-sensitive', rule: STRING, condition: { StringNotLike: { [PREFIX]: 'Private/*' } }, context: { [PREFIX]: 'private/x' }, expected: 'match' },
];

// ---------------------------------------------------------------------------------------------------------------
// Numeric operators
// ---------------------------------------------------------------------------------------------------------------
const MAXKEYS = 's3:max-keys';
const num = (op: string, policy: string | number | (string | number)[], ctx: string, expected: Expected, name: string): ConditionCase => ({
  name: `${op}: ${name}`,
  rule: NUMERIC,
  condition: { [op]: { [MAXKEYS]: policy } },
  context: { [MAXKEYS]: ctx },
  expected,
});

const numericCases: ConditionCase[] = [
  num('NumericEquals', 10, '10', 'match', 'equal numbers match'),
  num('NumericEquals', '10', '10.0', 'match', 'compares numbers, not strings (10 = 10.0)'),
  num('NumericEquals', 10, '11', 'noMatch', 'different numbers do not match'),
  num('NumericEquals', [5, 10], '10', 'match', 'several values are ORed'),
  num('NumericNotEquals', 10, '11', 'match', 'different numbers match'),
  num('NumericNotEquals', 10, '10', 'noMatch', 'equal numbers fail'),
  num('NumericNotEquals', [10, 20], '20', 'noMatch', 'several values are NORed'),
  num('NumericLessThan', 10, '9', 'match', '9 < 10'),
  num('NumericLessThan', 10, '10', 'noMatch', 'strict: 10 is not < 10'),
  num('NumericLessThan', 20, '100', 'noMatch', 'numeric, not lexicographic: 100 is not < 20'),
  num('NumericLessThan', '1.5', '1.25', 'match', 'decimal values: 1.25 < 1.5'),
  num('NumericLessThanEquals', 10, '10', 'match', '10 <= 10'),
  num('NumericLessThanEquals', 10, '11', 'noMatch', '11 is not <= 10'),
  num('NumericGreaterThan', 10, '11', 'match', '11 > 10'),
  num('NumericGreaterThan', 10, '10', 'noMatch', 'strict: 10 is not > 10'),
  num('NumericGreaterThan', -1, '0', 'match', 'negative policy value: 0 > -1'),
  num('NumericGreaterThan', 9, '10', 'match', 'numeric, not lexicographic: 10 > 9'),
  num('NumericGreaterThanEquals', 10, '10', 'match', '10 >= 10'),
  num('NumericGreaterThanEquals', 10, '9', 'noMatch', '9 is not >= 10'),
  num('NumericEquals', 10, 'ten', 'noMatch', 'a request value that is not a number never matches'),
  num('NumericLessThan', 10, 'abc', 'noMatch', 'a request value that is not a number is not less than anything'),
  num('NumericGreaterThanEquals', 0, '', 'noMatch', 'an empty request value is not a number'),
  num('NumericEquals', 'ten', '10', 'noMatch', 'a policy value that is not a number never matches'),
];

// ---------------------------------------------------------------------------------------------------------------
// Date operators (ISO 8601 and epoch seconds)
// ---------------------------------------------------------------------------------------------------------------
const NOW = 'aws:CurrentTime';
const date = (op: string, policy: string | string[], ctx: string, expected: Expected, name: string): ConditionCase => ({
  name: `${op}: ${name}`,
  rule: DATE,
  condition: { [op]: { [NOW]: policy } },
  context: { [NOW]: ctx },
  expected,
});

const dateCases: ConditionCase[] = [
  date('DateEquals', '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z', 'match', 'identical ISO 8601 instants'),
  date('DateEquals', '1577836800', '2020-01-01T00:00:00Z', 'match', 'epoch seconds in the policy, ISO 8601 in the request'),
  date('DateEquals', '2020-01-01T00:00:00Z', '1577836800', 'match', 'ISO 8601 in the policy, epoch seconds in the request'),
  date('DateEquals', '2020-01-01T01:00:00+01:00', '2020-01-01T00:00:00Z', 'match', 'compares instants across time-zone offsets'),
  date('DateEquals', '2020-01-01T00:00:00.000Z', '2020-01-01T00:00:00Z', 'match', 'fractional seconds'),
  date('DateEquals', '2020-01-01T00:00:00Z', '2020-01-01T00:00:01Z', 'noMatch', 'one second apart'),
  date('DateNotEquals', '2020-01-01T00:00:00Z', '2021-01-01T00:00:00Z', 'match', 'different instants match'),
  date('DateNotEquals', '1577836800', '2020-01-01T00:00:00Z', 'noMatch', 'the same instant in two formats fails'),
  date('DateLessThan', '2030-01-01T00:00:00Z', '2020-06-01T12:00:00Z', 'match', 'before the policy date'),
  date('DateLessThan', '2020-01-01T00:00:00Z', '2020-06-01T12:00:00Z', 'noMatch', 'after the policy date'),
  date('DateLessThan', '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z', 'noMatch', 'strict: equal is not less'),
  date('DateLessThan', '2020-01-02', '2020-01-01T12:00:00Z', 'match', 'ISO 8601 date without a time'),
  date('DateLessThanEquals', '2020-01-01T00:00:00Z', '1577836800', 'match', 'equal instants'),
  date('DateLessThanEquals', '2020-01-01T00:00:00Z', '2020-01-01T00:00:01Z', 'noMatch', 'a second later'),
  date('DateGreaterThan', '2020-01-01T00:00:00Z', '2020-06-01T00:00:00Z', 'match', 'after the policy date'),
  date('DateGreaterThan', '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z', 'noMatch', 'strict: equal is not greater'),
  date('DateGreaterThan', '1700000000', '1700000001', 'match', 'epoch seconds on both sides'),
  date('DateGreaterThanEquals', '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z', 'match', 'equal instants'),
  date('DateGreaterThanEquals', '2020-01-01T00:00:00Z', '2019-12-31T23:59:59Z', 'noMatch', 'a second earlier'),
  date('DateLessThan', '2030-01-01T00:00:00Z', 'not-a-date', 'noMatch', 'a request value that is not a date never matches'),
  date('DateEquals', ['2019-01-01T00:00:00Z', '2020-01-01T00:00:00Z'], '2020-01-01T00:00:00Z', 'match', 'several values are ORed'),
];

// ---------------------------------------------------------------------------------------------------------------
// Bool, Binary
// ---------------------------------------------------------------------------------------------------------------
const TLS = 'aws:SecureTransport';
const MFA = 'aws:MultiFactorAuthPresent';
const BIN = 'test:BinaryKey';

const boolBinaryCases: ConditionCase[] = [
  { name: 'Bool "true" matches a true request value', rule: BOOL, condition: { Bool: { [TLS]: 'true' } }, context: { [TLS]: 'true' }, expected: 'match' },
  { name: 'Bool "false" fails on a true request value', rule: BOOL, condition: { Bool: { [TLS]: 'false' } }, context: { [TLS]: 'true' }, expected: 'noMatch' },
  { name: 'Bool "false" matches a false request value', rule: BOOL, condition: { Bool: { [TLS]: 'false' } }, context: { [TLS]: 'false' }, expected: 'match' },
  { name: 'Bool accepts a JSON boolean policy value', rule: BOOL, condition: { Bool: { [TLS]: true } }, context: { [TLS]: 'true' }, expected: 'match' },
  { name: 'Bool on an absent key is false (use BoolIfExists to tolerate absence)', rule: ABSENT, condition: { Bool: { [MFA]: 'false' } }, context: { [MFA]: null }, expected: 'noMatch' },
  { name: 'BinaryEquals matches the same base-64 value', rule: BINARY, condition: { BinaryEquals: { [BIN]: 'QmluYXJ5VmFsdWVJbkJhc2U2NA==' } }, context: { [BIN]: 'QmluYXJ5VmFsdWVJbkJhc2U2NA==' }, expected: 'match' },
  { name: 'BinaryEquals fails on a different value', rule: BINARY, condition: { BinaryEquals: { [BIN]: 'QmluYXJ5VmFsdWVJbkJhc2U2NA==' } }, context: { [BIN]: 'T3RoZXJWYWx1ZQ==' }, expected: 'noMatch' },
  { name: 'BinaryEquals with several values is OR', rule: AND_OR, condition: { BinaryEquals: { [BIN]: ['T3RoZXJWYWx1ZQ==', 'QmluYXJ5'] } }, context: { [BIN]: 'QmluYXJ5' }, expected: 'match' },
  { name: 'BinaryEquals on an absent key is false', rule: ABSENT, condition: { BinaryEquals: { [BIN]: 'QmluYXJ5' } }, context: { [BIN]: null }, expected: 'noMatch' },
];

// ---------------------------------------------------------------------------------------------------------------
// IP address operators
// ---------------------------------------------------------------------------------------------------------------
const SRC = 'aws:SourceIp';
const ip = (op: string, policy: string | string[], ctx: string | null, expected: Expected, name: string, rule = IP): ConditionCase => ({
  name: `${op}: ${name}`,
  rule,
  condition: { [op]: { [SRC]: policy } },
  context: { [SRC]: ctx },
  expected,
});

const ipCases: ConditionCase[] = [
  ip('IpAddress', '203.0.113.0/24', '203.0.113.77', 'match', 'IPv4 address inside a /24'),
  ip('IpAddress', '203.0.113.0/24', '203.0.114.1', 'noMatch', 'IPv4 address outside a /24'),
  ip('IpAddress', '10.1.0.0/16', '10.1.255.255', 'match', 'last address of a /16'),
  ip('IpAddress', '10.1.0.0/16', '10.2.0.0', 'noMatch', 'first address after a /16'),
  ip('IpAddress', '203.0.113.5/32', '203.0.113.5', 'match', 'a /32 is one address'),
  ip('IpAddress', '203.0.113.5', '203.0.113.5', 'match', 'a single IPv4 address without a prefix matches itself'),
  ip('IpAddress', '203.0.113.5', '203.0.113.6', 'noMatch', 'a single IPv4 address without a prefix is a /32'),
  ip('IpAddress', '0.0.0.0/0', '198.51.100.1', 'match', '0.0.0.0/0 matches every IPv4 address'),
  ip('IpAddress', ['192.0.2.0/24', '203.0.113.0/24'], '203.0.113.9', 'match', 'several ranges are ORed'),
  ip('IpAddress', '2001:DB8:1234:5678::/64', '2001:db8:1234:5678:abcd::1', 'match', 'IPv6 address inside a /64 (hex case-insensitive)'),
  ip('IpAddress', '2001:DB8:1234:5678::/64', '2001:db8:1234:5679::1', 'noMatch', 'IPv6 address outside a /64'),
  ip('IpAddress', '2001:db8::1', '2001:0db8:0:0:0:0:0:1', 'match', 'a single IPv6 address without a prefix, written differently'),
  ip('IpAddress', '2001:db8::1', '2001:db8::2', 'noMatch', 'a single IPv6 address without a prefix is a /128'),
  ip('IpAddress', '2001:db8::/32', '203.0.113.5', 'noMatch', 'an IPv4 address is not inside an IPv6 range'),
  ip('IpAddress', '203.0.113.0/24', null, 'noMatch', 'an absent key is false', ABSENT),
  ip('NotIpAddress', '203.0.113.0/24', '198.51.100.1', 'match', 'an address outside the range matches'),
  ip('NotIpAddress', '203.0.113.0/24', '203.0.113.1', 'noMatch', 'an address inside the range fails'),
  ip('NotIpAddress', ['192.0.2.0/24', '203.0.113.0/24'], '192.0.2.1', 'noMatch', 'several ranges are NORed'),
  ip('NotIpAddress', '2001:db8::/32', '2001:db9::1', 'match', 'IPv6 address outside the range'),
  ip('NotIpAddress', '203.0.113.0/24', null, 'match', 'an absent key makes a negated operator true', ABSENT),
];

// ---------------------------------------------------------------------------------------------------------------
// ARN operators
// ---------------------------------------------------------------------------------------------------------------
const PARN = 'aws:PrincipalArn';
const ROLE = 'arn:aws:iam::123456789012:role/dev-app';
const arn = (op: string, policy: string | string[], ctx: string | null, expected: Expected, name: string, rule = ARN): ConditionCase => ({
  name: `${op}: ${name}`,
  rule,
  condition: { [op]: { [PARN]: policy } },
  context: { [PARN]: ctx },
  expected,
});

const arnCases: ConditionCase[] = [
  arn('ArnEquals', ROLE, ROLE, 'match', 'identical ARNs'),
  arn('ArnEquals', 'arn:aws:iam::123456789012:role/Dev-App', ROLE, 'noMatch', 'case-sensitive'),
  arn('ArnEquals', 'arn:aws:iam::123456789012:role/dev-*', ROLE, 'match', 'ArnEquals accepts wildcards in a segment like ArnLike'),
  arn('ArnLike', 'arn:aws:iam::123456789012:role/dev-*', ROLE, 'match', '* in the resource segment'),
  arn('ArnLike', 'arn:aws:iam::*:role/dev-app', ROLE, 'match', '* as a whole account segment'),
  arn('ArnLike', 'arn:*:iam::123456789012:role/dev-app', 'arn:aws-cn:iam::123456789012:role/dev-app', 'match', '* as the partition segment'),
  arn('ArnLike', 'arn:aws:iam::12345678901?:role/dev-app', ROLE, 'match', '? in the account segment'),
  arn('ArnLike', 'arn:aws:iam::123456789012:role/Dev-*', ROLE, 'noMatch', 'case-sensitive'),
  arn('ArnLike', 'arn:aws:iam::123456789012:user/*', ROLE, 'noMatch', 'a different resource type'),
  arn('ArnLike', 'arn:aws:iam::999999999999:role/*', ROLE, 'noMatch', 'a different account'),
  arn('ArnLike', 'arn:aws:*:123456789012:role/dev-app', ROLE, 'noMatch', 'segments are matched separately: * does not span a colon'),
  arn(
    'ArnLike',
    'arn:aws:lambda:us-east-1:123456789012:function:*',
    'arn:aws:lambda:us-east-1:123456789012:function:my-fn:prod',
    'match',
    'the resource segment keeps its colons',
  ),
  arn('ArnLike', ['arn:aws:iam::123456789012:role/ops-*', 'arn:aws:iam::123456789012:role/dev-*'], ROLE, 'match', 'several values are ORed'),
  arn('ArnLike', 'arn:aws:iam::123456789012:role/*', 'not-an-arn', 'noMatch', 'a request value that is not an ARN'),
  arn('ArnLike', 'arn:aws:iam::123456789012:role/*', null, 'noMatch', 'an absent key is false', ABSENT),
  arn('ArnNotEquals', 'arn:aws:iam::123456789012:role/other', ROLE, 'match', 'a different ARN matches'),
  arn('ArnNotEquals', ROLE, ROLE, 'noMatch', 'the same ARN fails'),
  arn('ArnNotLike', 'arn:aws:iam::123456789012:role/dev-*', ROLE, 'noMatch', 'a matching pattern fails'),
  arn('ArnNotLike', 'arn:aws:iam::123456789012:role/ops-*', ROLE, 'match', 'a non-matching pattern matches'),
  arn('ArnNotLike', ['arn:aws:iam::123456789012:role/ops-*', 'arn:aws:iam::*:role/dev-?pp'], ROLE, 'noMatch', 'several values are NORed'),
  arn('ArnNotLike', 'arn:aws:iam::123456789012:role/*', null, 'match', 'an absent key makes a negated operator true', ABSENT),
];

// ---------------------------------------------------------------------------------------------------------------
// Null
// ---------------------------------------------------------------------------------------------------------------
const TIT = 'aws:TokenIssueTime';
const nullCases: ConditionCase[] = [
  { name: 'Null "true" matches when the key is absent', rule: NULL, condition: { Null: { [TIT]: 'true' } }, context: { [TIT]: null }, expected: 'match' },
  { name: 'Null "true" fails when the key is present', rule: NULL, condition: { Null: { [TIT]: 'true' } }, context: { [TIT]: '2020-01-01T00:00:00Z' }, expected: 'noMatch' },
  { name: 'Null "false" matches when the key is present', rule: NULL, condition: { Null: { [TIT]: 'false' } }, context: { [TIT]: '2020-01-01T00:00:00Z' }, expected: 'match' },
  { name: 'Null "false" fails when the key is absent', rule: NULL, condition: { Null: { [TIT]: 'false' } }, context: { [TIT]: null }, expected: 'noMatch' },
  { name: 'Null accepts a JSON boolean policy value', rule: NULL, condition: { Null: { [TIT]: true } }, context: { [TIT]: null }, expected: 'match' },
  { name: 'Null "false" matches a present multivalued key', rule: NULL, condition: { Null: { 'aws:TagKeys': 'false' } }, context: { 'aws:TagKeys': ['a', 'b'] }, expected: 'match' },
  { name: 'Null on a key the context does not know is unknown', rule: AWSPERM, condition: { Null: { [TIT]: 'true' } }, context: {}, expected: { unknown: [TIT] } },
];

// ---------------------------------------------------------------------------------------------------------------
// ...IfExists: every form, with the key absent (null), present and matching, present and failing.
// ---------------------------------------------------------------------------------------------------------------
interface IfExistsForm {
  base: string;
  key: string;
  value: string;
  matching: string;
  failing: string;
}

const IF_EXISTS_FORMS: IfExistsForm[] = [
  { base: 'StringEquals', key: TEAM, value: 'Dev', matching: 'Dev', failing: 'Ops' },
  { base: 'StringNotEquals', key: TEAM, value: 'Dev', matching: 'Ops', failing: 'Dev' },
  { base: 'StringEqualsIgnoreCase', key: TEAM, value: 'DEV', matching: 'dev', failing: 'ops' },
  { base: 'StringNotEqualsIgnoreCase', key: TEAM, value: 'DEV', matching: 'ops', failing: 'dev' },
  { base: 'StringLike', key: PREFIX, value: 'home/*', matching: 'home/a', failing: 'tmp/a' },
  { base: 'StringNotLike', key: PREFIX, value: 'home/*', matching: 'tmp/a', failing: 'home/a' },
  { base: 'NumericEquals', key: MAXKEYS, value: '10', matching: '10', failing: '11' },
  { base: 'NumericNotEquals', key: MAXKEYS, value: '10', matching: '11', failing: '10' },
  { base: 'NumericLessThan', key: MAXKEYS, value: '10', matching: '9', failing: '10' },
  { base: 'NumericLessThanEquals', key: MAXKEYS, value: '10', matching: '10', failing: '11' },
  { base: 'NumericGreaterThan', key: MAXKEYS, value: '10', matching: '11', failing: '10' },
  { base: 'NumericGreaterThanEquals', key: MAXKEYS, value: '10', matching: '10', failing: '9' },
  { base: 'DateEquals', key: TIT, value: '2020-01-01T00:00:00Z', matching: '1577836800', failing: '2020-01-02T00:00:00Z' },
  { base: 'DateNotEquals', key: TIT, value: '2020-01-01T00:00:00Z', matching: '2020-01-02T00:00:00Z', failing: '1577836800' },
  { base: 'DateLessThan', key: TIT, value: '2020-01-01T00:00:00Z', matching: '2019-01-01T00:00:00Z', failing: '2021-01-01T00:00:00Z' },
  { base: 'DateLessThanEquals', key: TIT, value: '2020-01-01T00:00:00Z', matching: '2020-01-01T00:00:00Z', failing: '2021-01-01T00:00:00Z' },
  { base: 'DateGreaterThan', key: TIT, value: '2020-01-01T00:00:00Z', matching: '2021-01-01T00:00:00Z', failing: '2019-01-01T00:00:00Z' },
  { base: 'DateGreaterThanEquals', key: TIT, value: '2020-01-01T00:00:00Z', matching: '2020-01-01T00:00:00Z', failing: '2019-01-01T00:00:00Z' },
  { base: 'Bool', key: MFA, value: 'true', matching: 'true', failing: 'false' },
  { base: 'BinaryEquals', key: BIN, value: 'QmluYXJ5', matching: 'QmluYXJ5', failing: 'T3RoZXI=' },
  { base: 'IpAddress', key: SRC, value: '203.0.113.0/24', matching: '203.0.113.9', failing: '198.51.100.9' },
  { base: 'NotIpAddress', key: SRC, value: '203.0.113.0/24', matching: '198.51.100.9', failing: '203.0.113.9' },
  { base: 'ArnEquals', key: PARN, value: ROLE, matching: ROLE, failing: 'arn:aws:iam::123456789012:role/other' },
  { base: 'ArnLike', key: PARN, value: 'arn:aws:iam::*:role/dev-*', matching: ROLE, failing: 'arn:aws:iam::123456789012:role/ops' },
  { base: 'ArnNotEquals', key: PARN, value: ROLE, matching: 'arn:aws:iam::123456789012:role/other', failing: ROLE },
  { base: 'ArnNotLike', key: PARN, value: 'arn:aws:iam::*:role/dev-*', matching: 'arn:aws:iam::123456789012:role/ops', failing: ROLE },
];

const ifExistsCases: ConditionCase[] = IF_EXISTS_FORMS.flatMap(({ base, key, value, matching, failing }): ConditionCase[] => {
  const op = `${base}IfExists`;
  const condition = { [op]: { [key]: value } };
  return [
    { name: `${op} is true when the key is absent`, rule: IF_EXISTS, condition, context: { [key]: null }, expected: 'match' },
    { name: `${op} behaves as ${base} when the key is present (matching)`, rule: IF_EXISTS, condition, context: { [key]: matching }, expected: 'match' },
    { name: `${op} behaves as ${base} when the key is present (failing)`, rule: IF_EXISTS, condition, context: { [key]: failing }, expected: 'noMatch' },
  ];
});

ifExistsCases.push(
  { name: 'StringEqualsIfExists on a key the context does not know is unknown, not true', rule: AWSPERM, condition: { StringEqualsIfExists: { [TEAM]: 'Dev' } }, context: {}, expected: { unknown: [TEAM] } },
  { name: 'BoolIfExists "false" on an absent MFA key is true (the documented Deny-without-MFA pattern)', rule: IF_EXISTS, condition: { BoolIfExists: { [MFA]: 'false' } }, context: { [MFA]: null }, expected: 'match' },
);

// Without IfExists, the absent-key rule: false for positive operators, true for negated ones.
const absentCases: ConditionCase[] = IF_EXISTS_FORMS.map(({ base, key, value }): ConditionCase => {
  const negated = /Not/.test(base);
  return {
    name: `${base} with the key absent is ${negated ? 'true (negated operator)' : 'false'}`,
    rule: ABSENT,
    condition: { [base]: { [key]: value } },
    context: { [key]: null },
    expected: negated ? 'match' : 'noMatch',
  };
});

// ---------------------------------------------------------------------------------------------------------------
// Set operators on multivalued keys
// ---------------------------------------------------------------------------------------------------------------
const TAGKEYS = 'aws:TagKeys';
const set = (op: string, policy: string[], ctx: string | string[] | null, expected: Expected, name: string): ConditionCase => ({
  name: `${op}: ${name}`,
  rule: MULTI,
  condition: { [op]: { [TAGKEYS]: policy } },
  context: { [TAGKEYS]: ctx },
  expected,
});

const setCases: ConditionCase[] = [
  set('ForAllValues:StringEquals', ['env', 'team'], null, 'match', 'true when the key is absent'),
  set('ForAllValues:StringEquals', ['env', 'team'], [], 'match', 'true for an empty set'),
  set('ForAllValues:StringEquals', ['env', 'team'], 'env', 'match', 'a single value in the list'),
  set('ForAllValues:StringEquals', ['env', 'team'], 'owner', 'noMatch', 'a single value outside the list'),
  set('ForAllValues:StringEquals', ['env', 'team'], ['team', 'env'], 'match', 'every value in the list'),
  set('ForAllValues:StringEquals', ['env', 'team'], ['env', 'owner'], 'noMatch', 'one value outside the list fails'),
  set('ForAnyValue:StringEquals', ['env', 'team'], null, 'noMatch', 'false when the key is absent'),
  set('ForAnyValue:StringEquals', ['env', 'team'], [], 'noMatch', 'false for an empty set'),
  set('ForAnyValue:StringEquals', ['env', 'team'], 'team', 'match', 'a single value in the list'),
  set('ForAnyValue:StringEquals', ['env', 'team'], ['owner', 'team'], 'match', 'one value in the list suffices'),
  set('ForAnyValue:StringEquals', ['env', 'team'], ['owner', 'cost'], 'noMatch', 'no value in the list'),
  set('ForAllValues:StringNotEquals', ['secret', 'admin'], ['env', 'team'], 'match', 'negated: no value is in the list'),
  set('ForAllValues:StringNotEquals', ['secret', 'admin'], ['env', 'admin'], 'noMatch', 'negated: one value in the list fails'),
  set('ForAllValues:StringNotEquals', ['secret', 'admin'], null, 'match', 'negated: true when the key is absent'),
  set('ForAnyValue:StringNotEquals', ['env', 'team'], ['env', 'owner'], 'match', 'negated: one value outside the list suffices'),
  set('ForAnyValue:StringNotEquals', ['env', 'team'], ['env', 'team'], 'noMatch', 'negated: every value in the list fails'),
  set('ForAnyValue:StringNotEquals', ['env', 'team'], null, 'noMatch', 'negated: false when the key is absent'),
  set('ForAllValues:StringLike', ['env', 'cost*'], ['env', 'costcenter'], 'match', 'patterns: every value matches one'),
  set('ForAllValues:StringLike', ['env', 'cost*'], ['env', 'owner'], 'noMatch', 'patterns: one value matches none'),
  set('ForAnyValue:StringLike', ['temp-?'], ['env', 'temp-1'], 'match', 'patterns: one value matches'),
  set('ForAllValues:StringNotLike', ['temp*'], ['env', 'temp1'], 'noMatch', 'negated patterns: one value matches a pattern'),
  set('ForAnyValue:StringNotLike', ['temp*'], ['temp2', 'env'], 'match', 'negated patterns: one value matches no pattern'),
  set('ForAnyValue:StringEqualsIgnoreCase', ['ENV'], ['Env', 'x'], 'match', 'IgnoreCase applies per value'),
  set('ForAllValues:StringEquals', ['env'], ['env', 'Env'], 'noMatch', 'values stay case-sensitive'),
  set('ForAllValues:StringEqualsIfExists', ['env'], null, 'match', 'ForAllValues with IfExists on an absent key'),
  {
    name: 'ForAnyValue:ArnLike: one of several ARNs matches',
    rule: MULTI,
    condition: { 'ForAnyValue:ArnLike': { 'test:Arns': 'arn:aws:iam::*:role/dev-*' } },
    context: { 'test:Arns': ['arn:aws:iam::123456789012:role/ops', ROLE] },
    expected: 'match',
  },
  {
    name: 'ForAllValues:NumericLessThan: every value must compare',
    rule: MULTI,
    condition: { 'ForAllValues:NumericLessThan': { 'test:Sizes': '100' } },
    context: { 'test:Sizes': ['1', '99', '100'] },
    expected: 'noMatch',
  },
  {
    name: 'ForAllValues:StringEquals: a key the context does not know is unknown',
    rule: `${MULTI}; ${AWSPERM}`,
    condition: { 'ForAllValues:StringEquals': { [TAGKEYS]: ['env'] } },
    context: {},
    expected: { unknown: [TAGKEYS] },
  },
];

// ---------------------------------------------------------------------------------------------------------------
// Combining keys, operators and values; key-name case; unknown keys
// ---------------------------------------------------------------------------------------------------------------
const REGION = 'aws:RequestedRegion';
const combineCases: ConditionCase[] = [
  { name: 'two keys under one operator: both match', rule: AND_OR, condition: { StringEquals: { [TEAM]: 'Dev', [REGION]: 'eu-west-1' } }, context: { [TEAM]: 'Dev', [REGION]: 'eu-west-1' }, expected: 'match' },
  { name: 'two keys under one operator: one fails, so the block fails (AND)', rule: AND_OR, condition: { StringEquals: { [TEAM]: 'Dev', [REGION]: 'eu-west-1' } }, context: { [TEAM]: 'Dev', [REGION]: 'us-east-1' }, expected: 'noMatch' },
  { name: 'two operators: both match', rule: AND_OR, condition: { StringEquals: { [TEAM]: 'Dev' }, IpAddress: { [SRC]: '203.0.113.0/24' } }, context: { [TEAM]: 'Dev', [SRC]: '203.0.113.1' }, expected: 'match' },
  { name: 'two operators: one fails, so the block fails (AND)', rule: AND_OR, condition: { StringEquals: { [TEAM]: 'Dev' }, IpAddress: { [SRC]: '203.0.113.0/24' } }, context: { [TEAM]: 'Dev', [SRC]: '192.0.2.1' }, expected: 'noMatch' },
  {
    name: 'operators AND, values OR: each key matches one of its values',
    rule: AND_OR,
    condition: { StringEquals: { [REGION]: ['eu-west-1', 'eu-central-1'] }, NumericLessThan: { [MAXKEYS]: ['5', '100'] } },
    context: { [REGION]: 'eu-central-1', [MAXKEYS]: '50' },
    expected: 'match',
  },
  {
    name: 'the same key under two operators: both must hold',
    rule: AND_OR,
    condition: { DateGreaterThan: { [NOW]: '2020-01-01T00:00:00Z' }, DateLessThan: { [NOW]: '2020-12-31T00:00:00Z' } },
    context: { [NOW]: '2021-06-01T00:00:00Z' },
    expected: 'noMatch',
  },
  { name: 'an empty condition block matches', rule: AND_OR, condition: {}, context: {}, expected: 'match' },
  { name: 'a policy key in different case from the context key still matches', rule: KEY_CASE, condition: { IpAddress: { 'AWS:SOURCEIP': '203.0.113.0/24' } }, context: { [SRC]: '203.0.113.1' }, expected: 'match' },
  { name: 'a context key in different case from the policy key still matches', rule: KEY_CASE, condition: { StringEquals: { [TEAM]: 'Dev' } }, context: { 'AWS:principaltag/TEAM': 'Dev' }, expected: 'match' },
  { name: 'key names are case-insensitive, values are not', rule: KEY_CASE, condition: { StringEquals: { 'AWS:PrincipalTag/Team': 'Dev' } }, context: { [TEAM]: 'DEV' }, expected: 'noMatch' },
  { name: 'key-name case does not matter to Null either', rule: KEY_CASE, condition: { Null: { 'AWS:TOKENISSUETIME': 'true' } }, context: { [TIT]: null }, expected: 'match' },
  { name: 'a key the context does not know makes the block unknown, naming the key', rule: AWSPERM, condition: { StringEquals: { 'aws:ResourceTag/env': 'prod' } }, context: {}, expected: { unknown: ['aws:ResourceTag/env'] } },
  { name: 'every unknown key is named', rule: AWSPERM, condition: { StringEquals: { [TEAM]: 'Dev' }, IpAddress: { [SRC]: '203.0.113.0/24' } }, context: {}, expected: { unknown: [TEAM, SRC] } },
  { name: 'a matching known part does not hide an unknown part', rule: AWSPERM, condition: { StringEquals: { [TEAM]: 'Dev', [REGION]: 'eu-west-1' } }, context: { [TEAM]: 'Dev' }, expected: { unknown: [REGION] } },
  { name: 'a failing known part beats an unknown part (known part listed first)', rule: `${AND_OR}; ${AWSPERM}`, condition: { StringEquals: { [TEAM]: 'Ops' }, IpAddress: { [SRC]: '203.0.113.0/24' } }, context: { [TEAM]: 'Dev' }, expected: 'noMatch' },
  { name: 'a failing known part beats an unknown part (unknown part listed first)', rule: `${AND_OR}; ${AWSPERM}`, condition: { IpAddress: { [SRC]: '203.0.113.0/24' }, StringEquals: { [TEAM]: 'Ops' } }, context: { [TEAM]: 'Dev' }, expected: 'noMatch' },
  { name: 'a failing known key beats an unknown key under the same operator', rule: `${AND_OR}; ${AWSPERM}`, condition: { StringEquals: { [REGION]: 'eu-west-1', [TEAM]: 'Ops' } }, context: { [TEAM]: 'Dev' }, expected: 'noMatch' },
  { name: 'an unknown key under a negated operator is unknown, not true', rule: AWSPERM, condition: { StringNotEquals: { [TEAM]: 'Ops' } }, context: {}, expected: { unknown: [TEAM] } },
  { name: 'an unknown key under NotIpAddress is unknown, not true', rule: AWSPERM, condition: { NotIpAddress: { [SRC]: '203.0.113.0/24' } }, context: {}, expected: { unknown: [SRC] } },
  { name: 'an unknown key is named as the policy writes it', rule: AWSPERM, condition: { StringLike: { 'S3:Prefix': 'home/*' } }, context: { [TEAM]: 'Dev' }, expected: { unknown: ['S3:Prefix'] } },
];

// ---------------------------------------------------------------------------------------------------------------
// Policy variables in condition values
// ---------------------------------------------------------------------------------------------------------------
const USER = 'aws:username';
const variableCases: ConditionCase[] = [
  { name: '${aws:username} is replaced by the request value', rule: VARS, condition: { StringEquals: { [PREFIX]: 'home/${aws:username}' } }, context: { [USER]: 'alice', [PREFIX]: 'home/alice' }, expected: 'match' },
  { name: '${aws:username} for another user does not match', rule: VARS, condition: { StringEquals: { [PREFIX]: 'home/${aws:username}' } }, context: { [USER]: 'bob', [PREFIX]: 'home/alice' }, expected: 'noMatch' },
  { name: 'a variable followed by a wildcard in StringLike', rule: VARS, condition: { StringLike: { [PREFIX]: '${aws:username}/*' } }, context: { [USER]: 'alice', [PREFIX]: 'alice/docs/x' }, expected: 'match' },
  { name: 'a variable in StringNotLike', rule: VARS, condition: { StringNotLike: { [PREFIX]: '${aws:username}/*' } }, context: { [USER]: 'alice', [PREFIX]: 'bob/x' }, expected: 'match' },
  { name: '${aws:PrincipalTag/team} compared with a resource tag (match)', rule: VARS, condition: { StringEquals: { 'aws:ResourceTag/team': '${aws:PrincipalTag/team}' } }, context: { [TEAM]: 'platform', 'aws:ResourceTag/team': 'platform' }, expected: 'match' },
  { name: '${aws:PrincipalTag/team} compared with a resource tag (no match)', rule: VARS, condition: { StringEquals: { 'aws:ResourceTag/team': '${aws:PrincipalTag/team}' } }, context: { [TEAM]: 'platform', 'aws:ResourceTag/team': 'data' }, expected: 'noMatch' },
  { name: 'variable key names are case-insensitive', rule: VARS, condition: { StringEquals: { [PREFIX]: '${AWS:UserName}' } }, context: { [USER]: 'alice', [PREFIX]: 'alice' }, expected: 'match' },
  { name: 'a variable in ArnLike', rule: VARS, condition: { ArnLike: { [PARN]: 'arn:aws:iam::*:user/${aws:username}' } }, context: { [USER]: 'alice', [PARN]: 'arn:aws:iam::123456789012:user/alice' }, expected: 'match' },
  { name: 'two variables in one value', rule: VARS, condition: { StringEquals: { [PREFIX]: '${aws:PrincipalTag/team}/${aws:username}' } }, context: { [USER]: 'alice', [TEAM]: 'platform', [PREFIX]: 'platform/alice' }, expected: 'match' },
  { name: 'a variable whose key the context does not know is unknown, named as a variable', rule: AWSPERM, condition: { StringEquals: { [PREFIX]: 'home/${aws:username}' } }, context: { [PREFIX]: 'home/alice' }, expected: { unknown: ['${aws:username}'] } },
  { name: 'a failing known key beats an unknown variable', rule: `${AND_OR}; ${AWSPERM}`, condition: { StringEquals: { [PREFIX]: '${aws:username}', [TEAM]: 'Ops' } }, context: { [PREFIX]: 'alice', [TEAM]: 'Dev' }, expected: 'noMatch' },
  { name: 'the default is used when the key is known to be absent', rule: VARS_DEFAULT, condition: { StringEquals: { [PREFIX]: "home/${aws:username, 'anon'}" } }, context: { [USER]: null, [PREFIX]: 'home/anon' }, expected: 'match' },
  { name: 'the default is not used when the key is present', rule: VARS_DEFAULT, condition: { StringEquals: { [PREFIX]: "home/${aws:username, 'anon'}" } }, context: { [USER]: 'alice', [PREFIX]: 'home/anon' }, expected: 'noMatch' },
  { name: 'the request value wins over the default', rule: VARS_DEFAULT, condition: { StringEquals: { [PREFIX]: "home/${aws:username, 'anon'}" } }, context: { [USER]: 'alice', [PREFIX]: 'home/alice' }, expected: 'match' },
  { name: 'the default is not assumed when the key is unknown (it might carry a value)', rule: `${VARS_DEFAULT}; ${AWSPERM}`, condition: { StringEquals: { [PREFIX]: "home/${aws:username, 'anon'}" } }, context: { [PREFIX]: 'home/anon' }, expected: { unknown: ['${aws:username}'] } },
  { name: 'a default for a tag variable, tag known absent', rule: VARS_DEFAULT, condition: { StringEquals: { 'aws:ResourceTag/team': "${aws:PrincipalTag/team, 'none'}" } }, context: { [TEAM]: null, 'aws:ResourceTag/team': 'none' }, expected: 'match' },
  {
    name: '...IfExists on an absent key is true whatever the (unresolvable) variable in its value',
    rule: `${IF_EXISTS}; ${VARS}`,
    condition: { StringEqualsIfExists: { [PREFIX]: 'home/${aws:username}' } },
    context: { [PREFIX]: null },
    expected: 'match',
    bug: 'variables are resolved before the presence check, so an unknown variable makes an already-decided condition unknown',
  },
  {
    name: 'a variable whose key is known absent, without default, cannot match',
    rule: VARS_ABSENT,
    condition: { StringEquals: { [PREFIX]: 'home/${aws:username}' } },
    context: { [USER]: null, [PREFIX]: 'home/alice' },
    expected: 'noMatch',
    bug: 'known-absent variable is reported as unknown instead of failing to match',
  },
  {
    name: 'a multivalued key never substitutes as a variable',
    rule: VARS,
    condition: { StringEquals: { [PREFIX]: '${aws:TagKeys}' } },
    context: { [TAGKEYS]: ['a', 'b'], [PREFIX]: 'a' },
    expected: 'notMatch',
  },
  {
    name: 'a multivalued key never substitutes, not even one of its values joined',
    rule: VARS,
    condition: { StringLike: { [PREFIX]: '${aws:TagKeys}*' } },
    context: { [TAGKEYS]: ['a', 'b'], [PREFIX]: 'a,b' },
    expected: 'notMatch',
  },
  { name: '${*} is a literal asterisk in StringEquals', rule: VARS_SPECIAL, condition: { StringEquals: { [PREFIX]: 'a${*}b' } }, context: { [PREFIX]: 'a*b' }, expected: 'match' },
  { name: '${*} in StringLike is a literal asterisk (matches "*")', rule: VARS_SPECIAL, condition: { StringLike: { [PREFIX]: 'report${*}' } }, context: { [PREFIX]: 'report*' }, expected: 'match', bug: 'glob.ts matchesGlob compares a pattern with no real wildcard verbatim, so the literal stand-in never equals the request character' },
  { name: '${*} in StringLike is not a wildcard', rule: VARS_SPECIAL, condition: { StringLike: { [PREFIX]: 'report${*}' } }, context: { [PREFIX]: 'report-2020' }, expected: 'noMatch' },
  { name: '${*} next to a real wildcard in StringLike', rule: VARS_SPECIAL, condition: { StringLike: { [PREFIX]: '${*}*' } }, context: { [PREFIX]: '*stars' }, expected: 'match' },
  { name: '${?} in StringLike is a literal question mark', rule: VARS_SPECIAL, condition: { StringLike: { [PREFIX]: 'what${?}' } }, context: { [PREFIX]: 'what?' }, expected: 'match', bug: 'glob.ts matchesGlob compares a pattern with no real wildcard verbatim, so the literal stand-in never equals the request character' },
  { name: '${?} in StringLike is not a wildcard', rule: VARS_SPECIAL, condition: { StringLike: { [PREFIX]: 'what${?}' } }, context: { [PREFIX]: 'whatX' }, expected: 'noMatch' },
  { name: '${*} in StringNotLike is a literal asterisk', rule: VARS_SPECIAL, condition: { StringNotLike: { [PREFIX]: '${*}' } }, context: { [PREFIX]: 'anything' }, expected: 'match' },
  { name: '${*} in ArnLike is a literal asterisk', rule: VARS_SPECIAL, condition: { ArnLike: { [PARN]: 'arn:aws:iam::123456789012:role/${*}' } }, context: { [PARN]: ROLE }, expected: 'noMatch' },
  { name: '${*} in ArnLike matches a literal asterisk in the request ARN', rule: VARS_SPECIAL, condition: { ArnLike: { [PARN]: 'arn:aws:iam::123456789012:role/${*}' } }, context: { [PARN]: 'arn:aws:iam::123456789012:role/*' }, expected: 'match', bug: 'glob.ts matchesGlob compares a pattern with no real wildcard verbatim, so the literal stand-in never equals the request character' },
  { name: '${$} is a literal dollar sign', rule: VARS_SPECIAL, condition: { StringEquals: { [PREFIX]: 'cost${$}' } }, context: { [PREFIX]: 'cost$' }, expected: 'match' },
  { name: '${$}{aws:username} is the literal text "${aws:username}"', rule: VARS_SPECIAL, condition: { StringEquals: { [PREFIX]: '${$}{aws:username}' } }, context: { [USER]: 'alice', [PREFIX]: '${aws:username}' }, expected: 'match' },
  {
    name: 'Version 2008-10-17: ${aws:username} is not substituted',
    rule: VARS_VERSION,
    condition: { StringEquals: { [PREFIX]: 'home/${aws:username}' } },
    context: { [USER]: 'alice', [PREFIX]: 'home/alice' },
    expected: 'noMatch',
    withVariables: false,
  },
  {
    name: 'Version 2008-10-17: ${aws:username} matches only itself, literally, and needs no context',
    rule: VARS_VERSION,
    condition: { StringEquals: { [PREFIX]: 'home/${aws:username}' } },
    context: { [PREFIX]: 'home/${aws:username}' },
    expected: 'match',
    withVariables: false,
  },
  {
    name: 'Version 2008-10-17: ${*} is not an escape either',
    rule: VARS_VERSION,
    condition: { StringEquals: { [PREFIX]: 'a${*}' } },
    context: { [PREFIX]: 'a*' },
    expected: 'noMatch',
    withVariables: false,
  },
  {
    name: 'variables are not substituted in Numeric operators',
    rule: VARS_WHERE,
    condition: { NumericLessThan: { [MAXKEYS]: '${aws:PrincipalTag/limit}' } },
    context: { 'aws:PrincipalTag/limit': '100', [MAXKEYS]: '10' },
    expected: 'noMatch',
    bug: 'variables are substituted for every operator; AWS supports them only in String and ARN operators',
  },
  {
    name: 'variables are not substituted in IP address operators',
    rule: VARS_WHERE,
    condition: { IpAddress: { [SRC]: '${aws:PrincipalTag/cidr}' } },
    context: { 'aws:PrincipalTag/cidr': '203.0.113.0/24', [SRC]: '203.0.113.1' },
    expected: 'noMatch',
    bug: 'variables are substituted for every operator; AWS supports them only in String and ARN operators',
  },
  {
    name: 'a ${...} in a Date operator is not a variable, so an unknown key in it cannot make the result unknown',
    rule: VARS_WHERE,
    condition: { DateLessThan: { [NOW]: '${aws:PrincipalTag/expiry}' } },
    context: { [NOW]: '2020-01-01T00:00:00Z' },
    expected: 'noMatch',
    bug: 'variables are substituted for every operator; AWS supports them only in String and ARN operators',
  },
];

const ALL: Array<[string, ConditionCase[]]> = [
  ['String operators', stringCases],
  ['Numeric operators', numericCases],
  ['Date operators', dateCases],
  ['Bool and Binary operators', boolBinaryCases],
  ['IP address operators', ipCases],
  ['ARN operators', arnCases],
  ['Null', nullCases],
  ['...IfExists', ifExistsCases],
  ['absent keys without IfExists', absentCases],
  ['set operators', setCases],
  ['combining keys, operators and values; key case; unknown keys', combineCases],
  ['policy variables in condition values', variableCases],
];

/** The test name: the case, the rule it checks, and a marker when it documents a known engine bug. */
function title(c: { name: string; rule: string; bug?: string }): string {
  return `${c.name} [${c.rule}]`;
}

function check(outcome: ConditionOutcome, expected: Expected): void {
  if (expected === 'notMatch') {
    expect(outcome.result).not.toBe('match');
  } else if (typeof expected === 'string') {
    expect(outcome).toEqual({ result: expected });
  } else {
    expect(outcome.result).toBe('unknown');
    const keys = outcome.result === 'unknown' ? [...outcome.keys].sort() : [];
    expect(keys).toEqual([...expected.unknown].sort());
  }
}

describe('condition corpus: evaluateConditions', () => {
  for (const [group, cases] of ALL) {
    describe(group, () => {
      for (const c of cases) {
        it(title(c), () => {
          check(evaluateConditions(c.condition, c.context, c.withVariables ?? true), c.expected);
        });
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------------------------
// evaluate(): conditions and variables inside full statements
// ---------------------------------------------------------------------------------------------------------------
interface EvaluateCase {
  name: string;
  rule: string;
  identity: Statement[];
  boundary?: Statement[];
  version?: string | undefined;
  request: { action: string; resource: string };
  context: RequestContext;
  expected: Decision;
  contextKeys?: string[];
  deniedByBoundary?: boolean;
  bug?: string;
}

const OBJ = 'arn:aws:s3:::bucket/home/alice/notes.txt';
const GET = { action: 's3:GetObject', resource: OBJ };
const allowAll: Statement = { Effect: 'Allow', Action: 's3:*', Resource: '*' };
const allowIf = (Condition: ConditionBlock, Resource: string | string[] = '*'): Statement => ({ Effect: 'Allow', Action: 's3:GetObject', Resource, Condition });
const denyIf = (Condition: ConditionBlock, Resource: string | string[] = '*'): Statement => ({ Effect: 'Deny', Action: 's3:GetObject', Resource, Condition });
const inEu: ConditionBlock = { StringEquals: { [REGION]: 'eu-west-1' } };
const EU = { [REGION]: 'eu-west-1' };
const US = { [REGION]: 'us-east-1' };
const HOME = 'arn:aws:s3:::bucket/home/${aws:username}/*';

const evaluateCases: EvaluateCase[] = [
  { name: 'Allow with a matching condition allows', rule: EVAL, identity: [allowIf(inEu)], request: GET, context: EU, expected: 'allowed' },
  { name: 'Allow with a non-matching condition does not apply: implicit deny', rule: EVAL, identity: [allowIf(inEu)], request: GET, context: US, expected: 'implicitDeny' },
  { name: 'Allow with a condition on an unknown key is unknown, naming the key', rule: `${EVAL}; ${AWSPERM}`, identity: [allowIf(inEu)], request: GET, context: {}, expected: 'unknown', contextKeys: [REGION] },
  { name: 'Allow with a failing known part and an unknown part does not apply', rule: `${EVAL}; ${AND_OR}`, identity: [allowIf({ ...inEu, Bool: { [TLS]: 'true' } })], request: GET, context: US, expected: 'implicitDeny' },
  { name: 'Deny with a matching condition denies explicitly, whatever allows', rule: EVAL, identity: [allowAll, denyIf(inEu)], request: GET, context: EU, expected: 'explicitDeny' },
  { name: 'Deny with a matching condition denies explicitly even with nothing allowing', rule: EVAL, identity: [denyIf(inEu)], request: GET, context: EU, expected: 'explicitDeny' },
  { name: 'Deny with a non-matching condition does not apply: the Allow decides', rule: EVAL, identity: [allowAll, denyIf(inEu)], request: GET, context: US, expected: 'allowed' },
  { name: 'Deny with a condition on an unknown key, plus an Allow, is unknown', rule: `${EVAL}; ${AWSPERM}`, identity: [allowAll, denyIf(inEu)], request: GET, context: {}, expected: 'unknown', contextKeys: [REGION] },
  {
    name: 'Deny with a failing known part and an unknown part does not apply',
    rule: `${EVAL}; ${AND_OR}`,
    identity: [allowAll, denyIf({ ...inEu, Bool: { [TLS]: 'false' } })],
    request: GET,
    context: US,
    expected: 'allowed',
  },
  {
    name: 'Deny NotIpAddress with aws:SourceIp absent applies (negated operator on an absent key is true)',
    rule: `${EVAL}; ${ABSENT}`,
    identity: [allowAll, denyIf({ NotIpAddress: { [SRC]: '203.0.113.0/24' } })],
    request: GET,
    context: { [SRC]: null },
    expected: 'explicitDeny',
  },
  {
    name: 'Deny BoolIfExists MFA false applies when MFA is absent',
    rule: `${EVAL}; ${IF_EXISTS}`,
    identity: [allowAll, denyIf({ BoolIfExists: { [MFA]: 'false' } })],
    request: GET,
    context: { [MFA]: null },
    expected: 'explicitDeny',
  },
  {
    name: 'Deny BoolIfExists MFA false does not apply when MFA is present and true',
    rule: `${EVAL}; ${IF_EXISTS}`,
    identity: [allowAll, denyIf({ BoolIfExists: { [MFA]: 'false' } })],
    request: GET,
    context: { [MFA]: 'true' },
    expected: 'allowed',
  },
  {
    name: 'Allow with a Null "true" condition applies only without temporary credentials',
    rule: `${EVAL}; ${NULL}`,
    identity: [allowIf({ Null: { [TIT]: 'true' } })],
    request: GET,
    context: { [TIT]: '2020-01-01T00:00:00Z' },
    expected: 'implicitDeny',
  },
  {
    name: 'Allow with a variable in a condition (matching)',
    rule: `${EVAL}; ${VARS}`,
    identity: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::bucket', Condition: { StringLike: { [PREFIX]: 'home/${aws:username}/*' } } }],
    request: { action: 's3:ListBucket', resource: 'arn:aws:s3:::bucket' },
    context: { [USER]: 'alice', [PREFIX]: 'home/alice/docs' },
    expected: 'allowed',
  },
  {
    name: 'Allow with a variable in a condition (another user)',
    rule: `${EVAL}; ${VARS}`,
    identity: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::bucket', Condition: { StringLike: { [PREFIX]: 'home/${aws:username}/*' } } }],
    request: { action: 's3:ListBucket', resource: 'arn:aws:s3:::bucket' },
    context: { [USER]: 'bob', [PREFIX]: 'home/alice/docs' },
    expected: 'implicitDeny',
  },
  { name: 'Resource variable resolved: allows the user’s own object', rule: VARS, identity: [allowIf({}, HOME)], request: GET, context: { [USER]: 'alice' }, expected: 'allowed' },
  { name: 'Resource variable resolved: does not allow another user’s object', rule: VARS, identity: [allowIf({}, HOME)], request: GET, context: { [USER]: 'bob' }, expected: 'implicitDeny' },
  { name: 'Resource variable unresolved: unknown, naming the variable', rule: `${VARS}; ${AWSPERM}`, identity: [allowIf({}, HOME)], request: GET, context: {}, expected: 'unknown', contextKeys: ['${aws:username}'] },
  {
    name: 'Resource variable with a default, key known absent: the default is used',
    rule: VARS_DEFAULT,
    identity: [allowIf({}, "arn:aws:s3:::bucket/home/${aws:username, 'anon'}/*")],
    request: { action: 's3:GetObject', resource: 'arn:aws:s3:::bucket/home/anon/x' },
    context: { [USER]: null },
    expected: 'allowed',
  },
  {
    name: 'Resource variable, key known absent, no default: the Resource matches nothing',
    rule: VARS_ABSENT,
    identity: [allowIf({}, HOME)],
    request: GET,
    context: { [USER]: null },
    expected: 'implicitDeny',
    bug: 'known-absent variable in Resource is reported as unknown instead of matching no resource',
  },
  {
    name: 'Deny with a resolved Resource variable applies to the matching resource',
    rule: `${EVAL}; ${VARS}`,
    identity: [allowAll, { Effect: 'Deny', Action: 's3:*', Resource: 'arn:aws:s3:::bucket/${aws:PrincipalTag/team}/*' }],
    request: { action: 's3:GetObject', resource: 'arn:aws:s3:::bucket/platform/x' },
    context: { [TEAM]: 'platform' },
    expected: 'explicitDeny',
  },
  {
    name: 'Deny with a resolved Resource variable does not apply to another resource',
    rule: `${EVAL}; ${VARS}`,
    identity: [allowAll, { Effect: 'Deny', Action: 's3:*', Resource: 'arn:aws:s3:::bucket/${aws:PrincipalTag/team}/*' }],
    request: { action: 's3:GetObject', resource: 'arn:aws:s3:::bucket/data/x' },
    context: { [TEAM]: 'platform' },
    expected: 'allowed',
  },
  { name: 'Version 2008-10-17: the Resource variable is literal text', rule: VARS_VERSION, identity: [allowIf({}, HOME)], version: '2008-10-17', request: GET, context: { [USER]: 'alice' }, expected: 'implicitDeny' },
  {
    name: 'No Version element: the Resource variable is literal text',
    rule: VARS_VERSION,
    identity: [allowIf({}, HOME)],
    version: undefined,
    request: { action: 's3:GetObject', resource: 'arn:aws:s3:::bucket/home/${aws:username}/x' },
    context: {},
    expected: 'allowed',
  },
  {
    name: 'Version 2008-10-17: a condition variable is literal text',
    rule: VARS_VERSION,
    identity: [allowIf({ StringEquals: { [PREFIX]: '${aws:username}' } })],
    version: '2008-10-17',
    request: GET,
    context: { [USER]: 'alice', [PREFIX]: 'alice' },
    expected: 'implicitDeny',
  },
  { name: 'boundary Allow with a matching condition: allowed', rule: BOUNDARY, identity: [allowAll], boundary: [allowIf(inEu)], request: GET, context: EU, expected: 'allowed' },
  {
    name: 'boundary Allow with a non-matching condition: implicit deny by the boundary',
    rule: BOUNDARY,
    identity: [allowAll],
    boundary: [allowIf(inEu)],
    request: GET,
    context: US,
    expected: 'implicitDeny',
    deniedByBoundary: true,
  },
  { name: 'boundary Allow with an unknown key: unknown', rule: `${BOUNDARY}; ${AWSPERM}`, identity: [allowAll], boundary: [allowIf(inEu)], request: GET, context: {}, expected: 'unknown', contextKeys: [REGION] },
  {
    name: 'boundary Deny with a matching condition: explicit deny by the boundary',
    rule: BOUNDARY,
    identity: [allowAll],
    boundary: [allowAll, denyIf(inEu)],
    request: GET,
    context: EU,
    expected: 'explicitDeny',
    deniedByBoundary: true,
  },
  { name: 'boundary Deny with a non-matching condition: allowed', rule: BOUNDARY, identity: [allowAll], boundary: [allowAll, denyIf(inEu)], request: GET, context: US, expected: 'allowed' },
  { name: 'a conditional boundary never grants: identity allows nothing', rule: BOUNDARY, identity: [], boundary: [allowIf(inEu)], request: GET, context: EU, expected: 'implicitDeny' },
  {
    name: 'identity Allow with a non-matching condition is not rescued by the boundary',
    rule: BOUNDARY,
    identity: [allowIf(inEu)],
    boundary: [allowAll],
    request: GET,
    context: US,
    expected: 'implicitDeny',
  },
];

function named(name: string, statements: Statement[], version: string | undefined): NamedPolicy {
  return { name, document: version === undefined ? { Statement: statements } : { Version: version, Statement: statements } };
}

describe('condition corpus: evaluate()', () => {
  for (const c of evaluateCases) {
    it(title(c), () => {
    const version = 'version' in c ? c.version : '2012-10-17';
    const policies: PrincipalPolicies = { identity: [named('identity', c.identity, version)] };
    if (c.boundary) policies.boundary = named('boundary', c.boundary, '2012-10-17');
    const r = evaluate(c.request, policies, c.context);
    expect(r.decision).toBe(c.expected);
    if (c.contextKeys) expect([...(r.contextKeys ?? [])].sort()).toEqual([...c.contextKeys].sort());
    if (c.deniedByBoundary !== undefined) expect(r.deniedByBoundary).toBe(c.deniedByBoundary);
    });
  }
});

describe('condition corpus: size', () => {
  it('holds at least 150 cases', () => {
    const total = ALL.reduce((n, [, cases]) => n + cases.length, 0) + evaluateCases.length;
    expect(total).toBeGreaterThanOrEqual(150);
  });
});
