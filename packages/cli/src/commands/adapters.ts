import { builtinAdapters } from '../adapters.ts';
import { ExitCode } from '../exit-codes.ts';
import type { CommandContext, CommandResult } from '../io.ts';

/** `awsperm adapters`: lists the adapters awsperm can use and where they come from. */
export default async function adapters(ctx: CommandContext): Promise<CommandResult> {
  const format = ctx.options.choice('format', ['text', 'json'] as const, 'text');
  const list = await Promise.all(
    Object.entries(builtinAdapters).map(async ([tool, entry]) => {
      const adapter = await entry.load();
      return {
        tool,
        name: adapter.name,
        displayName: adapter.displayName ?? tool,
        source: 'built-in',
        features: adapter.features ?? {},
      };
    }),
  );
  if (format === 'json') return { stdout: `${JSON.stringify({ schemaVersion: 1, adapters: list }, null, 2)}\n`, exitCode: ExitCode.OK };
  const lines = list.map((a) => {
    const features = Object.keys(a.features);
    return `${a.tool.padEnd(8)} ${a.displayName.padEnd(10)} ${a.name} (${a.source})${features.length ? `  features: ${features.join(', ')}` : ''}`;
  });
  return { stdout: `${lines.join('\n')}\n`, exitCode: ExitCode.OK };
}
