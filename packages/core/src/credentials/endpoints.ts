import type { Env } from './types.ts';

/** The AWS services awsperm talks to. */
export type AwsService = 'sts' | 'iam' | 'cloudformation' | 'ssm' | 's3';

/**
 * The endpoint URL for a service: the explicit `--endpoint-url`, else `AWS_ENDPOINT_URL_<SERVICE>`, else
 * `AWS_ENDPOINT_URL`, unless `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` (the SDK's precedence). `undefined` means
 * the SDK's default endpoint. awsperm passes the result explicitly to every client it makes, including the STS
 * client `fromIni` uses to assume roles, so the endpoint does not depend on the SDK reading `process.env`.
 */
export function endpointFor(service: AwsService, env: Env, explicit?: string): string | undefined {
  if (explicit) return explicit;
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true') return undefined;
  return env[`AWS_ENDPOINT_URL_${service.toUpperCase()}`] || env.AWS_ENDPOINT_URL || undefined;
}
