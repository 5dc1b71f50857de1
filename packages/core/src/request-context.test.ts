import { describe, expect, it } from 'vitest';
import { AwspermError } from './errors.ts';
import { contextEntries } from './evaluators/simulate.ts';
import { contextKeyType, contextOf, mergeContext, parseContext } from './request-context.ts';

describe('contextKeyType', () => {
  it('keeps account ids and tags strings; infers other keys from the values', () => {
    expect(contextKeyType('aws:ResourceAccount', ['123456789012'])).toBe('string');
    expect(contextKeyType('aws:RequestTag/build', ['007'])).toBe('string');
    expect(contextKeyType('s3:max-keys', ['10'])).toBe('numeric');
    expect(contextKeyType('custom:Address', ['::1'])).toBe('ip');
  });
});

const failure = (fn: () => unknown): AwspermError => {
  try {
    fn();
  } catch (e) {
    if (AwspermError.is(e)) return e;
    throw e;
  }
  throw new Error('expected CONTEXT_INVALID');
};

describe('parseContext: key=value strings (the command line)', () => {
  it('types values by the key, or by what every value looks like', () => {
    const entries = parseContext([
      'aws:SourceIp=203.0.113.7',
      'aws:MultiFactorAuthPresent=true',
      'aws:MultiFactorAuthAge=300',
      'aws:CurrentTime=2026-01-31T12:00:00Z',
      'ec2:InstanceType=t3.micro',
      'aws:RequestTag/team=payments',
      's3:max-keys=10',
      'aws:TagKeys=team,env',
      'iam:PassedToService=lambda.amazonaws.com, ecs-tasks.amazonaws.com',
      'aws:VpcSourceIp=10.0.0.0/8',
      'custom:Flag=false',
      'custom:When=2026-02-01',
    ]);
    expect(entries.map((e) => `${e.key} ${e.type}${e.list ? '[]' : ''} ${e.values.join('|')}`)).toEqual([
      'aws:SourceIp ip 203.0.113.7',
      'aws:MultiFactorAuthPresent boolean true',
      'aws:MultiFactorAuthAge numeric 300',
      'aws:CurrentTime date 2026-01-31T12:00:00Z',
      'ec2:InstanceType string t3.micro',
      'aws:RequestTag/team string payments',
      's3:max-keys numeric 10',
      'aws:TagKeys string[] team|env',
      'iam:PassedToService string[] lambda.amazonaws.com|ecs-tasks.amazonaws.com',
      'aws:VpcSourceIp ip 10.0.0.0/8',
      'custom:Flag boolean false',
      'custom:When date 2026-02-01',
    ]);
  });
  it('a multivalued key is a list even with one value; a later entry of the same key replaces the earlier', () => {
    expect(contextOf(parseContext(['aws:TagKeys=team', 'aws:SourceIp=10.0.0.1', 'AWS:SOURCEIP=10.0.0.2']))).toEqual({ 'aws:TagKeys': ['team'], 'AWS:SOURCEIP': '10.0.0.2' });
  });
  it('rejects a value of the wrong type, naming the key, what it takes and the value', () => {
    const cases: [string, RegExp][] = [
      ['aws:SourceIp=300.1.2.3', /^request context aws:SourceIp: expected an IP address or CIDR .*, got "300\.1\.2\.3"$/],
      ['aws:SourceIp=10.0.0.0/33', /got "10\.0\.0\.0\/33"/],
      ['aws:MultiFactorAuthPresent=yes', /aws:MultiFactorAuthPresent: expected true or false, got "yes"/],
      ['aws:MultiFactorAuthAge=ten', /expected a number, got "ten"/],
      ['aws:CurrentTime=yesterday', /expected an ISO 8601 date .*, got "yesterday"/],
      ['aws:CurrentTime=2026-13-45', /got "2026-13-45"/],
      ['aws:SourceIp=10.0.0.1,nope', /got "nope"/],
      ['noequals', /^request context "noequals": expected key=value$/],
      ['=value', /expected key=value/],
      ['notakey=1', /expected a condition key such as aws:SourceIp/],
      ['aws:TagKeys=a,,b', /expected a value \(lists: a,b\)/],
    ];
    for (const [input, pattern] of cases) {
      const e = failure(() => parseContext([input]));
      expect(e.code, input).toBe('CONTEXT_INVALID');
      expect(e.kind).toBe('usage');
      expect(e.message, input).toMatch(pattern);
      expect(e.hint).toBe('Give each entry as key=value; a list as a,b.');
    }
  });
  it('never echoes a long value whole', () => {
    expect(failure(() => parseContext([`aws:SourceIp=${'9'.repeat(500)}`])).message.length).toBeLessThan(200);
  });
});

describe('parseContext: objects (library, config)', () => {
  it('takes strings, numbers, booleans, dates and lists without splitting strings', () => {
    const entries = parseContext({
      'aws:SourceIp': '203.0.113.7',
      'aws:MultiFactorAuthPresent': true,
      'aws:MultiFactorAuthAge': 60,
      'aws:CurrentTime': new Date('2026-01-31T12:00:00Z'),
      'aws:RequestTag/note': 'a,b',
      'aws:TagKeys': ['team', 'env'],
    });
    expect(contextOf(entries)).toEqual({
      'aws:SourceIp': '203.0.113.7',
      'aws:MultiFactorAuthPresent': 'true',
      'aws:MultiFactorAuthAge': '60',
      'aws:CurrentTime': '2026-01-31T12:00:00.000Z',
      'aws:RequestTag/note': 'a,b',
      'aws:TagKeys': ['team', 'env'],
    });
  });
  it('rejects values of the wrong type with the config hint', () => {
    const e = failure(() => parseContext({ 'aws:MultiFactorAuthAge': 'old' }, 'config'));
    expect(e.message).toBe('request context aws:MultiFactorAuthAge: expected a number, got "old"');
    expect(e.hint).toBe('Fix the "context" key of the awsperm config.');
    expect(failure(() => parseContext({ 'aws:CurrentTime': new Date(Number.NaN) })).message).toContain('expected a valid date');
    expect(failure(() => parseContext({ 'custom:X': { nested: 1 } })).message).toContain('expected a string, number, boolean or date');
  });
});

describe('mergeContext', () => {
  it('later layers replace keys case-insensitively', () => {
    expect(mergeContext({ 'aws:RequestedRegion': 'eu-west-1', 'iam:PassedToService': 'lambda.amazonaws.com' }, undefined, { 'IAM:PassedToService': 'ec2.amazonaws.com' })).toEqual({
      'aws:RequestedRegion': 'eu-west-1',
      'IAM:PassedToService': 'ec2.amazonaws.com',
    });
  });
});

describe('simulate ContextEntries', () => {
  it('sends HTTPS, the region, the principal keys and the request context, each typed; no clock keys of ours', () => {
    const entries = contextEntries('eu-west-1', { arn: 'arn:aws:iam::123456789012:user/ci', type: 'user', userId: 'AIDAEXAMPLE' }, {
      'iam:PassedToService': 'lambda.amazonaws.com',
      'aws:SourceIp': '203.0.113.7',
      'aws:TagKeys': ['a', 'b'],
      'aws:MultiFactorAuthAge': '30',
    });
    expect(entries.map((e) => `${e.ContextKeyName} ${e.ContextKeyType} ${e.ContextKeyValues!.join('|')}`)).toEqual([
      'aws:SecureTransport boolean true',
      'aws:RequestedRegion string eu-west-1',
      'aws:PrincipalArn string arn:aws:iam::123456789012:user/ci',
      'aws:PrincipalAccount string 123456789012',
      'aws:PrincipalType string User',
      'aws:username string ci',
      'aws:userid string AIDAEXAMPLE',
      'iam:PassedToService string lambda.amazonaws.com',
      'aws:SourceIp ip 203.0.113.7',
      'aws:TagKeys stringList a|b',
      'aws:MultiFactorAuthAge numeric 30',
    ]);
  });
});
