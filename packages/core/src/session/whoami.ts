import { accountGuard, credentialsJson, resolveCaller } from './credentials.ts';
import type { WhoamiOptions } from './options.ts';
import { openSession } from './session.ts';
import type { WhoamiReport } from './whoami-report.ts';

export { renderWhoamiJson, renderWhoamiText, type WhoamiReport } from './whoami-report.ts';

/**
 * Which credentials the tool would use, why, and who that is (SPEC §3): the tool's credential rules (the generic SDK
 * chain without a detected project), resolved with the AWS SDK's providers, then `sts:GetCallerIdentity`.
 */
export async function whoami(options: WhoamiOptions = {}): Promise<WhoamiReport> {
  const session = await openSession(options, 'optional');
  const report = await resolveCaller(session, options);
  const json: WhoamiReport = {
    schemaVersion: 1,
    ...(session.adapter ? { tool: session.adapter.tool } : {}),
    ...(session.stage !== undefined ? { stage: session.stage } : {}),
    region: report.credentials.region,
    credentials: credentialsJson(report.credentials),
    identity: report.identity,
    ok: report.identity !== null,
  };
  const guard = accountGuard(session, json.identity);
  if (guard.expected) json.expectedAccount = guard.expected;
  if (guard.wrong) json.ok = false;
  if (session.log.warnings.length) json.warnings = session.log.warnings;
  return json;
}
