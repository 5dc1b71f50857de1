import { AwspermError } from '../errors.ts';
import { isRecord, readJsonFile } from '../json.ts';
import { validatePolicyDocument, validateResourcePolicyDocument } from '../policy/document.ts';
import type { NamedPolicy, PolicyDocument } from '../policy/types.ts';
import type { PrincipalPolicies } from '../engine/evaluate.ts';
import { decode } from './policy-files.ts';

type Rec = Record<string, unknown>;


function bad(file: string, message: string): never {
  throw AwspermError.from('AUTH_DETAILS_INVALID', { file, detail: message });
}

/** A JSON value as text for names and messages; never calls a `toString` the file itself defined. */
function text(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? 'undefined');
}

function arrayAt(file: string, obj: Rec, key: string): Rec[] {
  const v = obj[key];
  if (v === undefined) return [];
  // A for loop, not every(): every() skips the holes of a sparse array.
  if (!Array.isArray(v)) bad(file, `"${key}" must be an array of objects`);
  for (let i = 0; i < v.length; i++) if (!isRecord(v[i])) bad(file, `"${key}" must be an array of objects`);
  return v as Rec[];
}

/** A principal resolved from authorization details: its ARN and the policies that decide for it. */
export interface AuthorizationDetailsPrincipal {
  /** The principal's ARN (a role's for an assumed-role session). */
  arn: string;
  /** Whether it is a user or a role. */
  type: 'user' | 'role';
  /** Its unique id (AIDA…/AROA…), when listed. */
  userId?: string;
  /** Its tags. */
  tags: Record<string, string>;
  /** Its policies. */
  policies: PrincipalPolicies;
  /** A role's trust policy (`AssumeRolePolicyDocument`), when the file holds one. @since 0.2.0 */
  trustPolicy?: PolicyDocument;
}

/**
 * A role's `AssumeRolePolicyDocument` as IAM returns it (URL-encoded JSON, or an object), validated; `undefined`
 * when absent or without statements (exports that leave it out).
 */
export function trustPolicyOf(raw: unknown, where: string): PolicyDocument | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const doc = decode(raw);
  if (isRecord(doc) && doc.Statement === undefined) return undefined;
  return validateResourcePolicyDocument(doc, where);
}

/**
 * Maps an assumed-role session ARN (`arn:aws:sts::123456789012:assumed-role/Name/session`) to its role's name;
 * returns `undefined` for other ARNs.
 */
export function assumedRoleName(arn: string): string | undefined {
  const m = /^arn:[^:]+:sts::\d{12}:assumed-role\/([^/]+)\/.+$/.exec(arn);
  return m?.[1];
}

/**
 * Reads `aws iam get-account-authorization-details` output and returns the policies of one principal: a user's
 * inline, attached managed and group policies and permission boundary, or a role's inline, attached managed
 * policies and boundary. Managed policies use their default version. `principal` is a user or role ARN, an
 * assumed-role session ARN, or a bare user or role name.
 */
export async function loadAuthorizationDetails(file: string, principal: string): Promise<AuthorizationDetailsPrincipal> {
  return principalFromAuthorizationDetails(await readJsonFile(file, 'authorization details file'), file, principal);
}

/** Like {@link loadAuthorizationDetails}, on JSON already parsed. */
export function principalFromAuthorizationDetails(
  json: unknown,
  file: string,
  principal: string,
): AuthorizationDetailsPrincipal {
  if (!isRecord(json)) bad(file, 'expected a JSON object with UserDetailList, GroupDetailList, RoleDetailList and Policies');
  if (!('UserDetailList' in json) && !('RoleDetailList' in json)) {
    bad(file, 'no UserDetailList or RoleDetailList: this is not account authorization details');
  }
  const users = arrayAt(file, json, 'UserDetailList');
  const groups = arrayAt(file, json, 'GroupDetailList');
  const roles = arrayAt(file, json, 'RoleDetailList');
  const managed = new Map<string, Rec>();
  for (const p of arrayAt(file, json, 'Policies')) if (typeof p.Arn === 'string') managed.set(p.Arn, p);

  const roleName = assumedRoleName(principal);
  const matches = (entry: Rec, nameKey: string) =>
    entry.Arn === principal || (!principal.startsWith('arn:') && entry[nameKey] === principal);
  const user = roleName ? undefined : users.find((u) => matches(u, 'UserName'));
  const role = roleName ? roles.find((r) => r.RoleName === roleName) : roles.find((r) => matches(r, 'RoleName'));
  const entry = user ?? role;
  if (!entry) {
    throw AwspermError.from('PRINCIPAL_NOT_FOUND', { file, principal, users: users.length, roles: roles.length });
  }
  const type = user ? 'user' : 'role';
  const label = `${type} ${text(entry[user ? 'UserName' : 'RoleName'])}`;

  const inline = (owner: Rec, key: string, ownerLabel: string): NamedPolicy[] =>
    arrayAt(file, owner, key).map((p) => {
      const name = `${ownerLabel} inline policy ${text(p.PolicyName)}`;
      return { name, document: validatePolicyDocument(decode(p.PolicyDocument), `${file}: ${name}`) };
    });
  const managedPolicy = (arn: string): NamedPolicy => {
    const p = managed.get(arn);
    if (!p) bad(file, `managed policy ${arn} is attached but missing from "Policies"`);
    const versions = arrayAt(file, p, 'PolicyVersionList');
    const version =
      versions.find((v) => v.IsDefaultVersion === true) ?? versions.find((v) => v.VersionId === p.DefaultVersionId);
    if (!version) bad(file, `managed policy ${arn} has no default version in PolicyVersionList`);
    return { name: arn, document: validatePolicyDocument(decode(version.Document), `${file}: ${arn}`) };
  };
  const attached = (owner: Rec): NamedPolicy[] =>
    arrayAt(file, owner, 'AttachedManagedPolicies').map((a) => managedPolicy(text(a.PolicyArn)));

  const identity: NamedPolicy[] = [];
  if (user) {
    identity.push(...inline(user, 'UserPolicyList', label), ...attached(user));
    const groupNames = user.GroupList === undefined ? [] : user.GroupList;
    if (!Array.isArray(groupNames)) bad(file, `${label}: "GroupList" must be an array of group names`);
    for (const groupName of groupNames) {
      const group = groups.find((g) => g.GroupName === groupName);
      if (!group) bad(file, `${label} is in group ${text(groupName)}, which is missing from GroupDetailList`);
      identity.push(...inline(group, 'GroupPolicyList', `group ${text(groupName)}`), ...attached(group));
    }
  } else {
    identity.push(...inline(entry, 'RolePolicyList', label), ...attached(entry));
  }
  const policies: PrincipalPolicies = { identity };
  const boundary = entry.PermissionsBoundary;
  if (isRecord(boundary) && typeof boundary.PermissionsBoundaryArn === 'string') {
    const b = managedPolicy(boundary.PermissionsBoundaryArn);
    policies.boundary = { name: `permission boundary ${b.name}`, document: b.document };
  }
  const tags: Record<string, string> = {};
  for (const t of arrayAt(file, entry, 'Tags')) {
    // defineProperty: a tag named "__proto__" is a tag, not the object's prototype.
    if (typeof t.Key === 'string' && typeof t.Value === 'string') Object.defineProperty(tags, t.Key, { value: t.Value, enumerable: true, writable: true, configurable: true });
  }
  const idKey = user ? 'UserId' : 'RoleId';
  const trustPolicy = user ? undefined : trustPolicyOf(entry.AssumeRolePolicyDocument, `${file}: ${label} trust policy`);
  return { arn: text(entry.Arn), type, ...(typeof entry[idKey] === 'string' ? { userId: entry[idKey] as string } : {}), tags, policies, ...(trustPolicy ? { trustPolicy } : {}) };
}
