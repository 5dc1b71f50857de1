import { userInfo } from 'node:os';
import { basename, join } from 'node:path';
import { AwspermError } from '@awsperm/core';
import { parseJson, readRegularFile, screenProjectEnv } from '@awsperm/core/kit';
import { atLeast, type SstDetection, type SstMajor } from './detect.ts';
import { type EnvLayer, loadDotenv } from './env-files.ts';
import { type EvaluateOptions, evaluateSstConfig, evaluateSstConfigDetailed, type SstUnknownValue } from './evaluate.ts';

const ADAPTER = '@awsperm/adapter-sst';

/** The CDK bootstrap qualifier when none is configured (aws/aws-cdk-cli bootstrap-template.yaml, `Qualifier`). */
export const DEFAULT_QUALIFIER = 'hnb659fds';
/** The region every SST version falls back to (sst.md §6). */
export const SST_DEFAULT_REGION = 'us-east-1';
/** First v3 tag where `AWS_PROFILE` beats the config profile (anomalyco/sst commit 9f51da0). */
export const AWS_PROFILE_FIRST_FROM = '3.2.64';

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
  /**
   * Receives each of {@link SstProjectInfo.warnings} once the project is loaded (how the version was decided, values
   * from stand-ins, …), so that commands without credential rules (`policy`) show them too: pass the hook's `log.warn`.
   */
  warn?: (message: string) => void;
}

function layerFields(
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
function workerInputs(layer: EnvLayer, input: LoadSstInput, warnings: string[]): Pick<EvaluateOptions, 'env' | 'fromFiles' | 'timeoutMs' | 'warn' | 'exec'> {
  const fromFiles: Record<string, string> = {};
  for (const [k, v] of Object.entries(layer.env)) if (v !== undefined && v !== input.env[k]) fromFiles[k] = v;
  return { env: layer.env, fromFiles, ...(input.timeoutMs ? { timeoutMs: input.timeoutMs } : {}), ...(input.exec === false ? { exec: false } : {}), warn: (m) => warnings.push(m) };
}

/** The first candidate with a value, and where it came from. */
function firstOf(candidates: [string | undefined, string][], none: string): { stage?: string; stageFrom: string } {
  for (const [value, from] of candidates) if (value) return { stage: value, stageFrom: from };
  return { stageFrom: none };
}

function invalid(file: string, message: string, hint?: string): AwspermError {
  return new AwspermError('PROJECT_CONFIG_INVALID', `${file}: ${message}`, { adapter: ADAPTER, ...(hint ? { hint } : {}) });
}

/** The error for a config without an app name: which stand-in the name came from, when it came from one. */
function missingName(file: string, call: 'config' | 'app', unknown: readonly SstUnknownValue[]): AwspermError {
  const u = unknown.find((x) => x.path === '.name');
  if (!u) return invalid(file, `${call}() must return a "name"`);
  return invalid(
    file,
    `${call}() "name" ${u.workspace ? 'comes from' : 'depends on'} ${u.origin}: the app name is unknown`,
    u.package === ''
      ? `Write the name as a string literal in ${basename(file)}, or run without --no-exec.`
      : `Write the name in ${basename(file)}, or import it from a project file with a relative path (awsperm bundles those)${u.workspace ? '; awsperm never runs workspace packages' : ''}.`,
  );
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function obj(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** An IAM role ARN, or a config error naming where it came from. */
function roleArnOf(value: string, from: string): string {
  if (!/^arn:(aws[a-z-]*|\$\{AWS::Partition\}):iam::(\d{12}|\$\{AWS::AccountId\}):role\/.+$/.test(value)) {
    throw new AwspermError('PROJECT_CONFIG_INVALID', `${from}: '${value}' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`, { adapter: ADAPTER });
  }
  return value;
}

function personalStage(root: string): string | undefined {
  try {
    return readRegularFile(join(root, '.sst', 'stage'), 'project').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** SST v3's stage guess from the OS user name: lower-cased, `[^a-zA-Z0-9-]` removed, none for root/admin/prod/dev/production. */
export function v3StageGuess(username: string): string | undefined {
  const guess = username.toLowerCase().replace(/[^a-zA-Z0-9-]/g, '');
  return ['root', 'admin', 'prod', 'dev', 'production'].includes(guess) ? undefined : guess || undefined;
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return '';
  }
}

function readSstJson(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readRegularFile(file, 'project', 'sst.json');
  } catch (error) {
    if (AwspermError.is(error) && error.code !== 'FILE_NOT_FOUND') throw invalid(file, error.message.replace(/: [^:]*$/, ''));
    throw invalid(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`);
  }
  // core's parser gives the line and column; V8's own message can echo the file's content, which may hold secrets.
  const parsed = parseJson(text, file);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid(file, 'must be a JSON object');
  const json = parsed as Record<string, unknown>;
  if (!str(json.name)) throw invalid(file, '"name" is required (the SST v1 CLI exits without it)', 'Add "name": "<app>" to sst.json.');
  for (const key of ['region', 'stage', 'main', 'ssmPrefix']) {
    if (json[key] !== undefined && typeof json[key] !== 'string') throw invalid(file, `"${key}" must be a string`);
  }
  return json;
}

/**
 * Loads an SST project for a stage exactly as the detected SST version does (sst.md §1.4; sst/sst v1.18.4
 * packages/cli/bin/scripts.mjs `getStage`, v2.44.0 packages/sst/src/project.ts `initProject`, anomalyco/sst
 * v4.17.0 cmd/sst/cli/cli.go `Stage` and pkg/project/provider/aws.go): the stage, the config's profile and region,
 * the dotenv files that feed the environment, and the roles.
 */
export async function loadSstProject(input: LoadSstInput): Promise<SstProjectInfo> {
  const info = await loadForStage(input);
  if (input.warn) for (const w of info.warnings) input.warn(w);
  return info;
}

async function loadForStage(input: LoadSstInput): Promise<SstProjectInfo> {
  const d = input.detection;
  const layer: EnvLayer = { env: { ...input.env }, files: [] };
  const warnings: string[] = [];
  const base = {
    major: d.major,
    toolVersion: d.toolVersion,
    // Without an exact version the latest rules apply, except for the `ion` dist-tag (v3 before 3.0).
    awsProfileFirst: d.major === 3 && (d.exactVersion ? atLeast(d.exactVersion, AWS_PROFILE_FIRST_FROM) : d.toolVersion !== 'ion'),
    qualifier: DEFAULT_QUALIFIER,
    toolkitStackName: 'CDKToolkit',
    bootstrapStackName: 'SSTBootstrap',
    assumeRoles: [] as string[],
  };
  if (d.warnings) warnings.push(...d.warnings);
  else if (d.major === 3 && !d.exactVersion) {
    warnings.push(`SST version unknown (${d.toolVersion}): assuming v3.2.64 or later, where AWS_PROFILE beats providers.aws.profile`);
  }

  if (d.major === 1) {
    const json = readSstJson(d.configFile);
    const { stage, stageFrom } = firstOf(
      [
        [input.stage, '--stage'],
        [str(json.stage), 'sst.json "stage" (deprecated)'],
        [personalStage(d.root), '.sst/stage'],
      ],
      'none: SST v1 would prompt (it does not read SST_STAGE)',
    );
    if (!input.stage && input.env.SST_STAGE) warnings.push(`SST v1 ignores SST_STAGE ('${input.env.SST_STAGE}'); pass --stage $SST_STAGE`);
    const info: SstProjectInfo = {
      ...base,
      app: json.name as string,
      stageFrom,
      ...layerFields(layer, input.env),
      warnings,
      raw: json,
    };
    if (stage) info.stage = stage;
    if (str(json.region)) info.configRegion = json.region as string;
    info.bootstrapBucket = 'sstbootstrap-*';
    if (input.roleArn) {
      info.cloudFormationRole = roleArnOf(input.roleArn, input.roleArnFrom ?? '--role-arn');
      info.cloudFormationRoleFrom = input.roleArnFrom ?? '--role-arn';
    }
    return info;
  }

  if (input.roleArn) {
    throw new AwspermError(
      'PROJECT_CONFIG_INVALID',
      d.major === 2
        ? `${input.roleArnFrom ?? '--role-arn'}: SST v2 has no --role-arn; its CloudFormation service role is cdk.cloudFormationExecutionRole in ${d.configFile}`
        : `${input.roleArnFrom ?? '--role-arn'}: SST v3/v4 deploys with Pulumi, not CloudFormation: there is no CloudFormation service role`,
      {
        adapter: ADAPTER,
        hint: d.major === 2 ? "Set cdk.cloudFormationExecutionRole in config() (v2's --role is only a web-identity role)." : 'Drop --role-arn.',
      },
    );
  }

  if (d.major === 2) {
    // .env and .env.local of the working directory, with override, before the stage is resolved (packages/sst/src/cli/sst.ts).
    loadDotenv(layer, input.cwd, '.env', true);
    loadDotenv(layer, input.cwd, '.env.local', true);
    const flags: Record<string, unknown> = {};
    if (input.stage) flags.stage = input.stage;
    if (input.region) flags.region = input.region;
    if (input.profile) flags.profile = input.profile;
    const { value: cfg, unknown } = await evaluateSstConfigDetailed(d.configFile, { call: 'config', input: flags, ...workerInputs(layer, input, warnings) });
    if (!str(cfg.name)) throw missingName(d.configFile, 'config', unknown);
    const { stage, stageFrom } = firstOf(
      [
        [input.stage, '--stage'],
        [str(cfg.stage), 'config().stage'],
        [str(layer.env.SST_STAGE), 'SST_STAGE'],
        [personalStage(d.root), '.sst/stage'],
      ],
      'none: SST v2 would prompt (suggesting the OS user name)',
    );
    if (stage && !input.stage) {
      // config(input) sees only CLI flags: check whether the profile would differ had the stage been passed as --stage.
      try {
        const again = await evaluateSstConfig(d.configFile, { call: 'config', input: { ...flags, stage }, ...workerInputs(layer, input, []) });
        if (str(again.profile) !== str(cfg.profile)) {
          warnings.push(
            `the stage '${stage}' comes from ${stageFrom}, but SST v2 passes config() only CLI flags, so input.stage is undefined and the config selects profile '${str(cfg.profile) ?? '(none)'}', not '${str(again.profile) ?? '(none)'}'; pass --stage ${stage} to get the other`,
          );
        }
      } catch {
        // The first evaluation succeeded; a failure with the stage set is the config's business.
      }
    }
    // After the stage and profile are decided, initProject loads the root's .env files with override; the SDK's
    // providers, created later, read them (sst/sst v2.44.0 packages/sst/src/project.ts, credentials.ts).
    const decided = { ...layer.env };
    for (const name of ['.env', '.env.local', ...(stage ? [`.env.${stage}`, `.env.${stage}.local`] : [])]) loadDotenv(layer, d.root, name, true);
    const beforeProfileDecided: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(layer.env)) if (v !== decided[k]) beforeProfileDecided[k] = decided[k];
    const cdk = obj(cfg.cdk);
    const bootstrap = obj(cfg.bootstrap);
    const info: SstProjectInfo = {
      ...base,
      app: cfg.name as string,
      stageFrom,
      ...layerFields(layer, input.env, beforeProfileDecided),
      warnings,
      raw: cfg,
      qualifier: str(cdk.qualifier) ?? DEFAULT_QUALIFIER,
      toolkitStackName: str(cdk.toolkitStackName) ?? 'CDKToolkit',
      bootstrapStackName: str(bootstrap.stackName) ?? 'SSTBootstrap',
    };
    if (stage) info.stage = stage;
    if (str(cfg.profile)) info.configProfile = cfg.profile as string;
    if (str(cfg.region)) info.configRegion = cfg.region as string;
    if (str(cdk.cloudFormationExecutionRole)) {
      info.cloudFormationRole = roleArnOf(cdk.cloudFormationExecutionRole as string, `${d.configFile}: cdk.cloudFormationExecutionRole`);
      info.cloudFormationRoleFrom = 'cdk.cloudFormationExecutionRole';
    }
    // The metadata bucket: bootstrap.bucketName, the CDK assets bucket with useCdkBucket, else generated from the stack name.
    if (str(bootstrap.bucketName)) info.bootstrapBucket = bootstrap.bucketName as string;
    else if (bootstrap.useCdkBucket === true) info.bootstrapBucket = str(cdk.fileAssetsBucketName) ?? 'cdk-{qualifier}-assets-{account}-{region}';
    if (str(cfg.role)) info.webIdentityRole = cfg.role as string;
    return info;
  }

  // v3 / v4: the working directory's .env (no override) is loaded at CLI start (godotenv.Load).
  loadDotenv(layer, input.cwd, '.env', false);
  const { stage, stageFrom } = firstOf(
    [
      [input.stage, '--stage'],
      [str(layer.env.SST_STAGE), 'SST_STAGE'],
      [personalStage(d.root), '.sst/stage'],
      [v3StageGuess(input.username ?? osUser()), 'the OS user name (SST saves it to .sst/stage)'],
    ],
    'none',
  );
  if (!stage) {
    throw new AwspermError('PROJECT_CONFIG_INVALID', `${d.configFile}: no stage: SST v3 without a TTY fails with "No stage specified"`, {
      adapter: ADAPTER,
      hint: 'Pass --stage, set SST_STAGE, or write the stage to .sst/stage.',
    });
  }
  if (/[^a-zA-Z0-9-]/.test(stage)) throw invalid(d.configFile, `stage '${stage}' has characters SST v3 rejects (only a-z, A-Z, 0-9 and -)`);
  // .env.<stage>: godotenv.Load (no override) before 3.2.64, Overload after.
  loadDotenv(layer, input.cwd, `.env.${stage}`, base.awsProfileFirst);
  const { value: cfg, unknown } = await evaluateSstConfigDetailed(d.configFile, { call: 'app', input: { stage }, ...workerInputs(layer, input, warnings) });
  // The config directory's .env, without override, after the config is evaluated.
  loadDotenv(layer, d.root, '.env', false);
  const name = str(cfg.name);
  if (!name) throw missingName(d.configFile, 'app', unknown);
  if (/[^a-zA-Z0-9-]/.test(name)) throw invalid(d.configFile, `app name '${name}' may only hold a-z, A-Z, 0-9 and -`);
  if (!str(cfg.home)) throw invalid(d.configFile, 'app() must return a "home" ("aws", "cloudflare" or "local")');
  const providers = obj(cfg.providers);
  const awsRaw = providers.aws;
  const aws = awsRaw === true || typeof awsRaw === 'string' ? {} : obj(awsRaw);
  if (cfg.profile !== undefined && providers.aws === undefined) {
    warnings.push('app() has "profile" at the top level; SST v3 reads it only from providers.aws.profile (issue #4403)');
  }
  const roles = [obj(aws.assumeRole).roleArn, ...(Array.isArray(aws.assumeRoles) ? aws.assumeRoles.map((r) => obj(r).roleArn) : [])];
  const info: SstProjectInfo = {
    ...base,
    app: name,
    stage,
    stageFrom,
    ...layerFields(layer, input.env),
    warnings,
    raw: cfg,
    assumeRoles: roles.filter((r): r is string => typeof r === 'string' && r !== ''),
  };
  if (str(aws.profile)) info.configProfile = aws.profile as string;
  if (str(aws.region)) info.configRegion = aws.region as string;
  return info;
}
