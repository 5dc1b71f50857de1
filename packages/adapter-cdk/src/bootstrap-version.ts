import type { AdapterAws, AdapterLog, AdapterScope, UnresolvedRequirement } from '@awsperm/core';
import { AwspermError } from '@awsperm/core';
import type { CdkStack } from './assembly.ts';

/**
 * Reads the bootstrap version of each environment the stacks deploy to (`ssm:GetParameter` on the synthesizer's
 * `bootstrapStackVersionSsmParameter`, with the run's credentials) and reports an environment whose bootstrap is
 * missing or older than the stacks require: `cdk deploy` refuses it. Only the run's own account and region can be read
 * (other environments need their lookup role). A read that fails (denied, or any other AWS error) is reported the
 * same way, as not checked: the run goes on, and `check` is not OK.
 */
export async function bootstrapVersionFindings(stacks: readonly CdkStack[], scope: AdapterScope, aws: AdapterAws, log: AdapterLog): Promise<UnresolvedRequirement[]> {
  const needed = new Map<string, { parameter: string; version: number; stacks: string[] }>();
  for (const s of stacks) {
    if (!s.bootstrapVersionParameter || s.requiresBootstrapVersion === undefined) continue;
    const account = s.environment.account ?? scope.account;
    const region = s.environment.region ?? scope.region;
    if ((s.environment.account && scope.account && s.environment.account !== scope.account) || (s.environment.region && scope.region && s.environment.region !== scope.region)) {
      log.debug(`bootstrap version of aws://${account}/${region} not read: it is not the run's environment`);
      continue;
    }
    const prev = needed.get(s.bootstrapVersionParameter);
    if (prev) {
      prev.version = Math.max(prev.version, s.requiresBootstrapVersion);
      prev.stacks.push(s.displayName);
    } else needed.set(s.bootstrapVersionParameter, { parameter: s.bootstrapVersionParameter, version: s.requiresBootstrapVersion, stacks: [s.displayName] });
  }
  const out: UnresolvedRequirement[] = [];
  const where = `aws://${scope.account ?? 'unknown-account'}/${scope.region ?? 'unknown-region'}`;
  for (const n of needed.values()) {
    let value: string | undefined;
    try {
      value = await aws.getParameter(n.parameter);
    } catch (error) {
      // An error the run cannot go on without (its deadline, its credentials) still ends it.
      if (AwspermError.is(error) && (error.code === 'TIMEOUT' || error.code.startsWith('CREDENTIALS_'))) throw error;
      const why = AwspermError.is(error) && error.code === 'ACCESS_DENIED' ? 'ssm:GetParameter was denied' : `ssm:GetParameter failed (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
      log.debug(`bootstrap version read failed: ${why}`);
      out.push({
        kind: 'bootstrap',
        type: 'CDKToolkit',
        name: n.parameter,
        reason: `the bootstrap version of ${where} could not be read (${why}); ${n.stacks.join(', ')} require bootstrap version ${n.version}: not checked`,
      });
      continue;
    }
    const found = value === undefined ? undefined : Number(value);
    if (found !== undefined && Number.isFinite(found) && found >= n.version) continue;
    out.push({
      kind: 'bootstrap',
      type: 'CDKToolkit',
      name: n.parameter,
      reason:
        found === undefined || !Number.isFinite(found)
          ? `${where} is not bootstrapped (no ${n.parameter}); ${n.stacks.join(', ')} require bootstrap version ${n.version}: run \`cdk bootstrap\``
          : `${where} has bootstrap version ${found}, older than version ${n.version} that ${n.stacks.join(', ')} require: run \`cdk bootstrap\``,
    });
  }
  return out;
}
