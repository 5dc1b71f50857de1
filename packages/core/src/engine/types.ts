/**
 * The outcome of evaluating one request:
 * - `allowed`: an Allow applies and no Deny does;
 * - `implicitDeny`: nothing allows it;
 * - `explicitDeny`: a Deny statement applies;
 * - `unknown`: the answer depends on request context awsperm does not have (a condition key, a policy variable).
 */
export type Decision = 'allowed' | 'implicitDeny' | 'explicitDeny' | 'unknown';

/** A reference to one statement of one policy, for tracing a decision back to its source. */
export interface StatementRef {
  /** The policy's name as given to the engine. */
  policy: string;
  /** 0-based index of the statement within the policy. */
  statementIndex: number;
  /** The statement's Sid, when it has one. */
  sid?: string;
  /** The statement's effect. */
  effect: 'Allow' | 'Deny';
  /** Whether the statement belongs to the permission boundary rather than the identity policies. */
  boundary?: boolean;
}

/** One request to evaluate: an action on a resource. Either may be an IAM wildcard pattern. */
export interface EvaluationRequest {
  /** `service:Action`; a pattern means "every action it matches". */
  action: string;
  /** Resource ARN or `*`; a pattern means "every resource it matches". */
  resource: string;
  /**
   * Request context of this request, over the evaluator's own (a key here replaces the evaluator's): what the
   * tool's request carries and what the user gave.
   */
  context?: Readonly<Record<string, string | readonly string[] | null>>;
}

/** The decision for one request, with what led to it. */
export interface EvaluationResult {
  /** The decision. */
  decision: Decision;
  /**
   * The statements behind the decision: the Allows for `allowed`, the Denies for `explicitDeny`, the statements
   * whose conditions could not be decided for `unknown`; for `implicitDeny`, empty, or the identity policies' Allows
   * when a permission boundary or an SCP is what denied it (see `deniedBy`).
   */
  matched: StatementRef[];
  /** One line explaining the decision, for reports. */
  reason: string;
  /** For `unknown`: the condition keys or policy variables the decision depends on. */
  contextKeys?: string[];
  /** True when the permission boundary is what denied the request. */
  deniedByBoundary?: boolean;
  /**
   * For `implicitDeny`: a limit that no grant in the identity policies can lift — the permission boundary (named by
   * `policy`) or an Organizations SCP does not allow the request. The identity policies may allow it too or not:
   * an Allow of theirs is in `matched`. @since 0.2.0
   */
  deniedBy?: { kind: 'boundary' | 'scp'; policy?: string };
}
