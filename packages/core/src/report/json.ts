import type { CheckReport } from './types.ts';

/**
 * The JSON form of a check report (`schemaVersion: 1`, documented in `schema/report.schema.json`). The grouped
 * `fragments` view is reduced to ids, titles and sources; the flat `results` carry every decision.
 */
export function renderCheckJson(report: CheckReport): string {
  const { fragments, ...rest } = report;
  const out = {
    ...rest,
    fragments: fragments.map((f) => ({ id: f.id, title: f.title, source: f.source })),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}
