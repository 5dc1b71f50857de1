import { AwspermError } from '@awsperm/core';
import { type EnvLayer, loadDotenv } from '../shared/env-files.ts';
import { evaluateSstConfig, evaluateSstConfigDetailed, prepareSstConfig } from '../shared/evaluate.ts';
import {
  ADAPTER,
  DEFAULT_QUALIFIER,
  detectionWarnings,
  firstOf,
  type LoadSstInput,
  layerFields,
  missingName,
  obj,
  personalStage,
  projectBase,
  roleArnOf,
  type SstProjectInfo,
  str,
  workerInputs,
} from '../shared/project.ts';

/**
 * Loads an SST v2 project (`sst.config.*` with `config`/`stacks`) for a stage as SST v2 does (sst/sst v2.44.0
 * packages/sst/src/cli/sst.ts and packages/sst/src/project.ts `initProject`): the working directory's dotenv files,
 * `config(input)` with the CLI flags, the stage, then the root's dotenv files; the CloudFormation service role is
 * `cdk.cloudFormationExecutionRole`.
 */
export async function loadV2Project(input: LoadSstInput): Promise<SstProjectInfo> {
  const d = input.detection;
  const layer: EnvLayer = { env: { ...input.env }, files: [] };
  const warnings = detectionWarnings(d);
  const base = projectBase(d, false);
  if (input.roleArn) {
    throw new AwspermError(
      'PROJECT_CONFIG_INVALID',
      `${input.roleArnFrom ?? '--role-arn'}: SST v2 has no --role-arn; its CloudFormation service role is cdk.cloudFormationExecutionRole in ${d.configFile}`,
      { adapter: ADAPTER, hint: "Set cdk.cloudFormationExecutionRole in config() (v2's --role is only a web-identity role)." },
    );
  }

  prepareSstConfig(d.configFile, input);
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
      [() => personalStage(d.root), '.sst/stage'],
    ],
    'none: SST v2 would prompt (suggesting the OS user name)',
  );
  if (stage && !input.stage) {
    // config(input) sees only CLI flags: check whether the profile would differ had the stage been passed as --stage.
    try {
      const again = await evaluateSstConfig(d.configFile, { call: 'config', input: { ...flags, stage }, ...workerInputs(layer, input, []) });
      if (str(again.profile) !== str(cfg.profile)) {
        warnings.push(
          `the stage '${stage}' comes from ${stageFrom}, but SST v2 passes config() only CLI flags, so input.stage is undefined and the config selects profile '${str(cfg.profile) ?? '(none)'}', not '${str(again.profile) ?? '(none)'}'; SST's --stage ${stage} (the stage option) gets the other`,
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
