import { type LintFinding, lintFiles, renderLintSarif } from '@awsperm/core';
import { ExitCode } from '../exit-codes.ts';
import type { CommandContext, CommandResult } from '../io.ts';
import { usage } from '../options.ts';

declare const __AWSPERM_VERSION__: string;

/** `file:line:column: policy 2, statement 3 (Sid "Read"): error: message [code]`; statements counted from 1. */
function line(f: LintFinding): string {
  const file = f.file ?? f.policy;
  const at = f.line === undefined ? file : `${file}:${f.line}:${f.column ?? 1}`;
  const policy = f.file !== undefined && f.policy !== f.file ? /\[(\d+)\]$/.exec(f.policy) : null;
  const parts = [policy ? `policy ${Number(policy[1]) + 1}` : '', f.statement !== undefined ? `statement ${f.statement}${f.sid ? ` (Sid "${f.sid}")` : ''}` : ''].filter(Boolean);
  return `${at}: ${parts.length ? `${parts.join(', ')}: ` : ''}${f.severity}: ${f.message} [${f.code}]`;
}

/** `awsperm lint <file>…`: checks policy files against the IAM action catalogue and IAM's limits. */
export default async function lint(ctx: CommandContext, files: string[] = []): Promise<CommandResult> {
  const format = ctx.options.choice('format', ['text', 'json', 'sarif'] as const, 'text');
  if (files.length === 0) usage('lint needs at least one policy file', 'Usage: awsperm lint <policy-file>...');
  const findings = await lintFiles(files);
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  // Every file is linted first; a malformed input then exits 2 (usage/config), other errors 1.
  const exitCode = findings.some((f) => f.invalidInput) ? ExitCode.USAGE : errors ? ExitCode.PROBLEM : ExitCode.OK;
  if (format === 'sarif') return { stdout: renderLintSarif(findings, { version: typeof __AWSPERM_VERSION__ === 'string' ? __AWSPERM_VERSION__ : '0.0.0' }), exitCode };
  if (format === 'json') {
    return { stdout: `${JSON.stringify({ schemaVersion: 1, files, findings, summary: { errors, warnings }, ok: errors === 0 }, null, 2)}\n`, exitCode };
  }
  const summary = `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} in ${files.length} file${files.length === 1 ? '' : 's'}`;
  return { stdout: `${[...findings.map(line), findings.length ? '' : 'No problems found.', summary].filter((l, i, a) => l !== '' || i < a.length - 1).join('\n')}\n`, exitCode };
}
