/**
 * Fuzzing (fast-check, fixed seed, bounded runs and time): random and mutated inputs to every parser core owns —
 * JSON with positions, policy documents and policy files, account authorization details, the awsperm config, ARNs
 * (caller ARNs, assumed-role ARNs, lint's resource ARNs). Each must answer or throw an {@link AwspermError}; nothing
 * may hang, pollute `Object.prototype`, or let `__proto__` / `constructor` / `prototype` keys change what it decides.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { expectedAccount, validateConfig } from './config.ts';
import { evaluate } from './engine/evaluate.ts';
import { globCovers, globOverlaps, globToRegExp, matchesGlob } from './engine/glob.ts';
import { AwspermError } from './errors.ts';
import { assumedRoleName, principalFromAuthorizationDetails } from './evaluators/authorization-details.ts';
import { decode, policiesInFile } from './evaluators/policy-files.ts';
import { parseCallerArn } from './identity.ts';
import { findJsonErrorOffset, parseJson } from './json.ts';
import { validatePolicyDocument } from './policy/document.ts';
import { lintPolicies } from './policy/lint.ts';
import { buildRequestContext } from './request-context.ts';
import { mergedProfile } from './credentials/files.ts';
import { expectCleanPrototype, jsonWithKeys, mutated, PROTO_KEYS } from '@awsperm/test-utils/fuzz-kit';

/** Fixed seed, bounded runs, and a time limit per property so a slow machine cannot stretch CI. */
const RUNS = { seed: 9, numRuns: 400, interruptAfterTimeLimit: 10_000 } as const;

/** Calls `fn`; a thrown value must be an AwspermError with a one-line message. */
function onlyAwspermErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    if (!AwspermError.is(error)) throw error;
    expect(error.message.split('\n')).toHaveLength(1);
  }
}

async function onlyAwspermErrorsAsync(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    if (!AwspermError.is(error)) throw error;
  }
}

afterEach(() => {
  // Nothing any parser did may have reached Object.prototype.
  expectCleanPrototype();
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

/** Likely values: account ids, ARNs, a marker for pollution checks. */
const LEAVES = [null, true, false, 0, -1, 1.5, '', '*', 'polluted', '123456789012', 'arn:aws:iam::123456789012:user/x'];

const POLICY = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'A', Effect: 'Allow', Action: ['s3:Get*', 'lambda:InvokeFunction'], Resource: 'arn:aws:s3:::b/*' },
    { Effect: 'Deny', NotAction: 'iam:*', NotResource: ['arn:aws:iam::123456789012:role/x'], Condition: { StringEquals: { 'aws:RequestedRegion': ['eu-west-1'] }, Bool: { 'aws:SecureTransport': 'true' } } },
  ],
};
const POLICY_KEYS = ['Version', 'Statement', 'Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition', 'StringEquals', 'ForAnyValue:StringLike', 'Null'];

describe('JSON parsing with positions', () => {
  it('parseJson answers or throws JSON_INVALID with a position inside the text, never echoing it', () => {
    const texts = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.json().chain((j) => fc.tuple(fc.constant(j), fc.nat(), fc.string({ maxLength: 3 })).map(([t, at, ins]) => t.slice(0, at % (t.length + 1)) + ins + t.slice(at % (t.length + 1)))),
      fc.json().map((j) => j.slice(0, Math.floor(j.length / 2))),
    );
    fc.assert(
      fc.property(texts, (text) => {
        const marked = `${text}SECRETMARKER`;
        for (const t of [text, marked]) {
          let valid = true;
          try {
            JSON.parse(t);
          } catch {
            valid = false;
          }
          const found = findJsonErrorOffset(t);
          // The position finder agrees with JSON.parse, and points inside the text.
          expect(found === undefined, JSON.stringify(t)).toBe(valid);
          if (found) expect(found.offset).toBeLessThanOrEqual(t.length);
          try {
            parseJson(t, 'f.json');
          } catch (error) {
            expect(AwspermError.is(error) && error.code).toBe('JSON_INVALID');
            expect((error as Error).message).not.toContain('SECRETMARKER');
            expect((error as Error).message).toMatch(/^f\.json(:\d+:\d+)?: malformed JSON/);
          }
        }
      }),
      RUNS,
    );
  });
});

describe('policy documents and policy files', () => {
  const context = buildRequestContext({ region: 'eu-west-1', principal: { arn: 'arn:aws:iam::123456789012:user/u', type: 'user', tags: {} } });
  const inputs = fc.oneof(jsonWithKeys(POLICY_KEYS, LEAVES), mutated(POLICY, POLICY_KEYS));

  it('validatePolicyDocument and policiesInFile answer or throw; what they accept evaluates without crashing', () => {
    fc.assert(
      fc.property(inputs, fc.constantFrom('s3:GetObject', 'iam:PassRole', 'lambda:InvokeFunction'), (value, action) => {
        onlyAwspermErrors(() => {
          const document = validatePolicyDocument(value, 'p.json');
          const result = evaluate({ action, resource: 'arn:aws:s3:::b/k' }, { identity: [{ name: 'p', document }] }, context);
          expect(['allowed', 'implicitDeny', 'explicitDeny', 'unknown']).toContain(result.decision);
        });
        onlyAwspermErrors(() => policiesInFile(value, 'p.json'));
        onlyAwspermErrors(() => policiesInFile({ PolicyVersion: { Document: encodeURIComponent(JSON.stringify(value)) } }, 'v.json'));
        onlyAwspermErrors(() => decode(typeof value === 'string' ? value : JSON.stringify(value)?.slice(0, 20)));
      }),
      RUNS,
    );
  });

  it('every condition operator name that passes validation is one the engine can evaluate (regression: "constructor")', () => {
    for (const op of PROTO_KEYS.filter((k) => /^[A-Za-z]+$/.test(k))) {
      const document = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { [op]: { 'aws:username': 'u' } } }] };
      expect(() => validatePolicyDocument(document, 'p.json'), op).toThrow(/unknown condition operator/);
      expect(() => evaluate({ action: 's3:GetObject', resource: '*' }, { identity: [{ name: 'p', document: document as never }] }, context)).toThrow(AwspermError);
    }
  });

  it('lint answers for every document validation accepts', async () => {
    await fc.assert(
      fc.asyncProperty(mutated(POLICY, POLICY_KEYS), async (value) => {
        let document: ReturnType<typeof validatePolicyDocument>;
        try {
          document = validatePolicyDocument(value, 'p.json');
        } catch (error) {
          if (!AwspermError.is(error)) throw error;
          return;
        }
        await onlyAwspermErrorsAsync(() => lintPolicies([{ name: 'p.json', document }]));
      }),
      { ...RUNS, numRuns: 150 },
    );
  });
});

describe('account authorization details', () => {
  const DETAILS = {
    UserDetailList: [
      {
        UserName: 'u',
        UserId: 'AIDAEXAMPLE',
        Arn: 'arn:aws:iam::123456789012:user/u',
        GroupList: ['g'],
        UserPolicyList: [{ PolicyName: 'inline', PolicyDocument: POLICY }],
        AttachedManagedPolicies: [{ PolicyName: 'M', PolicyArn: 'arn:aws:iam::123456789012:policy/M' }],
        Tags: [{ Key: 'team', Value: 'a' }],
        PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: 'arn:aws:iam::123456789012:policy/M' },
      },
    ],
    GroupDetailList: [{ GroupName: 'g', Arn: 'arn:aws:iam::123456789012:group/g', GroupPolicyList: [{ PolicyName: 'gi', PolicyDocument: POLICY }], AttachedManagedPolicies: [] }],
    RoleDetailList: [{ RoleName: 'r', RoleId: 'AROAEXAMPLE', Arn: 'arn:aws:iam::123456789012:role/r', RolePolicyList: [], AttachedManagedPolicies: [], Tags: [] }],
    Policies: [
      {
        PolicyName: 'M',
        Arn: 'arn:aws:iam::123456789012:policy/M',
        DefaultVersionId: 'v1',
        PolicyVersionList: [{ VersionId: 'v1', IsDefaultVersion: true, Document: encodeURIComponent(JSON.stringify(POLICY)) }],
      },
    ],
  };
  const KEYS = ['UserDetailList', 'GroupDetailList', 'RoleDetailList', 'Policies', 'Tags', 'Key', 'Value', 'GroupList', 'Arn', 'UserName', 'RoleName'];

  it('answers or throws an AwspermError for any principal, and tags never touch prototypes', () => {
    const principals = fc.constantFrom('arn:aws:iam::123456789012:user/u', 'arn:aws:sts::123456789012:assumed-role/r/s', 'r', 'u', '__proto__', 'constructor');
    fc.assert(
      fc.property(fc.oneof(jsonWithKeys(KEYS, LEAVES), mutated(DETAILS, KEYS)), principals, (value, principal) => {
        onlyAwspermErrors(() => {
          const found = principalFromAuthorizationDetails(value, 'd.json', principal);
          expect(typeof found.arn).toBe('string');
          expect(Object.getPrototypeOf(found.tags)).toBe(Object.prototype);
          for (const v of Object.values(found.tags)) expect(typeof v).toBe('string');
        });
      }),
      RUNS,
    );
  });

  it('names that are objects with their own "toString" are reported, not crashed on (regression)', () => {
    const details = JSON.parse(JSON.stringify(DETAILS).replace('"PolicyName":"inline"', '"PolicyName":{"toString":1}').replace('"GroupList":["g"]', '"GroupList":[{"toString":{}}]'));
    expect(() => principalFromAuthorizationDetails(details, 'd.json', 'u')).toThrow(AwspermError);
  });

  it('a "__proto__" tag is kept as a tag, not as a prototype (regression)', () => {
    const details = structuredClone(DETAILS);
    details.UserDetailList[0]!.Tags = JSON.parse('[{"Key":"__proto__","Value":"x"},{"Key":"team","Value":"a"}]');
    const found = principalFromAuthorizationDetails(details, 'd.json', 'u');
    expect(Object.getPrototypeOf(found.tags)).toBe(Object.prototype);
    expect(Object.hasOwn(found.tags, '__proto__')).toBe(true);
    expect(found.tags.team).toBe('a');
  });
});

describe('the awsperm config', () => {
  const CONFIG = {
    tool: 'up',
    accounts: { prod: '123456789012', '*': '210987654321' },
    features: ['documented'],
    mode: 'local',
    extraPolicies: [{ id: 'x', title: 'X', statements: POLICY.Statement }],
  };
  const KEYS = ['tool', 'accounts', 'features', 'mode', 'extraPolicies', 'adapters', 'default', 'id', 'title', 'statements', 'prod', '*'];

  it('validateConfig answers or throws CONFIG_INVALID/POLICY_INVALID; the expected account is a 12-digit string or nothing', () => {
    const stages = fc.oneof(fc.constantFrom('prod', 'dev', '*', ...PROTO_KEYS), fc.string({ maxLength: 5 }));
    fc.assert(
      fc.property(fc.oneof(jsonWithKeys(KEYS, LEAVES), mutated(CONFIG, KEYS)), stages, (value, stage) => {
        onlyAwspermErrors(() => {
          const config = validateConfig(value, '.awspermrc.json');
          const expected = expectedAccount(config, stage);
          if (expected !== undefined) expect(expected).toMatch(/^\d{12}$/);
        });
      }),
      RUNS,
    );
  });

  it('stage names like "constructor" or "__proto__" have no expected account unless the config names them (regression)', () => {
    const config = validateConfig({ accounts: { prod: '123456789012' } }, '.awspermrc.json');
    for (const stage of PROTO_KEYS) expect(expectedAccount(config, stage), stage).toBeUndefined();
    const own = validateConfig(JSON.parse('{"accounts":{"__proto__":"123456789012"}}'), '.awspermrc.json');
    expect(expectedAccount(own, '__proto__')).toBe('123456789012');
    expect(expectedAccount(own, 'dev')).toBeUndefined();
  });

  it('profile lookups by name see only the files’ own profiles (regression: "constructor", "toString")', () => {
    const files = { credentials: { default: { aws_access_key_id: 'A' } }, config: {} };
    for (const name of PROTO_KEYS) expect(mergedProfile(files, name), name).toBeUndefined();
    expect(mergedProfile(files, 'default')).toEqual({ aws_access_key_id: 'A' });
  });
});

describe('wildcard matching (every ARN and action pattern goes through it)', () => {
  it('agrees with the anchored regular expression on random patterns, values and cases', () => {
    const units = ['a', 'A', 'b', ':', '/', '*', '?', '\uE000', '\uE001', 'é', 'É', 'ß', '\n'];
    const text = (max: number) => fc.array(fc.constantFrom(...units), { maxLength: max }).map((a) => a.join(''));
    fc.assert(
      fc.property(text(8), text(10), fc.boolean(), (pattern, value, ignoreCase) => {
        expect(matchesGlob(pattern, value, ignoreCase)).toBe(globToRegExp(pattern, ignoreCase).test(value));
      }),
      { ...RUNS, numRuns: 2000 },
    );
  });

  it('answers patterns that make a backtracking expression take exponential time (regression: a hang)', async () => {
    const pattern = `arn:aws:s3:::${'*a'.repeat(40)}b`;
    expect(matchesGlob(pattern, `arn:aws:s3:::${'a'.repeat(500)}`)).toBe(false);
    expect(matchesGlob(pattern, `arn:aws:s3:::${'a'.repeat(500)}b`)).toBe(true);
    const document = validatePolicyDocument({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: `s3:${'*G'.repeat(30)}x`, Resource: pattern }] }, 'p');
    const context = buildRequestContext({ region: 'eu-west-1' });
    expect(evaluate({ action: 's3:GetObject', resource: `arn:aws:s3:::${'a'.repeat(300)}` }, { identity: [{ name: 'p', document }] }, context).decision).toBe('implicitDeny');
    const findings = await lintPolicies([{ name: 'p', document }]);
    expect(findings.some((f) => f.code === 'wildcard-matches-nothing')).toBe(true);
  });
});

describe('pattern coverage and overlap (lint, policy output)', () => {
  it('answers for patterns as long as a managed policy holds (regression: a stack overflow at ~3,000 characters)', async () => {
    expect(globCovers('a*'.repeat(3000), 'a*'.repeat(3000))).toBe(true);
    expect(globCovers('a*'.repeat(3000), `b${'?*'.repeat(3000)}`)).toBe(false);
    expect(globOverlaps('a*'.repeat(3000), '*b'.repeat(3000))).toBe(true);
    expect(globOverlaps('a*'.repeat(3000), `b${'*?'.repeat(3000)}`)).toBe(false);
    const resource = `arn:aws:s3:::${'a*'.repeat(2900)}`;
    const document = validatePolicyDocument(
      { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: resource }, { Effect: 'Allow', Action: 's3:GetObject', Resource: `${resource}x` }] },
      'p',
    );
    await onlyAwspermErrorsAsync(() => lintPolicies([{ name: 'p', document }]));
  });
});

describe('ARNs', () => {
  const arnish = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc
      .tuple(
        fc.constantFrom('arn', 'ARN', ''),
        fc.constantFrom('aws', 'aws-cn', '*', '', 'x'),
        fc.constantFrom('iam', 'sts', 's3', '', '*'),
        fc.constantFrom('', 'eu-west-1', '*'),
        fc.constantFrom('123456789012', '', 'aws', '12'),
        fc.array(fc.constantFrom('user', 'role', 'assumed-role', 'root', 'federated-user', 'x', '', '/', ':', '*', '__proto__'), { maxLength: 5 }),
      )
      .map(([a, p, s, r, acct, rest]) => [a, p, s, r, acct, rest.join('/')].join(':')),
  );

  it('parseCallerArn and assumedRoleName answer for any string', () => {
    fc.assert(
      fc.property(arnish, (arn) => {
        const parsed = parseCallerArn(arn);
        expect(['user', 'assumed-role', 'root', 'federated-user', 'unknown']).toContain(parsed.kind);
        expect(typeof parsed.account).toBe('string');
        const role = assumedRoleName(arn);
        if (role !== undefined) expect(role).not.toContain('/');
      }),
      RUNS,
    );
  });

  it("lint's resource ARN checks answer for any Resource string", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arnish.filter((s) => s !== ''), { minLength: 1, maxLength: 3 }), async (resources) => {
        const document = validatePolicyDocument({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: resources }] }, 'p');
        const findings = await lintPolicies([{ name: 'p', document }]);
        for (const f of findings) expect(f.message.split('\n')).toHaveLength(1);
      }),
      { ...RUNS, numRuns: 200 },
    );
  });
});
