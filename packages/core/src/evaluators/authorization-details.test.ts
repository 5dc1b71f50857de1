import { describe, expect, it } from 'vitest';
import { evaluate } from '../engine/evaluate.ts';
import { AwspermError } from '../errors.ts';
import type { PolicyDocument } from '../policy/types.ts';
import { assumedRoleName, principalFromAuthorizationDetails } from './authorization-details.ts';
import { decode, policiesInFile } from './policy-files.ts';

const ACCOUNT = '123456789012';
const FILE = 'auth-details.json';
const arn = (kind: string, name: string) => `arn:aws:iam::${ACCOUNT}:${kind}/${name}`;

const doc = (Action: string | string[], Resource: string | string[] = '*', Effect: 'Allow' | 'Deny' = 'Allow'): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [{ Effect, Action, Resource }],
});

/** URL-encoded JSON, as the raw IAM API returns policy documents. */
const encoded = (d: unknown) => encodeURIComponent(JSON.stringify(d));

/** Output of `aws iam get-account-authorization-details`, shaped like the real thing. */
function authDetails() {
  return {
    UserDetailList: [
      {
        Path: '/',
        UserName: 'alice',
        UserId: 'AIDAEXAMPLEALICE',
        Arn: arn('user', 'alice'),
        CreateDate: '2024-01-01T00:00:00Z',
        GroupList: ['developers'],
        UserPolicyList: [{ PolicyName: 'alice-logs', PolicyDocument: encoded(doc('logs:GetLogEvents')) }],
        AttachedManagedPolicies: [{ PolicyName: 'DeployPolicy', PolicyArn: arn('policy', 'DeployPolicy') }],
        PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: arn('policy', 'Boundary') },
        Tags: [],
      },
      { Path: '/', UserName: 'bob', Arn: arn('user', 'bob'), GroupList: [], UserPolicyList: [], AttachedManagedPolicies: [] },
    ],
    GroupDetailList: [
      {
        Path: '/',
        GroupName: 'developers',
        Arn: arn('group', 'developers'),
        GroupPolicyList: [{ PolicyName: 'dev-sqs', PolicyDocument: doc('sqs:SendMessage') }],
        AttachedManagedPolicies: [{ PolicyName: 'ReadOnly', PolicyArn: arn('policy', 'ReadOnly') }],
      },
    ],
    RoleDetailList: [
      {
        Path: '/ci/',
        RoleName: 'Deployer',
        Arn: arn('role', 'ci/Deployer'),
        AssumeRolePolicyDocument: encoded({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'codebuild.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        }),
        InstanceProfileList: [],
        RolePolicyList: [{ PolicyName: 'deploy-inline', PolicyDocument: encoded(doc('cloudformation:*')) }],
        AttachedManagedPolicies: [{ PolicyName: 'DeployPolicy', PolicyArn: arn('policy', 'DeployPolicy') }],
        Tags: [],
      },
    ],
    Policies: [
      {
        PolicyName: 'DeployPolicy',
        Arn: arn('policy', 'DeployPolicy'),
        DefaultVersionId: 'v2',
        AttachmentCount: 2,
        PolicyVersionList: [
          { Document: encoded(doc('*')), VersionId: 'v1', IsDefaultVersion: false },
          { Document: encoded(doc('lambda:*')), VersionId: 'v2', IsDefaultVersion: true },
        ],
      },
      {
        PolicyName: 'ReadOnly',
        Arn: arn('policy', 'ReadOnly'),
        DefaultVersionId: 'v1',
        PolicyVersionList: [{ Document: doc('s3:Get*'), VersionId: 'v1', IsDefaultVersion: true }],
      },
      {
        PolicyName: 'Boundary',
        Arn: arn('policy', 'Boundary'),
        DefaultVersionId: 'v3',
        PolicyVersionList: [{ Document: encoded(doc(['lambda:*', 's3:*', 'logs:*'])), VersionId: 'v3', IsDefaultVersion: true }],
      },
    ],
  };
}

/** The AwspermError a call throws. */
function thrown(run: () => unknown): AwspermError {
  try {
    run();
  } catch (e) {
    expect(AwspermError.is(e)).toBe(true);
    return e as AwspermError;
  }
  throw new Error('expected an error');
}

describe('principalFromAuthorizationDetails: users', () => {
  it('collects inline, attached managed and group policies, in that order', () => {
    const alice = principalFromAuthorizationDetails(authDetails(), FILE, arn('user', 'alice'));
    expect(alice.type).toBe('user');
    expect(alice.arn).toBe(arn('user', 'alice'));
    expect(alice.policies.identity.map((p) => p.name)).toEqual([
      'user alice inline policy alice-logs',
      arn('policy', 'DeployPolicy'),
      'group developers inline policy dev-sqs',
      arn('policy', 'ReadOnly'),
    ]);
  });

  it('decodes URL-encoded documents and takes plain-object ones as they are', () => {
    const [inline, , groupInline] = principalFromAuthorizationDetails(authDetails(), FILE, 'alice').policies.identity;
    expect(inline!.document).toEqual(doc('logs:GetLogEvents'));
    expect(groupInline!.document).toEqual(doc('sqs:SendMessage'));
  });

  it('uses the default version of a managed policy only', () => {
    const deploy = principalFromAuthorizationDetails(authDetails(), FILE, 'alice').policies.identity[1]!;
    expect(deploy.document).toEqual(doc('lambda:*'));
  });

  it('falls back to DefaultVersionId when no version is flagged IsDefaultVersion', () => {
    const details = authDetails();
    const versions = details.Policies[0]!.PolicyVersionList;
    for (const v of versions) delete (v as { IsDefaultVersion?: boolean }).IsDefaultVersion;
    const deploy = principalFromAuthorizationDetails(details, FILE, 'alice').policies.identity[1]!;
    expect(deploy.document).toEqual(doc('lambda:*'));
  });

  it('sets the permission boundary from its managed policy', () => {
    const { boundary } = principalFromAuthorizationDetails(authDetails(), FILE, 'alice').policies;
    expect(boundary).toEqual({ name: `permission boundary ${arn('policy', 'Boundary')}`, document: doc(['lambda:*', 's3:*', 'logs:*']) });
  });

  it('yields policies the engine evaluates as IAM would for that user', () => {
    const { policies } = principalFromAuthorizationDetails(authDetails(), FILE, 'alice');
    const decision = (action: string) => evaluate({ action, resource: '*' }, policies).decision;
    expect(decision('lambda:GetFunction')).toBe('allowed'); // default version v2
    expect(decision('s3:GetObject')).toBe('allowed'); // group's managed policy
    expect(decision('iam:CreateUser')).toBe('implicitDeny'); // only the non-default v1 allowed "*"
    const sqs = evaluate({ action: 'sqs:SendMessage', resource: '*' }, policies);
    expect(sqs.decision).toBe('implicitDeny'); // the group allows it, the boundary does not
    expect(sqs.deniedByBoundary).toBe(true);
  });

  it('leaves the boundary unset for a user without one', () => {
    const bob = principalFromAuthorizationDetails(authDetails(), FILE, 'bob');
    expect(bob.policies).toEqual({ identity: [] });
  });
});

describe('principalFromAuthorizationDetails: roles', () => {
  it('finds a role by ARN, including its path', () => {
    const role = principalFromAuthorizationDetails(authDetails(), FILE, arn('role', 'ci/Deployer'));
    expect(role.type).toBe('role');
    expect(role.arn).toBe(arn('role', 'ci/Deployer'));
    expect(role.policies.identity.map((p) => p.name)).toEqual(['role Deployer inline policy deploy-inline', arn('policy', 'DeployPolicy')]);
    expect(role.policies.identity[0]!.document).toEqual(doc('cloudformation:*'));
    expect(role.policies.boundary).toBeUndefined();
  });

  it('finds a role by bare name', () => {
    expect(principalFromAuthorizationDetails(authDetails(), FILE, 'Deployer').arn).toBe(arn('role', 'ci/Deployer'));
  });

  it('maps an assumed-role session ARN to its role', () => {
    const role = principalFromAuthorizationDetails(authDetails(), FILE, `arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/session1`);
    expect(role.type).toBe('role');
    expect(role.arn).toBe(arn('role', 'ci/Deployer'));
  });

  it('does not validate the trust policy, whose Principal is legitimate there', () => {
    expect(() => principalFromAuthorizationDetails(authDetails(), FILE, 'Deployer')).not.toThrow();
  });
});

describe('principalFromAuthorizationDetails: errors', () => {
  it.each([
    ['an unknown user name', 'carol'],
    ['an ARN that matches no entry', arn('user', 'carol')],
    ['an assumed-role session of an unknown role', `arn:aws:sts::${ACCOUNT}:assumed-role/Nobody/s`],
    ['a name given with an ARN prefix it does not have', 'arn:aws:iam::123456789012:user/Deployer'],
  ])('raises PRINCIPAL_NOT_FOUND for %s', (_name, principal) => {
    const err = thrown(() => principalFromAuthorizationDetails(authDetails(), FILE, principal));
    expect(err.code).toBe('PRINCIPAL_NOT_FOUND');
    expect(err.message).toBe(`${FILE}: no user or role ${principal}`);
    expect(err.hint).toContain('2 user(s) and 1 role(s)');
  });

  it.each([
    ['an array', []],
    ['a string', 'UserDetailList'],
    ['null', null],
    ['an object without UserDetailList or RoleDetailList', { Policies: [] }],
    ['a UserDetailList that is not an array', { UserDetailList: {} }],
    ['a RoleDetailList holding non-objects', { RoleDetailList: ['Deployer'] }],
  ])('raises AUTH_DETAILS_INVALID for %s', (_name, json) => {
    const err = thrown(() => principalFromAuthorizationDetails(json, FILE, 'alice'));
    expect(err.code).toBe('AUTH_DETAILS_INVALID');
    expect(err.message.startsWith(`${FILE}: `)).toBe(true);
    expect(err.hint).toContain('get-account-authorization-details');
  });

  it('raises AUTH_DETAILS_INVALID when an attached policy is missing from Policies', () => {
    const details = authDetails();
    details.Policies = details.Policies.filter((p) => p.PolicyName !== 'ReadOnly');
    const err = thrown(() => principalFromAuthorizationDetails(details, FILE, 'alice'));
    expect(err.code).toBe('AUTH_DETAILS_INVALID');
    expect(err.message).toContain(`managed policy ${arn('policy', 'ReadOnly')} is attached but missing from "Policies"`);
  });

  it('raises AUTH_DETAILS_INVALID when a managed policy has no default version', () => {
    const details = authDetails();
    const versions = details.Policies[0]!.PolicyVersionList;
    versions.splice(versions.findIndex((v) => v.VersionId === 'v2'), 1);
    const err = thrown(() => principalFromAuthorizationDetails(details, FILE, 'Deployer'));
    expect(err.code).toBe('AUTH_DETAILS_INVALID');
    expect(err.message).toContain('has no default version');
  });

  it('raises AUTH_DETAILS_INVALID when a user’s group is missing from GroupDetailList', () => {
    const details = authDetails();
    details.GroupDetailList = [];
    const err = thrown(() => principalFromAuthorizationDetails(details, FILE, 'alice'));
    expect(err.code).toBe('AUTH_DETAILS_INVALID');
    expect(err.message).toContain('user alice is in group developers, which is missing from GroupDetailList');
  });

  it('raises POLICY_INVALID naming the file and policy for an invalid embedded document', () => {
    const details = authDetails();
    details.RoleDetailList[0]!.RolePolicyList[0]!.PolicyDocument = encoded({ Statement: [{ Effect: 'allow', Action: '*', Resource: '*' }] });
    const err = thrown(() => principalFromAuthorizationDetails(details, FILE, 'Deployer'));
    expect(err.code).toBe('POLICY_INVALID');
    expect(err.message).toContain(`${FILE}: role Deployer inline policy deploy-inline: statement 1`);
  });
});

describe('assumedRoleName', () => {
  it('extracts the role name from an assumed-role session ARN only', () => {
    expect(assumedRoleName(`arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/session1`)).toBe('Deployer');
    expect(assumedRoleName(`arn:aws-cn:sts::${ACCOUNT}:assumed-role/R/a@b.com`)).toBe('R');
    expect(assumedRoleName(arn('role', 'Deployer'))).toBeUndefined();
    expect(assumedRoleName(`arn:aws:sts::${ACCOUNT}:assumed-role/Deployer`)).toBeUndefined();
    expect(assumedRoleName('Deployer')).toBeUndefined();
  });
});

describe('policiesInFile', () => {
  it('reads a single document, named after the file', () => {
    expect(policiesInFile(doc('s3:GetObject'), 'p.json')).toEqual([{ name: 'p.json', document: doc('s3:GetObject') }]);
  });

  it('reads an array of documents, named by index', () => {
    const policies = policiesInFile([doc('s3:GetObject'), doc('sqs:*')], 'p.json');
    expect(policies).toEqual([
      { name: 'p.json[0]', document: doc('s3:GetObject') },
      { name: 'p.json[1]', document: doc('sqs:*') },
    ]);
  });

  it('rejects an empty array', () => {
    const err = thrown(() => policiesInFile([], 'p.json'));
    expect(err.code).toBe('POLICY_INVALID');
    expect(err.message).toBe('p.json: the file holds an empty list of policies');
  });

  it('unwraps get-policy-version output, URL-encoded or not', () => {
    const wrapped = { PolicyVersion: { Document: encoded(doc('lambda:*')), VersionId: 'v4', IsDefaultVersion: true } };
    expect(policiesInFile(wrapped, 'v.json')[0]!.document).toEqual(doc('lambda:*'));
    expect(policiesInFile({ PolicyVersion: { Document: doc('sns:*') } }, 'v.json')[0]!.document).toEqual(doc('sns:*'));
  });

  it('unwraps get-role-policy output', () => {
    const wrapped = { RoleName: 'Deployer', PolicyName: 'inline', PolicyDocument: doc('ecr:*') };
    expect(policiesInFile(wrapped, 'r.json')[0]!.document).toEqual(doc('ecr:*'));
  });

  it('validates each document, naming its index', () => {
    const err = thrown(() => policiesInFile([doc('s3:GetObject'), { Statement: [{ Effect: 'Allow', Action: 's3:GetObject' }] }], 'p.json'));
    expect(err.code).toBe('POLICY_INVALID');
    expect(err.message).toContain('p.json[1]: statement 1');
  });
});

describe('decode', () => {
  it('decodes URL-encoded JSON and passes objects through', () => {
    expect(decode(encoded({ a: 'x y%' }))).toEqual({ a: 'x y%' });
    const obj = { a: 1 };
    expect(decode(obj)).toBe(obj);
  });

  it('parses a plain JSON string that is not URL-encoded', () => {
    expect(decode('{"a": "100%"}')).toEqual({ a: '100%' });
  });

  it('raises POLICY_INVALID for a string that is not JSON', () => {
    expect(thrown(() => decode('%7Bnot json')).code).toBe('POLICY_INVALID');
  });
});
