import {
  type AwspermAdapter,
  AwspermError,
  callAdapter,
  expectedAccount,
  loadConfig,
  mergeStatements,
  minimiseStatements,
  type OutputPolicy,
  type PolicyFragment,
  POLICY_SIZE_LIMITS,
  renderCloudFormation,
  renderTerraform,
  type ServiceRoleSet,
  splitPolicies,
  type ToolProject,
} from '@awsperm/core';
import { resolveTool } from '../adapters.ts';
import { ExitCode } from '../exit-codes.ts';
import type { CommandContext, CommandResult } from '../io.ts';
import { validateRoleArnFlag } from '../service-role.ts';
import { prepareTemplates, templateInput } from '../templates.ts';
import { configOptions, execFlag } from '../exec.ts';

const FORMATS = ['json', 'terraform', 'cloudformation'] as const;

// Not toLocaleString: its first call loads ICU's number formatting, ~25 ms of start-up.
const number = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/**
 * `awsperm policy`: prints the policy a tool (and/or its templates) needs: merged, minimised (unless
 * `--no-minimize`), split to fit IAM's managed-policy size limit, with each part's size on stderr. When the tool
 * deploys through a CloudFormation service role, the role's own policy is printed after the caller's.
 */
export default async function policy(ctx: CommandContext): Promise<CommandResult> {
  const { options } = ctx;
  const format = options.choice('format', FORMATS, 'json');
  const cwd = options.directory('cwd');
  const { config } = await loadConfig(cwd, configOptions(ctx));
  const features = [...new Set([...(config.features ?? []), ...options.list('feature')])];
  const leastPrivilege = options.flag('least-privilege');
  const minimise = options.parsed.minimize !== false;
  const toolId = options.string('tool') ?? config.tool;
  const templateOnly = toolId === undefined && options.list('template').length > 0;
  const roleArn = options.string('role-arn');

  let adapter: AwspermAdapter | undefined;
  let project: ToolProject | undefined;
  let kind: 'documented' | 'precise' | 'template' = 'template';
  let fragments: PolicyFragment[] = [];
  let role: ServiceRoleSet | undefined;
  if (!templateOnly) {
    const resolved = await resolveTool(toolId, cwd, config);
    const found = resolved.adapter;
    adapter = found;
    const stage = options.string('stage');
    const loaded = await callAdapter(found, 'loadProject', () =>
      found.loadProject({ cwd, detection: resolved.detection, env: ctx.env, ...execFlag(ctx, config), ...(stage ? { stage } : {}), ...(roleArn ? { roleArn } : {}) }),
    );
    project = loaded;
    const wanted = leastPrivilege ? 'precise' : 'documented';
    // The account the awsperm config expects for this stage scopes the ARNs.
    const account = expectedAccount(config, loaded.stage);
    const set = await callAdapter(found, 'policySet', () => found.policySet({ project: loaded, kind: wanted, features, ...(account ? { account } : {}) }));
    if (leastPrivilege && set.kind !== 'precise') {
      throw new AwspermError('NOT_IMPLEMENTED', `the ${found.tool} adapter has no least-privilege policy yet`, {
        hint: `Drop --least-privilege to print ${found.displayName ?? found.tool}'s documented policy.`,
      });
    }
    kind = set.kind;
    fragments = [...set.fragments, ...(config.extraPolicies ?? [])];
    role = set.serviceRole;
    validateRoleArnFlag(roleArn, role, found.displayName ?? found.tool);
  } else {
    if (roleArn) ctx.warn('--role-arn applies to a tool’s service role; ignored for templates alone');
    if (leastPrivilege) {
      ctx.warn('--least-privilege applies to a tool’s policy; the template-derived policy is always scoped as far as the templates allow');
    }
  }

  const account = expectedAccount(config, project?.stage ?? options.string('stage'));
  const prepared = await prepareTemplates(ctx, adapter, project);
  const templates = prepared
    ? await templateInput(ctx, prepared, { listUnresolved: true, ...(project?.region ? { region: project.region } : {}), ...(account ? { account } : {}) })
    : undefined;
  if (templates && role) {
    // CloudFormation creates the stacks' resources as the service role; publishing the assets stays the caller's.
    role = { ...role, fragments: [...role.fragments, ...templates.resourceFragments] };
    fragments = [...fragments, ...templates.assetFragments];
  } else if (templates) {
    fragments = [...fragments, ...templates.resourceFragments, ...templates.assetFragments];
  }

  const base = ['awsperm', adapter?.tool ?? 'template', project?.name, project?.stage, kind === 'template' ? undefined : kind].filter(Boolean).join('-');
  const build = async (list: PolicyFragment[], name: string): Promise<OutputPolicy[]> => {
    const merged = mergeStatements(list);
    return splitPolicies(minimise ? await minimiseStatements(merged) : merged, name);
  };
  const policies = await build(fragments, base);
  const rolePolicies = role ? await build(role.fragments, `${base}-service-role`) : [];
  for (const [list, whose] of [[policies, 'the caller'], [rolePolicies, 'the service role']] as const) {
    if (list.length > 1) {
      ctx.warn(`${whose}'s policy is split into ${list.length} managed policies to fit IAM's ${number(POLICY_SIZE_LIMITS.managed)}-character limit`);
    }
  }
  for (const p of [...policies, ...rolePolicies]) {
    ctx.note(`${p.name}: ${number(p.size)} of ${number(POLICY_SIZE_LIMITS.managed)} characters (without white space)`);
  }
  if (role) {
    ctx.warn(`the ${base}-service-role polic${rolePolicies.length === 1 ? 'y is' : 'ies are'} for the CloudFormation service role ${role.arn} (${role.from}), not the caller`);
  }
  const refs = (list: PolicyFragment[]) => list.map((f) => ({ id: f.id, title: f.title, source: f.source, ...(f.features ? { features: f.features } : {}) }));
  let stdout: string;
  if (format === 'terraform') stdout = renderTerraform([...policies, ...rolePolicies]);
  else if (format === 'cloudformation') stdout = renderCloudFormation([...policies, ...rolePolicies]);
  else {
    const json = {
      schemaVersion: 1,
      tool: adapter?.tool ?? null,
      kind,
      minimised: minimise,
      policies,
      fragments: refs(fragments),
      ...(role ? { serviceRole: { arn: role.arn, from: role.from, fragments: refs(role.fragments), policies: rolePolicies } } : {}),
      ...(templates ? { unresolvedTypes: templates.unresolved } : {}),
    };
    stdout = `${JSON.stringify(json, null, 2)}\n`;
  }
  return { stdout, exitCode: ExitCode.OK };
}
