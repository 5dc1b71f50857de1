import type { CheckReport, FixChange, FragmentReport } from '../report/types.ts';
import { check } from './check.ts';
import type { CheckOptions, PolicyOptions } from './options.ts';
import type { FragmentRef, MissingSummary, PolicyReport, PrincipalPolicy } from './policy-report.ts';

const refs = (list: FragmentReport[]): FragmentRef[] =>
  list.map((f) => ({ id: f.id, title: f.title, ...(f.description ? { description: f.description } : {}), source: f.source }));

function wrongAccount(report: CheckReport): boolean {
  const account = (report.identity as { account?: unknown } | null)?.account;
  return report.expectedAccount !== undefined && typeof account === 'string' && account !== report.expectedAccount;
}

/**
 * `policy` with `missing`: the check the options describe, and its fix as a policy report — the caller's policies
 * and each principal's, holding only what the check found implicitly denied.
 */
export async function missingPolicy(options: PolicyOptions): Promise<PolicyReport> {
  const { leastPrivilege, minimize, missing, ...rest } = options;
  void leastPrivilege;
  void missing;
  const report = await check(rest as CheckOptions);
  const warnings = [...(report.warnings ?? [])];
  const warn = (message: string) => {
    warnings.push(message);
    options.log?.warn?.(message);
  };
  if (minimize === false) warn('the minimize option: false does not apply to the missing policy: it is always minimised');
  const changes: (FixChange & { principal: string })[] = [...(report.fix?.changes ?? []).map((c) => ({ ...c, principal: 'caller' }))];
  let unknown = report.fix?.unknown ?? 0;
  const principals: PrincipalPolicy[] = (report.principals ?? []).map((p) => {
    changes.push(...(p.fix?.changes ?? []).map((c) => ({ ...c, principal: p.id })));
    unknown += p.fix?.unknown ?? 0;
    return { id: p.id, arn: p.arn, via: p.via, fragments: refs(p.fragments), policies: p.fix?.policies ?? [] };
  });
  for (const c of changes) warn(`${c.principal === 'caller' ? '' : `${c.principal}: `}${c.message}`);
  if (unknown) warn(`${unknown} requirement${unknown === 1 ? ' depends' : 's depend'} on request context: not in the missing policy`);
  if (report.ok) options.log?.note?.('nothing is missing: the check passes');
  const unresolved = (report.unresolvedTypes?.length ?? 0) + (report.unresolved?.length ?? 0);
  const summary: MissingSummary = {
    ok: report.ok,
    sufficient: report.ok || (!changes.length && !unknown && !unresolved && !wrongAccount(report)),
    ...(changes.length ? { changes } : {}),
  };
  const role = report.serviceRole;
  const rolePolicy = role ? principals.find((p) => p.arn === role.arn) : undefined;
  return {
    schemaVersion: 1,
    tool: report.tool,
    ...(report.region ? { region: report.region } : {}),
    kind: report.policySet === 'ad-hoc' ? 'precise' : report.policySet,
    minimised: true,
    policies: report.fix?.policies ?? [],
    fragments: refs(report.fragments),
    ...(role && rolePolicy ? { serviceRole: { arn: role.arn, from: role.from, fragments: rolePolicy.fragments, policies: rolePolicy.policies } } : {}),
    ...(principals.length ? { principals } : {}),
    ...(report.unresolvedTypes ? { unresolvedTypes: report.unresolvedTypes } : {}),
    ...(report.unresolved ? { unresolved: report.unresolved } : {}),
    ...(warnings.length ? { warnings } : {}),
    missing: summary,
  };
}
