import { describe, expect, it } from 'vitest';
import type { NamedPolicy, Statement } from '../policy/types.ts';
import { evaluate, type PrincipalPolicies } from './evaluate.ts';
import type { EvaluationResult } from './types.ts';

const EVAL = 'AWS IAM User Guide: policy evaluation logic';
const NOT_ELEMENTS = 'IAM JSON policy elements: NotAction/NotResource';
const VARIABLES = 'IAM policy elements: variables and tags';

/** A fresh named policy (fresh objects, so the engine's per-policy cache never leaks between tests). */
function policy(name: string, statements: Statement | Statement[], version = '2012-10-17'): NamedPolicy {
  return { name, document: { Version: version, Statement: statements } };
}

const allow = (Action: string | string[], Resource: string | string[] = '*', extra: Partial<Statement> = {}): Statement => ({
  Effect: 'Allow',
  Action,
  Resource,
  ...extra,
});

const deny = (Action: string | string[], Resource: string | string[] = '*', extra: Partial<Statement> = {}): Statement => ({
  Effect: 'Deny',
  Action,
  Resource,
  ...extra,
});

/** Evaluates one request against identity policies (and optionally a boundary). */
function decide(action: string, resource: string, identity: NamedPolicy[], boundary?: NamedPolicy): EvaluationResult {
  const policies: PrincipalPolicies = boundary ? { identity, boundary } : { identity };
  return evaluate({ action, resource }, policies);
}

describe(`${EVAL}: implicit deny by default`, () => {
  it('denies implicitly when there are no policies at all', () => {
    const r = decide('s3:GetObject', 'arn:aws:s3:::bucket/key', []);
    expect(r.decision).toBe('implicitDeny');
    expect(r.matched).toEqual([]);
    expect(r.reason).toBe('no statement in the identity policies allows it');
    expect(r.deniedByBoundary).toBeUndefined();
  });

  it('denies implicitly when no statement names the action', () => {
    const r = decide('iam:CreateUser', '*', [policy('p', allow('s3:GetObject'))]);
    expect(r.decision).toBe('implicitDeny');
    expect(r.matched).toEqual([]);
  });

  it('denies implicitly when the action is allowed only on another resource', () => {
    const r = decide('s3:GetObject', 'arn:aws:s3:::other/key', [policy('p', allow('s3:GetObject', 'arn:aws:s3:::bucket/*'))]);
    expect(r.decision).toBe('implicitDeny');
  });
});

describe(`${EVAL}: an identity-based Allow grants`, () => {
  it('allows a request an Allow statement covers, naming the statement', () => {
    const r = decide('s3:GetObject', 'arn:aws:s3:::bucket/key', [
      policy('deployer.json', [allow('iam:GetRole'), { ...allow('s3:GetObject', 'arn:aws:s3:::bucket/*'), Sid: 'Read' }]),
    ]);
    expect(r.decision).toBe('allowed');
    expect(r.matched).toEqual([{ policy: 'deployer.json', statementIndex: 1, sid: 'Read', effect: 'Allow' }]);
    expect(r.reason).toBe('allowed by statement 2 (Sid "Read") of deployer.json');
  });

  it('lists every Allow that applies, across policies', () => {
    const r = decide('s3:GetObject', '*', [policy('a', allow('s3:*')), policy('b', allow('*'))]);
    expect(r.decision).toBe('allowed');
    expect(r.matched.map((m) => m.policy)).toEqual(['a', 'b']);
  });

  it('records the StatementRef fields: policy name, 0-based index, sid only when present, effect', () => {
    const r = decide('sqs:SendMessage', '*', [policy('queue-policy', [allow('sns:Publish'), allow('sqs:SendMessage')])]);
    expect(r.matched).toEqual([{ policy: 'queue-policy', statementIndex: 1, effect: 'Allow' }]);
    expect(r.matched[0]).not.toHaveProperty('sid');
    expect(r.matched[0]).not.toHaveProperty('boundary');
  });
});

describe(`${EVAL}: an explicit Deny overrides any Allow`, () => {
  it('denies when a Deny in the same policy applies', () => {
    const r = decide('s3:DeleteBucket', 'arn:aws:s3:::bucket', [
      policy('p', [allow('s3:*'), { ...deny('s3:DeleteBucket'), Sid: 'NoDelete' }]),
    ]);
    expect(r.decision).toBe('explicitDeny');
    expect(r.matched).toEqual([{ policy: 'p', statementIndex: 1, sid: 'NoDelete', effect: 'Deny' }]);
    expect(r.reason).toBe('explicitly denied by statement 2 (Sid "NoDelete") of p');
    expect(r.deniedByBoundary).toBeUndefined();
  });

  it('denies when the Deny is in a different policy from the Allow', () => {
    const r = decide('s3:DeleteBucket', 'arn:aws:s3:::bucket', [
      policy('admin', allow('*')),
      policy('guardrail', deny('s3:Delete*')),
    ]);
    expect(r.decision).toBe('explicitDeny');
    expect(r.matched).toEqual([{ policy: 'guardrail', statementIndex: 0, effect: 'Deny' }]);
  });

  it('denies explicitly even when nothing allows the request', () => {
    expect(decide('s3:DeleteBucket', '*', [policy('p', deny('s3:*'))]).decision).toBe('explicitDeny');
  });

  it('ignores a Deny whose resource does not apply', () => {
    const r = decide('s3:GetObject', 'arn:aws:s3:::public/key', [
      policy('p', [allow('s3:GetObject'), deny('s3:GetObject', 'arn:aws:s3:::secret/*')]),
    ]);
    expect(r.decision).toBe('allowed');
  });

  it('denies a wildcard request when the Deny applies to only some of the actions it matches', () => {
    const r = decide('lambda:*', '*', [policy('p', [allow('*'), deny('lambda:DeleteFunction')])]);
    expect(r.decision).toBe('explicitDeny');
  });

  it('denies a wildcard-resource request when the Deny applies to only some of the resources', () => {
    const r = decide('s3:GetObject', 'arn:aws:s3:::bucket/*', [
      policy('p', [allow('s3:GetObject'), deny('s3:GetObject', 'arn:aws:s3:::bucket/secret/*')]),
    ]);
    expect(r.decision).toBe('explicitDeny');
  });
});

describe(`${NOT_ELEMENTS}: NotAction`, () => {
  it('Allow with NotAction allows every action except those listed', () => {
    const p = () => [policy('p', { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' })];
    expect(decide('s3:GetObject', '*', p()).decision).toBe('allowed');
    expect(decide('lambda:Get*', '*', p()).decision).toBe('allowed');
  });

  it('Allow with NotAction leaves a listed action implicitly, not explicitly, denied', () => {
    const r = decide('iam:CreateUser', '*', [policy('p', { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })]);
    expect(r.decision).toBe('implicitDeny');
    expect(r.matched).toEqual([]);
  });

  it('Allow with NotAction does not cover a wildcard request that overlaps the exclusion', () => {
    const r = decide('iam:Get*', '*', [policy('p', { Effect: 'Allow', NotAction: 'iam:CreateUser', Resource: '*' })]);
    expect(r.decision).toBe('allowed');
    const r2 = decide('iam:Create*', '*', [policy('p', { Effect: 'Allow', NotAction: 'iam:CreateUser', Resource: '*' })]);
    expect(r2.decision).toBe('implicitDeny');
  });

  it('Deny with NotAction denies every action except those listed', () => {
    const p = () => [policy('p', [allow('*'), { Effect: 'Deny', NotAction: ['s3:GetObject', 'sts:*'], Resource: '*' }])];
    expect(decide('iam:CreateUser', '*', p()).decision).toBe('explicitDeny');
    expect(decide('s3:PutObject', '*', p()).decision).toBe('explicitDeny');
    expect(decide('s3:GetObject', '*', p()).decision).toBe('allowed');
    expect(decide('sts:GetCallerIdentity', '*', p()).decision).toBe('allowed');
    expect(decide('sts:Get*', '*', p()).decision).toBe('allowed');
    // s3:Get* includes actions other than s3:GetObject, which the Deny reaches.
    expect(decide('s3:Get*', '*', p()).decision).toBe('explicitDeny');
  });
});

describe(`${NOT_ELEMENTS}: NotResource`, () => {
  it('Allow with NotResource allows every resource except those listed', () => {
    const p = () => [policy('p', { Effect: 'Allow', Action: 's3:*', NotResource: 'arn:aws:s3:::secret/*' })];
    expect(decide('s3:GetObject', 'arn:aws:s3:::public/key', p()).decision).toBe('allowed');
    expect(decide('s3:GetObject', 'arn:aws:s3:::secret/key', p()).decision).toBe('implicitDeny');
    // "*" includes the excluded resources.
    expect(decide('s3:GetObject', '*', p()).decision).toBe('implicitDeny');
  });

  it('Deny with NotResource denies every resource except those listed', () => {
    const p = () => [
      policy('p', [allow('s3:*'), { Effect: 'Deny', Action: 's3:*', NotResource: ['arn:aws:s3:::mine', 'arn:aws:s3:::mine/*'] }]),
    ];
    expect(decide('s3:GetObject', 'arn:aws:s3:::mine/key', p()).decision).toBe('allowed');
    expect(decide('s3:GetObject', 'arn:aws:s3:::mine/*', p()).decision).toBe('allowed');
    expect(decide('s3:GetObject', 'arn:aws:s3:::theirs/key', p()).decision).toBe('explicitDeny');
    expect(decide('s3:GetObject', '*', p()).decision).toBe('explicitDeny');
  });
});

describe(`${EVAL}: matching of actions and resources`, () => {
  it('matches actions case-insensitively', () => {
    expect(decide('s3:GetObject', '*', [policy('p', allow('S3:getobject'))]).decision).toBe('allowed');
    expect(decide('S3:GETOBJECT', '*', [policy('p', allow('s3:Get*'))]).decision).toBe('allowed');
    expect(decide('s3:GetObject', '*', [policy('p', [allow('*'), deny('S3:GETOBJECT')])]).decision).toBe('explicitDeny');
  });

  it('matches resources case-sensitively', () => {
    const p = () => [policy('p', allow('s3:GetObject', 'arn:aws:s3:::MyBucket/*'))];
    expect(decide('s3:GetObject', 'arn:aws:s3:::MyBucket/key', p()).decision).toBe('allowed');
    expect(decide('s3:GetObject', 'arn:aws:s3:::mybucket/key', p()).decision).toBe('implicitDeny');
  });

  it('accepts a single statement object as well as an array', () => {
    const single = policy('single', allow('s3:GetObject'));
    expect(Array.isArray(single.document.Statement)).toBe(false);
    expect(decide('s3:GetObject', '*', [single]).decision).toBe('allowed');
    expect(decide('s3:GetObject', '*', [policy('array', [allow('s3:GetObject')])]).decision).toBe('allowed');
  });

  it('accepts Action and Resource as a string or an array', () => {
    const p = () => [policy('p', allow(['sqs:SendMessage', 'sns:Publish'], ['arn:aws:sns:*:*:a', 'arn:aws:sqs:*:*:b']))];
    expect(decide('sns:Publish', 'arn:aws:sns:us-east-1:123456789012:a', p()).decision).toBe('allowed');
    expect(decide('sqs:SendMessage', 'arn:aws:sqs:us-east-1:123456789012:b', p()).decision).toBe('allowed');
    expect(decide('sqs:DeleteQueue', 'arn:aws:sqs:us-east-1:123456789012:b', p()).decision).toBe('implicitDeny');
    expect(decide('sns:Publish', 'arn:aws:sns:us-east-1:123456789012:c', p()).decision).toBe('implicitDeny');
  });

  it('honours * and ? in statement actions', () => {
    expect(decide('s3:GetObject', '*', [policy('p', allow('s3:Get*'))]).decision).toBe('allowed');
    expect(decide('s3:PutObject', '*', [policy('p', allow('s3:Get*'))]).decision).toBe('implicitDeny');
    expect(decide('s3:GetObject', '*', [policy('p', allow('s3:GetObjec?'))]).decision).toBe('allowed');
    expect(decide('s3:GetObjectAcl', '*', [policy('p', allow('s3:GetObjec?'))]).decision).toBe('implicitDeny');
  });

  it('honours * and ? in statement resources', () => {
    const p = () => [policy('p', allow('s3:GetObject', 'arn:aws:s3:::bucket-?/logs/*'))];
    expect(decide('s3:GetObject', 'arn:aws:s3:::bucket-1/logs/2024/a.gz', p()).decision).toBe('allowed');
    expect(decide('s3:GetObject', 'arn:aws:s3:::bucket-10/logs/a.gz', p()).decision).toBe('implicitDeny');
    expect(decide('s3:GetObject', 'arn:aws:s3:::bucket-1/other/a.gz', p()).decision).toBe('implicitDeny');
  });

  it('allows a wildcard request action only when one statement covers all of it', () => {
    expect(decide('lambda:Get*', '*', [policy('p', allow('lambda:*'))]).decision).toBe('allowed');
    expect(decide('lambda:Get*', '*', [policy('p', allow('lambda:Get*'))]).decision).toBe('allowed');
    expect(decide('lambda:Get*', '*', [policy('p', allow('lambda:GetFunction'))]).decision).toBe('implicitDeny');
    expect(decide('lambda:Get*', '*', [policy('p', allow('lambda:GetF*'))]).decision).toBe('implicitDeny');
  });

  it('does not let a statement limited to some resources cover the request resource "*"', () => {
    expect(decide('s3:GetObject', '*', [policy('p', allow('s3:GetObject', 'arn:aws:s3:::bucket/*'))]).decision).toBe(
      'implicitDeny',
    );
    expect(decide('s3:GetObject', '*', [policy('p', allow('s3:GetObject', '*'))]).decision).toBe('allowed');
    expect(
      decide('s3:GetObject', 'arn:aws:s3:::bucket/*', [policy('p', allow('s3:GetObject', 'arn:aws:s3:::bucket/*'))])
        .decision,
    ).toBe('allowed');
  });
});

describe(`${EVAL}: the Condition element (not evaluated offline)`, () => {
  const region = { Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } } };

  it('makes a conditional Allow "unknown", never "allowed", naming the condition key', () => {
    const r = decide('s3:GetObject', '*', [policy('p', allow('s3:GetObject', '*', { ...region, Sid: 'EuOnly' }))]);
    expect(r.decision).toBe('unknown');
    expect(r.contextKeys).toEqual(['aws:RequestedRegion']);
    expect(r.matched).toEqual([{ policy: 'p', statementIndex: 0, sid: 'EuOnly', effect: 'Allow' }]);
    expect(r.reason).toContain('aws:RequestedRegion');
  });

  it('collects every condition key, across operators, without duplicates', () => {
    const r = decide('s3:GetObject', '*', [
      policy('p', [
        allow('s3:GetObject', '*', {
          Condition: {
            StringEquals: { 'aws:RequestedRegion': 'eu-west-1', 's3:prefix': 'home/' },
            Bool: { 'aws:SecureTransport': 'true' },
          },
        }),
        allow('s3:*', '*', { Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-2' } } }),
      ]),
    ]);
    expect(r.decision).toBe('unknown');
    expect(r.contextKeys).toEqual(['aws:RequestedRegion', 's3:prefix', 'aws:SecureTransport']);
    expect(r.matched).toHaveLength(2);
  });

  it('lets an unconditional Allow decide even when a conditional Allow also applies', () => {
    const r = decide('s3:GetObject', '*', [policy('p', [allow('s3:GetObject', '*', region), allow('s3:*')])]);
    expect(r.decision).toBe('allowed');
    expect(r.matched.map((m) => m.statementIndex)).toEqual([1]);
  });

  it('makes a conditional Deny together with an unconditional Allow "unknown"', () => {
    const r = decide('ec2:RunInstances', '*', [
      policy('p', [allow('ec2:*'), deny('ec2:RunInstances', '*', { Condition: { StringNotEquals: { 'ec2:InstanceType': 't3.micro' } } })]),
    ]);
    expect(r.decision).toBe('unknown');
    expect(r.contextKeys).toEqual(['ec2:InstanceType']);
    expect(r.matched).toEqual([{ policy: 'p', statementIndex: 1, effect: 'Deny' }]);
  });

  it('makes a conditional Deny together with a conditional Allow "unknown"', () => {
    const r = decide('ec2:RunInstances', '*', [
      policy('p', [
        allow('ec2:*', '*', region),
        deny('ec2:RunInstances', '*', { Condition: { StringNotEquals: { 'ec2:InstanceType': 't3.micro' } } }),
      ]),
    ]);
    expect(r.decision).toBe('unknown');
    expect(r.contextKeys).toContain('ec2:InstanceType');
  });

  it('leaves a conditional Deny alone as an implicit deny: nothing allows the request', () => {
    const r = decide('ec2:RunInstances', '*', [policy('p', deny('ec2:*', '*', region))]);
    expect(r.decision).toBe('implicitDeny');
    expect(r.contextKeys).toBeUndefined();
  });

  it('lets an unconditional Deny win over a conditional Allow', () => {
    const r = decide('s3:GetObject', '*', [policy('p', [allow('s3:GetObject', '*', region), deny('s3:*')])]);
    expect(r.decision).toBe('explicitDeny');
  });
});

describe(`${VARIABLES}: policy variables in Resource`, () => {
  const homeDir = 'arn:aws:s3:::bucket/home/${aws:username}/*';

  it('makes an Allow whose Resource uses ${aws:username} "unknown" (Version 2012-10-17)', () => {
    // Regression: the variable used to be matched as literal text, giving implicitDeny for alice's own objects.
    const r = decide('s3:GetObject', 'arn:aws:s3:::bucket/home/alice/notes.txt', [policy('p', allow('s3:GetObject', homeDir))]);
    expect(r.decision).toBe('unknown');
    expect(r.contextKeys).toEqual(['${aws:username}']);
  });

  it('never lets a Deny whose Resource uses a variable be ignored (no silent allow)', () => {
    // Regression: "${aws:username}" used to be compared literally, so this Deny (which applies to alice) was
    // ignored and the answer was a silent "allowed".
    const r = decide('s3:DeleteObject', 'arn:aws:s3:::bucket/home/alice/notes.txt', [
      policy('p', [allow('s3:*', 'arn:aws:s3:::bucket/*'), deny('s3:DeleteObject', homeDir)]),
    ]);
    expect(r.decision).toBe('unknown');
    expect(r.contextKeys).toEqual(['${aws:username}']);
    expect(r.matched).toEqual([{ policy: 'p', statementIndex: 1, effect: 'Deny' }]);
  });

  it('never lets a Deny whose NotResource uses a variable be ignored (no silent allow)', () => {
    // "Deny everything outside your own home prefix": for alice the request is excluded, for bob it is denied.
    // Regression: the variable was once widened to "*" in NotResource too, which widened the exclusion, so the
    // Deny was judged never to apply and the answer was a silent "allowed".
    const r = decide('s3:GetObject', 'arn:aws:s3:::bucket/home/alice/notes.txt', [
      policy('p', [allow('s3:*'), { Effect: 'Deny', Action: 's3:*', NotResource: homeDir }]),
    ]);
    expect(r.decision).toBe('unknown');
    expect(r.contextKeys).toEqual(['${aws:username}']);
  });

  it('makes an Allow whose NotResource uses a variable "unknown" for a request it may exclude', () => {
    // Regression: same cause as above; the answer was implicitDeny instead of unknown.
    const r = decide('s3:GetObject', 'arn:aws:s3:::bucket/home/alice/notes.txt', [
      policy('p', { Effect: 'Allow', Action: 's3:*', NotResource: homeDir }),
    ]);
    expect(r.decision).toBe('unknown');
    expect(r.contextKeys).toEqual(['${aws:username}']);
  });

  it('records a variable with a default value under its name only', () => {
    const r = decide('s3:GetObject', 'arn:aws:s3:::bucket/team/platform/x', [
      policy('p', allow('s3:GetObject', "arn:aws:s3:::bucket/team/${aws:PrincipalTag/team, 'none'}/*")),
    ]);
    expect(r.decision).toBe('unknown');
    expect(r.contextKeys).toEqual(['${aws:PrincipalTag/team}']);
  });

  it('still requires the rest of the Resource to match around a variable', () => {
    const r = decide('s3:GetObject', 'arn:aws:s3:::other-bucket/home/alice/x', [policy('p', allow('s3:GetObject', homeDir))]);
    expect(r.decision).toBe('implicitDeny');
    expect(r.contextKeys).toBeUndefined();
  });

  it('treats ${*}, ${?} and ${$} as escapes, not variables', () => {
    const r = decide('s3:GetObject', 'arn:aws:s3:::bucket/$price', [
      policy('p', allow('s3:GetObject', ['arn:aws:s3:::bucket/${$}price', 'arn:aws:s3:::other/${*}'])),
    ]);
    expect(r.decision).toBe('allowed');
    expect(r.contextKeys).toBeUndefined();
  });

  it('matches ${*} as a literal asterisk, not as a wildcard', () => {
    // Regression: ${*} used to be unescaped to "*" and matched as a wildcard, so a statement granting only the
    // object literally named "*" was taken to grant every object in the bucket.
    const r = decide('s3:GetObject', 'arn:aws:s3:::bucket/payroll.csv', [policy('p', allow('s3:GetObject', 'arn:aws:s3:::bucket/${*}'))]);
    expect(r.decision).toBe('implicitDeny');
  });

  it('matches ${?} as a literal question mark, not as a wildcard', () => {
    const p = () => [policy('p', allow('s3:GetObject', 'arn:aws:s3:::bucket/why${?}'))];
    expect(decide('s3:GetObject', 'arn:aws:s3:::bucket/whyX', p()).decision).toBe('implicitDeny');
  });

  it('lets a Deny on a ${*} object reach a request for every object, but not another concrete object', () => {
    const p = () => [policy('p', [allow('s3:*'), deny('s3:GetObject', 'arn:aws:s3:::bucket/${*}')])];
    expect(decide('s3:GetObject', 'arn:aws:s3:::bucket/*', p()).decision).toBe('explicitDeny');
    expect(decide('s3:GetObject', 'arn:aws:s3:::bucket/payroll.csv', p()).decision).toBe('allowed');
  });

  it('treats ${aws:username} as literal text in a Version 2008-10-17 policy', () => {
    const p = () => [policy('p', allow('s3:GetObject', homeDir), '2008-10-17')];
    const literal = decide('s3:GetObject', 'arn:aws:s3:::bucket/home/${aws:username}/x', p());
    expect(literal.decision).toBe('allowed');
    expect(literal.contextKeys).toBeUndefined();
    const alice = decide('s3:GetObject', 'arn:aws:s3:::bucket/home/alice/x', p());
    expect(alice.decision).toBe('implicitDeny');
    expect(alice.contextKeys).toBeUndefined();
  });
});

describe(`${EVAL}: permissions boundaries`, () => {
  it('allows only when both the identity policies and the boundary allow', () => {
    const r = decide('s3:GetObject', '*', [policy('id', allow('s3:*'))], policy('boundary', allow('s3:GetObject')));
    expect(r.decision).toBe('allowed');
    expect(r.matched).toEqual([
      { policy: 'id', statementIndex: 0, effect: 'Allow' },
      { policy: 'boundary', statementIndex: 0, effect: 'Allow', boundary: true },
    ]);
  });

  it('denies implicitly, attributing it to the boundary, when the boundary does not allow the action', () => {
    const r = decide('iam:CreateUser', '*', [policy('id', allow('*'))], policy('guard', allow('s3:*')));
    expect(r.decision).toBe('implicitDeny');
    expect(r.deniedByBoundary).toBe(true);
    expect(r.reason).toContain('permission boundary');
    expect(r.reason).toContain('guard');
    // The identity policies' Allow stays in matched: a grant is not what is missing, the boundary is.
    expect(r.matched).toEqual([{ policy: 'id', statementIndex: 0, effect: 'Allow' }]);
    expect(r.deniedBy).toEqual({ kind: 'boundary', policy: 'guard' });
  });

  it('says the boundary denies too when neither the identity policies nor the boundary allow the action', () => {
    const r = decide('iam:CreateUser', '*', [policy('id', allow('sqs:*'))], policy('guard', allow('s3:*')));
    expect(r.decision).toBe('implicitDeny');
    expect(r.reason).toBe('no statement in the identity policies allows it');
    expect(r.matched).toEqual([]);
    expect(r.deniedBy).toEqual({ kind: 'boundary', policy: 'guard' });
  });

  it('denies explicitly, attributing it to the boundary, when the boundary has an applicable Deny', () => {
    const r = decide('iam:CreateUser', '*', [policy('id', allow('*'))], policy('guard', [allow('*'), deny('iam:*')]));
    expect(r.decision).toBe('explicitDeny');
    expect(r.deniedByBoundary).toBe(true);
    expect(r.matched).toEqual([{ policy: 'guard', statementIndex: 1, effect: 'Deny', boundary: true }]);
  });

  it('never grants through the boundary: identity implicit deny stays, not attributed to the boundary', () => {
    const r = decide('s3:GetObject', '*', [policy('id', allow('sqs:*'))], policy('guard', allow('*')));
    expect(r.decision).toBe('implicitDeny');
    expect(r.deniedByBoundary).toBeUndefined();
    expect(r.deniedBy).toBeUndefined();
    expect(r.reason).toBe('no statement in the identity policies allows it');
  });

  it('reports an identity explicit Deny as such even when the boundary would deny too', () => {
    const r = decide('s3:GetObject', '*', [policy('id', [allow('*'), deny('s3:*')])], policy('guard', deny('*')));
    expect(r.decision).toBe('explicitDeny');
    expect(r.deniedByBoundary).toBeUndefined();
    expect(r.matched[0]!.policy).toBe('id');
  });

  it('is unknown when the identity Allow is conditional and the boundary allows', () => {
    const r = decide(
      's3:GetObject',
      '*',
      [policy('id', allow('s3:*', '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }))],
      policy('guard', allow('*')),
    );
    expect(r.decision).toBe('unknown');
    expect(r.contextKeys).toEqual(['aws:MultiFactorAuthPresent']);
  });

  it('is unknown when the boundary Allow is conditional and the identity policies allow', () => {
    const r = decide(
      's3:GetObject',
      '*',
      [policy('id', allow('*'))],
      policy('guard', allow('*', '*', { Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } } })),
    );
    expect(r.decision).toBe('unknown');
    expect(r.contextKeys).toEqual(['aws:RequestedRegion']);
    expect(r.matched[0]!.boundary).toBe(true);
  });

  it('marks boundary statements as boundary even when the same policy object is also an identity policy', () => {
    // Regression: compiled statements used to be cached per policy object regardless of the `boundary` flag, so the
    // boundary's StatementRefs came back without `boundary: true`.
    const shared = policy('shared', allow('s3:*'));
    const r = decide('s3:GetObject', '*', [shared], shared);
    expect(r.decision).toBe('allowed');
    expect(r.matched).toEqual([
      { policy: 'shared', statementIndex: 0, effect: 'Allow' },
      { policy: 'shared', statementIndex: 0, effect: 'Allow', boundary: true },
    ]);
  });
});
