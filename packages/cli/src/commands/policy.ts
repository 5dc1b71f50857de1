import {
  type AwspermAdapter,
  AwspermError,
  callAdapter,
  expectedAccount,
  loadConfig,
  mergeStatements,
  minimiseStatements,
  type PolicyFragment,
  POLICY_SIZE_LIMITS,
  renderCloudFormation,
  renderTerraform,
  splitPolicies,
  type ToolProject,
} from '@awsperm/core';
import { resolveTool } from '../adapters.ts';
import { ExitCode } from '../exit-codes.ts';
import type { CommandContext, CommandResult } from '../io.ts';
import { prepareTemplates, templateInput } from '../templates.ts';

const FORMATS = ['json', 'terraform', 'cloudformation'] as const;

const number = (n: number): string => n.toLocaleString('en-US');

/**
 * `awsperm policy`: prints the policy a tool (and/or its templates) needs: merged, minimised (unless
 * `--no-minimize`), split to fit IAM's managed-policy size limit, with each part's size on stderr.
 */
export default async function policy(ctx: CommandContext): Promise<CommandResult> {
  const { options } = ctx;
  const format = options.choice('format', FORMATS, 'json');
  const cwd = options.directory('cwd');
  const { config } = await loadConfig(cwd);
  const features = [...new Set([...(config.features ?? []), ...options.list('feature')])];
  const leastPrivilege = options.flag('least-privilege');
  const minimise = options.parsed.minimize !== false;
  const toolId = options.string('tool') ?? config.tool;
  const templateOnly = toolId === undefined && options.list('template').length > 0;

  let adapter: AwspermAdapter | undefined;
  let project: ToolProject | undefined;
  let kind: 'documented' | 'precise' | 'template' = 'template';
  let fragments: PolicyFragment[] = [];
  if (!templateOnly) {
    const resolved = await resolveTool(toolId, cwd, config);
    const found = resolved.adapter;
    adapter = found;
    const stage = options.string('stage');
    const loaded = await callAdapter(found, 'loadProject', () =>
      found.loadProject({ cwd, detection: resolved.detection, env: ctx.env, ...(stage ? { stage } : {}) }),
    );
    project = loaded;
    const wanted = leastPrivilege ? 'precise' : 'documented';
    const set = await callAdapter(found, 'policySet', () => found.policySet({ project: loaded, kind: wanted, features }));
    if (leastPrivilege && set.kind !== 'precise') {
      throw new AwspermError('NOT_IMPLEMENTED', `the ${found.tool} adapter has no least-privilege policy yet`, {
        hint: `Drop --least-privilege to print ${found.displayName ?? found.tool}'s documented policy.`,
      });
    }
    kind = set.kind;
    fragments = [...set.fragments, ...(config.extraPolicies ?? [])];
  } else if (options.flag('least-privilege')) {
    ctx.warn('--least-privilege applies to a tool’s policy; the template-derived policy is always scoped as far as the templates allow');
  }

  const account = expectedAccount(config, project?.stage ?? options.string('stage'));
  const prepared = await prepareTemplates(ctx, adapter, project);
  const templates = prepared
    ? await templateInput(ctx, prepared, { listUnresolved: true, ...(project?.region ? { region: project.region } : {}), ...(account ? { account } : {}) })
    : undefined;
  if (templates) fragments = [...fragments, ...templates.fragments];

  const merged = mergeStatements(fragments);
  const statements = minimise ? await minimiseStatements(merged) : merged;
  const base = ['awsperm', adapter?.tool ?? 'template', project?.name, project?.stage, kind === 'template' ? undefined : kind].filter(Boolean).join('-');
  const policies = splitPolicies(statements, base);
  if (policies.length > 1) {
    ctx.warn(`the policy is split into ${policies.length} managed policies to fit IAM's ${number(POLICY_SIZE_LIMITS.managed)}-character limit`);
  }
  for (const p of policies) {
    ctx.note(`${p.name}: ${number(p.size)} of ${number(POLICY_SIZE_LIMITS.managed)} characters (without white space)`);
  }
  let stdout: string;
  if (format === 'terraform') stdout = renderTerraform(policies);
  else if (format === 'cloudformation') stdout = renderCloudFormation(policies);
  else {
    const out = {
      schemaVersion: 1,
      tool: adapter?.tool ?? null,
      kind,
      minimised: minimise,
      policies,
      ...(templates ? { unresolvedTypes: templates.unresolved } : {}),
    };
    stdout = `${JSON.stringify(out, null, 2)}\n`;
  }
  return { stdout, exitCode: ExitCode.OK };
}
