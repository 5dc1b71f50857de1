import { type CredentialLink, type CredentialRules, type ProfileChoice } from '@awsperm/core';
import { remoteLinks, sharedFilePaths } from '@awsperm/core/kit';

/** What the Serverless Framework's credential rules depend on. */
export interface ServerlessCredentialInput {
  /** The environment. */
  env: Readonly<Record<string, string | undefined>>;
  /** The stage being deployed. */
  stage: string;
  /** `provider.profile` from serverless.yml. */
  providerProfile?: string;
  /** `--aws-profile` (awsperm's `--profile` stands for it). */
  awsProfile?: string;
  /** `--region`. */
  region?: string;
  /** `provider.region` from serverless.yml. */
  providerRegion?: string;
}

const both = (env: ServerlessCredentialInput['env'], prefix: string): boolean =>
  Boolean(env[`${prefix}_ACCESS_KEY_ID`] && env[`${prefix}_SECRET_ACCESS_KEY`]);

/**
 * The Serverless Framework's credential precedence (`lib/plugins/aws/provider.js`, `getCredentials`, serverless v2/v3:
 * later sources override earlier ones): `--aws-profile` > `AWS_<STAGE>_PROFILE` > `AWS_<STAGE>_ACCESS_KEY_ID` keys >
 * `AWS_PROFILE` > `AWS_ACCESS_KEY_ID` keys > `provider.profile` > the default profile (`AWS_DEFAULT_PROFILE` or
 * `default`). The framework merges partial results; these rules name the source that wins.
 */
export function serverlessCredentialRules(input: ServerlessCredentialInput): CredentialRules {
  const { env } = input;
  const stageUpper = input.stage.toUpperCase();
  const stageProfile = env[`AWS_${stageUpper}_PROFILE`];
  const profileOnly = (profile: ProfileChoice): Pick<CredentialRules, 'profile' | 'chain'> => ({
    profile,
    chain: [{ kind: 'ini' }, { kind: 'process' }, ...remoteLinks(env)],
  });
  const keys = (prefix: string): CredentialLink => ({
    kind: 'env',
    envNames: {
      accessKeyId: [`${prefix}_ACCESS_KEY_ID`],
      secretAccessKey: [`${prefix}_SECRET_ACCESS_KEY`],
      sessionToken: [`${prefix}_SESSION_TOKEN`],
    },
  });
  const fallback: ProfileChoice = input.providerProfile
    ? { name: input.providerProfile, reason: 'serverless.yml provider.profile', explicit: true }
    : { name: env.AWS_DEFAULT_PROFILE || 'default', reason: env.AWS_DEFAULT_PROFILE ? 'AWS_DEFAULT_PROFILE' : 'default', explicit: false };
  let choice: Pick<CredentialRules, 'profile' | 'chain'>;
  if (input.awsProfile) choice = profileOnly({ name: input.awsProfile, reason: '--aws-profile', explicit: true });
  else if (stageProfile) choice = profileOnly({ name: stageProfile, reason: `AWS_${stageUpper}_PROFILE`, explicit: true });
  else if (both(env, `AWS_${stageUpper}`)) choice = { profile: fallback, chain: [keys(`AWS_${stageUpper}`)] };
  else if (env.AWS_PROFILE) choice = profileOnly({ name: env.AWS_PROFILE, reason: 'AWS_PROFILE', explicit: true });
  else if (both(env, 'AWS')) choice = { profile: fallback, chain: [keys('AWS')] };
  else choice = profileOnly(fallback);
  return {
    id: 'serverless',
    toolName: 'the Serverless Framework',
    ...choice,
    paths: sharedFilePaths(env),
    region: [
      { kind: 'value', value: input.region, label: '--region' },
      { kind: 'value', value: input.providerRegion, label: 'serverless.yml provider.region' },
      { kind: 'default', value: 'us-east-1' },
    ],
    noCredentialsHint: 'Pass --aws-profile, set AWS_PROFILE or AWS_<STAGE>_PROFILE, or set provider.profile in serverless.yml.',
  };
}
