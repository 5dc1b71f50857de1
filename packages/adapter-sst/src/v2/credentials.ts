import type { CredentialRules, ProfileChoice } from '@awsperm/core';
import { remoteLinks } from '@awsperm/core/kit';
import { assembleRules, type SstCredentialInput, sharedProfile } from '../shared/credentials.ts';
import { SST_DEFAULT_REGION, type SstProjectInfo } from '../shared/project.ts';

/**
 * The profile SST v2 uses and why: none when environment keys are set, else `--profile`, else `config().profile`.
 * SST v2 decides it before the root's `.env` files load (`initProject`), so with the values those files replaced.
 */
export function v2Profile(info: SstProjectInfo, input: SstCredentialInput): ProfileChoice | undefined {
  const env = input.env;
  const decided = { ...env, ...info.beforeProfileDecided };
  if (decided.AWS_ACCESS_KEY_ID && decided.AWS_SECRET_ACCESS_KEY) return undefined;
  if (input.profile) return { name: input.profile, reason: '--profile', explicit: true };
  if (info.configProfile) return { name: info.configProfile, reason: 'sst.config config().profile', explicit: true };
  return undefined;
}

/**
 * SST v2's credential and region rules (`fromNodeProviderChain`; sst.md §1.4): environment keys cancel any profile;
 * else `--profile`, else `config().profile`; `fromEnv` is skipped when a profile is given or `AWS_PROFILE` is set.
 * Region: `--region`, `config().region`, `AWS_REGION`, the profile's region, `us-east-1`.
 */
export function v2CredentialRules(info: SstProjectInfo, input: SstCredentialInput): CredentialRules {
  return assembleRules(info, input, (env) => {
    const chosen = v2Profile(info, { ...input, env });
    const toolName = 'SST v2';
    return {
      toolName,
      profile: chosen ?? sharedProfile(env, false),
      chain: [
        chosen ? { kind: 'env', skip: `a profile is given (${chosen.reason}); fromEnv is skipped` } : env.AWS_PROFILE ? { kind: 'env', skip: 'AWS_PROFILE is set; fromEnv is skipped' } : { kind: 'env' },
        { kind: 'sso' },
        { kind: 'ini' },
        { kind: 'process' },
        { kind: 'token-file' },
        ...remoteLinks(env),
      ],
      region: [
        { kind: 'value', value: input.region, label: '--region' },
        { kind: 'value', value: info.configRegion, label: 'config().region' },
        { kind: 'env', name: 'AWS_REGION' },
        { kind: 'profile', files: 'credentials-first' },
        { kind: 'default', value: SST_DEFAULT_REGION },
      ],
      warnings: () =>
        !chosen && (input.profile || info.configProfile)
          ? [`AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are set: SST v2 ignores the profile '${input.profile ?? info.configProfile}' and uses the environment keys`]
          : [],
      noCredentialsHint: `${toolName} would fail to load AWS credentials. Select a profile (the profile option), set AWS_PROFILE, or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.`,
    };
  });
}
