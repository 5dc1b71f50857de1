import { readFile } from 'node:fs/promises';
import { AwspermError } from '@awsperm/core';
import { isRecord } from '@awsperm/core/kit';
import { LineCounter, parseDocument } from 'yaml';

/** The parts of `serverless.yml` the adapter reads. */
export interface ServerlessConfig {
  /** `service`: the service name, which prefixes the stack, the functions and the role. */
  service: string;
  /** `provider.stage` as written (may hold a `${opt:stage, 'dev'}` variable). */
  stage?: string;
  /** `provider.region` as written. */
  region?: string;
  /** `provider.profile`: the AWS profile the framework deploys with. */
  profile?: string;
  /** `provider.deploymentBucket` (or its `name`): a bucket the user manages instead of the generated one. */
  deploymentBucket?: string;
  /**
   * `provider.iam.deploymentRole` (or the older `provider.cfnRole`): the CloudFormation service role the framework
   * hands to CloudFormation, which then creates the stack's resources as that role.
   */
  deploymentRole?: string;
  /** The keys of `functions`. */
  functions: string[];
}


function invalid(file: string, message: string, line?: number): never {
  throw new AwspermError('PROJECT_CONFIG_INVALID', `${file}${line ? `:${line}` : ''}: ${message}`, {
    hint: 'Fix serverless.yml; `serverless print` shows how the framework reads it.',
  });
}

function optionalString(file: string, value: unknown, key: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' && typeof value !== 'number') invalid(file, `${key} must be a string`);
  return String(value);
}

/** Validates parsed `serverless.yml` content; errors name the file and the key at fault. */
export function validateServerlessConfig(value: unknown, file: string): ServerlessConfig {
  if (!isRecord(value)) invalid(file, 'the file must hold a YAML mapping');
  const rawService = isRecord(value.service) ? value.service.name : value.service;
  if (typeof rawService !== 'string' || rawService.trim() === '') invalid(file, 'missing "service": name the service');
  if (!/^[a-zA-Z][0-9a-zA-Z-]*$/.test(rawService)) {
    invalid(file, `"service" must start with a letter and hold only letters, digits and hyphens, not "${rawService}"`);
  }
  const provider = value.provider ?? {};
  if (!isRecord(provider)) invalid(file, '"provider" must be a mapping');
  if (provider.name !== undefined && provider.name !== 'aws') invalid(file, `provider.name is "${String(provider.name)}"; awsperm checks AWS only`);
  const bucket = isRecord(provider.deploymentBucket) ? provider.deploymentBucket.name : provider.deploymentBucket;
  const functions = value.functions ?? {};
  if (!isRecord(functions)) invalid(file, '"functions" must be a mapping of function names');
  const config: ServerlessConfig = { service: rawService, functions: Object.keys(functions) };
  const stage = optionalString(file, provider.stage, 'provider.stage');
  const region = optionalString(file, provider.region, 'provider.region');
  const profile = optionalString(file, provider.profile, 'provider.profile');
  const deploymentBucket = optionalString(file, bucket, 'provider.deploymentBucket');
  if (stage !== undefined) config.stage = stage;
  if (region !== undefined) config.region = region;
  if (profile !== undefined) config.profile = profile;
  if (deploymentBucket !== undefined) config.deploymentBucket = deploymentBucket;
  const iam = isRecord(provider.iam) ? provider.iam : {};
  const deploymentRole = optionalString(file, iam.deploymentRole ?? provider.cfnRole, iam.deploymentRole !== undefined ? 'provider.iam.deploymentRole' : 'provider.cfnRole');
  if (deploymentRole !== undefined) {
    if (!/^arn:aws[a-z-]*:iam::\d{12}:role\//.test(deploymentRole)) invalid(file, `provider.iam.deploymentRole must be a role ARN, not "${deploymentRole}"`);
    config.deploymentRole = deploymentRole;
  }
  return config;
}

/** Parses `serverless.yml` text; YAML errors become `PROJECT_CONFIG_INVALID` with the line. */
export function parseServerlessYml(text: string, file: string): ServerlessConfig {
  // Custom tags such as !Ref or !GetAtt only produce warnings here; the adapter never reads CloudFormation resources.
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, lineCounter });
  const [error] = doc.errors;
  if (error) invalid(file, `invalid YAML: ${error.message.split('\n')[0]}`, lineCounter.linePos(error.pos[0]).line);
  return validateServerlessConfig(doc.toJS(), file);
}

/** Reads and validates a `serverless.yml`. */
export async function loadServerlessYml(file: string): Promise<ServerlessConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new AwspermError('FILE_UNREADABLE', `cannot read ${file}: ${(cause as Error).message}`, { cause });
  }
  return parseServerlessYml(text, file);
}

/**
 * The value of a `provider.stage` or `provider.region` setting: literal values as written; the framework's
 * `${opt:<name>, 'default'}` form takes the command-line value or its default; other variables are not resolved.
 */
export function settingValue(value: string | undefined, cli: string | undefined, fallback: string): string {
  if (cli) return cli;
  if (value === undefined) return fallback;
  const variable = /^\$\{\s*(?:opt|sls):\w+\s*(?:,\s*['"]?([^'"}]+?)['"]?\s*)?\}$/.exec(value);
  if (variable) return variable[1] ?? fallback;
  return value.includes('${') ? fallback : value;
}
