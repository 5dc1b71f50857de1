// @awsperm/core/kit: what adapter authors build adapters with. The root entry holds the session API and the
// contract types; this entry holds the building blocks (fragment tables, credential rules, config reading).
export { featureConditions, fillPlaceholders, type FragmentTemplate, fragmentFromTemplate, mapResources, selectTemplates } from './kit/fragments.ts';
export { CDK_BOOTSTRAP_SOURCE, cdkBootstrapFragments, type CdkBootstrapOptions } from './kit/cdk-bootstrap.ts';
export { projectConfigError, usageError } from './kit/errors.ts';
export { firstEnv, goTruthy } from './credentials/env.ts';
export { homeDir, mergedProfile, profileChain, readProfileFiles, sharedFilePaths } from './credentials/files.ts';
export { envProfileConflict, type GenericRulesOptions, genericCredentialRules, remoteLinks } from './credentials/generic.ts';
export { findJsonErrorOffset, isRecord, parseJson, positionAt, readJsonFile, readTextFile, type TextPosition } from './json.ts';
export { globToRegExp, hasWildcard, matchesGlob } from './engine/glob.ts';
export { actionExists, actionResourceTypes, actionsOfService, catalogVersion, expandAction, serviceExists, splitAction } from './catalog.ts';
export { INPUT_LIMITS, type InputKind, readRegularFile } from './files.ts';
export { ignoredVariablesWarning, isRedirectVariable, screenProjectEnv } from './project-env.ts';
export { isSecretName, MAX_MESSAGE_CHARS, redactSecrets, terminalSafe } from './sanitize.ts';
export { configSearchDirs, type LoadConfigOptions } from './config.ts';
export { type ErrorCatalogue, type ErrorData, type ErrorText, errorCodes } from './errors-data.ts';
export { type AwsClientOptions, readPolicyJson } from './aws/read-only.ts';
export type { RequirementContext } from './policy/types.ts';
export type { ContextValue } from './request-context.ts';
