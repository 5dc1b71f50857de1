import type { PrincipalRequirement, Requirements, RequirementSource, UnresolvedRequirement } from '../adapter.ts';
import { SERVICE_ROLE_ID, callAdapter } from '../adapter-validate.ts';
import { expandAction } from '../catalog.ts';
import { hasWildcard, matchesGlob } from '../engine/glob.ts';
import { AwspermError } from '../errors.ts';
import { listOf } from '../policy/document.ts';
import type { PolicyFragment, PolicySetKind } from '../policy/types.ts';
import type { SessionOptions } from './options.ts';
import type { TemplateContext, TemplateInput } from './templates.ts';
import type { Session } from './session.ts';

/** What a run requires, with the requirement sources still to resolve. */
export interface RunRequirements {
  /** documented, precise, ad-hoc or template. */
  kind: PolicySetKind | 'ad-hoc' | 'template';
  /** The caller's fragments. */
  fragments: PolicyFragment[];
  /** The other principals. */
  principals: PrincipalRequirement[];
  /** The sources (the principals' included). */
  sources: RequirementSource[];
  /** What the adapter has no data for. */
  unresolved: UnresolvedRequirement[];
}

/** The adapter's requirements of a kind, with the config's `extraPolicies` for the caller. */
export async function adapterRequirements(session: Session, kind: PolicySetKind): Promise<Requirements> {
  const adapter = session.adapter!;
  const project = session.project!;
  return callAdapter(adapter, 'requirements', () => adapter.requirements({ ...session.context(), project, kind }));
}

/** Refuses `roleArn` when the adapter returned no principal for it (the tool deploys without a service role). */
export function validateRoleArn(session: Session, principals: PrincipalRequirement[]): void {
  if (session.args.roleArn && !principals.length) {
    throw AwspermError.from(
      'USAGE',
      { detail: `the roleArn option: ${session.adapter?.displayName ?? session.adapter?.tool} deploys without a CloudFormation service role`, option: 'roleArn' },
      { hint: 'Drop the role ARN.' },
    );
  }
}

/** The run's requirements from the tool (or the templates alone, when no tool is named). */
export async function toolRequirements(session: Session, kind: PolicySetKind): Promise<RunRequirements> {
  if (!session.adapter) {
    return { kind: 'template', fragments: [], principals: [], sources: [], unresolved: [] };
  }
  const set = await adapterRequirements(session, kind);
  const principals = set.principals ?? [];
  validateRoleArn(session, principals);
  const sources = [...(set.sources ?? []), ...principals.flatMap((p) => (p.sources ?? []).map((s) => ({ ...s, principal: s.principal ?? p.id })))];
  return { kind: set.kind, fragments: [...set.fragments, ...(session.config.extraPolicies ?? [])], principals, sources, unresolved: set.unresolved ?? [] };
}

/** Whether the run reads templates; decided without loading the template code, which most runs never need. */
export function wantsTemplates(options: SessionOptions, req: RunRequirements): boolean {
  return Boolean(options.template?.length || options.operations || options.cfnSchemas?.length || req.sources.length);
}

/**
 * Asset fragments without the requirements the caller's fragments already hold (an adapter that names the same
 * publishing roles; several stacks publishing through one role): each (action, resource) is required once.
 */
function newAssetFragments(existing: PolicyFragment[], assets: PolicyFragment[]): PolicyFragment[] {
  const key = (a: string, r: string) => `${a.toLowerCase()}\u0000${r}`;
  const seen = new Set<string>();
  for (const f of existing) for (const st of f.statements) if (st.Effect === 'Allow' && !st.Condition) for (const a of listOf(st.Action)) for (const r of listOf(st.Resource)) seen.add(key(a, r));
  const out: PolicyFragment[] = [];
  for (const f of assets) {
    const statements = f.statements.flatMap((st) => {
      if (st.Effect !== 'Allow' || st.Condition || st.NotAction || st.NotResource) return [st];
      const resources = listOf(st.Resource);
      const actions = listOf(st.Action).filter((a) => resources.some((r) => !seen.has(key(a, r))));
      const rest = resources.filter((r) => actions.some((a) => !seen.has(key(a, r))));
      for (const a of actions) for (const r of rest) seen.add(key(a, r));
      return actions.length && rest.length ? [{ ...st, Action: actions, Resource: rest }] : [];
    });
    if (statements.length) out.push({ ...f, statements });
  }
  return out;
}

/** The templates of a run, read; `apply` derives their requirements and adds them to the run's. */
export interface RunTemplates {
  /** Adds what the templates require: resources to the principal that creates them, assets to the caller. */
  apply(context: TemplateContext): Promise<TemplateInput>;
}

/** Loads the template code and reads the run's templates (before any AWS call: bad input fails first). */
export async function readTemplates(session: Session, options: SessionOptions, req: RunRequirements): Promise<RunTemplates | undefined> {
  if (!wantsTemplates(options, req)) return undefined;
  // Sources that name no path (SST v3 has no templates) only say why: the template code is not loaded for them.
  const explicit = options.template?.length || options.operations || options.cfnSchemas?.length;
  if (!explicit && req.sources.every((s) => s.kind === 'cloudformation' && s.paths.length === 0)) {
    for (const s of req.sources) if (s.note) session.log.note(s.note);
    return undefined;
  }
  const t = await import('./templates.ts');
  const prepared = await t.prepareTemplates(session, req.sources, {
    ...(options.template ? { template: options.template } : {}),
    ...(options.operations ? { operations: options.operations } : {}),
    ...(options.cfnSchemas ? { cfnSchemas: options.cfnSchemas } : {}),
  });
  if (prepared.length === 0) return undefined;
  return {
    async apply(context: TemplateContext): Promise<TemplateInput> {
      const all: TemplateInput = { resourceFragments: [], assetFragments: [], unresolved: [] };
      for (const p of prepared) {
        const input = await t.templateInput(session, p, context);
        const owner = p.principal ? req.principals.find((x) => x.id === p.principal) : undefined;
        if (p.principal && !owner) session.warn(`a template source names the principal "${p.principal}", which the adapter did not return; its resources go to the caller`);
        if (owner) {
          const i = req.principals.indexOf(owner);
          req.principals[i] = { ...owner, fragments: [...owner.fragments, ...input.resourceFragments] };
          req.fragments = [...req.fragments, ...newAssetFragments(req.fragments, input.assetFragments)];
        } else {
          req.fragments = [...req.fragments, ...input.resourceFragments, ...newAssetFragments(req.fragments, input.assetFragments)];
        }
        all.resourceFragments.push(...input.resourceFragments);
        all.assetFragments.push(...input.assetFragments);
        all.unresolved.push(...input.unresolved);
      }
      return all;
    },
  };
}

/** A principal with nothing to be allowed (no fragments, no sources): only its trust is checked. */
export function onlyAssumed(p: PrincipalRequirement): boolean {
  return !p.fragments.length && !p.sources?.length && Boolean(p.trust?.length);
}

/** The CloudFormation service role among the principals (the `serviceRole` of schema 1). */
export function serviceRoleOf(principals: PrincipalRequirement[]): PrincipalRequirement | undefined {
  return principals.find((p) => p.id === SERVICE_ROLE_ID);
}

/**
 * The base of the names of a run's policies: `awsperm-<tool>-<app>-<stage>` and any further `parts` (`fallback`
 * stands for the tool when there is none: `template`, `ad-hoc`).
 */
export function policyBaseName(session: Session, fallback: string, ...parts: (string | undefined)[]): string {
  return ['awsperm', session.adapter?.tool ?? fallback, session.project?.name, session.project?.stage, ...parts].filter(Boolean).join('-');
}

/** What a principal's policy is named by, after the base: `service-role` for the CloudFormation service role, else its id. */
export function principalPolicySuffix(p: Pick<PrincipalRequirement, 'id'>): string {
  return p.id === SERVICE_ROLE_ID ? 'service-role' : p.id;
}

/**
 * The action patterns of the documented fragments that grant nothing the precise fragments need: what the tool's
 * documentation asks users to grant in vain. A documented pattern counts as needed when it matches any action a
 * precise pattern stands for (wildcards on either side), so `"*"` is never reported while anything is needed.
 */
export async function unneededActions(documented: PolicyFragment[], precise: PolicyFragment[]): Promise<string[]> {
  const needed = new Set<string>();
  for (const f of precise) {
    for (const s of f.statements) {
      if (s.Effect !== 'Allow') continue;
      for (const a of listOf(s.Action)) {
        if (a === '*') return [];
        if (!hasWildcard(a)) {
          needed.add(a.toLowerCase());
          continue;
        }
        // A pattern no catalogue action matches still names what is needed: kept as written.
        const expanded = await expandAction(a).catch(() => [a]);
        for (const x of expanded) needed.add(x.toLowerCase());
      }
    }
  }
  const out: string[] = [];
  for (const f of documented) {
    for (const s of f.statements) {
      if (s.Effect !== 'Allow') continue;
      for (const pattern of listOf(s.Action)) {
        const p = pattern.toLowerCase();
        const used = hasWildcard(p) ? [...needed].some((a) => matchesGlob(p, a, true)) : needed.has(p);
        if (!used && !out.includes(pattern)) out.push(pattern);
      }
    }
  }
  return out;
}
