import {
  AwspermError,
  buildPolicies,
  callAdapter,
  expectedAccount,
  loadConfig,
  type PolicyFragment,
  renderCloudFormation,
  renderTerraform,
} from '@awsperm/core';
import { resolveTool } from '../adapters.ts';
import { ExitCode } from '../exit-codes.ts';
import { validateRoleArnFlag } from '../service-role.ts';
import type { CommandContext, CommandResult } from '../io.ts';

const FORMATS = ['json', 'terraform', 'cloudformation'] as const;

/** `awsperm policy`: prints the policy a tool needs, split to fit IAM's managed-policy size limit. */
export default async function policy(ctx: CommandContext): Promise<CommandResult> {
  const { options } = ctx;
  const format = options.choice('format', FORMATS, 'json');
  const cwd = options.directory('cwd');
  const { config } = await loadConfig(cwd);
  const features = [...new Set([...(config.features ?? []), ...options.list('feature')])];
  const leastPrivilege = options.flag('least-privilege');
  const { adapter, detection } = await resolveTool(options.string('tool') ?? config.tool, cwd, config);
  const stage = options.string('stage');
  const roleArn = options.string('role-arn');
  const project = await callAdapter(adapter, 'loadProject', () =>
    adapter.loadProject({ cwd, detection, env: ctx.env, ...(stage ? { stage } : {}), ...(roleArn ? { roleArn } : {}) }),
  );
  const kind = leastPrivilege ? 'precise' : 'documented';
  // The account the awsperm config expects for this stage scopes the ARNs.
  const account = expectedAccount(config, project.stage);
  const set = await callAdapter(adapter, 'policySet', () => adapter.policySet({ project, kind, features, ...(account ? { account } : {}) }));
  if (leastPrivilege && set.kind !== 'precise') {
    throw new AwspermError('NOT_IMPLEMENTED', `the ${adapter.tool} adapter has no least-privilege policy yet`, {
      hint: `Drop --least-privilege to print ${adapter.displayName ?? adapter.tool}'s documented policy.`,
    });
  }
  const base = ['awsperm', adapter.tool, project.name, project.stage, set.kind].filter(Boolean).join('-');
  const fragments = [...set.fragments, ...(config.extraPolicies ?? [])];
  const policies = buildPolicies(fragments, base);
  if (policies.length > 1) {
    ctx.warn(`the policy is split into ${policies.length} managed policies to fit IAM's 6,144-character limit`);
  }
  // The CloudFormation service role's own policy: what CloudFormation creates with it.
  const role = set.serviceRole;
  validateRoleArnFlag(roleArn, role, adapter.displayName ?? adapter.tool);
  const rolePolicies = role ? buildPolicies(role.fragments, `${base}-service-role`) : [];
  if (role) ctx.warn(`the ${base}-service-role polic${rolePolicies.length === 1 ? 'y is' : 'ies are'} for the CloudFormation service role ${role.arn} (${role.from}), not the caller`);
  const refs = (list: PolicyFragment[]) => list.map((f) => ({ id: f.id, title: f.title, source: f.source, ...(f.features ? { features: f.features } : {}) }));
  let stdout: string;
  if (format === 'terraform') stdout = renderTerraform([...policies, ...rolePolicies]);
  else if (format === 'cloudformation') stdout = renderCloudFormation([...policies, ...rolePolicies]);
  else {
    const json = {
      schemaVersion: 1,
      tool: adapter.tool,
      kind: set.kind,
      policies,
      fragments: refs(fragments),
      ...(role ? { serviceRole: { arn: role.arn, from: role.from, fragments: refs(role.fragments), policies: rolePolicies } } : {}),
    };
    stdout = `${JSON.stringify(json, null, 2)}\n`;
  }
  return { stdout, exitCode: ExitCode.OK };
}
