import type { CheckReport } from './types.ts';

/**
 * The JSON form of a check report (`schemaVersion: 1`, documented in `schema/report.schema.json`). The grouped
 * `fragments` view is reduced to ids, titles and sources; the flat `results` carry every decision.
 */
export function renderCheckJson(report: CheckReport): string {
  const { fragments, serviceRole, principals, warnings, ok, ...rest } = report;
  const brief = (list: CheckReport['fragments']) => list.map((f) => ({ id: f.id, title: f.title, ...(f.description ? { description: f.description } : {}), source: f.source }));
  const out = {
    ...rest,
    fragments: brief(fragments),
    ...(serviceRole ? { serviceRole: { ...serviceRole, fragments: brief(serviceRole.fragments) } } : {}),
    ...(principals?.length ? { principals: principals.map((p) => ({ ...p, fragments: brief(p.fragments) })) } : {}),
    ...(warnings?.length ? { warnings } : {}),
    ok,
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}
