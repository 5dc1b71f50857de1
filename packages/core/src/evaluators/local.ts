import type { EntityType, IAMClient } from '@aws-sdk/client-iam';
import type { Deadline } from '../aws/deadline.ts';
import { type AwsClientOptions, clientOptionsOf, createIamClient, readPolicyJson } from '../aws/read-only.ts';
import type { Evaluator } from '../check.ts';
import { awsErrorCode, classifyFailure, failureOptions, withoutSdkNotes } from '../credentials/failure.ts';
import { evaluate, type PrincipalPolicies } from '../engine/evaluate.ts';
import { AwspermError } from '../errors.ts';
import { validatePolicyDocument } from '../policy/document.ts';
import type { NamedPolicy, PolicyDocument } from '../policy/types.ts';
import { buildRequestContext, mergeContext } from '../request-context.ts';
import { assumedRoleName, principalFromAuthorizationDetails, trustPolicyOf } from './authorization-details.ts';

// Past this many pages of account-wide authorization details, the targeted per-principal calls are fewer.
const MAX_DETAIL_PAGES = 3;
import { decode } from './policy-files.ts';

/**
 * Options of {@link fetchPrincipalPolicies} and {@link createLocalEvaluator}: the AWS options (`region` is the
 * region the tool deploys to; throttling is retried adaptively, 5 attempts by default) and the principal.
 */
export interface LocalOptions extends AwsClientOptions {
  /** The principal: a user or role ARN, or an assumed-role session ARN (mapped to its role). */
  principalArn: string;
  /** How many IAM calls may run at once (default 8). */
  concurrency?: number;
}

/** A principal's policies as fetched from IAM. */
export interface FetchedPrincipal {
  /** The user or role ARN. */
  arn: string;
  /** User or role. */
  type: 'user' | 'role';
  /** Its unique id. */
  userId?: string;
  /** Its tags. */
  tags: Record<string, string>;
  /** Its policies, boundary included. */
  policies: PrincipalPolicies;
  /** A role's trust policy. @since 0.2.0 */
  trustPolicy?: PolicyDocument;
}

/** The message telling users which read permissions awsperm needs. */
export function readPermissionsHint(): string {
  return `awsperm needs read-only IAM access on this principal; grant this policy: ${readPolicyJson()}`;
}

/** Runs async tasks with at most `n` in flight. */
function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((resolve) => queue.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}

function nameOf(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

function principalOf(arn: string): { type: 'user' | 'role'; name: string } {
  const role = assumedRoleName(arn);
  if (role) return { type: 'role', name: role };
  const resource = arn.split(':').slice(5).join(':');
  if (resource.startsWith('user/')) return { type: 'user', name: nameOf(resource) };
  if (resource.startsWith('role/')) return { type: 'role', name: nameOf(resource) };
  throw AwspermError.from('CREDENTIALS_UNSUPPORTED', { detail: `local mode cannot evaluate ${arn}: only IAM users and roles have policies to fetch`, principal: arn });
}

function tagsOf(tags: { Key?: string | undefined; Value?: string | undefined }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}

/** The IAM client of the local mode's reads: the run's AWS options, throttling retried adaptively (5 attempts). */
function iamClientOf(options: LocalOptions): Promise<IAMClient> {
  return createIamClient(clientOptionsOf(options, { maxAttempts: 5, retryMode: 'adaptive' }));
}

/**
 * Fetches exactly what a principal's decision needs with targeted read-only IAM calls, concurrently, caching
 * managed policy versions within the run — user: its inline and attached policies, its groups' inline and
 * attached policies, its permission boundary and tags; role: the same minus groups. Documents are decoded and
 * validated. Errors are `unavailable` awsperm errors (exit 3): a denied read names the call and the policy awsperm
 * needs; a principal that no longer exists and a malformed document say so.
 */
export async function fetchPrincipalPolicies(options: LocalOptions): Promise<FetchedPrincipal> {
  const { type, name } = principalOf(options.principalArn);
  const sdk = await import('@aws-sdk/client-iam');
  const iam = await iamClientOf(options);
  const limit = limiter(options.concurrency ?? 8);
  // biome-ignore lint/suspicious/noExplicitAny: one wrapper for every IAM command type.
  const call = <T>(operation: string, command: any): Promise<T> =>
    limit(async () => {
      try {
        return (await iam.send(command)) as T;
      } catch (error) {
        throw failure(error, `iam:${operation}`, options.principalArn, options.deadline);
      }
    });
  const document = (raw: unknown, label: string) => {
    try {
      return validatePolicyDocument(decode(raw), label);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw AwspermError.from(
        'AWS_RESPONSE_INVALID',
        { operation: 'iam', detail: `a malformed policy document for ${label}: ${detail}`, reason: 'malformed-policy' },
        { cause: error },
      );
    }
  };

  type Page = { IsTruncated?: boolean | undefined; Marker?: string | undefined };

  async function fromAccountDetails(): Promise<FetchedPrincipal | undefined> {
    const Filter: EntityType[] =
      type === 'user' ? ['User', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy'] : ['Role', 'LocalManagedPolicy', 'AWSManagedPolicy'];
    const merged: Record<string, unknown[]> = { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] };
    let marker: string | undefined;
    for (let page = 0; ; page++) {
      if (page === MAX_DETAIL_PAGES) return undefined;
      let out: Page & Record<string, unknown>;
      try {
        out = await call('GetAccountAuthorizationDetails', new sdk.GetAccountAuthorizationDetailsCommand({ Filter, MaxItems: 1000, ...(marker ? { Marker: marker } : {}) }));
      } catch (error) {
        if (AwspermError.is(error) && error.code === 'ACCESS_DENIED') return undefined;
        throw error;
      }
      for (const key of Object.keys(merged)) merged[key]!.push(...((out[key] as unknown[] | undefined) ?? []));
      marker = out.IsTruncated ? out.Marker : undefined;
      if (!marker) break;
    }
    try {
      const found = principalFromAuthorizationDetails(merged, 'iam:GetAccountAuthorizationDetails', options.principalArn);
      return { arn: found.arn, type: found.type, ...(found.userId ? { userId: found.userId } : {}), tags: found.tags, policies: found.policies, ...(found.trustPolicy ? { trustPolicy: found.trustPolicy } : {}) };
    } catch (error) {
      if (AwspermError.is(error) && error.code === 'PRINCIPAL_NOT_FOUND') {
        throw AwspermError.from(
          'PRINCIPAL_GONE',
          {
            principal: options.principalArn,
            operation: 'iam:GetAccountAuthorizationDetails',
            detail: `${options.principalArn} is not in the account's authorization details: it no longer exists in IAM`,
          },
          { cause: error },
        );
      }
      if (AwspermError.is(error) && (error.code === 'POLICY_INVALID' || error.code === 'AUTH_DETAILS_INVALID')) {
        throw AwspermError.from(
          'AWS_RESPONSE_INVALID',
          { operation: 'iam:GetAccountAuthorizationDetails', detail: `malformed authorization details: ${error.message}`, reason: 'malformed-policy' },
          { cause: error },
        );
      }
      throw error;
    }
  }
  async function all<P extends Page, T>(operation: string, make: (marker?: string) => unknown, items: (page: P) => T[] | undefined): Promise<T[]> {
    const out: T[] = [];
    let marker: string | undefined;
    do {
      const page = await call<P>(operation, make(marker));
      out.push(...(items(page) ?? []));
      marker = page.IsTruncated ? page.Marker : undefined;
    } while (marker);
    return out;
  }

  const managedCache = new Map<string, Promise<NamedPolicy>>();
  const managed = (arn: string): Promise<NamedPolicy> => {
    let p = managedCache.get(arn);
    if (!p) {
      p = (async () => {
        const policy = await call<{ Policy?: { DefaultVersionId?: string } }>('GetPolicy', new sdk.GetPolicyCommand({ PolicyArn: arn }));
        const versionId = policy.Policy?.DefaultVersionId;
        if (!versionId) {
          throw new AwspermError('AWS_RESPONSE_INVALID', `IAM returned no default version for managed policy ${arn}`, {
            data: { operation: 'iam:GetPolicy', detail: `no default version for managed policy ${arn}`, reason: 'malformed-policy' },
          });
        }
        const version = await call<{ PolicyVersion?: { Document?: string } }>(
          'GetPolicyVersion',
          new sdk.GetPolicyVersionCommand({ PolicyArn: arn, VersionId: versionId }),
        );
        return { name: arn, document: document(version.PolicyVersion?.Document, `${arn} (${versionId})`) };
      })();
      managedCache.set(arn, p);
    }
    return p;
  };
  const attached = async (operation: string, make: (marker?: string) => unknown): Promise<NamedPolicy[]> => {
    const list = await all<Page & { AttachedPolicies?: { PolicyArn?: string }[] }, { PolicyArn?: string }>(operation, make, (p) => p.AttachedPolicies);
    return Promise.all(list.map((a) => managed(String(a.PolicyArn))));
  };
  const inline = async (
    owner: string,
    listOperation: string,
    list: (marker?: string) => unknown,
    getOperation: string,
    get: (policyName: string) => unknown,
  ): Promise<NamedPolicy[]> => {
    const names = await all<Page & { PolicyNames?: string[] }, string>(listOperation, list, (p) => p.PolicyNames);
    return Promise.all(
      names.map(async (policyName) => {
        const out = await call<{ PolicyDocument?: string }>(getOperation, get(policyName));
        const label = `${owner} inline policy ${policyName}`;
        return { name: label, document: document(out.PolicyDocument, label) };
      }),
    );
  };

  try {
    // The fewest calls: one account-wide read (a page or two) usually beats the targeted calls; when it is denied,
    // or the account is too large for it to stay small, the targeted per-principal calls follow.
    const viaDetails = await fromAccountDetails();
    if (viaDetails) return viaDetails;
    if (type === 'user') {
      const UserName = name;
      const [user, userInline, userAttached, groups] = await Promise.all([
        call<{ User?: { Arn?: string; UserId?: string; Tags?: { Key?: string; Value?: string }[]; PermissionsBoundary?: { PermissionsBoundaryArn?: string } } }>(
          'GetUser',
          new sdk.GetUserCommand({ UserName }),
        ),
        inline(
          `user ${name}`,
          'ListUserPolicies',
          (Marker) => new sdk.ListUserPoliciesCommand({ UserName, ...(Marker ? { Marker } : {}) }),
          'GetUserPolicy',
          (PolicyName) => new sdk.GetUserPolicyCommand({ UserName, PolicyName }),
        ),
        attached('ListAttachedUserPolicies', (Marker) => new sdk.ListAttachedUserPoliciesCommand({ UserName, ...(Marker ? { Marker } : {}) })),
        all<Page & { Groups?: { GroupName?: string }[] }, { GroupName?: string }>(
          'ListGroupsForUser',
          (Marker) => new sdk.ListGroupsForUserCommand({ UserName, ...(Marker ? { Marker } : {}) }),
          (p) => p.Groups,
        ),
      ]);
      const groupPolicies = await Promise.all(
        groups.map(async (g) => {
          const GroupName = String(g.GroupName);
          const [gi, ga] = await Promise.all([
            inline(
              `group ${GroupName}`,
              'ListGroupPolicies',
              (Marker) => new sdk.ListGroupPoliciesCommand({ GroupName, ...(Marker ? { Marker } : {}) }),
              'GetGroupPolicy',
              (PolicyName) => new sdk.GetGroupPolicyCommand({ GroupName, PolicyName }),
            ),
            attached('ListAttachedGroupPolicies', (Marker) => new sdk.ListAttachedGroupPoliciesCommand({ GroupName, ...(Marker ? { Marker } : {}) })),
          ]);
          return [...gi, ...ga];
        }),
      );
      const policies: PrincipalPolicies = { identity: [...userInline, ...userAttached, ...groupPolicies.flat()] };
      const boundaryArn = user.User?.PermissionsBoundary?.PermissionsBoundaryArn;
      if (boundaryArn) {
        const b = await managed(boundaryArn);
        policies.boundary = { name: `permission boundary ${b.name}`, document: b.document };
      }
      const arn = user.User?.Arn ?? options.principalArn;
      return { arn, type, ...(user.User?.UserId ? { userId: user.User.UserId } : {}), tags: tagsOf(user.User?.Tags), policies };
    }
    const RoleName = name;
    const [role, roleInline, roleAttached] = await Promise.all([
      call<{ Role?: { Arn?: string; RoleId?: string; AssumeRolePolicyDocument?: string; Tags?: { Key?: string; Value?: string }[]; PermissionsBoundary?: { PermissionsBoundaryArn?: string } } }>(
        'GetRole',
        new sdk.GetRoleCommand({ RoleName }),
      ),
      inline(
        `role ${name}`,
        'ListRolePolicies',
        (Marker) => new sdk.ListRolePoliciesCommand({ RoleName, ...(Marker ? { Marker } : {}) }),
        'GetRolePolicy',
        (PolicyName) => new sdk.GetRolePolicyCommand({ RoleName, PolicyName }),
      ),
      attached('ListAttachedRolePolicies', (Marker) => new sdk.ListAttachedRolePoliciesCommand({ RoleName, ...(Marker ? { Marker } : {}) })),
    ]);
    const policies: PrincipalPolicies = { identity: [...roleInline, ...roleAttached] };
    const boundaryArn = role.Role?.PermissionsBoundary?.PermissionsBoundaryArn;
    if (boundaryArn) {
      const b = await managed(boundaryArn);
      policies.boundary = { name: `permission boundary ${b.name}`, document: b.document };
    }
    const arn = role.Role?.Arn ?? options.principalArn;
    const trustPolicy = trustDocument(role.Role?.AssumeRolePolicyDocument, name);
    return { arn, type, ...(role.Role?.RoleId ? { userId: role.Role.RoleId } : {}), tags: tagsOf(role.Role?.Tags), policies, ...(trustPolicy ? { trustPolicy } : {}) };
  } finally {
    iam.destroy();
  }
}

function trustDocument(raw: unknown, roleName: string): PolicyDocument | undefined {
  try {
    return trustPolicyOf(raw, `role ${roleName} trust policy`);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw AwspermError.from('AWS_RESPONSE_INVALID', { operation: 'iam:GetRole', detail: `a malformed trust policy: ${detail}`, reason: 'malformed-policy' }, { cause: error });
  }
}

/**
 * A role's trust policy, read with `iam:GetRole` (for the simulate mode, whose simulation does not cover it);
 * `undefined` when the principal is not a role. Errors as {@link fetchPrincipalPolicies}'.
 * @since 0.2.0
 */
export async function fetchTrustPolicy(options: LocalOptions): Promise<PolicyDocument | undefined> {
  const { type, name } = principalOf(options.principalArn);
  if (type !== 'role') return undefined;
  const sdk = await import('@aws-sdk/client-iam');
  const iam = await iamClientOf(options);
  try {
    const out = await iam.send(new sdk.GetRoleCommand({ RoleName: name })).catch((error: unknown) => {
      throw failure(error, 'iam:GetRole', options.principalArn, options.deadline);
    });
    return trustDocument(out.Role?.AssumeRolePolicyDocument, name);
  } finally {
    iam.destroy();
  }
}

/** Turns a failed IAM read into an `unavailable` awsperm error naming the call. */
function failure(error: unknown, what: string, principal: string, deadline: Deadline | undefined): AwspermError {
  if (AwspermError.is(error)) return withoutSdkNotes(error);
  const code = deadline?.signal.aborted ? undefined : awsErrorCode(error);
  if (code && /AccessDenied|UnauthorizedOperation|NotAuthorized/i.test(code)) {
    return AwspermError.from(
      'ACCESS_DENIED',
      { operation: what, awsCode: code, consequence: "awsperm cannot read this principal's policies", grant: 'read-policy', readPolicy: readPolicyJson() },
      { cause: error },
    );
  }
  if (code === 'NoSuchEntity') {
    return AwspermError.from('PRINCIPAL_GONE', { operation: what, principal }, { cause: error });
  }
  const c = classifyFailure(error, what, { deadline });
  return new AwspermError(c.code, c.message, { ...failureOptions(c), cause: error });
}

/** An evaluator for the local mode, with what it fetched. */
export interface LocalEvaluator extends Evaluator {
  /** The principal and its policies. */
  principal: FetchedPrincipal;
}

/**
 * The local mode: fetches the principal's policies ({@link fetchPrincipalPolicies}) and evaluates requests with
 * awsperm's engine, in a request context holding the principal's ARN, id and tags and the region.
 */
export async function createLocalEvaluator(options: LocalOptions): Promise<LocalEvaluator> {
  const principal = await fetchPrincipalPolicies(options);
  const context = buildRequestContext({
    ...(options.region ? { region: options.region } : {}),
    principal: { arn: principal.arn, type: principal.type, tags: principal.tags, ...(principal.userId ? { userId: principal.userId } : {}) },
  });
  return {
    mode: 'local',
    subject: principal.arn,
    principal,
    async evaluate(requests) {
      return requests.map((r) => evaluate(r, principal.policies, r.context ? mergeContext(context, r.context) : context));
    },
  };
}
