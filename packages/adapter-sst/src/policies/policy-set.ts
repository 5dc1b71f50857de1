import type { PolicyFragment, PolicySet, ServiceRoleSet, Statement } from '@awsperm/core';
import { featureConditions, fillPlaceholders, fragmentFromTemplate, selectTemplates } from '@awsperm/core/kit';
import { MAJORS } from '../majors.ts';
import type { SstProjectInfo } from '../shared/project.ts';
import { adminPolicy, crudApiPolicy, customDomainPolicy, serviceRolePolicy } from './documented.ts';
import { sstV3DocumentedFragments, sstV3Strategy } from './documented-v3.ts';
import { SST_PRECISE_FRAGMENTS, type SstCondition, type SstFragmentTemplate } from './precise.ts';

// SST's policy set for every major: the documented strategies and the precise fragments, scoped to the project.
// The per-major modules (v1/, v2/, v3/) turn the set into requirements.

/**
 * SST's documented strategies: 1 with `admin`, 4 with `service-role`, else 2 (plus custom domains with `domains`).
 * For SST v3/v4 (`major` 3) the page has one policy and AdministratorAccess: `admin` gives the latter, `domains` and
 * `service-role` (without `admin`) are refused, and otherwise the result is empty — {@link sstPolicySet} adds the
 * v3 page's policy.
 */
export function sstDocumentedFragments(features: readonly string[], major?: SstProjectInfo['major']): PolicyFragment[] {
  if (major === 3) return sstV3Strategy(features);
  if (features.includes('admin')) return [adminPolicy];
  if (features.includes('service-role')) return [serviceRolePolicy];
  return features.includes('domains') ? [crudApiPolicy, customDomainPolicy] : [crudApiPolicy];
}

/** The CloudFormation service role's ARN, with the pseudo parameters a v2 synthesizer role may hold filled in where known. */
function serviceRoleArn(info: SstProjectInfo, scope: SstScope): string | undefined {
  return info.cloudFormationRole
    ?.replace('${AWS::Partition}', 'aws')
    .replace('${AWS::AccountId}', scope.account ?? '${AWS::AccountId}')
    .replace('${AWS::Region}', scope.region);
}

/** What {@link sstPreciseFragments} needs besides the project. */
export interface SstScope {
  /** The region the ARNs are scoped to. */
  region: string;
  /** The account id, when known (`*` otherwise). */
  account?: string;
  /** `--feature` names. */
  features: readonly string[];
}

/**
 * SST's precise fragments for this project, scoped to app, stage (`*` when unknown), account, region and CDK
 * qualifier: what the caller needs, and — when the project deploys through a CloudFormation service role (v1
 * `--role-arn`, v2 `cdk.cloudFormationExecutionRole`) — what that role needs for the stacks it deploys.
 */
export function sstPreciseFragments(info: SstProjectInfo, scope: SstScope): { caller: PolicyFragment[]; serviceRole: PolicyFragment[] } {
  const conditions = new Set<SstCondition>(MAJORS[info.major].conditions);
  if (info.cloudFormationRole) conditions.add('serviceRole');
  for (const c of featureConditions<SstCondition>(scope.features)) conditions.add(c);
  const vars: Record<string, string> = {
    account: scope.account ?? '*',
    region: scope.region,
    app: info.app,
    stage: info.stage ?? '*',
    qualifier: info.qualifier,
    toolkitStack: info.toolkitStackName,
    bootstrapStack: info.bootstrapStackName,
  };
  vars.bootstrapBucket = `arn:aws:s3:::${fillPlaceholders(info.bootstrapBucket ?? '', vars) || `${info.bootstrapStackName.toLowerCase()}-*`}`;
  const resource = (r: string): string => (r === '{serviceRole}' ? (serviceRoleArn(info, scope) ?? r) : fillPlaceholders(r, vars));
  const fragment = (t: SstFragmentTemplate, statements: Statement[]): PolicyFragment => fragmentFromTemplate(t, { resource, statements });
  const caller: PolicyFragment[] = [];
  const serviceRole: PolicyFragment[] = [];
  for (const t of selectTemplates(SST_PRECISE_FRAGMENTS, conditions)) {
    // Only v1 and v2 deploy through a CloudFormation service role (`roleApplies` names no other major).
    const throughRole = Boolean(info.cloudFormationRole) && (t.roleApplies ?? []).includes(`v${info.major}` as 'v1' | 'v2');
    caller.push(fragment(t, throughRole ? t.statements : [...t.statements, ...(t.creates ?? [])]));
    if (throughRole && t.creates) serviceRole.push(fragment(t, t.creates));
  }
  return { caller, serviceRole };
}

/**
 * SST's policy set. `precise`: the version's bootstrap and deploy fragments. `documented`: the strategy of SST's
 * IAM Credentials page (1 with `admin`, 4 with `service-role`, else 2), plus — for strategies 2 and 4 — the
 * bootstrap stacks the page says are needed "in addition" (sst/sst v1.18.4 www/docs/advanced/iam-credentials.md,
 * "Additional permissions"), as the precise fragments of the detected version. For SST v3/v4 `documented` is the
 * v3 page's own policy (bootstrap and state, the `Deployments` `"*"` on `"*"` placeholder, secrets, Live), or
 * AdministratorAccess with `admin`; v1's `domains` and `service-role` without `admin` are refused. When the project deploys through
 * a CloudFormation service role, the role's own fragments come as `serviceRole`.
 */
export function sstPolicySet(info: SstProjectInfo, kind: 'documented' | 'precise', scope: SstScope): PolicySet {
  const precise = sstPreciseFragments(info, scope);
  const roleArn = serviceRoleArn(info, scope);
  const role: ServiceRoleSet | undefined =
    roleArn && precise.serviceRole.length ? { arn: roleArn, from: info.cloudFormationRoleFrom ?? 'the project', fragments: precise.serviceRole } : undefined;
  const withRole = (set: PolicySet): PolicySet => (role ? { ...set, serviceRole: role } : set);
  // Checked for both kinds: check compares the precise set with the documented one.
  const v3Strategy = info.major === 3 ? sstDocumentedFragments(scope.features, 3) : [];
  if (kind === 'precise') return withRole({ kind, fragments: precise.caller });
  if (info.major === 3) {
    const page = sstV3DocumentedFragments({ region: scope.region, ...(scope.account ? { account: scope.account } : {}) });
    return { kind, fragments: v3Strategy.length ? v3Strategy : page };
  }
  const strategy = sstDocumentedFragments(scope.features).map((f) =>
    f === serviceRolePolicy && roleArn ? { ...f, statements: f.statements.map((s) => (s.Sid === 'PassServiceRole' ? { ...s, Resource: roleArn } : s)) } : f,
  );
  if (scope.features.includes('admin')) return { kind, fragments: strategy };
  const bootstrap = precise.caller.filter((f) => BOOTSTRAP_IDS.has(f.id));
  return withRole({ kind, fragments: [...strategy, ...bootstrap] });
}

/** The precise fragments the documented strategies need "in addition": each version's bootstrap (and v1's Debug stack). */
const BOOTSTRAP_IDS = new Set(['sst.cdk-bootstrap', 'sst.v1-bootstrap', 'sst.v1-debug-stack', 'sst.v2-bootstrap', 'sst.v3-bootstrap', 'sst.v3-state']);
