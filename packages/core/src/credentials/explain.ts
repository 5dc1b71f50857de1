import type { AwsClientOptions } from '../aws/read-only.ts';
import { getIdentity, type Identity, identityWarnings } from '../identity.ts';
import { AwspermError } from '../errors.ts';
import type { ErrorDetails } from '../errors-data.ts';
import { CredentialsError } from './failure.ts';
import { resolveCredentials } from './resolve.ts';
import type { AwsCredentials, CredentialExplanation, CredentialRules, ResolveOptions } from './types.ts';

/** Options of {@link explainCredentials}. */
export interface ExplainOptions extends ResolveOptions, Pick<AwsClientOptions, 'counter'> {
  /** Whether to call `sts:GetCallerIdentity` (default true). */
  identify?: boolean;
}

/** Which credentials, and who they are. Holds no secret. */
export interface CredentialReport {
  /** The explanation of the credentials. */
  credentials: CredentialExplanation;
  /** Who they belong to, or `null` when not looked up. */
  identity: Identity | null;
  /** The credentials themselves, for the calls that follow. Not enumerable: `JSON.stringify` never shows them. */
  readonly awsCredentials?: AwsCredentials;
}

function withCredentials(report: CredentialReport, credentials: AwsCredentials): CredentialReport {
  Object.defineProperty(report, 'awsCredentials', { value: credentials, enumerable: false });
  return report;
}

/**
 * Resolves credentials by `rules`, then identifies the caller, adding identity warnings (root user, derived role ARN)
 * to the explanation. Errors are {@link CredentialsError}s carrying the explanation so far.
 */
export async function explainCredentials(rules: CredentialRules, options: ExplainOptions): Promise<CredentialReport> {
  const resolved = await resolveCredentials(rules, options);
  const explanation = resolved.explanation;
  if (options.identify === false) return withCredentials({ credentials: explanation, identity: null }, resolved.credentials);
  try {
    const identity = await getIdentity(resolved.credentials, {
      env: options.env,
      region: explanation.region,
      ...(options.endpointUrl ? { endpointUrl: options.endpointUrl } : {}),
      ...(options.counter ? { counter: options.counter } : {}),
      ...(options.deadline ? { deadline: options.deadline } : {}),
    });
    explanation.warnings.push(...identityWarnings(identity, explanation.source));
    return withCredentials({ credentials: explanation, identity }, resolved.credentials);
  } catch (error) {
    if (error instanceof CredentialsError && error.code === 'CREDENTIALS_INVALID' && explanation.accessKeyId) {
      // Which key AWS rejected, and where it came from: the masked id and the profile (or the environment).
      const d = error.data as ErrorDetails['CREDENTIALS_INVALID'] | undefined;
      const from = explanation.profile ? `profile '${explanation.profile}'` : explanation.source === 'environment' ? 'the environment' : undefined;
      const data: ErrorDetails['CREDENTIALS_INVALID'] = { operation: d?.operation ?? 'sts:GetCallerIdentity', awsCode: d?.awsCode ?? 'rejected', key: explanation.accessKeyId, ...(from ? { from } : {}) };
      const e = AwspermError.from('CREDENTIALS_INVALID', data);
      throw new CredentialsError('CREDENTIALS_INVALID', e.message, { ...(e.hint ? { hint: e.hint } : {}), data, explanation, cause: error });
    }
    if (error instanceof CredentialsError && !error.explanation) {
      throw new CredentialsError(error.code, error.message, { ...(error.hint ? { hint: error.hint } : {}), explanation, cause: error });
    }
    throw error;
  }
}
