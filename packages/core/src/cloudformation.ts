/**
 * `@awsperm/core/cloudformation`: CloudFormation templates in (JSON/YAML, `cdk.out` cloud assemblies, nested stacks,
 * asset manifests) and the IAM actions deploying them needs (handler permissions from awsperm's table, its overlay,
 * AWS's schema bundle or `cloudformation:DescribeType`). A separate entry so that `@awsperm/core` stays quick to load.
 * @packageDocumentation
 */
export { defaultSchemaCacheDir, type OnlineSchemaOptions } from './cfn/describe-type.ts';
export { customResourceActions, isCustomResourceType, OVERLAY_HANDLER_PERMISSIONS, type OverlayEntry } from './cfn/overlay.ts';
export { createHandlerResolver, type HandlerResolverOptions } from './cfn/resolver.ts';
export { type BundleSchema, HANDLER_OPERATIONS, parseSchema, readSchemaBundle, type SchemaBundle, type SchemaHandlers } from './cfn/schemas.ts';
export { MAX_MANIFEST_MAJOR, parseEnvironment, readCloudAssembly, type CloudAssembly } from './templates/cdk-assembly.ts';
export { classifyTemplatePath, loadTemplates, stackNameOf } from './templates/load.ts';
export { type ArnContext, NAMED_TYPES, type NamedType, partitionOf, resourceArns, valuePattern } from './templates/names.ts';
export { parseTemplate, readTemplateFile, validateTemplate } from './templates/parse.ts';
export { type PassedRole, passedRoles } from './templates/pass-role.ts';
export { DEFAULT_OPERATIONS, type TemplateRequirements, type TemplateRequirementsOptions, templateRequirements } from './templates/required.ts';
export { cfnYamlTags } from './templates/yaml-tags.ts';
export type * from './cfn/types.ts';
export type * from './templates/types.ts';
