import type { CredentialRules, EnvKeyNames, ProfileChoice } from '@awsperm/core';
import { envProfileConflict, remoteLinks } from '@awsperm/core/kit';
import { assembleRules, type SstCredentialInput, sharedProfile } from '../shared/credentials.ts';
import { SST_DEFAULT_REGION, type SstProjectInfo } from '../shared/project.ts';

/** aws-sdk-go-v2 reads these (SST v3's Go CLI). */
export const GO_ENV_NAMES: EnvKeyNames = {
  accessKeyId: ['AWS_ACCESS_KEY_ID', 'AWS_ACCESS_KEY'],
  secretAccessKey: ['AWS_SECRET_ACCESS_KEY', 'AWS_SECRET_KEY'],
  sessionToken: ['AWS_SESSION_TOKEN'],
};

/**
 * The profile SST v3/v4 sets programmatically and why: awsperm's `--profile`, then (from 3.2.64) `AWS_PROFILE`,
 * then `providers.aws.profile` unless `SST_AWS_NO_PROFILE` is set; else none.
 */
export function v3Profile(info: SstProjectInfo, input: SstCredentialInput): ProfileChoice | undefined {
  const env = input.env;
  const noProfile = Boolean(env.SST_AWS_NO_PROFILE);
  if (input.profile) return { name: input.profile, reason: '--profile (awsperm override; SST v3 has no --profile flag)', explicit: true };
  if (info.awsProfileFirst && env.AWS_PROFILE) return { name: env.AWS_PROFILE, reason: 'AWS_PROFILE (beats providers.aws.profile from SST 3.2.64)', explicit: true };
  if (info.configProfile && !noProfile) return { name: info.configProfile, reason: 'sst.config.ts providers.aws.profile', explicit: true };
  return undefined;
}

/**
 * SST v3/v4's credential and region rules (aws-sdk-go-v2; sst.md §1.4): a programmatic profile ({@link v3Profile})
 * is used alone; else environment keys, web identity, the `AWS_PROFILE`/`AWS_DEFAULT_PROFILE`/`default` profile,
 * container, instance metadata. Region: `providers.aws.region`, `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's
 * region, `us-east-1`.
 */
export function v3CredentialRules(info: SstProjectInfo, input: SstCredentialInput): CredentialRules {
  return assembleRules(info, input, (env) => {
    const chosen = v3Profile(info, { ...input, env });
    const toolName = `SST ${info.toolVersion}`;
    return {
      toolName,
      profile: chosen ?? sharedProfile(env, true),
      chain: chosen
        ? [{ kind: 'env', skip: `a profile is set programmatically (${chosen.reason}); aws-sdk-go-v2 ignores environment keys` }, { kind: 'ini' }]
        : [{ kind: 'env', envNames: GO_ENV_NAMES }, { kind: 'token-file' }, { kind: 'ini' }, ...remoteLinks(env)],
      region: [
        { kind: 'value', value: info.configRegion, label: 'providers.aws.region' },
        { kind: 'env', name: 'AWS_REGION' },
        { kind: 'env', name: 'AWS_DEFAULT_REGION' },
        { kind: 'profile', files: 'credentials-first' },
        { kind: 'default', value: SST_DEFAULT_REGION },
      ],
      warnings: (ctx) => {
        const out = envProfileConflict(ctx, GO_ENV_NAMES.accessKeyId, 'profile', toolName);
        if (!info.awsProfileFirst && info.configProfile && env.AWS_PROFILE && env.AWS_PROFILE !== info.configProfile) {
          out.push(`SST ${info.toolVersion} (before 3.2.64) uses providers.aws.profile '${info.configProfile}' and ignores AWS_PROFILE '${env.AWS_PROFILE}'`);
        }
        if (info.awsProfileFirst && info.configProfile && env.AWS_PROFILE && env.AWS_PROFILE !== info.configProfile) {
          out.push(`AWS_PROFILE '${env.AWS_PROFILE}' overrides providers.aws.profile '${info.configProfile}' (SST 3.2.64 and later)`);
        }
        for (const role of info.assumeRoles) out.push(`SST then assumes ${role} (providers.aws.assumeRole): it deploys as that role`);
        return out;
      },
      noCredentialsHint: 'SST would fail to load AWS credentials. Set providers.aws.profile in sst.config.ts, AWS_PROFILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.',
    };
  });
}
