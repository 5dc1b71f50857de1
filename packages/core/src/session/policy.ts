import { AwspermError } from '../errors.ts';
import { grantPolicies } from '../policy/minimise.ts';
import { type OutputPolicy, POLICY_SIZE_LIMITS } from '../policy/output.ts';
import type { PolicyFragment } from '../policy/types.ts';
import type { PolicyOptions } from './options.ts';
import type { FragmentRef, PolicyReport, PrincipalPolicy } from './policy-report.ts';
import { onlyAssumed, policyBaseName, principalPolicySuffix, readTemplates, serviceRoleOf, toolRequirements } from './requirements.ts';
import { openSession } from './session.ts';

export { allPolicies, type FragmentRef, type MissingSummary, type PolicyReport, type PrincipalPolicy, policySizeNotes, renderPolicyJson } from './policy-report.ts';

// Not toLocaleString: its first call loads ICU's number formatting, ~25 ms of start-up.
const number = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

const refs = (list: PolicyFragment[]): FragmentRef[] =>
  list.map((f) => ({ id: f.id, title: f.title, ...(f.description ? { description: f.description } : {}), source: f.source, ...(f.features ? { features: f.features } : {}) }));

/**
 * The policy a tool (and/or its templates) needs: merged, minimised (unless `minimize: false`), split to fit IAM's
 * managed-policy size limit; each other principal's policy separately. Needs no credentials.
 */
export async function policy(options: PolicyOptions = {}): Promise<PolicyReport> {
  if (options.missing) return (await import('./missing.ts')).missingPolicy(options);
  for (const [key, value] of [['policy', options.policy?.length], ['authorizationDetails', options.authorizationDetails], ['principal', options.principal], ['rolePolicy', options.rolePolicy?.length], ['mode', options.mode]] as const) {
    if (value) throw AwspermError.from('USAGE', { detail: `the ${key} option goes with the missing option: the whole policy needs no principal`, option: key });
  }
  const session = await openSession(options, options.template?.length ? 'named' : 'required', () => (options.leastPrivilege ? 'precise' : 'documented'));
  const minimise = options.minimize !== false;
  if (!session.adapter) {
    if (options.roleArn) session.warn('the roleArn option applies to a tool’s service role; ignored for templates alone');
    if (options.leastPrivilege) session.warn('the leastPrivilege option applies to a tool’s policy; the template-derived policy is always scoped as far as the templates allow');
  }
  const req = await toolRequirements(session, options.leastPrivilege ? 'precise' : 'documented');
  if (options.leastPrivilege && session.adapter && req.kind !== 'precise') {
    throw AwspermError.from(
      'NOT_IMPLEMENTED',
      { detail: `the ${session.adapter.tool} adapter has no least-privilege policy yet`, tool: session.adapter.tool, toolName: session.adapter.displayName ?? session.adapter.tool },
      { hint: `Ask for ${session.adapter.displayName ?? session.adapter.tool}'s documented policy instead.` },
    );
  }
  const templates = await readTemplates(session, options, req);
  const unresolved = templates
    ? (await templates.apply({ listUnresolved: true, ...(session.region ? { region: session.region } : {}), ...(session.account ? { account: session.account } : {}) }))
        .unresolved
    : undefined;
  const kind = req.kind as PolicyReport['kind'];
  const base = policyBaseName(session, 'template', kind === 'template' ? undefined : kind);
  const build = (list: PolicyFragment[], name: string): Promise<OutputPolicy[]> => grantPolicies(list, name, minimise);
  const policies = await build(req.fragments, base);
  const role = serviceRoleOf(req.principals);
  const principals: PrincipalPolicy[] = [];
  // A principal that is only assumed needs no permissions: it has no policy to print.
  for (const p of req.principals.filter((x) => !onlyAssumed(x))) {
    principals.push({ id: p.id, ...(p.arn ? { arn: p.arn } : {}), via: p.via, ...(p.description ? { description: p.description } : {}), fragments: refs(p.fragments), policies: await build(p.fragments, `${base}-${principalPolicySuffix(p)}`) });
  }
  for (const [list, whose] of [[policies, 'the caller'], ...principals.map((p) => [p.policies, p.id === role?.id ? 'the service role' : p.via] as const)] as const) {
    if (list.length > 1) {
      session.warn(`${whose}'s policy is split into ${list.length} managed policies to fit IAM's ${number(POLICY_SIZE_LIMITS.managed)}-character limit`);
    }
  }
  for (const p of principals) {
    const name = `${base}-${principalPolicySuffix(p)}`;
    const what = p.id === role?.id ? `the CloudFormation service role ${p.arn} (${role.from ?? role.via})` : `the ${p.via}${p.arn ? ` ${p.arn}` : ''}`;
    session.warn(`the ${name} polic${p.policies.length === 1 ? 'y is' : 'ies are'} for ${what}, not the caller${p.description ? `. ${p.description}` : ''}`);
  }
  if (req.unresolved.length) {
    const names = req.unresolved.map((u) => `${u.kind} ${u.type}${u.name ? ` "${u.name}"` : ''}`);
    session.warn(`no permission data for ${names.join(', ')}: ${req.unresolved.length === 1 ? 'its permissions are' : 'their permissions are'} missing from the policy`);
  }
  const rolePolicy = principals.find((p) => p.id === role?.id);
  return {
    schemaVersion: 1,
    tool: session.adapter?.tool ?? null,
    ...(session.region ? { region: session.region } : {}),
    kind,
    minimised: minimise,
    policies,
    fragments: refs(req.fragments),
    ...(role && rolePolicy ? { serviceRole: { arn: role.arn!, from: role.from ?? role.via, fragments: rolePolicy.fragments, policies: rolePolicy.policies } } : {}),
    ...(principals.length ? { principals } : {}),
    ...(unresolved ? { unresolvedTypes: unresolved } : {}),
    ...(req.unresolved.length ? { unresolved: req.unresolved } : {}),
    ...(session.log.warnings.length ? { warnings: session.log.warnings } : {}),
  };
}
