import { type CredentialLink, type CredentialRules, type Env, type EnvKeyNames, type LinkGuardResult, type ProfileChoice, type RulesContext } from '@awsperm/core';
import { envProfileConflict, goTruthy, mergedProfile, profileChain, remoteLinks, sharedFilePaths } from '@awsperm/core/kit';
import { UP_DEFAULT_REGION } from './regions.ts';

/** What Up's credential rules depend on. */
export interface UpCredentialInput {
  /** The environment Up would run with. */
  env: Env;
  /** up.json `profile`. */
  profile?: string;
  /** up.json `regions` after glob expansion. */
  regions?: readonly string[];
  /** Up's `--region` flag. */
  region?: string;
}

/** Up reads environment keys under these names too (aws-sdk-go v1 `EnvProvider`). */
export const UP_ENV_NAMES: EnvKeyNames = {
  accessKeyId: ['AWS_ACCESS_KEY_ID', 'AWS_ACCESS_KEY'],
  secretAccessKey: ['AWS_SECRET_ACCESS_KEY', 'AWS_SECRET_KEY'],
  sessionToken: ['AWS_SESSION_TOKEN'],
};

const UP = 'Up';
const SDK = 'aws-sdk-go v1.31.9';

/** The profile Up uses: up.json `profile` (it overwrites `AWS_PROFILE`), else `AWS_PROFILE`, else (only with shared config) `AWS_DEFAULT_PROFILE`, else `default`. */
export function upProfile(input: UpCredentialInput, loadConfig: boolean): ProfileChoice {
  if (input.profile) return { name: input.profile, reason: 'up.json "profile"', explicit: true };
  if (input.env.AWS_PROFILE) return { name: input.env.AWS_PROFILE, reason: 'AWS_PROFILE', explicit: true };
  if (loadConfig && input.env.AWS_DEFAULT_PROFILE) return { name: input.env.AWS_DEFAULT_PROFILE, reason: 'AWS_DEFAULT_PROFILE', explicit: true };
  return { name: 'default', reason: 'default', explicit: false };
}

function isSso(data: Record<string, string | undefined> | undefined): boolean {
  return data !== undefined && Object.keys(data).some((k) => k.startsWith('sso_'));
}

/** With shared config on: Up fails on `mfa_serial` and cannot use SSO profiles. */
function sharedConfigGuard(ctx: RulesContext): LinkGuardResult | undefined {
  const name = ctx.profile.name;
  for (const p of profileChain(ctx.files, name)) {
    const data = mergedProfile(ctx.files, p);
    if (data?.role_arn && data.mfa_serial) {
      return {
        action: 'fail',
        detail: `profile '${name}'${p === name ? '' : ` (via '${p}')`} uses mfa_serial: Up (${SDK}) fails every request with "assume role with MFA enabled, but AssumeRoleTokenProvider session option not set"`,
        hint: `Up cannot prompt for MFA. Export temporary credentials first (e.g. 'aws-vault exec ${name} -- up'), or use a profile without mfa_serial.`,
      };
    }
  }
  const data = mergedProfile(ctx.files, name);
  if (isSso(data) && !data?.aws_access_key_id && !data?.role_arn && !data?.credential_process) {
    return { action: 'skip', detail: `profile '${name}' is an SSO profile, which ${SDK} does not support` };
  }
  return undefined;
}

function upWarnings(input: UpCredentialInput, loadConfig: boolean): (ctx: RulesContext) => string[] {
  return (ctx) => {
    const out = envProfileConflict(ctx, UP_ENV_NAMES.accessKeyId, 'environment', UP);
    const name = ctx.profile.name;
    if (input.profile && input.env.AWS_PROFILE && input.env.AWS_PROFILE !== input.profile) {
      out.push(`up.json "profile" '${input.profile}' overrides AWS_PROFILE '${input.env.AWS_PROFILE}'`);
    }
    const inCredentials = Object.hasOwn(ctx.files.credentials, name) ? ctx.files.credentials[name] : undefined;
    const data = mergedProfile(ctx.files, name);
    const fix = `set AWS_SDK_LOAD_CONFIG=true when running Up, or put static keys for [${name}] in ${ctx.paths.credentials}`;
    if (!loadConfig && data) {
      if (!inCredentials) {
        out.push(`profile '${name}' is only in ${ctx.paths.config}; without AWS_SDK_LOAD_CONFIG Up reads only static keys from ${ctx.paths.credentials}: ${fix}`);
      } else if (!inCredentials.aws_access_key_id && (data.role_arn || data.credential_process || isSso(data))) {
        const what = data.role_arn ? 'role_arn' : data.credential_process ? 'credential_process' : 'SSO';
        out.push(`profile '${name}' uses ${what}, which Up ignores without AWS_SDK_LOAD_CONFIG: ${fix}`);
      }
    }
    if (data && isSso(data)) {
      out.push(
        `profile '${name}' is an SSO profile; Up (${SDK}) cannot use SSO: run 'aws sso login --profile ${name}' and export the credentials (eval "$(aws configure export-credentials --profile ${name} --format env)")`,
      );
    }
    return out;
  };
}

/**
 * Up's credential and region rules (apex/up v1.7.1 and v1.7.0-pro with aws-sdk-go v1.31.9):
 * - without a truthy `AWS_SDK_LOAD_CONFIG`: environment keys (also `AWS_ACCESS_KEY`/`AWS_SECRET_KEY`), then only the
 *   static keys of the profile's section in the credentials file, then container credentials, then instance metadata;
 * - with it: environment keys, the web-identity variables, the profile from both files (assume-role works,
 *   `mfa_serial` fails, SSO is unsupported), then container credentials and instance metadata.
 * Environment keys beat any profile; up.json `profile` overrides `AWS_PROFILE`. Region: `--region`, up.json
 * `regions`, `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's region, `us-west-2`.
 */
export function upCredentialRules(input: UpCredentialInput): CredentialRules {
  const env = input.env;
  const loadConfig = goTruthy(env.AWS_SDK_LOAD_CONFIG);
  const profile = upProfile(input, loadConfig);
  const envLink: CredentialLink = { kind: 'env', envNames: UP_ENV_NAMES };
  const chain: CredentialLink[] = loadConfig
    ? [envLink, { kind: 'token-file' }, { kind: 'ini', guard: sharedConfigGuard }, ...remoteLinks(env)]
    : [envLink, { kind: 'credentials-file' }, ...remoteLinks(env)];
  // The region lookup always runs a shared-config session, which also honours AWS_DEFAULT_PROFILE.
  const regionProfile = input.profile || env.AWS_PROFILE || env.AWS_DEFAULT_PROFILE || 'default';
  return {
    id: loadConfig ? 'up (AWS_SDK_LOAD_CONFIG)' : 'up',
    toolName: UP,
    profile,
    paths: sharedFilePaths(env),
    chain,
    region: [
      { kind: 'value', value: input.region, label: '--region' },
      { kind: 'value', value: input.regions?.[0], label: 'up.json "regions"' },
      { kind: 'env', name: 'AWS_REGION' },
      { kind: 'env', name: 'AWS_DEFAULT_REGION' },
      { kind: 'profile', files: 'credentials-first', name: regionProfile },
      { kind: 'default', value: UP_DEFAULT_REGION },
    ],
    warnings: upWarnings(input, loadConfig),
    noCredentialsHint: loadConfig
      ? `Up would print "Cannot find credentials". Export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or fix profile '${profile.name}'.`
      : `Up would print "Cannot find credentials". Export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, add static keys for [${profile.name}] to the credentials file, or set AWS_SDK_LOAD_CONFIG=true for config-file profiles.`,
  };
}
