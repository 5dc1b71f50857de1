import { firstEnv } from './env.ts';
import { sharedFilePaths } from './files.ts';
import type { CredentialLink, CredentialRules, Env, ProfileChoice, RulesContext } from './types.ts';

/** Options of {@link genericCredentialRules}. */
export interface GenericRulesOptions {
  /** `--profile`: selects a profile as the SDK's `profile` option does. */
  profile?: string;
  /** `--region`. */
  region?: string;
}

/** The remote links of the SDK default chain: container credentials when configured, else instance metadata. */
export function remoteLinks(env: Env): CredentialLink[] {
  if (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI) {
    return [{ kind: 'container' }, { kind: 'instance-metadata', skip: 'container credentials are configured' }];
  }
  const disabled = env.AWS_EC2_METADATA_DISABLED !== undefined && env.AWS_EC2_METADATA_DISABLED !== 'false';
  return [
    { kind: 'container', skip: 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI not set' },
    disabled ? { kind: 'instance-metadata', skip: 'AWS_EC2_METADATA_DISABLED is set' } : { kind: 'instance-metadata' },
  ];
}

/** The warning for "a profile is selected and environment keys are set", worded for the tool that decides. */
export function envProfileConflict(ctx: RulesContext, names: readonly string[], winner: 'profile' | 'environment', toolName: string): string[] {
  const key = firstEnv(ctx.env, names);
  if (!key || !ctx.profile.explicit) return [];
  const p = `profile '${ctx.profile.name}' (${ctx.profile.reason})`;
  return winner === 'profile'
    ? [`${p} and ${key.name} are both set: ${toolName} uses the profile and ignores the environment keys (the AWS CLI would use the environment keys)`]
    : [`${p} and ${key.name} are both set: ${toolName} uses the environment keys and ignores the profile`];
}

/**
 * The generic rules: the AWS SDK for JavaScript v3 default chain (`fromNodeProviderChain`): env (skipped whenever a
 * profile is selected), SSO (skipped: the default chain passes no SSO fields), ini, process, web identity token
 * file, then container credentials or instance metadata. Region: `--region`, `AWS_REGION`, the profile's region.
 */
export function genericCredentialRules(env: Env, options: GenericRulesOptions = {}): CredentialRules {
  const profile: ProfileChoice = options.profile
    ? { name: options.profile, reason: '--profile', explicit: true }
    : env.AWS_PROFILE
      ? { name: env.AWS_PROFILE, reason: 'AWS_PROFILE', explicit: true }
      : { name: 'default', reason: 'default', explicit: false };
  const toolName = 'the AWS SDK for JavaScript v3';
  return {
    id: 'generic',
    toolName,
    profile,
    paths: sharedFilePaths(env),
    chain: [
      profile.explicit ? { kind: 'env', skip: `a profile is selected (${profile.reason}); the SDK skips environment keys` } : { kind: 'env' },
      { kind: 'sso', skip: 'the default chain passes no SSO fields (SSO profiles are resolved by fromIni)' },
      { kind: 'ini' },
      { kind: 'process' },
      { kind: 'token-file' },
      ...remoteLinks(env),
    ],
    region: [
      { kind: 'value', value: options.region, label: '--region' },
      { kind: 'env', name: 'AWS_REGION' },
      { kind: 'profile', files: 'credentials-first' },
    ],
    warnings: (ctx) => envProfileConflict(ctx, ['AWS_ACCESS_KEY_ID'], 'profile', toolName),
    noCredentialsHint: "Set AWS_PROFILE to a configured profile, export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run 'aws configure'.",
  };
}
