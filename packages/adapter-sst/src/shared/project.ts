import { basename, join } from 'node:path';
import { AwspermError, type ErrorDetails } from '@awsperm/core';
import { readRegularFile, screenProjectEnv } from '@awsperm/core/kit';
import type { SstDetection, SstMajor } from './detect.ts';
import type { EnvLayer } from './env-files.ts';
import type { EvaluateOptions, SstUnknownValue } from './evaluate.ts';

/** The adapter's package name, which its errors carry. */
export const ADAPTER = '@awsperm/adapter-sst';

/** The CDK bootstrap qualifier when none is configured (aws/aws-cdk-cli bootstrap-template.yaml, `Qualifier`). */
export const DEFAULT_QUALIFIER = 'hnb659fds';
/** The region every SST version falls back to (sst.md §6). */
export const SST_DEFAULT_REGION = 'us-east-1';

/** What the SST adapter understood of a project, for one stage: `ToolProject.config`. */
export interface SstProjectInfo {
  /** 1 (`sst.json`), 2 (`config`/`stacks`) or 3 (v3 and v4, `$config`). */
  major: SstMajor;
  /** The reported version. */
  toolVersion: string;
  /** True for v3 from 3.2.64 on (and v4), where `AWS_PROFILE` beats the config profile; false for earlier v3. */
  awsProfileFirst: boolean;
  /** The app name. */
  app: string;
  /** The stage SST would deploy, when one resolves without a prompt. */
  stage?: string;
  /** Where the stage came from (`--stage`, `SST_STAGE`, `.sst/stage`, …), or why there is none. */
  stageFrom: string;
  /** The profile the config names (v2 `config().profile`, v3 `providers.aws.profile`). */
  configProfile?: string;
  /** The region the config names (v1 `sst.json` `region`, v2 `config().region`, v3 `providers.aws.region`). */
  configRegion?: string;
  /** The environment SST would resolve credentials with: the process environment plus the dotenv files SST loads. */
  env: Record<string, string | undefined>;
  /** The dotenv files that took part, in load order. */
  envFiles: string[];
  /**
   * The variables the dotenv files set or changed (the rest comes from the process environment): `ToolProject.env`.
   * Redirecting ones (endpoints, proxies, CA bundles, credential files) are here but never applied: readers screen them.
   */
  envFromFiles: Record<string, string>;
  /**
   * SST v2 decides the profile before it loads the project root's `.env`, `.env.local`, `.env.<stage>` and
   * `.env.<stage>.local`: the values those files replaced, as they were when the profile was decided (`undefined`:
   * unset), so that the profile rule sees them while the SDK's providers see the files' values.
   */
  beforeProfileDecided: Record<string, string | undefined>;
  /** The CloudFormation service role: v1 `--role-arn`, v2 `cdk.cloudFormationExecutionRole`. */
  cloudFormationRole?: string;
  /** Where {@link SstProjectInfo.cloudFormationRole} comes from. */
  cloudFormationRoleFrom?: string;
  /** The SST bootstrap bucket name or pattern (v1 `sstbootstrap-*`; v2 `bootstrap.bucketName`, the CDK bucket with `bootstrap.useCdkBucket`), when SST fixes it. */
  bootstrapBucket?: string;
  /** v2 `config().role` / `--role`: only the web-identity role of the SDK chain. */
  webIdentityRole?: string;
  /** v3 `providers.aws.assumeRole(s)` role ARNs (role chaining after the profile). */
  assumeRoles: string[];
  /** CDK bootstrap qualifier (v1, v2). */
  qualifier: string;
  /** CDK toolkit stack name (v1, v2). */
  toolkitStackName: string;
  /** SST bootstrap stack name (v1, v2). */
  bootstrapStackName: string;
  /** Things SST does that the user may not expect. */
  warnings: string[];
  /** The config as evaluated (v2 `config()`, v3 `app()`) or parsed (`sst.json`). */
  raw: Record<string, unknown>;
}

/** What {@link loadSstProject} needs. */
export interface LoadSstInput {
  /** Where the user runs SST (dotenv files SST reads from the working directory). */
  cwd: string;
  /** The detection. */
  detection: SstDetection;
  /** `--stage`. */
  stage?: string;
  /** `--region` (v1, v2 flag; v3 has none). */
  region?: string;
  /** `--profile` (v2 passes it to `config(input)` with the other flags). */
  profile?: string;
  /** The process environment. */
  env: Readonly<Record<string, string | undefined>>;
  /** The OS user name SST v3 would guess a stage from. */
  username?: string;
  /** v1 `--role-arn`. */
  roleArn?: string;
  /** Where `roleArn` comes from, for messages. */
  roleArnFrom?: string;
  /** Evaluation time limit, ms. */
  timeoutMs?: number;
  /** False (`--no-exec`): the config is read statically, never run. */
  exec?: boolean;
  /** The requirement set the command will ask for (core's hint): `precise` on SST v3 means the app will be discovered. */
  requirements?: 'precise' | 'documented';
  /**
   * Receives each of {@link SstProjectInfo.warnings} once the project is loaded (how the version was decided, values
   * from stand-ins, …), so that commands without credential rules (`policy`) show them too: pass the hook's `log.warn`.
   */
  warn?: (message: string) => void;
}

/** The environment fields of {@link SstProjectInfo} from the dotenv layer built while loading. */
export function layerFields(
  layer: EnvLayer,
  env: Readonly<Record<string, string | undefined>>,
  beforeProfileDecided: Record<string, string | undefined> = {},
): Pick<SstProjectInfo, 'env' | 'envFiles' | 'envFromFiles' | 'beforeProfileDecided'> {
  // What the project's .env files set or changed, beyond the process environment.
  const envFromFiles: Record<string, string> = {};
  for (const [k, v] of Object.entries(layer.env)) if (v !== undefined && v !== env[k]) envFromFiles[k] = v;
  // Endpoints, CA bundles, proxies and credential files from project files never apply (core's screenProjectEnv);
  // envFromFiles keeps them so that the CLI names them in its warning, and every reader screens it.
  const effective = { ...layer.env };
  for (const k of screenProjectEnv(envFromFiles).ignored) effective[k] = env[k];
  return { env: effective, envFiles: layer.files, envFromFiles, beforeProfileDecided };
}

/** The environment, dotenv values, bound and warning sink of one config evaluation in the worker. */
export function workerInputs(layer: EnvLayer, input: LoadSstInput, warnings: string[]): Pick<EvaluateOptions, 'env' | 'fromFiles' | 'timeoutMs' | 'warn' | 'exec'> {
  const fromFiles: Record<string, string> = {};
  for (const [k, v] of Object.entries(layer.env)) if (v !== undefined && v !== input.env[k]) fromFiles[k] = v;
  return { env: layer.env, fromFiles, ...(input.timeoutMs ? { timeoutMs: input.timeoutMs } : {}), ...(input.exec === false ? { exec: false } : {}), warn: (m) => warnings.push(m) };
}

/** The first candidate with a value, and where it came from. */
export function firstOf(candidates: [string | undefined | (() => string | undefined), string][], none: string): { stage?: string; stageFrom: string } {
  for (const [candidate, from] of candidates) {
    // A candidate that costs a read (a file, the user database) is a function: asked only when those before are empty.
    const value = typeof candidate === 'function' ? candidate() : candidate;
    if (value) return { stage: value, stageFrom: from };
  }
  return { stageFrom: none };
}

/** A `PROJECT_CONFIG_INVALID` error about `file`. */
export function invalid(file: string, message: string, hint?: string, remedy?: ErrorDetails['PROJECT_CONFIG_INVALID']['remedy']): AwspermError {
  return AwspermError.from('PROJECT_CONFIG_INVALID', { file, detail: message, ...(remedy ? { remedy } : {}) }, { adapter: ADAPTER, ...(hint ? { hint } : {}) });
}

/** The error for a config without an app name: which stand-in the name came from, when it came from one. */
export function missingName(file: string, call: 'config' | 'app', unknown: readonly SstUnknownValue[]): AwspermError {
  const u = unknown.find((x) => x.path === '.name');
  if (!u) return invalid(file, `${call}() must return a "name"`);
  return invalid(
    file,
    `${call}() "name" ${u.workspace ? 'comes from' : 'depends on'} ${u.origin}: the app name is unknown`,
    u.package === ''
      ? `Write the name as a string literal in ${basename(file)}, or let awsperm run the config (the exec option, not false).`
      : `Write the name in ${basename(file)}, or import it from a project file with a relative path (awsperm bundles those)${u.workspace ? '; awsperm never runs workspace packages' : ''}.`,
    u.package === '' ? 'exec' : undefined,
  );
}

/** A non-empty string, or undefined. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A plain object, or an empty one. */
export function obj(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** An IAM role ARN, or a config error naming where it came from. */
export function roleArnOf(value: string, from: string): string {
  if (!/^arn:(aws[a-z-]*|\$\{AWS::Partition\}):iam::(\d{12}|\$\{AWS::AccountId\}):role\/.+$/.test(value)) {
    throw new AwspermError('PROJECT_CONFIG_INVALID', `${from}: '${value}' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`, { adapter: ADAPTER });
  }
  return value;
}

/** The personal stage SST v1, v2 and v3 save in `.sst/stage`, if any. */
export function personalStage(root: string): string | undefined {
  try {
    return readRegularFile(join(root, '.sst', 'stage'), 'project').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The fields every major's {@link SstProjectInfo} starts with, in this order. */
export function projectBase(
  d: SstDetection,
  awsProfileFirst: boolean,
): Pick<SstProjectInfo, 'major' | 'toolVersion' | 'awsProfileFirst' | 'qualifier' | 'toolkitStackName' | 'bootstrapStackName' | 'assumeRoles'> {
  return {
    major: d.major,
    toolVersion: d.toolVersion,
    awsProfileFirst,
    qualifier: DEFAULT_QUALIFIER,
    toolkitStackName: 'CDKToolkit',
    bootstrapStackName: 'SSTBootstrap',
    assumeRoles: [] as string[],
  };
}

/** The warnings a load starts with: how the version was decided, else `ifNone` (a major's note on an unknown version). */
export function detectionWarnings(d: SstDetection, ifNone?: string): string[] {
  if (d.warnings) return [...d.warnings];
  return ifNone ? [ifNone] : [];
}
