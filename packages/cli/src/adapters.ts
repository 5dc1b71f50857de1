import { type AwspermAdapter, AwspermError, callAdapter, type Detection, validateAdapter } from '@awsperm/core';

/** The first-party adapters shipped with the CLI, by tool id. Imported only when needed. */
export const builtinAdapters: Record<string, { packageName: string; load: () => Promise<AwspermAdapter> }> = {
  up: {
    packageName: '@awsperm/adapter-up',
    load: async () => (await import('@awsperm/adapter-up')).up(),
  },
  sst: {
    packageName: '@awsperm/adapter-sst',
    load: async () => (await import('@awsperm/adapter-sst')).sst(),
  },
};

async function loadBuiltin(tool: string): Promise<AwspermAdapter> {
  const entry = builtinAdapters[tool]!;
  return validateAdapter(await entry.load(), entry.packageName);
}

/** An adapter and the project it detected. */
export interface ResolvedTool {
  adapter: AwspermAdapter;
  detection: Detection;
}

/**
 * Finds the adapter for `--tool` (or detects the tool when it is omitted) and the project in `cwd`.
 * Errors: unknown tool, no project of that tool, no tool detected, several tools detected.
 */
export async function resolveTool(tool: string | undefined, cwd: string): Promise<ResolvedTool> {
  const known = Object.keys(builtinAdapters);
  if (tool !== undefined) {
    if (!builtinAdapters[tool]) {
      throw new AwspermError('TOOL_UNKNOWN', `unknown tool "${tool}"`, {
        hint: `Known tools: ${known.join(', ')}. Run 'awsperm adapters' to list them.`,
      });
    }
    const adapter = await loadBuiltin(tool);
    const detection = await callAdapter(adapter, 'detect', () => adapter.detect({ cwd }));
    if (!detection) {
      throw new AwspermError('TOOL_NOT_DETECTED', `no ${adapter.displayName ?? tool} project in ${cwd}`, {
        hint: `Run awsperm in the project's directory or pass --cwd <dir>.`,
      });
    }
    return { adapter, detection };
  }
  const found: ResolvedTool[] = [];
  for (const id of known) {
    const adapter = await loadBuiltin(id);
    const detection = await callAdapter(adapter, 'detect', () => adapter.detect({ cwd }));
    if (detection) found.push({ adapter, detection });
  }
  if (found.length === 1) return found[0]!;
  if (found.length === 0) {
    throw new AwspermError('TOOL_NOT_DETECTED', `no supported project found in ${cwd}`, {
      hint: `Pass --tool (${known.join(', ')}) and --cwd <project dir>, or check ad-hoc actions with --action.`,
    });
  }
  throw new AwspermError(
    'TOOL_AMBIGUOUS',
    `several tools detected in ${cwd}: ${found.map((f) => `${f.adapter.tool} (${f.detection.configFile})`).join(', ')}`,
    { hint: 'Choose one with --tool.' },
  );
}
