import { type LintFinding, lintPolicies, loadPolicyFiles } from '@awsperm/core';
import { ExitCode } from '../exit-codes.ts';
import type { CommandContext, CommandResult } from '../io.ts';
import { usage } from '../options.ts';

function line(f: LintFinding): string {
  const where = f.statementIndex === undefined ? f.policy : `${f.policy}: statement ${f.statementIndex + 1}`;
  return `${where}: ${f.severity}: ${f.message} [${f.code}]`;
}

/** `awsperm lint <file>…`: checks policy files against the IAM action catalogue and IAM's limits. */
export default async function lint(ctx: CommandContext, files: string[] = []): Promise<CommandResult> {
  const format = ctx.options.choice('format', ['text', 'json'] as const, 'text');
  if (files.length === 0) usage('lint needs at least one policy file', 'Usage: awsperm lint <policy-file>...');
  const findings = await lintPolicies(await loadPolicyFiles(files));
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  const exitCode = errors ? ExitCode.PROBLEM : ExitCode.OK;
  if (format === 'json') {
    return { stdout: `${JSON.stringify({ schemaVersion: 1, files, findings, summary: { errors, warnings }, ok: errors === 0 }, null, 2)}\n`, exitCode };
  }
  const summary = `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} in ${files.length} file${files.length === 1 ? '' : 's'}`;
  return { stdout: `${[...findings.map(line), findings.length ? '' : 'No problems found.', summary].filter((l, i, a) => l !== '' || i < a.length - 1).join('\n')}\n`, exitCode };
}
