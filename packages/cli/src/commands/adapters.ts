import { relative } from 'node:path';
import { discoverAdapters, type FoundAdapter, loadConfig } from '@awsperm/core';
import { builtinAdapters } from '../builtins.ts';
import { ExitCode } from '../exit-codes.ts';
import type { CommandContext, CommandResult } from '../io.ts';

function sourceOf(found: FoundAdapter, cwd: string): string {
  const { origin } = found;
  if (origin.kind === 'built-in') return 'built-in';
  const where = origin.path ? relative(cwd, origin.path) || origin.path : undefined;
  if (origin.kind === 'config') return `config: ${origin.specifier}${where && where !== origin.specifier ? ` (${where})` : ''}`;
  return `installed: ${where ?? origin.specifier}`;
}

/** `awsperm adapters`: lists the adapters awsperm can use in a project and where they come from. */
export default async function adapters(ctx: CommandContext): Promise<CommandResult> {
  const format = ctx.options.choice('format', ['text', 'json'] as const, 'text');
  const cwd = ctx.options.directory('cwd');
  const { config, file } = await loadConfig(cwd, { env: ctx.env, warn: ctx.warn, ...(ctx.global.exec === false ? { exec: false } : {}) });
  const found = await discoverAdapters(cwd, { builtins: builtinAdapters, config, ...(file ? { configFile: file } : {}) });
  const list = found.map((f) => ({
    tool: f.adapter.tool,
    name: f.adapter.name,
    displayName: f.adapter.displayName ?? f.adapter.tool,
    source: f.origin.kind,
    from: f.origin.kind === 'built-in' ? f.origin.specifier : (f.origin.path ?? f.origin.specifier),
    features: f.adapter.features ?? {},
  }));
  if (format === 'json') return { stdout: `${JSON.stringify({ schemaVersion: 1, adapters: list }, null, 2)}\n`, exitCode: ExitCode.OK };
  const lines = found.map((f) => {
    const features = Object.keys(f.adapter.features ?? {});
    const display = f.adapter.displayName ?? f.adapter.tool;
    return `${f.adapter.tool.padEnd(10)} ${display.padEnd(20)} ${f.adapter.name} (${sourceOf(f, cwd)})${features.length ? `  features: ${features.join(', ')}` : ''}`;
  });
  return { stdout: `${lines.join('\n')}\n`, exitCode: ExitCode.OK };
}
