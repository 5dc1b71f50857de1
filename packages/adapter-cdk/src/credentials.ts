import type { CredentialLink, CredentialRules, Env, EnvKeyNames, ProfileChoice } from '@awsperm/core';
import { firstEnv, remoteLinks, sharedFilePaths } from '@awsperm/core/kit';

// How the CDK CLI resolves credentials and the default region, after aws/aws-cdk-cli @
// 7ff50e77f314548128df33ec9042c17fa0da6c1c:
// - packages/aws-cdk/lib/cli/user-configuration.ts: settings merge ~/.cdk.json, then cdk.json, then the command line
//   (`--profile`), the later winning;
// - packages/@aws-cdk/toolkit-lib/lib/api/aws-auth/awscli-compatible.ts (`credentialChainBuilder`, `region`,
//   `shouldPrioritizeEnv`): a profile from the settings → `fromIni({ profile })` alone; otherwise, when an access key
//   and secret are in the environment (AWS_* or AMAZON_*), `fromEnv()` first, then `fromNodeProviderChain({ profile:
//   AWS_PROFILE || AWS_DEFAULT_PROFILE })`. Region: AWS_REGION, AMAZON_REGION, AWS_DEFAULT_REGION,
//   AMAZON_DEFAULT_REGION, the profile's region (credentials file before config file), the `default` profile's,
//   instance metadata on EC2, else us-east-1. The CLI also sets AWS_EC2_METADATA_DISABLED when it is unset and the
//   machine is not an EC2 instance, which awsperm cannot tell: instance metadata stays a link unless disabled.

/** The CDK CLI's name for messages. */
export const CDK_CLI = 'the AWS CDK CLI';

/** The environment key names the CDK CLI accepts (it copies AMAZON_* into AWS_* before the SDK reads them). */
export const CDK_ENV_NAMES: EnvKeyNames = {
  accessKeyId: ['AWS_ACCESS_KEY_ID', 'AMAZON_ACCESS_KEY_ID'],
  secretAccessKey: ['AWS_SECRET_ACCESS_KEY', 'AMAZON_SECRET_ACCESS_KEY'],
  sessionToken: ['AWS_SESSION_TOKEN', 'AMAZON_SESSION_TOKEN'],
};

/** The CDK CLI's default region when nothing names one. */
export const CDK_DEFAULT_REGION = 'us-east-1';

/** What {@link cdkCredentialRules} needs. */
export interface CdkCredentialInput {
  /** The environment. */
  env: Env;
  /** `--profile`. */
  profileFlag?: string;
  /** The `profile` key of `cdk.json`. */
  projectProfile?: string;
  /** The `profile` key of `~/.cdk.json`. */
  userProfile?: string;
  /** `--region` (awsperm's override). */
  region?: string;
}

/** The profile the CDK CLI uses, and why. */
export function cdkProfile(input: CdkCredentialInput): { choice: ProfileChoice; fromSettings: boolean } {
  const { env } = input;
  if (input.profileFlag) return { choice: { name: input.profileFlag, reason: '--profile', explicit: true }, fromSettings: true };
  if (input.projectProfile) return { choice: { name: input.projectProfile, reason: 'cdk.json "profile"', explicit: true }, fromSettings: true };
  if (input.userProfile) return { choice: { name: input.userProfile, reason: '~/.cdk.json "profile"', explicit: true }, fromSettings: true };
  if (env.AWS_PROFILE) return { choice: { name: env.AWS_PROFILE, reason: 'AWS_PROFILE', explicit: true }, fromSettings: false };
  if (env.AWS_DEFAULT_PROFILE) return { choice: { name: env.AWS_DEFAULT_PROFILE, reason: 'AWS_DEFAULT_PROFILE', explicit: true }, fromSettings: false };
  return { choice: { name: 'default', reason: 'default', explicit: false }, fromSettings: false };
}

/**
 * The CDK CLI's credential and region resolution as rules: a profile from `--profile`, `cdk.json` or `~/.cdk.json`
 * is the only source (`fromIni`; environment keys are ignored); without one, environment keys come first (even with
 * AWS_PROFILE set), then the SDK's default chain with AWS_PROFILE or AWS_DEFAULT_PROFILE.
 */
export function cdkCredentialRules(input: CdkCredentialInput): CredentialRules {
  const { env } = input;
  const { choice, fromSettings } = cdkProfile(input);
  const envKeys = Boolean(firstEnv(env, CDK_ENV_NAMES.accessKeyId) && firstEnv(env, CDK_ENV_NAMES.secretAccessKey));
  const onlyIni = `the profile comes from ${choice.reason}: the CDK CLI uses fromIni alone`;
  const chain: CredentialLink[] = fromSettings
    ? [
        { kind: 'env', skip: `${onlyIni}, environment keys are ignored` },
        { kind: 'ini' },
        ...remoteLinks(env).map((l) => ({ ...l, skip: onlyIni })),
      ]
    : [
        envKeys || !choice.explicit ? { kind: 'env', envNames: CDK_ENV_NAMES } : { kind: 'env', skip: `no access key and secret in the environment, and ${choice.reason} selects a profile` },
        { kind: 'sso', skip: 'the default chain passes no SSO fields (SSO profiles are resolved by fromIni)' },
        { kind: 'ini' },
        { kind: 'process' },
        { kind: 'token-file' },
        ...remoteLinks(env),
      ];
  const regionProfile = choice.name;
  return {
    id: 'cdk',
    toolName: CDK_CLI,
    profile: choice,
    paths: sharedFilePaths(env),
    chain,
    region: [
      { kind: 'value', value: input.region, label: '--region' },
      { kind: 'env', name: 'AWS_REGION' },
      { kind: 'env', name: 'AMAZON_REGION' },
      { kind: 'env', name: 'AWS_DEFAULT_REGION' },
      { kind: 'env', name: 'AMAZON_DEFAULT_REGION' },
      { kind: 'profile', files: 'credentials-first', name: regionProfile },
      ...(regionProfile === 'default' ? [] : [{ kind: 'profile' as const, files: 'credentials-first' as const, name: 'default' }]),
      { kind: 'default', value: CDK_DEFAULT_REGION },
    ],
    warnings: (ctx) => {
      const key = firstEnv(ctx.env, CDK_ENV_NAMES.accessKeyId);
      if (!key) return [];
      if (fromSettings) return [`profile '${choice.name}' (${choice.reason}) and ${key.name} are both set: ${CDK_CLI} uses the profile and ignores the environment keys`];
      if (choice.explicit) return [`${choice.reason} and ${key.name} are both set: ${CDK_CLI} uses the environment keys first (the AWS SDK's default chain would use the profile)`];
      return [];
    },
    noCredentialsHint: 'Set "profile" in cdk.json or ~/.cdk.json, give the profile option, or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.',
  };
}
