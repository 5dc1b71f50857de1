import type { CloudFormationClient, CloudFormationClientConfig } from '@aws-sdk/client-cloudformation';
import type { IAMClient, IAMClientConfig } from '@aws-sdk/client-iam';
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import type { SSMClient, SSMClientConfig } from '@aws-sdk/client-ssm';
import type { STSClient, STSClientConfig } from '@aws-sdk/client-sts';
import { endpointFor } from '../credentials/endpoints.ts';
import type { AwsCredentials, Env } from '../credentials/types.ts';
import { AwspermError } from '../errors.ts';
import { type Deadline, deadlineClientConfig } from './deadline.ts';
import type { PolicyDocument } from '../policy/types.ts';
import type { Readable } from 'node:stream';
import { INPUT_LIMITS } from '../files.ts';

// Loaded on first use: the module stays out of every command's start-up.
const stream = (): typeof import('node:stream') => process.getBuiltinModule('node:stream');

/**
 * The only AWS operations awsperm may call, as `service:Operation` patterns (`*` matches any suffix). Everything
 * else is refused by {@link enforceReadOnly} before a request is built.
 */
export const READ_ONLY_OPERATIONS: readonly string[] = [
  'sts:GetCallerIdentity',
  'iam:Get*',
  'iam:List*',
  'iam:Simulate*',
  'cloudformation:DescribeType',
  'ssm:GetParameter',
  's3:GetObject',
];

/**
 * The credential exchanges the AWS SDK's own providers make while resolving credentials (a `role_arn` profile, web
 * identity). They change nothing in the account; they are allowed only on the STS clients those providers create.
 */
export const CREDENTIAL_EXCHANGE_OPERATIONS: readonly string[] = ['sts:AssumeRole', 'sts:AssumeRoleWithWebIdentity'];

/** True when `service:operation` is on `allowed` (by default {@link READ_ONLY_OPERATIONS}). */
export function isReadOnlyOperation(service: string, operation: string, allowed: readonly string[] = READ_ONLY_OPERATIONS): boolean {
  const name = `${service}:${operation}`.toLowerCase();
  return allowed.some((pattern) => {
    const p = pattern.toLowerCase();
    return p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : name === p;
  });
}

/**
 * The minimal identity policy awsperm itself needs on the checked principal: `iam:SimulatePrincipalPolicy` for the
 * simulate mode, the IAM reads of the local mode (`AwspermAccountSnapshot`: `iam:GetAccountAuthorizationDetails`,
 * which it tries first, reading the principal's policies in one or two requests; it reads every user's, group's and
 * role's policies of the account, so a principal may be given the other statements only: the local mode then falls back
 * to the per-principal calls of `AwspermLocalReads`), `iam:GetRole` to find an assumed role's ARN,
 * `cloudformation:DescribeType` to read the handler permissions of resource types awsperm's own table lacks, and
 * `AwspermToolState`: `ssm:GetParameter` and `s3:GetObject`, with which adapters read a tool's deployed state in the
 * live modes (the SST v3/v4 adapter reads the `/sst/bootstrap` parameter and the stage's checkpoint in the state
 * bucket it names, to check what an update or delete of deployed resources needs). Without them those adapters warn
 * and check what the config holds.
 */
export const AWSPERM_READ_POLICY: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'AwspermSimulate',
      Effect: 'Allow',
      Action: ['iam:SimulatePrincipalPolicy'],
      Resource: '*',
    },
    {
      Sid: 'AwspermLocalReads',
      Effect: 'Allow',
      Action: [
        'iam:GetUser',
        'iam:GetRole',
        'iam:GetPolicy',
        'iam:GetPolicyVersion',
        'iam:GetUserPolicy',
        'iam:GetGroupPolicy',
        'iam:GetRolePolicy',
        'iam:ListUserPolicies',
        'iam:ListAttachedUserPolicies',
        'iam:ListGroupsForUser',
        'iam:ListGroupPolicies',
        'iam:ListAttachedGroupPolicies',
        'iam:ListRolePolicies',
        'iam:ListAttachedRolePolicies',
      ],
      Resource: '*',
    },
    {
      Sid: 'AwspermAccountSnapshot',
      Effect: 'Allow',
      Action: ['iam:GetAccountAuthorizationDetails'],
      Resource: '*',
    },
    {
      Sid: 'AwspermResourceSchemas',
      Effect: 'Allow',
      Action: ['cloudformation:DescribeType'],
      Resource: '*',
    },
    {
      Sid: 'AwspermToolState',
      Effect: 'Allow',
      Action: ['ssm:GetParameter', 's3:GetObject'],
      Resource: '*',
    },
  ],
};

/** {@link AWSPERM_READ_POLICY} as compact JSON, for messages and `--help`. */
export function readPolicyJson(): string {
  return JSON.stringify(AWSPERM_READ_POLICY);
}

/** Counts the HTTP requests (attempts included) sent by the clients it is given to. */
export class RequestCounter {
  /** Requests sent so far. */
  count = 0;
}

type Stack =
  | IAMClient['middlewareStack']
  | STSClient['middlewareStack']
  | CloudFormationClient['middlewareStack']
  | SSMClient['middlewareStack']
  | S3Client['middlewareStack'];

/** The services awsperm's guarded clients talk to. */
export type GuardedService = 'iam' | 'sts' | 'cloudformation' | 'ssm' | 's3';

/**
 * What a successful answer of each service looks like: the content type its protocol uses (IAM, STS and
 * CloudFormation speak AWS Query with XML answers; SSM speaks awsJson1_1), or `undefined` for S3, whose `GetObject`
 * answers with the object itself in whatever type it was stored with; and the size bound of a body.
 */
const RESPONSE_SHAPE: Readonly<Record<GuardedService, { type: RegExp | undefined; limit: number }>> = {
  iam: { type: /xml/i, limit: INPUT_LIMITS.response },
  sts: { type: /xml/i, limit: INPUT_LIMITS.response },
  cloudformation: { type: /xml/i, limit: INPUT_LIMITS.response },
  ssm: { type: /json/i, limit: INPUT_LIMITS.response },
  s3: { type: undefined, limit: INPUT_LIMITS.state },
};

function responseTooLarge(service: string, operation: string, limit: number = INPUT_LIMITS.response): AwspermError {
  return AwspermError.from('AWS_RESPONSE_INVALID', {
    operation: `${service}:${operation}`,
    detail: `the answer is larger than ${limit / 1024 / 1024} MiB: not an AWS response`,
    reason: 'endpoint',
  });
}

/**
 * The response body, cut at {@link INPUT_LIMITS}`.response` bytes (a 2 GB body would exhaust memory), and refused
 * when it is an HTML page whatever its content type says (a portal answering `text/xml`).
 */
function boundedBody(body: Readable, service: string, operation: string, sniff: boolean, limit: number): Readable {
  let seen = 0;
  const out = new (stream().Transform)({
    transform(chunk: Buffer, _encoding, done) {
      if (sniff && seen === 0 && /^\s*<(!doctype\s+html|html[\s>])/i.test(chunk.subarray(0, 256).toString('utf8'))) {
        done(
          AwspermError.from('AWS_RESPONSE_INVALID', {
            operation: `${service}:${operation}`,
            detail: 'the endpoint answered with an HTML page, not an AWS response',
            reason: 'endpoint',
          }),
        );
        return;
      }
      seen += chunk.length;
      if (seen > limit) {
        body.destroy();
        done(responseTooLarge(service, operation, limit));
        return;
      }
      done(null, chunk);
    },
  });
  body.on('error', (e) => out.destroy(e));
  return body.pipe(out);
}

/**
 * Adds awsperm's read-only guard to a client: an `initialize`-step middleware that throws an {@link AwspermError}
 * for any operation not on {@link READ_ONLY_OPERATIONS}, before the request is serialised or sent. With a counter,
 * also counts every request attempt. A successful answer not of the service's protocol (not XML from IAM, STS or
 * CloudFormation, not JSON from SSM: a captive portal's HTML page, a proxy's JSON) is refused before the SDK reads it
 * as an empty result; S3 objects come in any type, and only their size is bounded.
 */
export function enforceReadOnly(
  client: { middlewareStack: Stack },
  service: GuardedService,
  counter?: RequestCounter,
  allowed: readonly string[] = READ_ONLY_OPERATIONS,
): void {
  const stack = client.middlewareStack as IAMClient['middlewareStack'];
  stack.add(
    (next, context) => async (args) => {
      const operation = String(context.commandName ?? '').replace(/Command$/, '');
      if (!isReadOnlyOperation(service, operation, allowed)) {
        throw AwspermError.from('READ_ONLY_VIOLATION', { operation: `${service}:${operation}`, allowed });
      }
      return next(args);
    },
    { step: 'initialize', name: 'awspermReadOnly', priority: 'high' },
  );
  stack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const response = result.response as { statusCode?: number; headers?: Record<string, string | undefined> };
      const type = response.headers?.['content-type'] ?? response.headers?.['Content-Type'];
      const status = response.statusCode ?? 0;
      const operation0 = String(context.commandName ?? '').replace(/Command$/, '');
      const length = Number(response.headers?.['content-length'] ?? response.headers?.['Content-Length'] ?? 0);
      const shape = RESPONSE_SHAPE[service];
      if (length > shape.limit) throw responseTooLarge(service, operation0, shape.limit);
      const body = (response as { body?: unknown }).body;
      const expected = shape.type;
      if (body instanceof stream().Readable) {
        (response as { body?: unknown }).body = boundedBody(body, service, operation0, expected !== undefined && (!type || expected.test(type)), shape.limit);
      }
      // A 5xx is left to the SDK's retries (an overloaded proxy's HTML page says no more than its status).
      if (status >= 200 && status < 500 && expected && type && !expected.test(type)) {
        const operation = String(context.commandName ?? '').replace(/Command$/, '');
        throw AwspermError.from('AWS_RESPONSE_INVALID', {
          operation: `${service}:${operation}`,
          detail: `the endpoint answered ${status >= 300 ? `HTTP ${status} ` : ''}with ${type.split(';')[0]}, not an AWS response`,
          reason: 'endpoint',
        });
      }
      return result;
    },
    { step: 'deserialize', name: 'awspermResponseType', priority: 'low' },
  );
  if (counter) {
    stack.add(
      (next) => async (args) => {
        counter.count++;
        return next(args);
      },
      { step: 'finalizeRequest', name: 'awspermRequestCounter', priority: 'low' },
    );
  }
}

/**
 * A client plugin for the STS clients the SDK's credential providers create (`clientPlugins` of `fromIni` and
 * `fromTokenFile`): the same guard, allowing the read-only operations and the credential exchanges only.
 */
export const credentialExchangeGuard: { applyToStack(stack: Stack): void } = {
  applyToStack(stack) {
    enforceReadOnly({ middlewareStack: stack }, 'sts', undefined, [...READ_ONLY_OPERATIONS, ...CREDENTIAL_EXCHANGE_OPERATIONS]);
  },
};

/**
 * Where and how awsperm talks to AWS: the one options type of every AWS call it makes — the clients, the identity
 * lookup (without `credentials`), the principal's policies and the simulation (with the principal), the adapters'
 * AWS facility, `cloudformation:DescribeType` (with its cache), and the credential resolver (the environment,
 * endpoint and deadline it shares).
 */
export interface AwsClientOptions {
  /** The credentials to sign with. */
  credentials: AwsCredentials;
  /** The environment (endpoint variables). */
  env: Env;
  /** Region; `us-east-1` when not given. The principal evaluators also send it as `aws:RequestedRegion`. */
  region?: string | null;
  /** An AWS endpoint for every call (`endpointUrl`), before the `AWS_ENDPOINT_URL*` variables. */
  endpointUrl?: string;
  /** Counts requests. */
  counter?: RequestCounter;
  /** Retry attempts (the default depends on the call: 2 for a client, 3 for DescribeType, 5 local, 6 simulate). */
  maxAttempts?: number;
  /** Retry mode (default the SDK's `standard`). */
  retryMode?: 'standard' | 'adaptive';
  /** The run's bound on AWS calls (the `timeout` option): requests abort and retries stop when it passes. */
  deadline?: Deadline | undefined;
}

/**
 * The {@link AwsClientOptions} of a wider options object (an evaluator's, `DescribeType`'s, the identity lookup's): the
 * one way every caller builds its client options, so that none drops the endpoint, the counter or the deadline.
 * `defaults` fill the retry settings the call leaves unset (each kind of call has its own).
 */
export function clientOptionsOf(options: AwsClientOptions, defaults: Pick<AwsClientOptions, 'maxAttempts' | 'retryMode'> = {}): AwsClientOptions {
  const maxAttempts = options.maxAttempts ?? defaults.maxAttempts;
  const retryMode = options.retryMode ?? defaults.retryMode;
  return {
    credentials: options.credentials,
    env: options.env,
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpointUrl ? { endpointUrl: options.endpointUrl } : {}),
    ...(options.counter ? { counter: options.counter } : {}),
    ...(maxAttempts !== undefined ? { maxAttempts } : {}),
    ...(retryMode ? { retryMode } : {}),
    ...(options.deadline ? { deadline: options.deadline } : {}),
  };
}

/** The configuration every awsperm client shares: region, credentials, the run's deadline, the endpoint. */
async function clientConfig(service: GuardedService, options: AwsClientOptions, attempts: number) {
  const endpoint = endpointFor(service, options.env, options.endpointUrl);
  return {
    region: options.region ?? 'us-east-1',
    credentials: { ...options.credentials },
    ...(await deadlineClientConfig(options.deadline, { maxAttempts: options.maxAttempts ?? attempts, ...(options.retryMode ? { retryMode: options.retryMode } : {}) })),
    ...(endpoint ? { endpoint } : {}),
  };
}

/** An IAM client with the read-only guard, the right endpoint and region. */
export async function createIamClient(options: AwsClientOptions): Promise<IAMClient> {
  const { IAMClient } = await import('@aws-sdk/client-iam');
  const client = new IAMClient((await clientConfig('iam', options, 2)) satisfies IAMClientConfig);
  enforceReadOnly(client, 'iam', options.counter);
  return client;
}

/** An STS client with the read-only guard, the right endpoint and region. */
export async function createStsClient(options: AwsClientOptions): Promise<STSClient> {
  const { STSClient } = await import('@aws-sdk/client-sts');
  const client = new STSClient((await clientConfig('sts', options, 2)) satisfies STSClientConfig);
  enforceReadOnly(client, 'sts', options.counter);
  return client;
}

/** A CloudFormation client with the read-only guard (it may call `DescribeType` only), the right endpoint and region. */
export async function createCloudFormationClient(options: AwsClientOptions): Promise<CloudFormationClient> {
  const { CloudFormationClient } = await import('@aws-sdk/client-cloudformation');
  const client = new CloudFormationClient((await clientConfig('cloudformation', options, 3)) satisfies CloudFormationClientConfig);
  enforceReadOnly(client, 'cloudformation', options.counter);
  return client;
}

/** An SSM client with the read-only guard (it may call `GetParameter` only), the right endpoint and region. */
export async function createSsmClient(options: AwsClientOptions): Promise<SSMClient> {
  const { SSMClient } = await import('@aws-sdk/client-ssm');
  const client = new SSMClient((await clientConfig('ssm', options, 3)) satisfies SSMClientConfig);
  enforceReadOnly(client, 'ssm', options.counter);
  return client;
}

/**
 * An S3 client with the read-only guard (it may call `GetObject` only), the right endpoint and region. A bucket in
 * another region is followed (S3 names the bucket's region in its redirect); S3 Express sessions (a
 * `CreateSession` call) are off.
 */
export async function createS3Client(options: AwsClientOptions): Promise<S3Client> {
  const { S3Client } = await import('@aws-sdk/client-s3');
  const client = new S3Client({ ...(await clientConfig('s3', options, 3)), followRegionRedirects: true, disableS3ExpressSessionAuth: true } satisfies S3ClientConfig);
  enforceReadOnly(client, 's3', options.counter);
  return client;
}
