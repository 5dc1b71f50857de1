import { userInfo } from 'node:os';
import { AwspermError } from '@awsperm/core';
import { atLeast } from '../shared/detect.ts';
import { type EnvLayer, loadDotenv } from '../shared/env-files.ts';
import { evaluateSstConfigDetailed, prepareSstConfig } from '../shared/evaluate.ts';
import { prepareSstDiscovery } from './app/discovery.ts';
import {
  ADAPTER,
  detectionWarnings,
  firstOf,
  invalid,
  type LoadSstInput,
  layerFields,
  missingName,
  obj,
  personalStage,
  projectBase,
  type SstProjectInfo,
  str,
  workerInputs,
} from '../shared/project.ts';

/** First v3 tag where `AWS_PROFILE` beats the config profile (anomalyco/sst commit 9f51da0). */
export const AWS_PROFILE_FIRST_FROM = '3.2.64';

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

/**
 * Loads an SST v3/v4 project (`sst.config.ts` with `$config`) for a stage as SST's Go CLI does (anomalyco/sst
 * v4.17.0 cmd/sst/cli/cli.go `Stage` and pkg/project/provider/aws.go): the working directory's dotenv files around
 * the stage, `app({ stage })`, then the config directory's `.env`; `providers.aws` gives the profile, region and roles.
 * There is no CloudFormation service role: SST v3 deploys with Pulumi.
 */
export async function loadV3Project(input: LoadSstInput): Promise<SstProjectInfo> {
  const d = input.detection;
  const layer: EnvLayer = { env: { ...input.env }, files: [] };
  const warnings = detectionWarnings(
    d,
    d.exactVersion ? undefined : `SST version unknown (${d.toolVersion}): assuming v3.2.64 or later, where AWS_PROFILE beats providers.aws.profile`,
  );
  // Without an exact version the latest rules apply, except for the `ion` dist-tag (v3 before 3.0).
  const base = projectBase(d, d.exactVersion ? atLeast(d.exactVersion, AWS_PROFILE_FIRST_FROM) : d.toolVersion !== 'ion');
  if (input.roleArn) {
    const data = { file: input.roleArnFrom ?? 'the roleArn option', detail: 'SST v3/v4 deploys with Pulumi, not CloudFormation: there is no CloudFormation service role', remedy: 'drop-role-arn' } as const;
    throw AwspermError.from('PROJECT_CONFIG_INVALID', data, { adapter: ADAPTER, hint: 'Give no service role (the roleArn option).' });
  }

  prepareSstConfig(d.configFile, input);
  // check's precise requirements discover the app (app() and run() in a worker of its own) once app() is read: its
  // worker boots and its bundle is made meanwhile instead of afterwards.
  if (input.requirements === 'precise' && input.exec !== false) prepareSstDiscovery(d.configFile, input.env, input.timeoutMs);
  // v3 / v4: the working directory's .env (no override) is loaded at CLI start (godotenv.Load).
  loadDotenv(layer, input.cwd, '.env', false);
  const { stage, stageFrom } = firstOf(
    [
      [input.stage, '--stage'],
      [str(layer.env.SST_STAGE), 'SST_STAGE'],
      [() => personalStage(d.root), '.sst/stage'],
      [() => v3StageGuess(input.username ?? osUser()), 'the OS user name (SST saves it to .sst/stage)'],
    ],
    'none',
  );
  if (!stage) {
    throw AwspermError.from(
      'PROJECT_CONFIG_INVALID',
      { file: d.configFile, detail: 'no stage: SST v3 without a TTY fails with "No stage specified"', remedy: 'stage' },
      { adapter: ADAPTER, hint: 'Give the stage (the stage option), set SST_STAGE, or write the stage to .sst/stage.' },
    );
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