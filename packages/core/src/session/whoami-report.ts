// The whoami report's type and renderers, apart from the code that builds it: the package's root entry exports them
// without loading the session or the credential code.
import type { Identity } from '../identity.ts';
import { colors, plain } from '../report/style.ts';
import type { CredentialsJson } from './credentials.ts';

/** What {@link whoami} returns (the `whoami --format json` contract, SPEC §3). */
export interface WhoamiReport {
  /** The JSON contract's version. */
  schemaVersion: 1;
  /** The tool whose rules were used; absent for the generic rules. */
  tool?: string;
  /** The stage. */
  stage?: string;
  /** The region the tool would use (the same the run's check and policy scope to). */
  region: string | null;
  /** Which credentials, and why. Holds no secret. */
  credentials: CredentialsJson;
  /** Who they belong to. */
  identity: Identity | null;
  /** The account this stage is expected to deploy to. */
  expectedAccount?: string;
  /** False when no identity was found or it is in the wrong account. */
  ok: boolean;
  /** The run's warnings (the adapter's and core's), absent when there are none. @since 0.2.0 */
  warnings?: string[];
}

/** The JSON form of a whoami report. */
export function renderWhoamiJson(report: WhoamiReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** The text form of a whoami report (its warnings are not in it: a session's log reports them as they happen). */
export function renderWhoamiText(json: WhoamiReport, color: boolean): string {
  const s = color ? colors : plain;
  const c = json.credentials;
  const lines: string[] = [];
  const row = (label: string, value: string): void => {
    lines.push(`${label.padEnd(12)} ${value}`);
  };
  if (json.expectedAccount && json.identity && json.identity.account !== json.expectedAccount) {
    row('WRONG', s.red(`account ${json.identity.account}; this stage deploys to ${json.expectedAccount}`));
  }
  if (json.identity) {
    row('identity', s.bold(json.identity.arn));
    if (json.identity.principalArn !== json.identity.arn) row('principal', `${json.identity.principalArn}${json.identity.derived ? ' (derived)' : ''}`);
    row('account', json.identity.account);
  }
  row('source', `${c.source ?? 'none'}${c.profile ? ` (profile '${c.profile}')` : ''}`);
  row('profile', `${c.selectedProfile.name} — ${c.selectedProfile.reason}`);
  if (c.accessKeyId) row('key', c.accessKeyId);
  if (c.expiration) row('expires', c.expiration);
  if (json.stage) row('stage', json.stage);
  row('region', json.region ?? 'none');
  row('rules', c.rules);
  lines.push('', 'chain:');
  for (const step of c.chain) lines.push(`  ${step.outcome.padEnd(9)} ${step.provider}: ${step.detail}`);
  // Warnings are not part of the answer: the session's log prints each once, on stderr (JSON: `warnings`).
  return `${lines.join('\n')}\n`;
}
