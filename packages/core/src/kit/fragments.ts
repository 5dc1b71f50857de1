import type { FragmentSource, PolicyFragment, RequirementContext, Statement } from '../policy/types.ts';

/**
 * A fragment as table data: statements whose resources hold `{placeholder}`s, and the conditions under which the
 * fragment applies. `C` is the adapter's own condition names (e.g. `'v2' | 'cdk' | 'feature:start'`).
 */
export interface FragmentTemplate<C extends string = string> {
  /** The fragment id, `<tool>.<name>`. */
  id: string;
  /** One-line title. */
  title: string;
  /** Conditions that must all hold. */
  when: readonly C[];
  /** The `--feature` names that switch it on, if any (shown in reports). */
  features?: string[];
  /** Statements with placeholders. */
  statements: Statement[];
  /** Where the entry comes from. */
  source: FragmentSource;
  /** Request context the tool's requests carry (see `PolicyFragment.context`). @since 0.3.0 */
  context?: RequirementContext[];
}

/** The templates whose conditions all hold, in table order. */
export function selectTemplates<C extends string, T extends { when: readonly C[] }>(templates: readonly T[], conditions: ReadonlySet<C>): T[] {
  return templates.filter((t) => t.when.every((w) => conditions.has(w)));
}

/** The `feature:<name>` conditions of the switched-on features. */
export function featureConditions<C extends string>(features: readonly string[]): C[] {
  return features.map((f) => `feature:${f}` as C);
}

/** Fills `{name}` placeholders from `vars`; a placeholder without a value stays as written. */
export function fillPlaceholders(value: string, vars: Readonly<Record<string, string | undefined>>): string {
  return value.replace(/\{(\w+)\}/g, (whole, key: string) => vars[key] ?? whole);
}

/**
 * Maps every resource of `statements` through `resource` (which may expand one placeholder to several ARNs, e.g.
 * `{functionRoles}`); a statement left with one resource holds it as a string.
 */
export function mapResources(statements: readonly Statement[], resource: (value: string) => string | string[]): Statement[] {
  return statements.map((s): Statement => {
    const list = (typeof s.Resource === 'string' ? [s.Resource] : (s.Resource ?? [])).flatMap((r) => resource(r));
    return { ...s, Resource: list.length === 1 ? list[0]! : list };
  });
}

/**
 * Builds a fragment from a template: its id, title, source and features, and the given statements (default the
 * template's own) with their resources filled by `resource` (default: {@link fillPlaceholders} with `vars`).
 */
export function fragmentFromTemplate(
  template: Pick<FragmentTemplate, 'id' | 'title' | 'source' | 'features' | 'statements' | 'context'>,
  fill: { vars?: Readonly<Record<string, string | undefined>>; resource?: (value: string) => string | string[]; statements?: readonly Statement[] },
): PolicyFragment {
  const resource = fill.resource ?? ((r: string) => fillPlaceholders(r, fill.vars ?? {}));
  const f: PolicyFragment = { id: template.id, title: template.title, source: template.source, statements: mapResources(fill.statements ?? template.statements, resource) };
  if (template.features) f.features = template.features;
  if (template.context) f.context = template.context;
  return f;
}
