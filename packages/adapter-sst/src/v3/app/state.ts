import { AwspermError } from '@awsperm/core';
import type { AppInventory } from './inventory.ts';

const invalid = (what: string): AwspermError =>
  new AwspermError('JSON_INVALID', `the SST state ${what}`, {
    adapter: '@awsperm/adapter-sst',
    hint: 'Give what `sst state export --stage <stage>` prints, unchanged.',
  });

/** One deployed resource of a stage, as much as the requirements need: no inputs, outputs or ids (they may hold secrets). */
export interface StateResource {
  /** The Pulumi URN. */
  urn: string;
  /** The Pulumi type token (`aws:lambda/function:Function`, `sst:aws:Function`, `pulumi-nodejs:dynamic:Resource`). */
  type: string;
  /** The resource's name (the URN's last part). */
  name: string;
  /** The parent's URN, when it has one. */
  parent?: string;
}

/**
 * Parses what `sst state export` prints — the Pulumi `CheckpointV3` (`{ stack, latest: { resources: [...] } }`),
 * or the `VersionedCheckpoint` wrapping it (`{ version: 3, checkpoint: … }`) — into the resource list. Only `urn`,
 * `type` and `parent` are kept: inputs, outputs and secrets are never read into the result. Throws `JSON_INVALID`
 * (one line, no content echoed) for text that is not such a checkpoint.
 */
export function parseStateExport(text: string): StateResource[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw invalid('is not JSON');
  }
  const obj = (v: unknown): Record<string, unknown> | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
  let cp = obj(data);
  if (cp && obj(cp['checkpoint'])) cp = obj(cp['checkpoint']);
  const latest = obj(cp?.['latest']);
  if (!cp || (latest === undefined && !('stack' in cp))) throw invalid('is not a Pulumi checkpoint');
  const list = latest?.['resources'];
  if (list !== undefined && !Array.isArray(list)) throw invalid('has a "latest.resources" that is not a list');
  const out: StateResource[] = [];
  for (const r of (list ?? []) as unknown[]) {
    const e = obj(r);
    if (!e || typeof e['urn'] !== 'string' || typeof e['type'] !== 'string') continue;
    const urn = e['urn'];
    const parent = typeof e['parent'] === 'string' ? e['parent'] : undefined;
    out.push({ urn, type: e['type'], name: urn.split('::').pop() ?? urn, ...(parent ? { parent } : {}) });
  }
  return out;
}

/** The component (`sst:aws:Function::Hello`) or raw resource key of the config's own top-level things. */
function configKeys(inv: AppInventory): Set<string> {
  const keys = new Set<string>();
  for (const c of inv.components) keys.add(`${c.type.replace(/^sst\.aws\./, 'sst:aws:').replace(/^sst\.x\./, 'sst:x:').replace(/^sst\./, 'sst:sst:')}::${c.name}`);
  for (const r of inv.resources) keys.add(`${r.token}::${r.name}`);
  return keys;
}

/**
 * Which deployed resources the config still has (`kept`, to be updated) and which it no longer has (`removed`, to
 * be deleted): a resource belongs to its top-level ancestor under the stack, a component (`sst:aws:<Class>`) or a
 * raw resource, matched with the config's by type and name. SST's bookkeeping nodes (the stack, providers,
 * `sst:sst:*`) are neither.
 */
export function stateChanges(state: StateResource[], inv: AppInventory): { kept: StateResource[]; removed: StateResource[] } {
  const byUrn = new Map(state.map((r) => [r.urn, r]));
  const keys = configKeys(inv);
  const top = (r: StateResource): StateResource => {
    let cur = r;
    for (let i = 0; i < 100; i++) {
      const p = cur.parent ? byUrn.get(cur.parent) : undefined;
      if (!p || p.type === 'pulumi:pulumi:Stack') return cur;
      cur = p;
    }
    return cur;
  };
  const kept: StateResource[] = [];
  const removed: StateResource[] = [];
  for (const r of state) {
    if (r.type === 'pulumi:pulumi:Stack' || r.type.startsWith('pulumi:providers:') || r.type.startsWith('sst:sst:')) continue;
    const t = top(r);
    (keys.has(`${t.type}::${t.name}`) ? kept : removed).push(r);
  }
  return { kept, removed };
}
