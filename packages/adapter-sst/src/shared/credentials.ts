import type { CredentialLink, CredentialRules, Env, ProfileChoice, RegionStep, RulesContext } from '@awsperm/core';
import { screenProjectEnv, sharedFilePaths } from '@awsperm/core/kit';
import type { SstProjectInfo } from './project.ts';

/** What SST's credential rules depend on besides the project. */
export interface SstCredentialInput {
  /** The environment awsperm runs with (core's providers read this one). */
  env: Env;
  /** `--profile` (v1, v2 flag; for v3, which has none, awsperm's override). */
  profile?: string;
  /** `--region` (v1, v2 flag). */
  region?: string;
}

/** The profile of the shared-files link when nothing selects one programmatically: `AWS_PROFILE` (v3 also `AWS_DEFAULT_PROFILE`), else `default`. */
export function sharedProfile(env: Env, withDefaultProfile: boolean): ProfileChoice {
  if (env.AWS_PROFILE) return { name: env.AWS_PROFILE, reason: 'AWS_PROFILE', explicit: true };
  if (withDefaultProfile && env.AWS_DEFAULT_PROFILE) return { name: env.AWS_DEFAULT_PROFILE, reason: 'AWS_DEFAULT_PROFILE', explicit: true };
  return { name: 'default', reason: 'default', explicit: false };
}

/** What one SST major decides of its credential rules. */
export interface SstMajorRules {
  /** The tool's name in messages (`SST v1`, `SST 3.17.0`). */
  toolName: string;
  /** The profile of the chain's shared-files links. */
  profile: ProfileChoice;
  /** The credential chain. */
  chain: CredentialLink[];
  /** The region steps. */
  region: RegionStep[];
  /** The major's own warnings, after the project's. */
  warnings: (ctx: RulesContext) => string[];
  /** What `whoami`/`check` say when the chain finds no credentials. */
  noCredentialsHint: string;
}

/**
 * SST's credential rules for a project: the project's dotenv values join the environment (screened: endpoints,
 * proxies and credential files from project files never apply), `rules` gives the major's chain, region and
 * warnings, and the warnings every major shares follow the major's.
 */
export function assembleRules(info: SstProjectInfo, input: SstCredentialInput, rules: (env: Env) => SstMajorRules): CredentialRules {
  const env: Env = { ...input.env, ...screenProjectEnv(info.envFromFiles).env };
  const r = rules(env);
  return {
    id: `sst-v${info.major}`,
    toolName: r.toolName,
    profile: r.profile,
    paths: sharedFilePaths(input.env),
    chain: r.chain,
    region: r.region,
    warnings: (ctx) => {
      const out = [...info.warnings, ...r.warnings(ctx)];
      if (info.webIdentityRole) out.push(`config().role '${info.webIdentityRole}' is only the web-identity role of the SDK chain (AWS_WEB_IDENTITY_TOKEN_FILE), not a CloudFormation role`);
      const fromFiles = Object.keys(info.envFromFiles).filter((k) => /^AWS_|^SST_/.test(k));
      if (fromFiles.length) out.push(`${r.toolName} reads ${fromFiles.join(', ')} from ${info.envFiles.join(', ')}; awsperm resolved with them, as SST would`);
      return out;
    },
    noCredentialsHint: r.noCredentialsHint,
  };
}
