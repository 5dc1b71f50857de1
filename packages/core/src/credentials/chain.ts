import type { Deadline } from '../aws/deadline.ts';
import { mergedProfile } from './files.ts';
import { CredentialProcessError, runCredentialProcess } from './process.ts';
import type { AwsCredentials, Env, ProfileFiles } from './types.ts';

type Section = Record<string, string | undefined>;

// The predicates of @aws-sdk/credential-provider-ini's resolveProfileData (3.973.x), in its order, so that awsperm
// resolves a profile exactly as fromIni would.
const isStatic = (d: Section): boolean => typeof d.aws_access_key_id === 'string' && typeof d.aws_secret_access_key === 'string';
const isAssumeRole = (d: Section): boolean =>
  typeof d.role_arn === 'string' &&
  ((typeof d.source_profile === 'string' && d.credential_source === undefined) || (typeof d.credential_source === 'string' && d.source_profile === undefined));
const isCredentialSourceWithoutRoleArn = (d: Section): boolean => !d.role_arn && !!d.credential_source;
const isWebIdentity = (d: Section): boolean => typeof d.web_identity_token_file === 'string' && typeof d.role_arn === 'string';
const isProcess = (d: Section): boolean => typeof d.credential_process === 'string';

/**
 * Whether resolving `profile` as fromIni does would run a `credential_process` or use a `credential_source`
 * anywhere along its `source_profile` chain. The SDK runs those with its own unbounded `exec` (whose error message
 * carries the helper's stderr) and instance/container lookups with their own timeouts; awsperm resolves such
 * chains itself ({@link resolveBoundedChain}) so `--timeout` bounds every step.
 */
export function chainNeedsBoundedResolution(files: ProfileFiles, profile: string): boolean {
  const walk = (name: string, visited: ReadonlySet<string>, recursive: boolean): boolean => {
    const d = mergedProfile(files, name) ?? {};
    if (visited.size > 0 && isStatic(d)) return false;
    if (recursive || isAssumeRole(d)) {
      const source = d.source_profile;
      if (source === undefined) return true;
      // A cycle: fromIni reports it.
      if (visited.has(source)) return false;
      return walk(source, new Set([...visited, source]), isCredentialSourceWithoutRoleArn(mergedProfile(files, source) ?? {}));
    }
    if (isStatic(d) || isWebIdentity(d)) return false;
    return isProcess(d);
  };
  return walk(profile, new Set(), false);
}

/** What {@link resolveBoundedChain} needs from the run. */
export interface BoundedChainContext {
  /** The shared files as read. */
  files: ProfileFiles;
  /** The environment (`credential_process` runs with it; `credential_source = Environment` reads it). */
  env: Env;
  /** The run's bound (`--timeout`). */
  deadline: Deadline | undefined;
  /** The region for STS when a profile names none. */
  region: string;
  /** Exchanges source credentials for a role's (`sts:AssumeRole`, through awsperm's guarded, bounded client). */
  assumeRole(source: AwsCredentials, params: AssumeRoleParams, region: string): Promise<AwsCredentials>;
  /** Resolves a profile of the chain awsperm leaves to the SDK (SSO, web identity, login): fromIni for that profile. */
  delegate(profile: string): Promise<AwsCredentials>;
  /** A `credential_source` (`Environment`, `Ec2InstanceMetadata`, `EcsContainer`), each bounded by the deadline. */
  credentialSource(kind: string, profile: string): Promise<AwsCredentials>;
  /** Asks for an MFA code, when the run can. */
  mfaCodeProvider?: ((serial: string) => Promise<string>) | undefined;
}

/** The `sts:AssumeRole` parameters a profile gives, as fromIni builds them. */
export interface AssumeRoleParams {
  /** `role_arn`. */
  RoleArn: string;
  /** `role_session_name`, else `aws-sdk-js-<now>` as the SDK names it. */
  RoleSessionName: string;
  /** `external_id`. */
  ExternalId?: string;
  /** `duration_seconds`, default 3600. */
  DurationSeconds: number;
  /** `mfa_serial`. */
  SerialNumber?: string;
  /** The MFA code. */
  TokenCode?: string;
}

/** A failure of the chain awsperm resolves itself, naming the profile at fault; never holds a secret. */
export class ChainError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChainError';
  }
}

/**
 * Resolves `profile` as fromIni's `resolveProfileData` does — `role_arn` with `source_profile` or
 * `credential_source`, static keys, `credential_process` — with awsperm's bounded `credential_process` runner
 * (killed at the deadline, stderr discarded) and its guarded STS client; SSO and web-identity profiles met along
 * the way go to the SDK through `ctx.delegate` (their clients get the deadline). Use when
 * {@link chainNeedsBoundedResolution} says so.
 */
export async function resolveBoundedChain(profile: string, ctx: BoundedChainContext): Promise<AwsCredentials> {
  const resolve = async (name: string, visited: ReadonlySet<string>, recursive: boolean): Promise<AwsCredentials> => {
    const d = mergedProfile(ctx.files, name);
    if (!d) throw new ChainError(`source_profile '${name}' is not in the shared config or credentials file`);
    if (visited.size > 0 && isStatic(d)) return staticKeys(d);
    if (recursive || isAssumeRole(d)) {
      const source = d.source_profile;
      if (source !== undefined && visited.has(source)) {
        throw new ChainError(`profile '${profile}': source_profile cycle (${[...visited, source].join(' → ')})`);
      }
      const sourceCredentials =
        source !== undefined
          ? await resolve(source, new Set([...visited, source]), isCredentialSourceWithoutRoleArn(mergedProfile(ctx.files, source) ?? {}))
          : await ctx.credentialSource(d.credential_source ?? '', name);
      if (isCredentialSourceWithoutRoleArn(d)) return sourceCredentials;
      const params: AssumeRoleParams = {
        RoleArn: d.role_arn!,
        RoleSessionName: d.role_session_name || `aws-sdk-js-${Date.now()}`,
        DurationSeconds: Number.parseInt(d.duration_seconds || '3600', 10),
        ...(d.external_id ? { ExternalId: d.external_id } : {}),
      };
      if (d.mfa_serial) {
        // The SDK's wording, which classifyFailure turns into MFA_REQUIRED.
        if (!ctx.mfaCodeProvider) throw new ChainError(`Profile ${name} requires multi-factor authentication, but no MFA code callback was provided.`);
        params.SerialNumber = d.mfa_serial;
        params.TokenCode = await ctx.mfaCodeProvider(d.mfa_serial);
      }
      return ctx.assumeRole(sourceCredentials, params, d.region ?? ctx.region);
    }
    if (isStatic(d)) return staticKeys(d);
    if (isWebIdentity(d) || !isProcess(d)) return ctx.delegate(name);
    try {
      return await runCredentialProcess(d.credential_process!, ctx.deadline, ctx.env);
    } catch (error) {
      if (error instanceof CredentialProcessError && name !== profile) throw new CredentialProcessError(error.message, name);
      throw error;
    }
  };
  return resolve(profile, new Set(), false);
}

function staticKeys(d: Section): AwsCredentials {
  return {
    accessKeyId: d.aws_access_key_id!,
    secretAccessKey: d.aws_secret_access_key!,
    ...(d.aws_session_token ? { sessionToken: d.aws_session_token } : {}),
    ...(d.aws_account_id ? { accountId: d.aws_account_id } : {}),
  };
}

/** Thrown by {@link withinDeadline} when the deadline passes first. */
export class DeadlinePassed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeadlinePassed';
  }
}

/**
 * `work`, or a {@link DeadlinePassed} error once `deadline` passes, whichever comes first: a bound on steps whose
 * own timeouts know nothing of `--timeout` (instance and container metadata lookups).
 */
export async function withinDeadline<T>(work: Promise<T>, deadline: Deadline | undefined, message: string): Promise<T> {
  if (!deadline) return work;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlinePassed(message)), deadline.remainingMs());
  });
  // The loser of the race must not surface as an unhandled rejection.
  work.catch(() => undefined);
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
