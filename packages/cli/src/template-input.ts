import { existsSync } from 'node:fs';
import { type AwspermAdapter, callAdapter, type PolicyFragment, type ToolProject, unresolvedHint } from '@awsperm/core';
import {
  createHandlerResolver,
  HANDLER_OPERATIONS,
  type HandlerOperation,
  type HandlerResolver,
  type LoadedTemplates,
  loadTemplates,
  type OnlineSchemaOptions,
  type ResourceTypePermissions,
  templateRequirements,
  type UnresolvedType,
} from '@awsperm/core/cloudformation';
import type { CommandContext } from './io.ts';
import { usage } from './options.ts';

/** What the templates of a run require. */
export interface TemplateInput {
  /** What creating, updating and deleting the stacks' resources needs: one fragment per stack. */
  resourceFragments: PolicyFragment[];
  /** What publishing the stacks' assets needs: one fragment per stack that publishes assets. */
  assetFragments: PolicyFragment[];
  /** Resource types no source resolves. */
  unresolved: UnresolvedType[];
}

/** Templates read and checked before any AWS call, so bad input exits 2 whatever the credentials. */
export interface PreparedTemplates {
  /** The stacks and asset manifests. */
  loaded: LoadedTemplates;
  /** `--operations`, when given. */
  operations?: HandlerOperation[];
  /** What the offline sources (table, overlay, `--cfn-schemas`) know of the templates' types. */
  known: Map<string, ResourceTypePermissions>;
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
    if (found.note) ctx.note(found.note);
    return [];
  }
  const present = found.paths.filter((p) => existsSync(p));
  if (present.length === 0) {
    ctx.warn(`no synthesized templates at ${found.paths.join(', ')}${found.missingHint ? `: ${found.missingHint}` : ''}; template-derived permissions are not included`);
  }
  return present;
}

/**
 * Reads the templates of a run — `--template` paths, or else the tool's template locations — and resolves their
 * types with the offline sources (which reads `--cfn-schemas`). `undefined` when there are none. Throws for bad
 * input (exit 2); warnings (nested stacks not read, templates missing) go to stderr.
 */
export async function prepareTemplates(ctx: CommandContext, adapter?: AwspermAdapter, project?: ToolProject): Promise<PreparedTemplates | undefined> {
  const { options } = ctx;
  const operations = operationsOption(ctx);
  const schemaBundles = options.list('cfn-schemas');
  const explicit = options.list('template');
  const paths = explicit.length ? explicit : await toolLocations(ctx, adapter, project);
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
  const known = await createHandlerResolver({ schemaBundles, onWarning: ctx.warn }).resolve(typesOf(loaded));
  return { loaded, ...(operations ? { operations } : {}), known };
}

function typesOf(loaded: LoadedTemplates): string[] {
  return [...new Set(loaded.stacks.flatMap((s) => Object.values(s.template.Resources).map((r) => r.Type)))];
}

/** What {@link templateInput} needs besides the prepared templates. */
export interface TemplateContext {
  /** Credentials and co. for `cloudformation:DescribeType` of the types still unknown; only in live check modes. */
  online?: OnlineSchemaOptions;
  /** The account, when known (scopes ARNs where the cloud assembly does not fix it). */
  account?: string;
  /** The region, when known. */
  region?: string;
  /** List unresolved types on stderr (for `policy`; `check` reports them in its output). */
  listUnresolved?: boolean;
}

/** Derives what prepared templates require; types still unknown are asked online when `online` is given. */
export async function templateInput(ctx: CommandContext, prepared: PreparedTemplates, context: TemplateContext): Promise<TemplateInput> {
  const resolved = new Map(prepared.known);
  const missing = typesOf(prepared.loaded).filter((t) => !resolved.has(t));
  if (missing.length && context.online) {
    for (const [t, p] of await createHandlerResolver({ online: context.online, onWarning: ctx.warn }).resolve(missing)) resolved.set(t, p);
  }
  const resolver: HandlerResolver = { resolve: async (types) => new Map(types.flatMap((t) => (resolved.has(t) ? [[t, resolved.get(t)!] as const] : []))) };
  const required = await templateRequirements(prepared.loaded, resolver, {
    ...(prepared.operations ? { operations: prepared.operations } : {}),
    ...(context.account ? { account: context.account } : {}),
    ...(context.region ? { region: context.region } : {}),
  });
  if (context.listUnresolved && required.unresolved.length) {
    const list = required.unresolved.map((u) => `${u.type} (${u.resources.join(', ')})`).join('; ');
    ctx.warn(`${required.unresolved.length} resource type${required.unresolved.length === 1 ? '' : 's'} with unknown permissions: ${list}`);
    ctx.warn(unresolvedHint(context.online !== undefined));
  }
  const assets = new Set(required.assetFragments);
  return {
    resourceFragments: required.fragments.filter((f) => !assets.has(f)),
    assetFragments: required.assetFragments,
    unresolved: required.unresolved,
  };
}
