import { describe, expect, it } from 'vitest';
import { AwspermError } from '../errors.ts';
import { listOf, statementsOf, validatePolicyDocument } from './document.ts';

const ok = { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' };

/** Validates a document with the given statements (or raw value) and returns the AwspermError it throws. */
function rejection(value: unknown, source = 'policy.json'): AwspermError {
  try {
    validatePolicyDocument(value, source);
  } catch (e) {
    expect(e).toBeInstanceOf(AwspermError);
    const err = e as AwspermError;
    expect(err.code).toBe('POLICY_INVALID');
    expect(err.kind).toBe('config');
    expect(err.message.startsWith(`${source}: `)).toBe(true);
    return err;
  }
  throw new Error('expected validatePolicyDocument to throw');
}

/** The error for a document whose second statement is `bad` (the first one is valid). */
const badSecondStatement = (bad: unknown) => rejection({ Version: '2012-10-17', Statement: [ok, bad] });

describe('validatePolicyDocument: valid documents', () => {
  it('accepts a document with a statement list and returns it unchanged', () => {
    const doc = {
      Version: '2012-10-17',
      Id: 'deploy',
      Statement: [
        { Sid: 'Read', Effect: 'Allow', Action: ['s3:GetObject', 's3:List*'], Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'] },
        { Effect: 'Deny', NotAction: 'iam:*', NotResource: 'arn:aws:iam::*:role/ci-*' },
        {
          Effect: 'Allow',
          Action: '*',
          Resource: '*',
          Condition: { StringEquals: { 'aws:RequestedRegion': ['eu-west-1', 'eu-west-2'] }, NumericLessThan: { 'x:n': 3 }, Bool: { 'aws:SecureTransport': true } },
        },
      ],
    };
    expect(validatePolicyDocument(doc, 'p.json')).toBe(doc);
  });

  it('accepts a single statement object, the 2008-10-17 version, and a missing version', () => {
    expect(() => validatePolicyDocument({ Statement: ok }, 'p.json')).not.toThrow();
    expect(() => validatePolicyDocument({ Version: '2008-10-17', Statement: [ok] }, 'p.json')).not.toThrow();
  });

  it('accepts action names with digits, hyphenated service prefixes and ? wildcards', () => {
    const doc = { Statement: { Effect: 'Allow', Action: ['ec2:DescribeInstances', 'execute-api:Invoke', 's3:GetObjec?', 'route53:*'], Resource: '*' } };
    expect(() => validatePolicyDocument(doc, 'p.json')).not.toThrow();
  });
});

describe('validatePolicyDocument: the document', () => {
  it('rejects values that are not objects', () => {
    expect(rejection(null).message).toBe('policy.json: a policy document must be a JSON object, not null');
    expect(rejection([ok]).message).toContain('not an array');
    expect(rejection('{"Statement":[]}').message).toContain('not a string');
    expect(rejection(42).message).toContain('not a number');
  });

  it('rejects a document without Statement', () => {
    expect(rejection({ Version: '2012-10-17' }).message).toBe('policy.json: the policy has no "Statement" element');
  });

  it('rejects an empty Statement array', () => {
    expect(rejection({ Version: '2012-10-17', Statement: [] }).message).toContain('Statement is an empty array');
  });

  it('rejects an unsupported Version', () => {
    expect(rejection({ Version: '2012-10-18', Statement: [ok] }).message).toContain('Version must be "2012-10-17" or "2008-10-17", not "2012-10-18"');
    expect(rejection({ Version: 2012, Statement: [ok] }).message).toContain('not 2012');
  });

  it('carries a hint pointing at the IAM JSON policy reference', () => {
    expect(rejection({}).hint).toContain('IAM JSON policy reference');
  });
});

describe('validatePolicyDocument: statements', () => {
  it('names the source and the 1-based statement number, and the Sid when there is one', () => {
    const err = rejection({ Statement: [ok, ok, { Sid: 'Broken', Effect: 'Allow', Resource: '*' }] }, 'deploy/policy.json');
    expect(err.message).toContain('deploy/policy.json: statement 3 (Sid "Broken"): ');
    expect(badSecondStatement({ Effect: 'Allow', Resource: '*' }).message).toContain('policy.json: statement 2: ');
  });

  it('rejects a statement that is not an object', () => {
    expect(badSecondStatement('Allow').message).toContain('statement 2: a statement must be an object, not a string');
  });

  it('rejects a lowercase or missing Effect', () => {
    expect(badSecondStatement({ ...ok, Effect: 'allow' }).message).toContain('Effect must be "Allow" or "Deny", not "allow"');
    const { Effect: _, ...noEffect } = ok;
    expect(badSecondStatement(noEffect).message).toContain('statement 2: Effect must be "Allow" or "Deny"');
  });

  it('rejects Action as a number or an object', () => {
    expect(badSecondStatement({ ...ok, Action: 3 }).message).toContain('Action must be a string or an array of strings, not a number');
    expect(badSecondStatement({ ...ok, Action: { s3: 'GetObject' } }).message).toContain('not an object');
  });

  it('rejects an empty Action array, an empty string and non-string items', () => {
    expect(badSecondStatement({ ...ok, Action: [] }).message).toContain('Action is an empty array');
    expect(badSecondStatement({ ...ok, Action: '' }).message).toContain('Action is an empty string');
    expect(badSecondStatement({ ...ok, Action: ['s3:GetObject', 7] }).message).toContain('Action[1] must be a non-empty string, not a number');
  });

  it('rejects both Action and NotAction, and neither', () => {
    expect(badSecondStatement({ ...ok, NotAction: 'iam:*' }).message).toContain('exactly one of Action and NotAction');
    expect(badSecondStatement({ Effect: 'Allow', Resource: '*' }).message).toContain('exactly one of Action and NotAction');
  });

  it('rejects a missing Resource, and both Resource and NotResource', () => {
    expect(badSecondStatement({ Effect: 'Allow', Action: 's3:GetObject' }).message).toContain('exactly one of Resource and NotResource');
    expect(badSecondStatement({ ...ok, NotResource: 'arn:aws:s3:::x' }).message).toContain('exactly one of Resource and NotResource');
  });

  it('rejects actions not of the form service:Action', () => {
    expect(badSecondStatement({ ...ok, Action: 's3GetObject' }).message).toContain('Action "s3GetObject" is not of the form service:Action');
    expect(badSecondStatement({ ...ok, Action: ['s3:Get Object'] }).message).toContain('"s3:Get Object"');
    expect(badSecondStatement({ ...ok, Action: 's3:' }).message).toContain('"s3:"');
    expect(badSecondStatement({ Effect: 'Deny', NotAction: 'arn:aws:s3:::b', Resource: '*' }).message).toContain(
      'NotAction "arn:aws:s3:::b" is not of the form service:Action',
    );
  });

  it('rejects unknown elements, including misspelt ones', () => {
    expect(badSecondStatement({ ...ok, Resources: '*' }).message).toContain('unknown statement element "Resources"');
    expect(badSecondStatement({ ...ok, effect: 'Allow' }).message).toContain('unknown statement element "effect"');
  });

  it('rejects Principal and NotPrincipal, which belong in resource-based policies', () => {
    expect(badSecondStatement({ ...ok, Principal: { AWS: '*' } }).message).toContain('Principal/NotPrincipal belong in resource-based policies');
    expect(badSecondStatement({ ...ok, NotPrincipal: '*' }).message).toContain('Principal/NotPrincipal');
  });

  it('rejects a non-string Sid', () => {
    expect(badSecondStatement({ ...ok, Sid: 1 }).message).toContain('Sid must be a string, not a number');
  });

  it('rejects malformed Condition blocks', () => {
    expect(badSecondStatement({ ...ok, Condition: [] }).message).toContain('Condition must be an object, not an array');
    expect(badSecondStatement({ ...ok, Condition: { StringEquals: 'x' } }).message).toContain(
      'Condition operator StringEquals must map condition keys to values',
    );
    expect(badSecondStatement({ ...ok, Condition: { StringEquals: { 'aws:x': [null] } } }).message).toContain(
      'Condition StringEquals aws:x values must be strings, numbers or booleans',
    );
  });
});

describe('statementsOf and listOf', () => {
  it('turns one-or-many values into arrays', () => {
    expect(statementsOf({ Statement: { Effect: 'Allow', Action: '*', Resource: '*' } })).toHaveLength(1);
    expect(statementsOf({ Statement: [ok as never, ok as never] })).toHaveLength(2);
    expect(listOf(undefined)).toEqual([]);
    expect(listOf('a')).toEqual(['a']);
    expect(listOf(['a', 'b'])).toEqual(['a', 'b']);
  });
});
