import { createAdapterAws } from '../aws/adapter-aws.ts';
import type { RequestCounter } from '../aws/read-only.ts';
import { expectedAccount } from '../config.ts';
import { type CredentialReport, explainCredentials } from '../credentials/explain.ts';
import { CredentialsError } from '../credentials/failure.ts';
import { AwspermError } from '../errors.ts';
import type { CredentialExplanation } from '../credentials/types.ts';
import type { Identity } from '../identity.ts';
import type { CredentialOptions } from './options.ts';
import type { Session } from './session.ts';

/** The `credentials` block of the whoami and check JSON (SPEC §3). */
export type CredentialsJson = Pick<CredentialExplanation, 'source' | 'profile' | 'accessKeyId' | 'expiration' | 'chain' | 'warnings'> & {
  /** The profile the tool selects, and why. */
  selectedProfile: CredentialExplanation['selectedProfile'];
  /** The id of the credential rules used. */
  rules: string;
};

const callers = new WeakMap<Session, Promise<CredentialReport>>();

/**
 * Resolves credentials by the session's rules (with the project's environment overlay, so what it adds reaches the
 * SDK's providers) and identifies the caller. With a `debug` log the chain as tried is shown on failure. Once per
 * session: a second call (the adapters' AWS facility, then the check) gets the first one's result.
 */
export function resolveCaller(session: Session, options: CredentialOptions, counter?: RequestCounter): Promise<CredentialReport> {
  let caller = callers.get(session);
  if (!caller) {
    caller = identifyCaller(session, options, counter);
    callers.set(session, caller);
  }
  return caller;
}

/**
 * Takes a session live: its hooks get the adapters' read-only AWS facility (`ctx.aws`), whose first call resolves the
 * caller ({@link resolveCaller}, shared with the check) and then uses its credentials, the session's region (else the
 * credentials' region), endpoint, deadline and `counter`.
 */
export function enableAdapterAws(session: Session, options: CredentialOptions, counter?: RequestCounter): void {
  session.aws = createAdapterAws(async () => {
    const caller = await resolveCaller(session, options, counter);
    if (!caller.awsCredentials) throw AwspermError.from('CREDENTIALS_UNAVAILABLE', { detail: 'could not identify the caller' });
    const region = session.region ?? caller.credentials.region ?? null;
    return {
      credentials: caller.awsCredentials,
      env: session.env,
      region,
      deadline: session.deadline,
      ...(counter ? { counter } : {}),
      ...(session.endpointUrl ? { endpointUrl: session.endpointUrl } : {}),
    };
  });
}

async function identifyCaller(session: Session, options: CredentialOptions, counter?: RequestCounter): Promise<CredentialReport> {
  const rules = await session.rules();
  const debug = session.log.debug;
  return explainCredentials(rules, {
    env: session.toolEnv,
    ...(session.endpointUrl ? { endpointUrl: session.endpointUrl } : {}),
    ...(options.mfaCode ? { mfaCode: options.mfaCode } : {}),
    ...(options.mfaPrompt ? { mfaPrompt: options.mfaPrompt } : {}),
    ...(session.args.region ? { region: session.args.region } : {}),
    ...(counter ? { counter } : {}),
    deadline: session.deadline,
    ...(debug ? { debug } : {}),
  }).then(
    (report) => {
      // The rules' warnings join the session's log, which prints each warning once (an adapter's project warnings
      // reach it through its hooks and through its credential rules).
      for (const w of report.credentials.warnings) session.warn(w);
      return report;
    },
    (error: unknown) => {
      if (error instanceof CredentialsError && error.explanation) {
        for (const w of error.explanation.warnings) session.warn(w);
        if (debug) for (const step of error.explanation.chain) debug(`${step.outcome} ${step.provider}: ${step.detail}`);
      }
      throw error;
    },
  );
}

/** The `credentials` JSON block of an explanation. */
export function credentialsJson(explanation: CredentialExplanation): CredentialsJson {
  return {
    rules: explanation.rules,
    source: explanation.source,
    profile: explanation.profile,
    selectedProfile: explanation.selectedProfile,
    accessKeyId: explanation.accessKeyId,
    ...(explanation.expiration ? { expiration: explanation.expiration } : {}),
    chain: explanation.chain,
    warnings: explanation.warnings,
  };
}

/**
 * The account guard: the expected account for the stage from the awsperm config; warns naming both accounts when
 * the identity is in another one.
 */
export function accountGuard(session: Session, identity: Identity | null): { expected?: string; wrong: boolean } {
  const expected = expectedAccount(session.config, session.stage);
  if (!expected) return { wrong: false };
  const wrong = identity !== null && identity.account !== expected;
  if (wrong) {
    session.warn(`wrong account: these credentials belong to account ${identity.account}, but stage ${session.stage ?? '(any)'} deploys to ${expected}`);
  }
  return { expected, wrong };
}
