import type { Decision, StatementRef } from '../engine/types.ts';
import type { UnresolvedRequirement } from '../adapter.ts';
import type { OutputPolicy } from '../policy/output.ts';
import type { UnresolvedType } from '../templates/types.ts';

/** How the principal's permissions were evaluated (SPEC §6). */
export type EvaluationMode = 'offline' | 'local' | 'simulate';

/**
 * A statement that led to a decision, as it appears in reports. In simulate mode IAM names the policy but not the
 * statement: `statementIndex` is then -1 and `sourcePolicyType`/`position` say what IAM reported.
 */
export interface MatchedStatement extends StatementRef {
  /** IAM's `SourcePolicyType` (simulate mode). */
  sourcePolicyType?: string;
  /** Where the statement starts in the policy document, as IAM reports it (simulate mode). */
  position?: { line: number; column: number };
}

/** The decision for one concrete action on one resource. */
export interface CheckResult {
  /** The concrete action checked. */
  action: string;
  /** The resource ARN or pattern checked. */
  resource: string;
  /** The decision. */
  decision: Decision;
  /** Ids of the fragments that require this action. */
  requiredBy: string[];
  /** The statements behind the decision. */
  matched?: MatchedStatement[];
  /** One line explaining the decision. */
  reason: string;
  /** For `unknown`: what the decision depends on. */
  contextKeys?: string[];
  /**
   * The request context the tool's request carries, as its adapter declares it (`iam:PassedToService` of an
   * `iam:PassRole`, tags the tool applies), when it carries any. @since 0.3.0
   */
  context?: Record<string, string | string[]>;
  /** The wildcard requirement this action was expanded from, when it came from one. */
  expandedFrom?: string;
  /**
   * For `implicitDeny`: the permission boundary or an Organizations SCP does not allow it, so a grant in the
   * identity policies alone cannot (see {@link CheckFix.changes}). @since 0.2.0
   */
  deniedBy?: { kind: 'boundary' | 'scp' | 'trust'; policy?: string };
}

/**
 * A denial no grant can lift, and what must change instead: an explicit Deny statement, the permission boundary, or
 * an Organizations SCP. @since 0.2.0
 */
export interface FixChange {
  /**
   * What denies: a Deny statement (`explicitDeny`), the permission boundary, an SCP, or a role's trust policy that
   * does not let the principal in (`trust`, @since 0.3.0).
   */
  kind: 'explicitDeny' | 'boundary' | 'scp' | 'trust';
  /** The policy to change, when known (the boundary's or the Deny statement's policy). */
  policy?: string;
  /** For `explicitDeny`: the Deny statement that must change. */
  statement?: MatchedStatement;
  /** The denied requests. */
  requests: { action: string; resource: string }[];
  /** One line saying what to change. */
  message: string;
}

/**
 * What a failing check needs to pass, for one principal: the least policy granting exactly what was implicitly
 * denied (merged, minimised and split like `policy`'s output), and the statements a grant cannot help with.
 * @since 0.2.0
 */
export interface CheckFix {
  /** The policies to grant; empty when nothing a grant can lift was denied. */
  policies: OutputPolicy[];
  /** Denials a grant cannot lift, each with the statement or policy that must change; absent when there are none. */
  changes?: FixChange[];
  /** How many requirements depend on request context: neither granted nor listed as changes. */
  unknown?: number;
}

/** A requirement as written in a fragment (possibly a wildcard), with its concrete results. */
export interface RequirementResult {
  /** The action or action pattern as written. */
  action: string;
  /** The resource as written. */
  resource: string;
  /** The aggregated decision: the worst of its concrete results. */
  decision: Decision;
  /** The concrete results; one entry for a concrete action. */
  results: CheckResult[];
}

/** A fragment and how its requirements fared. */
export interface FragmentReport {
  /** Fragment id. */
  id: string;
  /** Fragment title. */
  title: string;
  /** What the fragment covers and why (the fragment's `description`), when it has one. @since 0.2.0 */
  description?: string;
  /** Where its requirements come from. */
  source: { title: string; url?: string };
  /** One entry per requirement, denied ones first. */
  requirements: RequirementResult[];
}

/** Counts over the distinct concrete (action, resource) pairs checked. */
export interface CheckSummary {
  /** How many were checked. */
  required: number;
  /** How many are allowed. */
  allowed: number;
  /** How many are denied, implicitly or explicitly. */
  denied: number;
  /** How many depend on request context awsperm cannot know. */
  unknown: number;
}

/** The result of `awsperm check` (JSON contract, `schemaVersion: 1`). */
export interface CheckReport {
  /** Version of this JSON contract. */
  schemaVersion: 1;
  /** Tool id, or `null` for an ad-hoc check. */
  tool: string | null;
  /** The tool's version, when known. */
  toolVersion?: string;
  /** The stage, when the tool has stages. */
  stage?: string;
  /** The region the tool would deploy to. */
  region?: string;
  /** The credentials that were examined, or `null` when none were needed (offline mode). */
  credentials: unknown;
  /** The identity behind the credentials, or `null` when not looked up. */
  identity: unknown;
  /** The account this stage is expected to deploy to. */
  expectedAccount?: string;
  /** How the permissions were evaluated. */
  mode: EvaluationMode;
  /** How many AWS requests awsperm made (live modes). */
  requests?: number;
  /** Why that mode ran. */
  modeReason: string;
  /** The principal whose permissions were evaluated, or a description of the policies used. */
  subject: string;
  /** Whether the documented or the precise policy set was checked; `template` for a check of templates alone. */
  policySet: 'documented' | 'precise' | 'ad-hoc' | 'template';
  /** With the precise set: the documented policy's action patterns this app does not need. */
  documentedNotNeeded?: string[];
  /** The fragments checked for the caller, with per-requirement results (for grouped reports). */
  fragments: FragmentReport[];
  /** The caller's results: one entry per distinct concrete action and resource. */
  results: CheckResult[];
  /** Counts over the caller's results. */
  summary: CheckSummary;
  /** When the caller lacks permissions: the policy that grants them, and what a grant cannot fix. @since 0.2.0 */
  fix?: CheckFix;
  /**
   * When the tool deploys through a CloudFormation service role: that second principal's own check. The fields
   * above are the caller's. @since 0.1.0
   */
  serviceRole?: ServiceRoleReport;
  /**
   * Every principal besides the caller that the deploy acts as, each checked separately (the CloudFormation service
   * role is listed here too). @since 0.2.0
   */
  principals?: PrincipalReport[];
  /** Warnings of the run (the adapter's and core's), in order; absent when there are none. @since 0.2.0 */
  warnings?: string[];
  /**
   * When templates were checked: the resource types whose handler permissions no source knows. Their permissions
   * could not be checked, so any entry makes the check not OK.
   */
  unresolvedTypes?: UnresolvedType[];
  /**
   * What the tool's project creates that the adapter has no permission data for (an SST v3 component it does not
   * know, say). Their permissions could not be checked, so any entry makes the check not OK. @since 0.2.0
   */
  unresolved?: UnresolvedRequirement[];
  /**
   * True when every required action is allowed, for the caller and the service role, nothing is unresolved (no
   * template resource type, no project requirement), and the account is the expected one.
   */
  ok: boolean;
}

/** How one principal's permissions were evaluated, and with what result: what every principal's report holds. */
export interface PrincipalEvaluation {
  /** How its permissions were evaluated. */
  mode: EvaluationMode;
  /** Why that way. */
  modeReason: string;
  /** The principal or the policies evaluated. */
  subject: string;
  /** The fragments it must be allowed, with per-requirement results. */
  fragments: FragmentReport[];
  /** One entry per distinct concrete action and resource. */
  results: CheckResult[];
  /** Counts over the results. */
  summary: CheckSummary;
  /** When it lacks permissions: the policy that grants them, and what a grant cannot fix. @since 0.2.0 */
  fix?: CheckFix;
  /** True when it is allowed every requirement. */
  ok: boolean;
}

/** The check of the CloudFormation service role a tool deploys through (the second principal of a check). */
export interface ServiceRoleReport extends PrincipalEvaluation {
  /** The role's ARN. */
  arn: string;
  /** Where the tool takes the role from (e.g. `--role-arn`, `cdk.cloudFormationExecutionRole`). */
  from: string;
}

/** The check of one principal besides the caller (see {@link CheckReport.principals}). @since 0.2.0 */
export interface PrincipalReport extends PrincipalEvaluation {
  /** The adapter's id for the principal, e.g. `service-role`. */
  id: string;
  /** The principal's ARN. */
  arn: string;
  /** How the deploy reaches it, e.g. "CloudFormation service role (--role-arn)". */
  via: string;
  /** Where the tool takes it from, when the adapter says. */
  from?: string;
}
