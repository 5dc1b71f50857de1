export type {
  AwspermAdapter,
  CredentialRulesContext,
  DetectContext,
  Detection,
  LoadProjectContext,
  MaybePromise,
  PolicySetContext,
  TemplateLocations,
  TemplateLocationsContext,
  ToolProject,
} from './adapter.ts';
export {
  type AwspermConfig,
  configSearchDirs,
  expectedAccount,
  type LoadConfigOptions,
  type LoadedConfig,
  loadConfig,
  type ModeSetting,
  validateConfig,
} from './config.ts';
export { INPUT_LIMITS, type InputKind, readRegularFile } from './files.ts';
export { ignoredVariablesWarning, isRedirectVariable, screenProjectEnv } from './project-env.ts';
export { isSecretName, MAX_MESSAGE_CHARS, redactSecrets, terminalSafe } from './sanitize.ts';
export { callAdapter, SUPPORTED_ADAPTER_API_VERSIONS, validateAdapter } from './adapter-validate.ts';
export { actionExists, actionResourceTypes, actionsOfService, catalogVersion, expandAction, serviceExists, splitAction } from './catalog.ts';
export type { HandlerOperation, HandlerPermissions, HandlerResolver, HandlerSource, ResourceTypePermissions } from './cfn/types.ts';
// The CloudFormation template and handler-permission API (values) is the `@awsperm/core/cloudformation` entry: it is
// only loaded when templates are read, which keeps the start-up of every other command short.
export { type CheckOutcome, type Evaluator, isDenied, runCheck, worstDecision } from './check.ts';
export {
  type ConditionOutcome,
  evaluateConditions,
  type ParsedOperator,
  parseOperator,
  type RequestContext,
  substituteVariables,
} from './engine/conditions.ts';
export { evaluate, type PrincipalPolicies } from './engine/evaluate.ts';
export { globCovers, globOverlaps, globToRegExp, hasWildcard, matchesGlob } from './engine/glob.ts';
export type { Decision, EvaluationRequest, EvaluationResult, StatementRef } from './engine/types.ts';
export { AwspermError, type AwspermErrorOptions, type ErrorCode, type ErrorData, type ErrorKind, errorCodes } from './errors.ts';
export {
  type AuthorizationDetailsPrincipal,
  assumedRoleName,
  loadAuthorizationDetails,
  principalFromAuthorizationDetails,
} from './evaluators/authorization-details.ts';
export { decode as decodePolicyDocument, loadPolicyFiles, policiesInFile } from './evaluators/policy-files.ts';
export { createPolicyEvaluator } from './evaluators/static.ts';
export { findJsonErrorOffset, isRecord, parseJson, positionAt, readJsonFile, readTextFile, type TextPosition } from './json.ts';
export { listOf, statementsOf, validatePolicyDocument } from './policy/document.ts';
export { type LintFinding, type LintSeverity, lintPolicies } from './policy/lint.ts';
export { type PolicyFormat, renderCloudFormation, renderTerraform } from './policy/formats.ts';
export { minimiseStatements } from './policy/minimise.ts';
export { buildPolicies, mergeStatements, type OutputPolicy, POLICY_SIZE_LIMITS, policySize, splitPolicies } from './policy/output.ts';
export type {
  ConditionBlock,
  FragmentSource,
  NamedPolicy,
  OneOrMany,
  PolicyDocument,
  PolicyFragment,
  PolicySet,
  PolicySetKind,
  ServiceRoleSet,
  Statement,
} from './policy/types.ts';
export type {
  AssetDestination,
  CfnTemplate,
  LoadedTemplates,
  StackAssets,
  StackEnvironment,
  TemplateResource,
  TemplateStack,
  UnresolvedType,
} from './templates/types.ts';
export { buildRequestContext, type PrincipalFacts } from './request-context.ts';
export { renderCheckJson } from './report/json.ts';
export { renderCheckMarkdown } from './report/markdown.ts';
export { colors, plain, shouldColor, type Styles } from './report/style.ts';
export { describeRequirement, renderCheckText, summaryLine, unresolvedHint } from './report/text.ts';
export type {
  CheckReport,
  CheckResult,
  CheckSummary,
  EvaluationMode,
  FragmentReport,
  MatchedStatement,
  RequirementResult,
  ServiceRoleReport,
} from './report/types.ts';
export { endpointFor, type AwsService } from './credentials/endpoints.ts';
export { firstEnv, goTruthy, maskAccessKeyId, redact, withProcessEnv } from './credentials/env.ts';
export { type CredentialReport, type ExplainOptions, explainCredentials } from './credentials/explain.ts';
export { awsErrorCode, type ClassifiedFailure, CredentialsError, classifyFailure, networkCode } from './credentials/failure.ts';
export { homeDir, mergedProfile, permissionWarning, profileChain, readProfileFiles, sharedFilePaths } from './credentials/files.ts';
export { envProfileConflict, type GenericRulesOptions, genericCredentialRules, remoteLinks } from './credentials/generic.ts';
export { PROVIDER_NAMES, resolveCredentials, resolveRegion, SDK_ENV_NAMES } from './credentials/resolve.ts';
export type {
  AwsCredentials,
  ChainStep,
  CredentialExplanation,
  CredentialLink,
  CredentialRules,
  CredentialSource,
  Env,
  EnvKeyNames,
  LinkGuardResult,
  LinkKind,
  ProfileChoice,
  ProfileFiles,
  RegionStep,
  ResolvedCredentials,
  ResolveOptions,
  RulesContext,
  SharedFilePaths,
} from './credentials/types.ts';
export { getIdentity, type Identity, type IdentityOptions, identityWarnings, parseCallerArn, type PrincipalKind } from './identity.ts';
export { createDeadline, type Deadline, DEFAULT_TIMEOUT_SECONDS } from './aws/deadline.ts';
export {
  AWSPERM_READ_POLICY,
  type AwsClientOptions,
  createCloudFormationClient,
  createIamClient,
  createStsClient,
  CREDENTIAL_EXCHANGE_OPERATIONS,
  credentialExchangeGuard,
  enforceReadOnly,
  isReadOnlyOperation,
  READ_ONLY_OPERATIONS,
  RequestCounter,
  readPolicyJson,
} from './aws/read-only.ts';
export {
  createLocalEvaluator,
  type FetchedPrincipal,
  fetchPrincipalPolicies,
  type LocalEvaluator,
  type LocalOptions,
  type PrincipalCallOptions,
  readPermissionsHint,
} from './evaluators/local.ts';
export { createSimulateEvaluator, mapSimulationResult, type SimulateOptions } from './evaluators/simulate.ts';
