// @awsperm/core: the session API (check, policy, whoami and their renderers), the adapter contract, the policy
// model and the errors. Adapter building blocks are in `@awsperm/core/kit`, the CloudFormation template API in
// `@awsperm/core/cloudformation` (loaded only when templates are read), the conformance kit in `@awsperm/core/testing`.

// Session API
// check, policy and whoami load the session code on first call (session/entry.ts): importing the root stays cheap.
export { check, explainCredentials, policy, whoami } from './session/entry.ts';
export { allPolicies, type FragmentRef, type PolicyReport, type PrincipalPolicy, policySizeNotes, renderPolicyJson } from './session/policy-report.ts';
export { renderWhoamiJson, renderWhoamiText, type WhoamiReport } from './session/whoami-report.ts';
export type { CheckOptions, CredentialOptions, PolicyOptions, SessionLog, SessionOptions, WhoamiOptions } from './session/options.ts';
export { type AdapterOrigin, type AdapterRegistry, discoverAdapters, type FoundAdapter } from './session/adapters.ts';
export type { CredentialsJson } from './session/credentials.ts';
export { DEFAULT_TIMEOUT_SECONDS } from './aws/deadline.ts';

// Reports
export { renderCheckJson } from './report/json.ts';
export { renderCheckMarkdown } from './report/markdown.ts';
export { colors, plain, shouldColor, type Styles } from './report/style.ts';
export { renderCheckText } from './report/text.ts';
export type {
  CheckFix,
  CheckReport,
  CheckResult,
  CheckSummary,
  EvaluationMode,
  FragmentReport,
  MatchedStatement,
  PrincipalReport,
  RequirementResult,
  ServiceRoleReport,
} from './report/types.ts';
export type { Decision } from './engine/types.ts';
export type { Identity } from './identity.ts';
export type { UnresolvedType } from './templates/types.ts';

// Adapter contract
export { defineAdapter } from './adapter.ts';
export type {
  AdapterArgs,
  AdapterAws,
  AdapterContext,
  AdapterLog,
  AdapterScope,
  AwspermAdapter,
  AwspermAdapterV1,
  AwspermAdapterV2,
  CloudFormationSource,
  CredentialRulesContext,
  DetectContext,
  Detection,
  LoadContext,
  LoadProjectContext,
  PolicySetContext,
  PrincipalRequirement,
  ProjectContext,
  Requirements,
  RequirementsContext,
  RequirementSource,
  UnresolvedRequirement,
  TemplateLocations,
  TemplateLocationsContext,
  ToolProject,
  TrustRequirement,
} from './adapter.ts';
export { validateAdapter } from './adapter-validate.ts';
export type {
  CredentialExplanation,
  CredentialLink,
  CredentialRules,
  Env,
  EnvKeyNames,
  LinkGuardResult,
  ProfileChoice,
  RegionStep,
  RulesContext,
} from './credentials/types.ts';

// Errors
export { AwspermError, type AwspermErrorOptions, type ErrorCode, type ErrorDetails, type ErrorKind } from './errors.ts';

// Configuration
export { type AwspermConfig, expectedAccount, type LoadedConfig, loadConfig, type ModeSetting } from './config.ts';

// Policy model, evaluation and output
export type {
  FragmentSource,
  NamedPolicy,
  PolicyDocument,
  PolicyFragment,
  PolicySet,
  PolicySetKind,
  ServiceRoleSet,
  Statement,
} from './policy/types.ts';
export { listOf, statementsOf, validatePolicyDocument } from './policy/document.ts';
export { loadPolicyFiles } from './evaluators/policy-files.ts';
export { type LintFinding, lintFiles, lintPolicies } from './policy/lint.ts';
export { renderLintSarif } from './policy/lint-sarif.ts';
export { renderCloudFormation, renderTerraform } from './policy/formats.ts';
export { buildPolicies, type OutputPolicy, POLICY_SIZE_LIMITS } from './policy/output.ts';
export { actionExists, expandAction } from './catalog.ts';
export { runCheck } from './check.ts';
export { createPolicyEvaluator } from './evaluators/static.ts';
export { evaluate } from './engine/evaluate.ts';
export { buildRequestContext } from './request-context.ts';
export { AWSPERM_READ_POLICY } from './aws/read-only.ts';
