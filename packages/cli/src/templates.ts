import { existsSync } from 'node:fs';
import {
  type AwspermAdapter,
  callAdapter,
  createHandlerResolver,
  HANDLER_OPERATIONS,
  type HandlerOperation,
  loadTemplates,
  type OnlineSchemaOptions,
  type PolicyFragment,
  type ToolProject,
  templateRequirements,
  unresolvedHint,
  type UnresolvedType,
} from '@awsperm/core';
import type { CommandContext } from './io.ts';
import { usage } from './options.ts';

/** What the templates of a run require. */
export interface TemplateInput {
  /** One fragment per stack, and per stack that publishes assets. */
  fragments: PolicyFragment[];
  /** Resource types no source resolves. */
  unresolved: UnresolvedType[];
}

/** Where the templates come from, for {@link readTemplates}. */
export interface TemplateSources {
  /** The tool's adapter and project, when a tool was chosen: its template locations are read when --template is not given. */
  adapter?: AwspermAdapter;
  project?: ToolProject;
  /** Credentials and co. for `cloudformation:DescribeType`; only in live check modes. */
  online?: OnlineSchemaOptions;
  /** The account, when known (scopes ARNs where the cloud assembly does not fix it). */
  account?: string;
  /** The region, when known. */
  region?: string;
  /** List unresolved types on stderr (for `policy`; `check` reports them in its output). */
  listUnresolved?: boolean;
}

/** `--operations`: the handler operations to require; create, update and delete by default. */
export function operationsOption(ctx: CommandContext): HandlerOperation[] | undefined {
  if (ctx.options.parsed.operations === undefined) return undefined;
  const values = ctx.options.commaList('operations');
  for (const v of values) {
    if (!(HANDLER_OPERATIONS as readonly string[]).includes(v)) {
      usage(`option --operations takes ${HANDLER_OPERATIONS.join(', ')}; got "${v}"`, 'Example: --operations create,update (what a first deploy and an update need, without deletes).');
    }
  }
  return [...new Set(values)] as HandlerOperation[];
}

async function toolLocations(ctx: CommandContext, adapter: AwspermAdapter | undefined, project: ToolProject | undefined): Promise<string[]> {
  if (!adapter?.templateLocations || !project) return [];
  const found = await callAdapter(adapter, 'templateLocations', () => adapter.templateLocations!({ project }));
  if (found.paths.length === 0) {
    if (found.note) ctx.warn(found.note);
    return [];
  }
  const present = found.paths.filter((p) => existsSync(p));
  if (present.length === 0) {
    ctx.warn(`no synthesized templates at ${found.paths.join(', ')}${found.missingHint ? `: ${found.missingHint}` : ''}; template-derived permissions are not included`);
  }
  return present;
}

/**
 * Reads the templates of a run — `--template` paths, or else the tool's template locations — and derives what they
 * require. `undefined` when there are none. Warnings (nested stacks not read, templates missing, types unresolved)
 * go to stderr.
 */
export async function readTemplates(ctx: CommandContext, sources: TemplateSources): Promise<TemplateInput | undefined> {
  const { options } = ctx;
  const operations = operationsOption(ctx);
  const schemaBundles = options.list('cfn-schemas');
  const explicit = options.list('template');
  const paths = explicit.length ? explicit : await toolLocations(ctx, sources.adapter, sources.project);
  if (paths.length === 0) {
    if (operations || schemaBundles.length) {
      usage(
        `${operations ? '--operations' : '--cfn-schemas'} applies to templates, and there are none to read`,
        'Pass --template <file|dir> (a template, or a cdk.out), or synthesize the app first.',
      );
    }
    return undefined;
  }
  const loaded = await loadTemplates(paths);
  for (const w of loaded.warnings) ctx.warn(w);
  const resolver = createHandlerResolver({
    schemaBundles,
    ...(sources.online ? { online: sources.online } : {}),
    onWarning: ctx.warn,
  });
  const required = await templateRequirements(loaded, resolver, {
    ...(operations ? { operations } : {}),
    ...(sources.account ? { account: sources.account } : {}),
    ...(sources.region ? { region: sources.region } : {}),
  });
  if (sources.listUnresolved && required.unresolved.length) {
    const list = required.unresolved.map((u) => `${u.type} (${u.resources.join(', ')})`).join('; ');
    ctx.warn(`${required.unresolved.length} resource type${required.unresolved.length === 1 ? '' : 's'} with unknown permissions: ${list}`);
    ctx.warn(unresolvedHint(sources.online !== undefined));
  }
  return { fragments: required.fragments, unresolved: required.unresolved };
}
