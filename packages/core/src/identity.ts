
import { type AwsClientOptions, clientOptionsOf, createIamClient, createStsClient } from './aws/read-only.ts';
import { endpointFor } from './credentials/endpoints.ts';
import { redact } from './credentials/env.ts';
import { awsErrorCode, CredentialsError, classifyFailure, failureOptions } from './credentials/failure.ts';
import { AwspermError } from './errors.ts';
import { catalogueHint, errorCodes } from './errors-data.ts';
import type { AwsCredentials, } from './credentials/types.ts';

/** What kind of principal is behind the credentials. */
export type PrincipalKind = 'user' | 'assumed-role' | 'root' | 'federated-user' | 'unknown';

/** Who the credentials belong to (the `identity` block of SPEC §3). */
export interface Identity {
  /** The account id. */
  account: string;
  /** The caller ARN as `sts:GetCallerIdentity` returns it. */
  arn: string;
  /**
   * The IAM principal to evaluate: the user or role ARN. For an assumed-role session, the role's ARN with its path
   * from `iam:GetRole`, or derived from the session ARN (no path) when that call is not allowed.
   */
  principalArn: string;
  /** The unique id (`AIDA…`, or `AROA…:session`). */
  userId: string;
  /** What kind of principal. */
  kind: PrincipalKind;
  /** True when {@link Identity.principalArn} was derived without `iam:GetRole` (it may lack the role's path). */
  derived?: boolean;
  /** For assumed-role sessions, the session name. */
  sessionName?: string;
}


/** Parses a caller ARN into its kind and, for sessions, the role name and session name. */
export function parseCallerArn(arn: string): { kind: PrincipalKind; account: string; partition: string; roleName?: string; sessionName?: string } {
  const parts = arn.split(':');
  const partition = parts[1] ?? 'aws';
  const account = parts[4] ?? '';
  const resource = parts.slice(5).join(':');
  if (resource === 'root') return { kind: 'root', account, partition };
  if (parts[2] === 'sts' && resource.startsWith('assumed-role/')) {
    const [, roleName, ...session] = resource.split('/');
    return { kind: 'assumed-role', account, partition, ...(roleName ? { roleName } : {}), sessionName: session.join('/') };
  }
  if (parts[2] === 'sts' && resource.startsWith('federated-user/')) return { kind: 'federated-user', account, partition };
  if (parts[2] === 'iam' && resource.startsWith('user/')) return { kind: 'user', account, partition };
  return { kind: 'unknown', account, partition };
}

/**
 * Identifies the caller with `sts:GetCallerIdentity`; for an assumed-role session, finds the role's ARN (path
 * included) with `iam:GetRole` when allowed, else derives it and marks it `derived`. Errors are awsperm errors of
 * the `unavailable` kind (exit 3) and never hold a secret.
 */
export async function getIdentity(
  credentials: AwsCredentials,
  options: Omit<AwsClientOptions, 'credentials'> & {
    /** Whether to look up the role ARN of an assumed-role session with `iam:GetRole` (default true). */
    lookupRole?: boolean;
  },
): Promise<Identity> {
  const region = options.region ?? 'us-east-1';
  const stsEndpoint = endpointFor('sts', options.env, options.endpointUrl);
  const clean = (t: string): string => redact(t, [credentials.secretAccessKey, credentials.sessionToken], [credentials.accessKeyId]);
  const creds = { ...credentials };
  const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
  const clientOptions = clientOptionsOf({ ...options, credentials: creds, region });
  const sts = await createStsClient(clientOptions);
  let out: { Account?: string | undefined; Arn?: string | undefined; UserId?: string | undefined };
  try {
    out = await sts.send(new GetCallerIdentityCommand({}));
  } catch (error) {
    const c = classifyFailure(error, 'sts:GetCallerIdentity', { deadline: options.deadline, ...(stsEndpoint ? { endpoint: stsEndpoint } : {}) });
    throw new CredentialsError(c.code, clean(c.message), failureOptions(c));
  } finally {
    sts.destroy();
  }
  if (!out.Arn || !/^arn:[^:]+:(iam|sts):/.test(out.Arn) || (out.Account !== undefined && !/^\d{12}$/.test(out.Account))) {
    const data = { operation: 'sts:GetCallerIdentity', detail: 'answered without a caller ARN and account id', reason: 'endpoint' } as const;
    throw new CredentialsError('AWS_RESPONSE_INVALID', errorCodes.AWS_RESPONSE_INVALID.message(data), {
      hint: catalogueHint('AWS_RESPONSE_INVALID', data),
      data,
    });
  }
  const arn = out.Arn;
  const parsed = parseCallerArn(arn);
  const identity: Identity = {
    account: out.Account ?? parsed.account,
    arn,
    principalArn: arn,
    userId: out.UserId ?? '',
    kind: parsed.kind,
  };
  if (parsed.kind === 'assumed-role' && parsed.roleName) {
    identity.sessionName = parsed.sessionName ?? '';
    identity.principalArn = `arn:${parsed.partition}:iam::${identity.account}:role/${parsed.roleName}`;
    identity.derived = true;
    if (options.lookupRole !== false) {
      const iamEndpoint = endpointFor('iam', options.env, options.endpointUrl);
      const { GetRoleCommand } = await import('@aws-sdk/client-iam');
      const iam = await createIamClient(clientOptions);
      try {
        const role = await iam.send(new GetRoleCommand({ RoleName: parsed.roleName }));
        if (role.Role?.Arn) {
          identity.principalArn = role.Role.Arn;
          delete identity.derived;
        }
      } catch (error) {
        // Denied or not found: keep the derived ARN. Anything else (network) is reported.
        const code = awsErrorCode(error);
        if (!code || AwspermError.is(error) || options.deadline?.signal.aborted) {
          const c = classifyFailure(error, 'iam:GetRole', { deadline: options.deadline, ...(iamEndpoint ? { endpoint: iamEndpoint } : {}) });
          throw new CredentialsError(c.code, clean(c.message), failureOptions(c));
        }
      } finally {
        iam.destroy();
      }
    }
  }
  return identity;
}

/** Warnings about the identity itself: root user keys, a derived role ARN. */
export function identityWarnings(identity: Identity, source: string | null): string[] {
  const out: string[] = [];
  if (identity.kind === 'root') {
    out.push(
      source === 'environment' || source === 'shared-credentials-file' || source === 'config-file'
        ? 'these are long-lived access keys of the root user; create an IAM user or role for deploys and delete the root keys'
        : 'these credentials belong to the root user; deploy with an IAM user or role instead',
    );
  }
  if (identity.kind === 'federated-user') out.push('a federated user session cannot be simulated; awsperm evaluates what it can');
  if (identity.derived) out.push(`iam:GetRole was not allowed; the role ARN ${identity.principalArn} is derived from the session and may lack the role's path`);
  return out;
}
