import { type CredentialLink, type CredentialRules, type Env, type EnvKeyNames, type ProfileChoice, type RegionStep } from '@awsperm/core';
import { envProfileConflict, remoteLinks, screenProjectEnv, sharedFilePaths } from '@awsperm/core/kit';
import { SST_DEFAULT_REGION, type SstProjectInfo } from './project.ts';

/** What SST's credential rules depend on besides the project. */
export interface SstCredentialInput {
  /** The environment awsperm runs with (core's providers read this one). */
  env: Env;
  /** `--profile` (v1, v2 flag; for v3, which has none, awsperm's override). */
  profile?: string;
  /** `--region` (v1, v2 flag). */
  region?: string;
}

/** aws-sdk v2 `EnvironmentCredentials("AMAZON")`, which SST v1 tries after the `AWS_` names. */
export const AMAZON_ENV_NAMES: EnvKeyNames = {
  accessKeyId: ['AMAZON_ACCESS_KEY_ID'],
  secretAccessKey: ['AMAZON_SECRET_ACCESS_KEY'],
  sessionToken: ['AMAZON_SESSION_TOKEN'],
};

/** aws-sdk-go-v2 reads these (SST v3's Go CLI). */
export const GO_ENV_NAMES: EnvKeyNames = {
  accessKeyId: ['AWS_ACCESS_KEY_ID', 'AWS_ACCESS_KEY'],
  secretAccessKey: ['AWS_SECRET_ACCESS_KEY', 'AWS_SECRET_KEY'],
  sessionToken: ['AWS_SESSION_TOKEN'],
};

/** The profile SST would use and why, or undefined when it selects none. */
export function sstProfile(info: SstProjectInfo, input: SstCredentialInput): ProfileChoice | undefined {
  const env = input.env;
  if (info.major === 1) {
    if (input.profile) return { name: input.profile, reason: '--profile', explicit: true };
    if (env.AWS_PROFILE) return { name: env.AWS_PROFILE, reason: 'AWS_PROFILE', explicit: true };
    if (env.AWS_DEFAULT_PROFILE) return { name: env.AWS_DEFAULT_PROFILE, reason: 'AWS_DEFAULT_PROFILE', explicit: true };
    return undefined;
  }
  if (info.major === 2) {
    // Decided before the root's .env files load (initProject), so with the values those files replaced.
    const decided = { ...env, ...info.beforeProfileDecided };
    if (decided.AWS_ACCESS_KEY_ID && decided.AWS_SECRET_ACCESS_KEY) return undefined;
    if (input.profile) return { name: input.profile, reason: '--profile', explicit: true };
    if (info.configProfile) return { name: info.configProfile, reason: 'sst.config config().profile', explicit: true };
    return undefined;
  }
  const noProfile = Boolean(env.SST_AWS_NO_PROFILE);
  if (input.profile) return { name: input.profile, reason: '--profile (awsperm override; SST v3 has no --profile flag)', explicit: true };
  if (info.awsProfileFirst && env.AWS_PROFILE) return { name: env.AWS_PROFILE, reason: 'AWS_PROFILE (beats providers.aws.profile from SST 3.2.64)', explicit: true };
  if (info.configProfile && !noProfile) return { name: info.configProfile, reason: 'sst.config.ts providers.aws.profile', explicit: true };
  return undefined;
}

function sharedProfile(env: Env, withDefaultProfile: boolean): ProfileChoice {
  if (env.AWS_PROFILE) return { name: env.AWS_PROFILE, reason: 'AWS_PROFILE', explicit: true };
  if (withDefaultProfile && env.AWS_DEFAULT_PROFILE) return { name: env.AWS_DEFAULT_PROFILE, reason: 'AWS_DEFAULT_PROFILE', explicit: true };
  return { name: 'default', reason: 'default', explicit: false };
}

/**
 * SST's credential and region rules for the detected version (sst.md §1.4):
 * - v1 (aws-sdk v2, `AwsCliCompatible`): `--profile` alone, else `AWS_`/`AMAZON_` environment keys, then the
 *   profile of `AWS_PROFILE`/`AWS_DEFAULT_PROFILE`/`default`, then web identity, container, instance metadata.
 *   Region: `--region`, `sst.json` `region`, `CDK_DEFAULT_REGION`, `us-east-1`.
 * - v2 (`fromNodeProviderChain`): environment keys cancel any profile; else `--profile`, else `config().profile`;
 *   `fromEnv` is skipped when a profile is given or `AWS_PROFILE` is set. Region: `--region`, `config().region`,
 *   `AWS_REGION`, the profile's region, `us-east-1`.
 * - v3/v4 (aws-sdk-go-v2): a programmatic profile (v3.2: `providers.aws.profile`; from 3.2.64: `AWS_PROFILE`, then
 *   `providers.aws.profile`; `SST_AWS_NO_PROFILE` drops the config one) is used alone; else environment keys, web
 *   identity, the `AWS_PROFILE`/`AWS_DEFAULT_PROFILE`/`default` profile, container, instance metadata. Region:
 *   `providers.aws.region`, `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's region, `us-east-1`.
 */
export function sstCredentialRules(info: SstProjectInfo, input: SstCredentialInput): CredentialRules {
  const env: Env = { ...input.env, ...screenProjectEnv(info.envFromFiles).env };
  const chosen = sstProfile(info, { ...input, env });
  const toolName = info.major === 1 ? 'SST v1' : info.major === 2 ? 'SST v2' : `SST ${info.toolVersion}`;
  let chain: CredentialLink[];
  let profile: ProfileChoice;
  let region: RegionStep[];
  if (info.major === 1) {
    profile = chosen ?? { name: 'default', reason: 'default', explicit: false };
    chain = input.profile
      ? [{ kind: 'env', skip: 'SST v1 uses only the --profile profile' }, { kind: 'ini' }, { kind: 'process' }]
      : [{ kind: 'env' }, { kind: 'env', envNames: AMAZON_ENV_NAMES }, { kind: 'ini' }, { kind: 'process' }, ...remoteLinks(env), { kind: 'token-file' }];
    region = [
      { kind: 'value', value: input.region, label: '--region' },
      { kind: 'value', value: info.configRegion, label: 'sst.json "region"' },
      { kind: 'env', name: 'CDK_DEFAULT_REGION' },
      { kind: 'default', value: SST_DEFAULT_REGION },
    ];
  } else if (info.major === 2) {
    profile = chosen ?? sharedProfile(env, false);
    chain = [
      chosen ? { kind: 'env', skip: `a profile is given (${chosen.reason}); fromEnv is skipped` } : env.AWS_PROFILE ? { kind: 'env', skip: 'AWS_PROFILE is set; fromEnv is skipped' } : { kind: 'env' },
      { kind: 'sso' },
      { kind: 'ini' },
      { kind: 'process' },
      { kind: 'token-file' },
      ...remoteLinks(env),
    ];
    region = [
      { kind: 'value', value: input.region, label: '--region' },
      { kind: 'value', value: info.configRegion, label: 'config().region' },
      { kind: 'env', name: 'AWS_REGION' },
      { kind: 'profile', files: 'credentials-first' },
      { kind: 'default', value: SST_DEFAULT_REGION },
    ];
  } else {
    profile = chosen ?? sharedProfile(env, true);
    chain = chosen
      ? [{ kind: 'env', skip: `a profile is set programmatically (${chosen.reason}); aws-sdk-go-v2 ignores environment keys` }, { kind: 'ini' }]
      : [{ kind: 'env', envNames: GO_ENV_NAMES }, { kind: 'token-file' }, { kind: 'ini' }, ...remoteLinks(env)];
    region = [
      { kind: 'value', value: info.configRegion, label: 'providers.aws.region' },
      { kind: 'env', name: 'AWS_REGION' },
      { kind: 'env', name: 'AWS_DEFAULT_REGION' },
      { kind: 'profile', files: 'credentials-first' },
      { kind: 'default', value: SST_DEFAULT_REGION },
    ];
  }
  return {
    id: `sst-v${info.major}`,
    toolName,
    profile,
    paths: sharedFilePaths(input.env),
    chain,
    region,
    warnings: (ctx) => {
      const out = [...info.warnings];
      if (info.major === 2 && !chosen && (input.profile || info.configProfile)) {
        out.push(`AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are set: SST v2 ignores the profile '${input.profile ?? info.configProfile}' and uses the environment keys`);
      } else if (info.major === 1 && !input.profile) {
        out.push(...envProfileConflict(ctx, ['AWS_ACCESS_KEY_ID'], 'environment', toolName));
      } else if (info.major === 3) {
        out.push(...envProfileConflict(ctx, GO_ENV_NAMES.accessKeyId, 'profile', toolName));
        if (!info.awsProfileFirst && info.configProfile && env.AWS_PROFILE && env.AWS_PROFILE !== info.configProfile) {
          out.push(`SST ${info.toolVersion} (before 3.2.64) uses providers.aws.profile '${info.configProfile}' and ignores AWS_PROFILE '${env.AWS_PROFILE}'`);
        }
        if (info.awsProfileFirst && info.configProfile && env.AWS_PROFILE && env.AWS_PROFILE !== info.configProfile) {
          out.push(`AWS_PROFILE '${env.AWS_PROFILE}' overrides providers.aws.profile '${info.configProfile}' (SST 3.2.64 and later)`);
        }
        for (const role of info.assumeRoles) out.push(`SST then assumes ${role} (providers.aws.assumeRole): it deploys as that role`);
      }
      if (info.webIdentityRole) out.push(`config().role '${info.webIdentityRole}' is only the web-identity role of the SDK chain (AWS_WEB_IDENTITY_TOKEN_FILE), not a CloudFormation role`);
      const fromFiles = Object.keys(info.envFromFiles).filter((k) => /^AWS_|^SST_/.test(k));
      if (fromFiles.length) out.push(`${toolName} reads ${fromFiles.join(', ')} from ${info.envFiles.join(', ')}; awsperm resolved with them, as SST would`);
      return out;
    },
    noCredentialsHint:
      info.major === 3
        ? 'SST would fail to load AWS credentials. Set providers.aws.profile in sst.config.ts, AWS_PROFILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.'
        : `${toolName} would fail to load AWS credentials. Pass --profile, set AWS_PROFILE, or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.`,
  };
}
