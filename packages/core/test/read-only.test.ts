import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWSPERM_READ_POLICY, createIamClient, createStsClient, isReadOnlyOperation, RequestCounter } from '../src/aws/read-only.ts';
import { AwspermError } from '../src/errors.ts';
import { type SimServer, startSimulateServer } from '@awsperm/test-utils/simulate-server';

let server: SimServer;
beforeAll(async () => {
  server = await startSimulateServer({ other: { ListUsers: '<ListUsersResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListUsersResult><Users/><IsTruncated>false</IsTruncated></ListUsersResult></ListUsersResponse>' } });
});
afterAll(() => server.stop());
const credentials = { accessKeyId: 'AKIATESTREADONLY0001', secretAccessKey: 'x' };

describe('read-only by construction', () => {
  it('allows exactly sts:GetCallerIdentity, iam Get*/List*/Simulate* and cloudformation:DescribeType', () => {
    expect(isReadOnlyOperation('sts', 'GetCallerIdentity')).toBe(true);
    expect(isReadOnlyOperation('iam', 'GetRole')).toBe(true);
    expect(isReadOnlyOperation('iam', 'ListAttachedUserPolicies')).toBe(true);
    expect(isReadOnlyOperation('iam', 'SimulatePrincipalPolicy')).toBe(true);
    expect(isReadOnlyOperation('iam', 'CreateUser')).toBe(false);
    expect(isReadOnlyOperation('iam', 'PutRolePolicy')).toBe(false);
    expect(isReadOnlyOperation('sts', 'AssumeRole')).toBe(false);
    expect(isReadOnlyOperation('cloudformation', 'DescribeType')).toBe(true);
    expect(isReadOnlyOperation('cloudformation', 'DescribeTypeRegistration')).toBe(false);
    expect(isReadOnlyOperation('cloudformation', 'CreateStack')).toBe(false);
  });

  it('asks for cloudformation:DescribeType in the read policy it prints', () => {
    const actions = [AWSPERM_READ_POLICY.Statement].flat().flatMap((st) => [st.Action ?? []].flat());
    expect(actions).toContain('cloudformation:DescribeType');
    expect(actions.filter((a) => a.startsWith('cloudformation:'))).toEqual(['cloudformation:DescribeType']);
  });

  it('refuses a write sent through an awsperm client before any request leaves', async () => {
    const { CreateUserCommand, ListUsersCommand } = await import('@aws-sdk/client-iam');
    const counter = new RequestCounter();
    const iam = await createIamClient({ credentials, env: {}, endpointUrl: server.endpoint, counter });
    const error = await iam.send(new CreateUserCommand({ UserName: 'evil' })).catch((e: unknown) => e);
    expect(AwspermError.is(error)).toBe(true);
    expect((error as AwspermError).code).toBe('READ_ONLY_VIOLATION');
    expect((error as AwspermError).message).toContain('iam:CreateUser');
    expect(server.calls).toHaveLength(0);
    expect(counter.count).toBe(0);
    await iam.send(new ListUsersCommand({}));
    expect(server.calls.map((c) => c.action)).toEqual(['ListUsers']);
    expect(counter.count).toBe(1);
    iam.destroy();
  });

  it('guards STS clients too', async () => {
    const { AssumeRoleCommand } = await import('@aws-sdk/client-sts');
    const sts = await createStsClient({ credentials, env: { AWS_ENDPOINT_URL_STS: server.endpoint } });
    const error = await sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::123456789012:role/x', RoleSessionName: 's' })).catch((e: unknown) => e);
    expect((error as AwspermError).code).toBe('READ_ONLY_VIOLATION');
    expect(server.calls.filter((c) => c.action === 'AssumeRole')).toHaveLength(0);
    sts.destroy();
  });
});

describe('the STS clients of the credential providers', () => {
  it('allow the credential exchanges and refuse anything else', async () => {
    const { STSClient, AssumeRoleCommand, GetSessionTokenCommand } = await import('@aws-sdk/client-sts');
    const { credentialExchangeGuard } = await import('../src/aws/read-only.ts');
    const sts = new STSClient({ region: 'us-east-1', endpoint: server.endpoint, credentials, maxAttempts: 1 });
    sts.middlewareStack.use(credentialExchangeGuard);
    const before = server.calls.length;
    const refused = await sts.send(new GetSessionTokenCommand({})).catch((e: unknown) => e);
    expect((refused as AwspermError).code).toBe('READ_ONLY_VIOLATION');
    expect(server.calls.length).toBe(before);
    // AssumeRole passes the guard and reaches the (loopback) server, which does not script it.
    const sent = await sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::123456789012:role/x', RoleSessionName: 's' })).catch((e: unknown) => e);
    expect(AwspermError.is(sent)).toBe(false);
    expect(server.calls.at(-1)?.action).toBe('AssumeRole');
    sts.destroy();
  });
});
