import { type CheckReport, check, colors, plain, renderCheckJson, renderCheckMarkdown, renderCheckText } from '@awsperm/core';
import { ExitCode } from '../exit-codes.ts';
import { cliWording } from '../remedies.ts';
import type { CommandContext, CommandResult } from '../io.ts';
import { credentialOptions, sessionOptions } from '../session.ts';

const FORMATS = ['text', 'json', 'markdown'] as const;
const MODES = ['auto', 'simulate', 'local', 'offline'] as const;

/** The condition keys the undecided results of the caller and every other principal depend on. */
function contextKeys(report: CheckReport): string[] {
  const keys = new Set<string>();
  for (const results of [report.results, ...(report.principals ?? []).map((p) => p.results)]) {
    for (const r of results) if (r.decision === 'unknown') for (const k of r.contextKeys ?? []) keys.add(k);
  }
  return [...keys];
}

/** `awsperm check`: checks required permissions and reports each decision. */
export default async function checkCommand(ctx: CommandContext): Promise<CommandResult> {
  const { options } = ctx;
  const format = options.choice('format', FORMATS, 'text');
  const mode = options.parsed.mode === undefined ? undefined : options.choice('mode', MODES, 'auto');
  const details = options.string('authorization-details');
  const principal = options.string('principal');
  const resource = options.string('resource');
  const report = await check({
    ...sessionOptions(ctx),
    ...credentialOptions(ctx),
    ...(mode ? { mode } : {}),
    policy: options.list('policy'),
    rolePolicy: options.list('role-policy'),
    action: options.list('action').length ? options.commaList('action') : [],
    ...(details !== undefined ? { authorizationDetails: details } : {}),
    ...(principal !== undefined ? { principal } : {}),
    ...(resource !== undefined ? { resource } : {}),
    ...(options.parsed.context !== undefined ? { context: options.list('context') } : {}),
  });
  const verbose = options.flag('verbose');
  if (verbose && report.requests !== undefined && format !== 'json') ctx.note(`made ${report.requests} AWS request${report.requests === 1 ? '' : 's'}`);
  const keys = contextKeys(report);
  if (keys.length && format !== 'json') ctx.note(`Some decisions depend on request context awsperm cannot know: decide them with ${keys.map((k) => `--context ${k}=<value>`).join(' ')}`);
  // Wrapped to the terminal only: piped output keeps one line per entry, for grep and for files.
  const width = process.stdout.isTTY ? process.stdout.columns : undefined;
  const stdout =
    format === 'json'
      ? renderCheckJson(report)
      : format === 'markdown'
        ? renderCheckMarkdown(report, { verbose, wording: cliWording })
        : renderCheckText(report, ctx.global.color && process.stdout.isTTY ? colors : plain, { verbose, wording: cliWording, ...(width ? { width } : {}) });
  return { stdout, exitCode: report.ok ? ExitCode.OK : ExitCode.PROBLEM };
}
