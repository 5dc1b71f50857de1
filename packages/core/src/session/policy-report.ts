// The policy report's types and renderers, apart from the code that builds it: the package's root entry exports
// them without loading the session.
import type { UnresolvedRequirement } from '../adapter.ts';
import { type OutputPolicy, POLICY_SIZE_LIMITS } from '../policy/output.ts';
import type { FragmentSource } from '../policy/types.ts';
import type { FixChange } from '../report/types.ts';
import type { UnresolvedType } from '../templates/types.ts';

/** A fragment as the policy report lists it: where each part of the policy comes from. */
export interface FragmentRef {
  /** The fragment id. */
  id: string;
  /** Its title. */
  title: string;
  /** What it covers and why, when the fragment says. @since 0.2.0 */
  description?: string;
  /** Its source. */
  source: FragmentSource;
  /** The features that switch it on. */
  features?: string[];
}

/** The policy of one principal besides the caller. */
export interface PrincipalPolicy {
  /** The adapter's id for the principal. */
  id: string;
  /** Its ARN, when known. */
  arn?: string;
  /** How the deploy reaches it. */
  via: string;
  /** How to use its policy, in the tool's words (the adapter's), when it says. @since 0.2.0 */
  description?: string;
  /** The fragments its policy is built from. */
  fragments: FragmentRef[];
  /** The policies to grant it. */
  policies: OutputPolicy[];
}

/** What {@link policy} returns (the `policy --format json` contract, `schemaVersion: 1`). */
export interface PolicyReport {
  /** The JSON contract's version. */
  schemaVersion: 1;
  /** The tool, or `null` for templates alone. */
  tool: string | null;
  /** The region the ARNs are scoped to, when known. @since 0.2.0 */
  region?: string;
  /** Which requirements. */
  kind: 'documented' | 'precise' | 'template';
  /** Whether actions were collapsed to wildcards. */
  minimised: boolean;
  /** The caller's policies, split to fit IAM's managed-policy limit. */
  policies: OutputPolicy[];
  /** The caller's fragments. */
  fragments: FragmentRef[];
  /** The CloudFormation service role's policy (schema 1; also in `principals`). */
  serviceRole?: { arn: string; from: string; fragments: FragmentRef[]; policies: OutputPolicy[] };
  /** Every principal besides the caller, with its own policy. @since 0.2.0 */
  principals?: PrincipalPolicy[];
  /** Template resource types with unknown permissions. */
  unresolvedTypes?: UnresolvedType[];
  /** What the tool's project creates that the adapter has no data for: missing from the policy. @since 0.2.0 */
  unresolved?: UnresolvedRequirement[];
  /** The run's warnings; absent when there are none. @since 0.2.0 */
  warnings?: string[];
  /**
   * With `missing` (`policy --missing`): the check the policies fix. `policies` and each principal's `policies` then
   * hold only what that check found implicitly denied. @since 0.2.0
   */
  missing?: MissingSummary;
}

/** What `policy --missing` found: whether anything was missing, and whether granting the policies is enough. @since 0.2.0 */
export interface MissingSummary {
  /** True when the check passed: nothing is missing (the policies are empty). */
  ok: boolean;
  /**
   * True when granting the policies is all the check needs, as far as awsperm can tell: no explicit deny, boundary
   * or SCP to change, nothing depending on request context or unresolved, the expected account.
   */
  sufficient: boolean;
  /** Denials no grant can lift, each with the principal it concerns (`caller`, or the principal's id). */
  changes?: (FixChange & { principal: string })[];
}

// Not toLocaleString: its first call loads ICU's number formatting, ~25 ms of start-up.
const number = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** Every policy of a report, the caller's first (what the Terraform and CloudFormation renderers print). */
export function allPolicies(report: PolicyReport): OutputPolicy[] {
  return [...report.policies, ...(report.principals ?? []).flatMap((p) => p.policies)];
}

/** The size notes of a report: one line per policy. */
export function policySizeNotes(report: PolicyReport): string[] {
  return allPolicies(report).map((p) => `${p.name}: ${number(p.size)} of ${number(POLICY_SIZE_LIMITS.managed)} characters (without white space)`);
}

/** The JSON form of a policy report (`policy --format json`). */
export function renderPolicyJson(report: PolicyReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
