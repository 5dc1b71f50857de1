import { describe, expect, it } from 'vitest';
import { validateResourcePolicyDocument } from '../policy/document.ts';
import type { PolicyDocument } from '../policy/types.ts';
import { evaluateResourcePolicy } from './resource-policy.ts';

const ROLE = 'arn:aws:iam::111111111111:role/deployer';
const USER = 'arn:aws:iam::111111111111:user/ci';
const assume = { action: 'sts:AssumeRole', resource: ROLE };
const trust = (...Statement: object[]) => ({ name: 'trust', document: validateResourcePolicyDocument({ Version: '2012-10-17', Statement }, 'test') as PolicyDocument });

describe('a resource-based policy (a role trust policy) for one requester', () => {
  it('the account (id or root ARN) lets the caller in, but not directly; its own ARN does directly', () => {
    for (const AWS of ['111111111111', 'arn:aws:iam::111111111111:root']) {
      const d = evaluateResourcePolicy(assume, trust({ Effect: 'Allow', Principal: { AWS }, Action: 'sts:AssumeRole' }), { arn: USER });
      expect([d.decision, d.direct]).toEqual(['allowed', false]);
    }
    const direct = evaluateResourcePolicy(assume, trust({ Effect: 'Allow', Principal: { AWS: [USER] }, Action: 'sts:AssumeRole' }), { arn: USER });
    expect([direct.decision, direct.direct]).toEqual(['allowed', true]);
    const other = evaluateResourcePolicy(assume, trust({ Effect: 'Allow', Principal: { AWS: '222222222222' }, Action: 'sts:AssumeRole' }), { arn: USER });
    expect(other.decision).toBe('implicitDeny');
    expect(other.reason).toMatch(/lets arn:aws:iam::111111111111:user\/ci in/);
  });

  it('an assumed-role session matches its role’s ARN (with a path) and its account', () => {
    const session = 'arn:aws:sts::111111111111:assumed-role/ci-role/build-42';
    const d = evaluateResourcePolicy(assume, trust({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:role/ci/ci-role' }, Action: 'sts:AssumeRole' }), { arn: session });
    expect([d.decision, d.direct]).toEqual(['allowed', true]);
    expect(evaluateResourcePolicy(assume, trust({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:role/other' }, Action: 'sts:AssumeRole' }), { arn: session }).decision).toBe('implicitDeny');
  });

  it('service principals, the action, Deny and NotPrincipal', () => {
    const cfn = trust({ Effect: 'Allow', Principal: { Service: 'cloudformation.amazonaws.com' }, Action: 'sts:AssumeRole' });
    expect(evaluateResourcePolicy(assume, cfn, { service: 'cloudformation.amazonaws.com' }).decision).toBe('allowed');
    expect(evaluateResourcePolicy(assume, cfn, { service: 'lambda.amazonaws.com' }).decision).toBe('implicitDeny');
    expect(evaluateResourcePolicy(assume, cfn, { arn: USER }).decision).toBe('implicitDeny');
    const tagOnly = trust({ Effect: 'Allow', Principal: { AWS: '111111111111' }, Action: 'sts:TagSession' });
    expect(evaluateResourcePolicy(assume, tagOnly, { arn: USER }).decision).toBe('implicitDeny');
    const denied = trust({ Effect: 'Allow', Principal: '*', Action: 'sts:*' }, { Effect: 'Deny', Principal: { AWS: USER }, Action: 'sts:AssumeRole' });
    expect(evaluateResourcePolicy(assume, denied, { arn: USER }).decision).toBe('explicitDeny');
    const notMe = trust({ Effect: 'Allow', NotPrincipal: { AWS: USER }, Action: 'sts:AssumeRole' });
    expect(evaluateResourcePolicy(assume, notMe, { arn: USER }).decision).toBe('implicitDeny');
    expect(evaluateResourcePolicy(assume, notMe, { arn: 'arn:aws:iam::111111111111:user/other' }).decision).toBe('allowed');
  });

  it('decides the bootstrap’s “no external id” condition from the request context, and says when it cannot', () => {
    const bootstrap = trust({ Effect: 'Allow', Principal: { AWS: '111111111111' }, Action: 'sts:AssumeRole', Condition: { Null: { 'sts:ExternalId': 'true' } } });
    expect(evaluateResourcePolicy(assume, bootstrap, { arn: USER }, { 'sts:ExternalId': null }).decision).toBe('allowed');
    expect(evaluateResourcePolicy(assume, bootstrap, { arn: USER }, { 'sts:ExternalId': 'x' }).decision).toBe('implicitDeny');
    const unknown = evaluateResourcePolicy(assume, bootstrap, { arn: USER });
    expect(unknown.decision).toBe('unknown');
    expect(unknown.contextKeys).toEqual(['sts:ExternalId']);
  });

  it('validates resource-based documents: a Principal is required, Resource optional', () => {
    expect(() => validateResourcePolicyDocument({ Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole' }] }, 'x')).toThrow(/Principal and NotPrincipal/);
    expect(() => validateResourcePolicyDocument({ Statement: [{ Effect: 'Allow', Principal: 'me', Action: 'sts:AssumeRole' }] }, 'x')).toThrow(/Principal must be/);
  });
});
