import { afterEach, describe, expect, it } from 'vitest';
import { RequestCounter } from '../src/aws/read-only.ts';
import { runCheck } from '../src/check.ts';
import { AwspermError } from '../src/errors.ts';
import { createSimulateEvaluator } from '../src/evaluators/simulate.ts';
import { type SimServer, startSimulateServer } from '@awsperm/test-utils/simulate-server';

const ROLE = 'arn:aws:iam::123456789012:role/ci/Deployer';
const credentials = { accessKeyId: 'AKIATESTSIMULATE0001', secretAccessKey: 'simulate-secret' };
let server: SimServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

function evaluator(s: SimServer, extra: { batchSize?: number; counter?: RequestCounter } = {}) {
  // Reached through AWS_ENDPOINT_URL_IAM, as a user would.
  return createSimulateEvaluator({ credentials, principalArn: ROLE, env: { AWS_ENDPOINT_URL_IAM: s.endpoint }, region: 'eu-west-1', ...extra });
}

describe('simulate mode against a loopback SimulatePrincipalPolicy server', () => {
  it('sends the principal, batches actions per resource, reads every page and maps the answers', async () => {
    server = await startSimulateServer({
      pageSize: 2,
      answer: (action) =>
        action === 'lambda:DeleteFunction'
          ? { decision: 'implicitDeny', allowedByBoundary: false, matched: [{ id: 'Boundary', type: 'permissions boundary policy' }] }
          : action === 's3:DeleteBucket'
            ? { decision: 'explicitDeny', matched: [{ id: 'deny-s3' }] }
            : action === 'ec2:RunInstances'
              ? { decision: 'implicitDeny', missing: ['ec2:InstanceType'] }
              : action === 'sqs:SendMessage'
                ? { decision: 'implicitDeny', allowedByOrganizations: false }
                : { decision: 'allowed', matched: [{ id: 'deploy-inline' }] },
    });
    const counter = new RequestCounter();
    const actions = ['lambda:GetFunction', 'lambda:DeleteFunction', 's3:DeleteBucket', 'ec2:RunInstances', 'sqs:SendMessage', 'logs:GetLogEvents'];
    const requests = [...actions.map((action) => ({ action, resource: '*' })), { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' }];
    const results = await evaluator(server, { counter }).evaluate(requests);
    expect(results.map((r) => r.decision)).toEqual(['allowed', 'implicitDeny', 'explicitDeny', 'unknown', 'implicitDeny', 'allowed', 'allowed']);
    expect(results[0]!.matched[0]).toMatchObject({ policy: 'deploy-inline', statementIndex: -1, effect: 'Allow', sourcePolicyType: 'IAM Policy' });
    expect(results[1]!.deniedByBoundary).toBe(true);
    expect(results[1]!.reason).toContain('permission boundary Boundary');
    expect(results[2]!.reason).toContain('deny-s3');
    expect(results[3]!.contextKeys).toEqual(['ec2:InstanceType']);
    expect(results[4]!.reason).toContain('denied by an SCP');
    // Resource '*': 6 actions over 3 pages; the S3 object: 1 page.
    const sims = server.calls.filter((c) => c.action === 'SimulatePrincipalPolicy');
    expect(sims).toHaveLength(4);
    expect(sims[0]!.params.get('PolicySourceArn')).toBe(ROLE);
    expect(sims[0]!.params.get('Version')).toBe('2010-05-08');
    expect(sims[0]!.params.get('ActionNames.member.6')).toBe('logs:GetLogEvents');
    expect(sims[1]!.params.get('Marker')).toBe('2');
    expect(sims[2]!.params.get('Marker')).toBe('4');
    expect(sims[3]!.params.get('ResourceArns.member.1')).toBe('arn:aws:s3:::b/k');
    const ctx = [...sims[0]!.params.entries()].filter(([k]) => k.startsWith('ContextEntries')).map(([, v]) => v);
    expect(ctx).toContain('aws:RequestedRegion');
    expect(ctx).toContain('eu-west-1');
    expect(counter.count).toBe(4);
  });

  it('splits many actions into batches', async () => {
    server = await startSimulateServer({ answer: () => ({ decision: 'allowed' }) });
    const requests = Array.from({ length: 5 }, (_, i) => ({ action: `s3:Action${i}`, resource: '*' }));
    const results = await evaluator(server, { batchSize: 2 }).evaluate(requests);
    expect(results.every((r) => r.decision === 'allowed')).toBe(true);
    expect(server.calls).toHaveLength(3);
  });

  it('retries throttling with backoff', async () => {
    server = await startSimulateServer({ throttleFirst: 2, answer: () => ({ decision: 'allowed' }) });
    const counter = new RequestCounter();
    const results = await evaluator(server, { counter }).evaluate([{ action: 's3:GetObject', resource: '*' }]);
    expect(results[0]!.decision).toBe('allowed');
    expect(server.calls).toHaveLength(3);
    expect(counter.count).toBe(3);
  });

  it('reports a denied simulation as ACCESS_DENIED naming the read policy awsperm needs', async () => {
    server = await startSimulateServer({ deny: true });
    const error = await evaluator(server).evaluate([{ action: 's3:GetObject', resource: '*' }]).catch((e: unknown) => e);
    expect(AwspermError.is(error)).toBe(true);
    expect((error as AwspermError).code).toBe('ACCESS_DENIED');
    expect((error as AwspermError).kind).toBe('unavailable');
    expect((error as AwspermError).message).toContain('iam:SimulatePrincipalPolicy');
    expect((error as AwspermError).hint).toContain('iam:ListAttachedRolePolicies');
  });

  it('feeds runCheck, which expands wildcards before simulating', async () => {
    server = await startSimulateServer({ pageSize: 3, answer: (a) => ({ decision: a === 'sqs:DeleteQueue' ? 'implicitDeny' : 'allowed' }) });
    const outcome = await runCheck(
      [{ id: 'f', title: 'F', source: { title: 't' }, statements: [{ Effect: 'Allow', Action: 'sqs:*', Resource: '*' }] }],
      evaluator(server),
    );
    const sent = server.calls.flatMap((c) => [...c.params.entries()].filter(([k]) => k.startsWith('ActionNames')).map(([, v]) => v));
    expect(sent.some((a) => a.includes('*'))).toBe(false);
    expect(outcome.summary.denied).toBe(1);
    expect(outcome.results.find((r) => r.action === 'sqs:DeleteQueue')!.decision).toBe('implicitDeny');
  });
});

describe('request context in simulate mode', () => {
  /** The ContextEntries of one call, as `name type value|value`. */
  const entriesOf = (params: URLSearchParams): string[] => {
    const out: string[] = [];
    for (let i = 1; params.has(`ContextEntries.member.${i}.ContextKeyName`); i++) {
      const values: string[] = [];
      for (let j = 1; params.has(`ContextEntries.member.${i}.ContextKeyValues.member.${j}`); j++) values.push(params.get(`ContextEntries.member.${i}.ContextKeyValues.member.${j}`)!);
      out.push(`${params.get(`ContextEntries.member.${i}.ContextKeyName`)} ${params.get(`ContextEntries.member.${i}.ContextKeyType`)} ${values.join('|')}`);
    }
    return out;
  };

  it("sends what the requirement carries and the user's context, one call per context", async () => {
    server = await startSimulateServer({ answer: () => ({ decision: 'allowed' }) });
    const fragment = {
      id: 'tool.deploy',
      title: 'Deploy',
      source: { title: 'test' },
      context: [{ actions: ['iam:PassRole'], values: { 'iam:PassedToService': 'lambda.amazonaws.com' } }],
      statements: [{ Effect: 'Allow' as const, Action: ['iam:PassRole', 'lambda:CreateFunction'], Resource: 'arn:aws:iam::123456789012:role/fn' }],
    };
    const sim = createSimulateEvaluator({ credentials, principalArn: ROLE, env: { AWS_ENDPOINT_URL_IAM: server.endpoint }, region: 'eu-west-1', principal: { arn: ROLE, type: 'role' } });
    const outcome = await runCheck([fragment], sim, { context: { 'aws:SourceIp': '203.0.113.7', 'aws:TagKeys': ['team'] } });
    expect(outcome.summary.allowed).toBe(2);
    const sims = server.calls.filter((c) => c.action === 'SimulatePrincipalPolicy');
    expect(sims).toHaveLength(2);
    const byAction = new Map(sims.map((c) => [c.params.get('ActionNames.member.1'), entriesOf(c.params)]));
    expect(byAction.get('iam:PassRole')).toEqual([
      'aws:SecureTransport boolean true',
      'aws:RequestedRegion string eu-west-1',
      `aws:PrincipalArn string ${ROLE}`,
      'aws:PrincipalAccount string 123456789012',
      'aws:PrincipalType string AssumedRole',
      'iam:PassedToService string lambda.amazonaws.com',
      'aws:SourceIp ip 203.0.113.7',
      'aws:TagKeys stringList team',
    ]);
    expect(byAction.get('lambda:CreateFunction')).not.toContain('iam:PassedToService string lambda.amazonaws.com');
    expect(byAction.get('lambda:CreateFunction')).toContain('aws:SourceIp ip 203.0.113.7');
  });
});
