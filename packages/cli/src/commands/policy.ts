import { allPolicies, policy, policySizeNotes, renderCloudFormation, renderPolicyJson, renderTerraform } from '@awsperm/core';
import { ExitCode } from '../exit-codes.ts';
import type { CommandContext, CommandResult } from '../io.ts';
import { sessionOptions } from '../session.ts';

const FORMATS = ['json', 'terraform', 'cloudformation'] as const;

/**
 * `awsperm policy`: prints the policy a tool (and/or its templates) needs: merged, minimised (unless
 * `--no-minimize`), split to fit IAM's managed-policy size limit, with each part's size on stderr. Every other
 * principal's policy (a CloudFormation service role) is printed after the caller's.
 */
export default async function policyCommand(ctx: CommandContext): Promise<CommandResult> {
  const { options } = ctx;
  const format = options.choice('format', FORMATS, 'json');
  const report = await policy({ ...sessionOptions(ctx), leastPrivilege: options.flag('least-privilege'), minimize: options.parsed.minimize !== false });
  for (const line of policySizeNotes(report)) ctx.note(line);
  const stdout =
    format === 'terraform'
      ? renderTerraform(allPolicies(report))
      : format === 'cloudformation'
        ? renderCloudFormation(allPolicies(report))
        : renderPolicyJson(report);
  return { stdout, exitCode: ExitCode.OK };
}
