import type { AdapterLog, PolicyFragment, RequirementsContext, ToolProject, UnresolvedRequirement } from '@awsperm/core';
import type { SstProjectInfo } from '../shared/project.ts';
import { discoverSstApp } from './app/discovery.ts';
import type { AppInventory, OutsideAws } from './app/inventory.ts';
import type { StateResource } from './app/state.ts';

/** What the app's own resources require, for {@link sstAppRequirements}'s caller to add to SST's bootstrap fragments. */
export interface SstAppRequirements {
  /** One fragment per component (`sst.app.<Name>`), raw resources, lookups, assets, removed resources. */
  fragments: PolicyFragment[];
  /** What has no data, in core's terms. */
  unresolved: UnresolvedRequirement[];
}

/** Options of {@link sstAppRequirements}. */
export interface SstAppOptions {
  /** Bound of the discovery run, ms. */
  timeoutMs?: number;
  /**
   * The stage's deployed resources. Default: read by {@link deployedState} from `--state`, or in live modes from
   * the stage's state in AWS.
   */
  state?: StateResource[];
}

// One discovery per loaded project: `check` asks for the precise and the documented requirements of the same project.
const discovered = new WeakMap<ToolProject<SstProjectInfo>, Promise<AppInventory>>();

/** The version whose tables apply: the project's, or the newest family (with a warning) when it names none. */
function tablesVersion(info: SstProjectInfo, log: AdapterLog, sstFamily: (version: string) => unknown): string {
  try {
    sstFamily(info.toolVersion);
    return info.toolVersion;
  } catch {
    log.warn(`SST version "${info.toolVersion}" names no 3.x or 4.x release: the app's resources are mapped with the SST 4.x tables`);
    return '4.0.0';
  }
}

function outsideLine(list: OutsideAws[]): string {
  const names = list.slice(0, 5).map((o) => `${o.type}${o.name ? ` "${o.name}"` : ''}`);
  const more = list.length > names.length ? `, and ${list.length - names.length} more` : '';
  return `${list.length} resource${list.length === 1 ? '' : 's'} of other providers (${names.join(', ')}${more}) ${list.length === 1 ? 'is' : 'are'} outside AWS: not checked`;
}

/**
 * What an SST v3/v4 app's own resources need for the stage: discovers them by running `app()` and `run()` in the
 * isolated worker (once per project), maps them through the component, Pulumi, Terraform and IAM tables, and scopes
 * the ARNs to the app, stage, account and region. The stage's deployed state (`--state`, or read in live modes) adds
 * the delete actions of resources the config no longer has. With `--no-exec` nothing runs and the app's resources are one
 * unresolved entry: their permissions are unknown, so `check` cannot say OK.
 */
export async function sstAppRequirements(ctx: RequirementsContext<SstProjectInfo>, region: string, options: SstAppOptions = {}): Promise<SstAppRequirements> {
  const { project, log } = ctx;
  const info = project.config;
  const stage = info.stage ?? project.stage;
  if (ctx.args.exec === false) {
    return {
      fragments: [],
      unresolved: [{ kind: 'app', type: 'run()', reason: "project code is not run: run() is not executed, so the app's own resources (and their permissions) are unknown" }],
    };
  }
  if (!stage) return { fragments: [], unresolved: [{ kind: 'app', type: 'run()', reason: 'no stage, so the app cannot be discovered' }] };
  let inventory = discovered.get(project);
  if (!inventory) {
    inventory = discoverSstApp(project.configFile, {
      stage,
      name: info.app,
      env: ctx.env,
      fromFiles: info.envFromFiles,
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      warn: (m) => log.warn(m),
    });
    discovered.set(project, inventory);
  }
  // The tables (~600 KB) load here, not with the adapter: most SST runs (v1, v2, whoami, documented) never need them.
  // They load while the worker discovers the app, which leaves this process idle.
  const tables = Promise.all([import('./app/requirements.ts'), import('./app/deployed-state.ts')]);
  tables.catch(() => {});
  const inv = await inventory;
  const app = inv.app.name || info.app;
  const [{ appRequirements, sstFamily }, { deployedState }] = await tables;
  const state = options.state ?? (await deployedState(ctx, { app, stage }))?.resources;
  const req = appRequirements(inv, {
    sstVersion: tablesVersion(info, log, sstFamily),
    app,
    stage,
    account: ctx.scope.account ?? '*',
    region,
    ...(state ? { state } : {}),
  });
  for (const w of req.warnings) log.warn(w);
  if (req.outsideAws.length) log.warn(outsideLine(req.outsideAws));
  const unresolved = req.unresolved.map((u) => ({ kind: u.kind, type: u.type, ...(u.name ? { name: u.name } : {}), reason: u.reason }));
  return { fragments: req.fragments, unresolved };
}
