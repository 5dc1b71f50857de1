import { existsSync } from 'node:fs';
import type { CloudFormationSource, RequirementSource } from '../adapter.ts';
import type { AwsClientOptions } from '../aws/read-only.ts';
import type { SchemaCacheOptions } from '../cfn/describe-type.ts';
import { createHandlerResolver } from '../cfn/resolver.ts';
import { HANDLER_OPERATIONS } from '../cfn/schemas.ts';
import type { HandlerOperation, HandlerResolver, ResourceTypePermissions } from '../cfn/types.ts';
import { AwspermError } from '../errors.ts';
import type { PolicyFragment } from '../policy/types.ts';
import { unresolvedHint } from '../report/text.ts';
import { loadTemplates } from '../templates/load.ts';
import { templateRequirements } from '../templates/required.ts';
import type { LoadedTemplates, UnresolvedType } from '../templates/types.ts';
import type { Session } from './session.ts';

// This module is imported lazily (only by runs that read templates): it pulls the CloudFormation code.

/** What the templates of one source require. */
export interface TemplateInput {
  /** What creating, updating and deleting the stacks' resources needs: one fragment per stack. */
  resourceFragments: PolicyFragment[];
  /** What publishing the stacks' assets needs: one fragment per stack that publishes assets. */
  assetFragments: PolicyFragment[];
  /** Resource types no source resolves. */
  unresolved: UnresolvedType[];
}

/** Templates read and checked before any AWS call, so bad input fails whatever the credentials. */
export interface PreparedTemplates {
  /** The principal that creates the resources (the source's `principal`); undefined for the caller. */
  principal?: string;
  /** The account and region the source fixes for its templates (they win over the run's). */
  environment?: { account?: string; region?: string };
  /** The stacks and asset manifests. */
  loaded: LoadedTemplates;
  /** The handler operations to require, when narrowed. */
  operations?: HandlerOperation[];
  /** What the offline sources (table, overlay, schema bundles) know of the templates' types. */
  known: Map<string, ResourceTypePermissions>;
}

function presentPaths(session: Session, source: CloudFormationSource): string[] {
  if (source.paths.length === 0) {
    if (source.note) session.log.note(source.note);
    return [];
  }
  const present = source.paths.filter((p) => existsSync(p));
  if (present.length === 0) {
    session.warn(`no synthesized templates at ${source.paths.join(', ')}${source.missingHint ? `: ${source.missingHint}` : ''}; template-derived permissions are not included`);
  }
  return present;
}

function typesOf(loaded: LoadedTemplates): string[] {
  return [...new Set(loaded.stacks.flatMap((s) => Object.values(s.template.Resources).map((r) => r.Type)))];
}

/**
 * Reads the templates of a run: the explicit `template` paths (for the caller, or for `principal` when the tool's own
 * CloudFormation source names one), or else the adapter's `cloudformation` sources; resolves their types with the
 * offline sources (which reads the schema bundles). Throws for bad input; warnings go to the session's log.
 */
export async function prepareTemplates(
  session: Session,
  sources: RequirementSource[],
  input: { template?: string[]; operations?: HandlerOperation[]; cfnSchemas?: string[] },
): Promise<PreparedTemplates[]> {
  const schemaBundles = input.cfnSchemas ?? [];
  for (const v of input.operations ?? []) {
    if (!(HANDLER_OPERATIONS as readonly string[]).includes(v)) {
      throw AwspermError.from(
        'USAGE',
        { detail: `the operations option takes ${HANDLER_OPERATIONS.join(', ')}; got "${v}"`, option: 'operations' },
        { hint: 'For example create,update: what a first deploy and an update need, without deletes.' },
      );
    }
  }
  const cfn = sources.filter((s): s is CloudFormationSource => s.kind === 'cloudformation');
  for (const s of sources) if (s.kind !== 'cloudformation') session.warn(`requirement source kind "${(s as { kind: string }).kind}" is not known to this awsperm; skipped`);
  const groups: { principal?: string; paths: string[]; environment?: { account?: string; region?: string } }[] = input.template?.length
    ? [{ ...(cfn.find((s) => s.principal)?.principal ? { principal: cfn.find((s) => s.principal)!.principal! } : {}), paths: input.template }]
    : cfn.map((s) => ({
        ...(s.principal ? { principal: s.principal } : {}),
        ...(s.account || s.region ? { environment: { ...(s.account ? { account: s.account } : {}), ...(s.region ? { region: s.region } : {}) } } : {}),
        paths: presentPaths(session, s),
      }));
  const out: PreparedTemplates[] = [];
  for (const group of groups.filter((g) => g.paths.length)) {
    const loaded = await loadTemplates(group.paths);
    for (const w of loaded.warnings) session.warn(w);
    const known = await createHandlerResolver({ schemaBundles, onWarning: (m) => session.warn(m) }).resolve(typesOf(loaded));
    out.push({ ...(group.principal ? { principal: group.principal } : {}), ...(group.environment ? { environment: group.environment } : {}), loaded, ...(input.operations ? { operations: input.operations } : {}), known });
  }
  if (out.length === 0 && (input.operations || schemaBundles.length)) {
    throw AwspermError.from(
      'USAGE',
      { detail: `the ${input.operations ? 'operations' : 'cfnSchemas'} option applies to templates, and there are none to read`, option: input.operations ? 'operations' : 'cfnSchemas' },
      { hint: 'Name a template or a cdk.out to read, or synthesize the app first.' },
    );
  }
  return out;
}

/** What {@link templateInput} needs besides the prepared templates. */
export interface TemplateContext {
  /** Credentials and co. for `cloudformation:DescribeType` of the types still unknown; only in live check modes. */
  online?: AwsClientOptions & SchemaCacheOptions;
  /** The account, when known (scopes ARNs where the cloud assembly does not fix it). */
  account?: string;
  /** The region, when known. */
  region?: string;
  /** Warn about unresolved types (for `policy`; `check` reports them in its output). */
  listUnresolved?: boolean;
}

/** Derives what prepared templates require; types still unknown are asked online when `online` is given. */
export async function templateInput(session: Session, prepared: PreparedTemplates, context: TemplateContext): Promise<TemplateInput> {
  const resolved = new Map(prepared.known);
  const missing = typesOf(prepared.loaded).filter((t) => !resolved.has(t));
  if (missing.length && context.online) {
    for (const [t, p] of await createHandlerResolver({ online: context.online, onWarning: (m) => session.warn(m) }).resolve(missing)) resolved.set(t, p);
  }
  const resolver: HandlerResolver = { resolve: async (types) => new Map(types.flatMap((t) => (resolved.has(t) ? [[t, resolved.get(t)!] as const] : []))) };
  const required = await templateRequirements(prepared.loaded, resolver, {
    ...(prepared.operations ? { operations: prepared.operations } : {}),
    ...((prepared.environment?.account ?? context.account) ? { account: prepared.environment?.account ?? context.account } : {}),
    ...((prepared.environment?.region ?? context.region) ? { region: prepared.environment?.region ?? context.region } : {}),
  });
  if (context.listUnresolved && required.unresolved.length) {
    const list = required.unresolved.map((u) => `${u.type} (${u.resources.join(', ')})`).join('; ');
    session.warn(`${required.unresolved.length} resource type${required.unresolved.length === 1 ? '' : 's'} with unknown permissions: ${list}`);
    session.warn(unresolvedHint(context.online !== undefined));
  }
  const assets = new Set(required.assetFragments);
  return {
    resourceFragments: required.fragments.filter((f) => !assets.has(f)),
    assetFragments: required.assetFragments,
    unresolved: required.unresolved,
  };
}
