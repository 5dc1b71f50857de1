import type { AwspermAdapter, ToolProject } from '@awsperm/core';
import type { CommandContext } from './io.ts';
import type { PreparedTemplates, TemplateContext, TemplateInput } from './template-input.ts';

export type { PreparedTemplates, TemplateContext, TemplateInput } from './template-input.ts';

/**
 * Whether a run reads templates: `--template`, `--operations` or `--cfn-schemas` given, or a tool that has template
 * locations. Decided without loading the template code, which most runs (Up, ad-hoc actions) never need.
 */
function wantsTemplates(ctx: CommandContext, adapter: AwspermAdapter | undefined): boolean {
  const { parsed } = ctx.options;
  return parsed.template !== undefined || parsed.operations !== undefined || parsed.cfnSchemas !== undefined || adapter?.templateLocations !== undefined;
}

/**
 * Reads the templates of a run (see `template-input.ts`), loading the template code only when the run has any.
 * `undefined` when there are none.
 */
export async function prepareTemplates(ctx: CommandContext, adapter?: AwspermAdapter, project?: ToolProject): Promise<PreparedTemplates | undefined> {
  if (!wantsTemplates(ctx, adapter)) return undefined;
  return (await import('./template-input.ts')).prepareTemplates(ctx, adapter, project);
}

/** Derives what prepared templates require (see `template-input.ts`). */
export async function templateInput(ctx: CommandContext, prepared: PreparedTemplates, context: TemplateContext): Promise<TemplateInput> {
  return (await import('./template-input.ts')).templateInput(ctx, prepared, context);
}
