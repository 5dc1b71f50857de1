import type { CredentialRules, EnvKeyNames, ProfileChoice } from '@awsperm/core';
import { envProfileConflict, remoteLinks } from '@awsperm/core/kit';
import { assembleRules, type SstCredentialInput } from '../shared/credentials.ts';
import { SST_DEFAULT_REGION, type SstProjectInfo } from '../shared/project.ts';

/** aws-sdk v2 `EnvironmentCredentials("AMAZON")`, which SST v1 tries after the `AWS_` names. */
export const AMAZON_ENV_NAMES: EnvKeyNames = {
  accessKeyId: ['AMAZON_ACCESS_KEY_ID'],
  secretAccessKey: ['AMAZON_SECRET_ACCESS_KEY'],
  sessionToken: ['AMAZON_SESSION_TOKEN'],
};

/** The profile SST v1 uses and why: `--profile`, `AWS_PROFILE`, `AWS_DEFAULT_PROFILE`, else none. */
export function v1Profile(_info: SstProjectInfo, input: SstCredentialInput): ProfileChoice | undefined {
  const env = input.env;
  if (input.profile) return { name: input.profile, reason: '--profile', explicit: true };
  if (env.AWS_PROFILE) return { name: env.AWS_PROFILE, reason: 'AWS_PROFILE', explicit: true };
  if (env.AWS_DEFAULT_PROFILE) return { name: env.AWS_DEFAULT_PROFILE, reason: 'AWS_DEFAULT_PROFILE', explicit: true };
  return undefined;
}

/**
 * SST v1's credential and region rules (aws-sdk v2, `AwsCliCompatible`; sst.md §1.4): `--profile` alone, else
 * `AWS_`/`AMAZON_` environment keys, then the profile of `AWS_PROFILE`/`AWS_DEFAULT_PROFILE`/`default`, then web
 * identity, container, instance metadata. Region: `--region`, `sst.json` `region`, `CDK_DEFAULT_REGION`, `us-east-1`.
 */
export function v1CredentialRules(info: SstProjectInfo, input: SstCredentialInput): CredentialRules {
  return assembleRules(info, input, (env) => {
    const chosen = v1Profile(info, { ...input, env });
    const toolName = 'SST v1';
    return {
      toolName,
      profile: chosen ?? { name: 'default', reason: 'default', explicit: false },
      chain: input.profile
        ? [{ kind: 'env', skip: 'SST v1 uses only the --profile profile' }, { kind: 'ini' }, { kind: 'process' }]
        : [{ kind: 'env' }, { kind: 'env', envNames: AMAZON_ENV_NAMES }, { kind: 'ini' }, { kind: 'process' }, ...remoteLinks(env), { kind: 'token-file' }],
      region: [
        { kind: 'value', value: input.region, label: '--region' },
        { kind: 'value', value: info.configRegion, label: 'sst.json "region"' },
        { kind: 'env', name: 'CDK_DEFAULT_REGION' },
        { kind: 'default', value: SST_DEFAULT_REGION },
      ],
      warnings: (ctx) => (input.profile ? [] : envProfileConflict(ctx, ['AWS_ACCESS_KEY_ID'], 'environment', toolName)),
      noCredentialsHint: `${toolName} would fail to load AWS credentials. Select a profile (the profile option), set AWS_PROFILE, or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.`,
    };
  });
}
