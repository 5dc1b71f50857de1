// The session functions as the package's root entry exports them: thin wrappers that load the session code (and
// the credential, evaluator and AWS code behind it) on first call, so that importing `@awsperm/core` stays cheap
// for a command that needs only part of it (the CLI's `policy` never loads the evaluators).
import type { CredentialRules } from '../credentials/types.ts';
import type { CredentialReport, ExplainOptions } from '../credentials/explain.ts';
import type { CheckReport } from '../report/types.ts';
import type { CheckOptions, PolicyOptions, WhoamiOptions } from './options.ts';
import type { PolicyReport } from './policy-report.ts';
import type { WhoamiReport } from './whoami-report.ts';

/**
 * Checks that a principal has every permission a deploy needs (SPEC §2): the tool's requirements (or ad-hoc
 * actions, or templates alone), evaluated offline (policy files, authorization details) or live (IAM simulation,
 * or the principal's fetched policies), for the caller and every other principal the deploy acts as. Returns the
 * report `renderCheckJson`, `renderCheckText` and `renderCheckMarkdown` take; throws `AwspermError`s.
 */
export async function check(options: CheckOptions = {}): Promise<CheckReport> {
  return (await import('./check.ts')).check(options);
}

/**
 * The policy a tool (and/or its templates) needs: merged, minimised (unless `minimize: false`), split to fit IAM's
 * managed-policy size limit; each other principal's policy separately. Needs no credentials.
 */
export async function policy(options: PolicyOptions = {}): Promise<PolicyReport> {
  return (await import('./policy.ts')).policy(options);
}

/**
 * Which credentials the tool would use, why, and who that is (SPEC §3): the tool's credential rules (the generic SDK
 * chain without a detected project), resolved with the AWS SDK's providers, then `sts:GetCallerIdentity`.
 */
export async function whoami(options: WhoamiOptions = {}): Promise<WhoamiReport> {
  return (await import('./whoami.ts')).whoami(options);
}

/**
 * Resolves credentials by `rules`, then identifies the caller, adding identity warnings (root user, derived role ARN)
 * to the explanation. Errors are `CredentialsError`s carrying the explanation so far.
 */
export async function explainCredentials(rules: CredentialRules, options: ExplainOptions): Promise<CredentialReport> {
  return (await import('../credentials/explain.ts')).explainCredentials(rules, options);
}
