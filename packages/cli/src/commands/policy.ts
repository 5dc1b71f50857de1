import { allPolicies, policy, policySizeNotes, renderCloudFormation, renderPolicyJson, renderTerraform } from '@awsperm/core';
import { ExitCode } from '../exit-codes.ts';
import type { CommandContext, CommandResult } from '../io.ts';
import { usage } from '../options.ts';
import { credentialOptions, sessionOptions } from '../session.ts';

const FORMATS = ['json', 'document', 'terraform', 'cloudformation'] as const;
const MODES = ['auto', 'simulate', 'local', 'offline'] as const;

/**
 * `awsperm policy`: prints the policy a tool (and/or its templates) needs: merged, minimised (unless
 * `--no-minimize`), split to fit IAM's managed-policy size limit, with each part's size on stderr. Every other
 * principal's policy (a CloudFormation service role) is printed after the caller's. With `--missing`, only what a
 * check of the given principal finds missing (exit 1 when a grant alone cannot make that check pass).
 */
export default async function policyCommand(ctx: CommandContext): Promise<CommandResult> {
  const { options } = ctx;
  const outDir = options.string('out-dir');
  const format = options.parsed.format === undefined && outDir !== undefined ? 'document' : options.choice('format', FORMATS, 'json');
  if (outDir !== undefined && format !== 'document') usage('--out-dir goes with --format document (one <name>.json file per policy)');
  const missing = options.flag('missing');
  const details = options.string('authorization-details');
  const principal = options.string('principal');
  const mode = options.parsed.mode === undefined ? undefined : options.choice('mode', MODES, 'auto');
  const report = await policy({
    ...sessionOptions(ctx),
    ...(missing ? credentialOptions(ctx) : {}),
    leastPrivilege: options.flag('least-privilege'),
    minimize: options.parsed.minimize !== false,
    ...(missing ? { missing } : {}),
    ...(mode ? { mode } : {}),
    policy: options.list('policy'),
    rolePolicy: options.list('role-policy'),
    ...(details !== undefined ? { authorizationDetails: details } : {}),
    ...(principal !== undefined ? { principal } : {}),
  });
  for (const line of policySizeNotes(report)) ctx.note(line);
  const exitCode = report.missing && !report.missing.sufficient ? ExitCode.PROBLEM : ExitCode.OK;
  const policies = allPolicies(report);
  if (format === 'document') {
    if (outDir !== undefined) {
      const { writeDocuments } = await import('../out-dir.ts');
      return { stdout: writeDocuments(outDir, policies).map((p) => `${p}\n`).join(''), exitCode };
    }
    if (policies.length > 1) {
      usage(
        `the policy has ${policies.length} parts (${policies.map((p) => p.name).join(', ')}); --format document prints one`,
        'Give --out-dir <dir> to write one <name>.json per part, or use --format json, terraform or cloudformation.',
      );
    }
    return { stdout: policies.length ? `${JSON.stringify(policies[0]!.document, null, 2)}\n` : '', exitCode };
  }
  const stdout = format === 'terraform' ? renderTerraform(policies) : format === 'cloudformation' ? renderCloudFormation(policies) : renderPolicyJson(report);
  return { stdout, exitCode };
}
