/** A value IAM accepts either alone or as a list. */
export type OneOrMany<T> = T | T[];

/**
 * An IAM condition block: operator → condition key → value(s), exactly as written in a policy document.
 * Example: `{ "StringEquals": { "aws:RequestedRegion": ["eu-west-1"] } }`.
 */
export type ConditionBlock = Record<string, Record<string, OneOrMany<string | number | boolean>>>;

/** An IAM policy statement as written in an identity-based policy document. */
export interface Statement {
  /** Optional statement id. */
  Sid?: string;
  /** Whether the statement allows or denies. */
  Effect: 'Allow' | 'Deny';
  /** Actions the statement applies to (`service:Action`, wildcards allowed). Exclusive with `NotAction`. */
  Action?: OneOrMany<string>;
  /** Actions the statement does not apply to. Exclusive with `Action`. */
  NotAction?: OneOrMany<string>;
  /** Resource ARNs the statement applies to (wildcards allowed). Exclusive with `NotResource`. */
  Resource?: OneOrMany<string>;
  /** Resource ARNs the statement does not apply to. Exclusive with `Resource`. */
  NotResource?: OneOrMany<string>;
  /** Conditions that must all hold for the statement to apply. */
  Condition?: ConditionBlock;
  /** Resource-based policies only: whom the statement applies to (`"*"`, or `{ "AWS": … }`, `{ "Service": … }`). */
  Principal?: '*' | Record<string, OneOrMany<string>>;
  /** Resource-based policies only: whom the statement does not apply to. */
  NotPrincipal?: '*' | Record<string, OneOrMany<string>>;
}

/** An IAM policy document. */
export interface PolicyDocument {
  /** Policy language version; `2012-10-17` is the current one. */
  Version?: string;
  /** Optional document id. */
  Id?: string;
  /** One statement or a list of them. */
  Statement: OneOrMany<Statement>;
}

/** A policy document together with the name awsperm uses to refer to it in reports. */
export interface NamedPolicy {
  /** Where the policy comes from: a file name, a managed policy ARN, `user/alice inline policy deploy`, … */
  name: string;
  /** The document. */
  document: PolicyDocument;
}

/** Where a policy fragment's requirements come from. */
export interface FragmentSource {
  /** Human description, e.g. "Up documentation: AWS Credentials". */
  title: string;
  /** A public URL for the source, when there is one. */
  url?: string;
}

/**
 * A named, documented set of statements a tool needs, e.g. `up.documented` or `sst.cdk-bootstrap`.
 * Fragments are data: adapters build them from cited tables.
 */
export interface PolicyFragment {
  /** Stable id, `<tool>.<name>`. */
  id: string;
  /** One-line title for reports. */
  title: string;
  /** Longer explanation of why the tool needs this, shown in markdown reports. */
  description?: string;
  /** Where the requirements come from. */
  source: FragmentSource;
  /** The features that switch this fragment on; empty or absent means always on. */
  features?: string[];
  /**
   * The required statements. Only `Allow` statements express requirements. A required statement's `StringEquals`
   * condition says what the requests carry: `{ "StringEquals": { "iam:PassedToService": ["lambda.amazonaws.com"] } }`
   * on `iam:PassRole` is checked as a request passing the role to Lambda (one request per value).
   */
  statements: Statement[];
  /**
   * Request context the tool's requests of this fragment carry, for the conditions of the policies checked: the
   * service an `iam:PassRole` hands the role to, the tags the tool applies (`aws:RequestTag/sst:app`). The user's
   * own context wins over it.
   * @since 0.3.0
   */
  context?: RequirementContext[];
}

/** Request context of some of a fragment's requests; see {@link PolicyFragment.context}. */
export interface RequirementContext {
  /** The actions (IAM patterns, case-insensitive) whose requests carry the values; absent: every request. */
  actions?: string[];
  /** Condition key → its value, or a list for a multivalued key. */
  values: Record<string, string | string[]>;
}

/**
 * Which of a tool's policies a set represents: what the tool's documentation says to grant, or what the tool
 * really calls, scoped to the project.
 */
export type PolicySetKind = 'documented' | 'precise';

/** The fragments an adapter returns for one project. */
export interface PolicySet {
  /** Whether these are the documented or the precise requirements. */
  kind: PolicySetKind;
  /** The fragments, in the order reports should show them. */
  fragments: PolicyFragment[];
  /**
   * When the tool deploys through a CloudFormation service role: the role, and the fragments that role (not the
   * caller) must be allowed, because CloudFormation creates the stacks' resources with it. `fragments` then holds
   * what the caller needs (CloudFormation, `iam:PassRole` on the role, assets). Core checks the two principals
   * separately.
   * @since 0.1.0
   */
  serviceRole?: ServiceRoleSet;
}

/** The CloudFormation service role part of a {@link PolicySet}. */
export interface ServiceRoleSet {
  /** The role's ARN. */
  arn: string;
  /** Where the tool takes the role from, for messages (e.g. `--role-arn`, `cdk.cloudFormationExecutionRole`). */
  from: string;
  /** What the role must be allowed. */
  fragments: PolicyFragment[];
}
