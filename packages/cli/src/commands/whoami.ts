import { renderWhoamiJson, renderWhoamiText, whoami } from '@awsperm/core';
import { ExitCode } from '../exit-codes.ts';
import type { CommandContext, CommandResult } from '../io.ts';
import { credentialOptions, sessionOptions } from '../session.ts';

const FORMATS = ['text', 'json'] as const;

/** `awsperm whoami`: which credentials the tool would use, why, and who that is (SPEC §3). */
export default async function whoamiCommand(ctx: CommandContext): Promise<CommandResult> {
  const format = ctx.options.choice('format', FORMATS, 'text');
  const report = await whoami({ ...sessionOptions(ctx), ...credentialOptions(ctx) });
  const stdout = format === 'json' ? renderWhoamiJson(report) : renderWhoamiText(report, ctx.global.color);
  return { stdout, exitCode: report.ok ? ExitCode.OK : ExitCode.PROBLEM };
}
