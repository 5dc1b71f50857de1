import { resolve } from 'node:path';
import type { AdapterArgs, AdapterAws, AdapterContext, AwspermAdapter, AwspermAdapterV2, Detection, ToolProject } from '../adapter.ts';
import { adapterV2, callAdapter } from '../adapter-validate.ts';
import { createDeadline, type Deadline, DEFAULT_TIMEOUT_SECONDS } from '../aws/deadline.ts';
import { type AwspermConfig, expectedAccount, loadConfig } from '../config.ts';
import { ignoredVariablesWarning, screenProjectEnv } from '../project-env.ts';
import { genericCredentialRules } from '../credentials/generic.ts';
import type { CredentialRules } from '../credentials/types.ts';
import { AwspermError } from '../errors.ts';
import { statRegularFile } from '../files.ts';
import { resolveTool } from './adapters.ts';
import type { SessionLog, SessionOptions } from './options.ts';

/** A session's log: every warning is collected (for the report) and passed on as it happens. */
export interface CollectedLog {
  /** The warnings so far, in order, each once. */
  readonly warnings: string[];
  /** Records and passes on a warning. */
  warn(message: string): void;
  /** Passes on a note. */
  note(message: string): void;
  /** Passes on a debug line, when the caller listens to them. */
  debug?: (message: string) => void;
}

function collectedLog(log: SessionLog | undefined): CollectedLog {
  const warnings: string[] = [];
  return {
    warnings,
    warn(message) {
      if (warnings.includes(message)) return;
      warnings.push(message);
      log?.warn?.(message);
    },
    note(message) {
      log?.note?.(message);
    },
    ...(log?.debug ? { debug: (m: string) => log.debug!(m) } : {}),
  };
}

/**
 * Whether a run needs a tool: `required` (policy sets); `named` (templates: a tool only when one is named, by the
 * options or the config); `optional` (whoami: the generic rules without one); `none` (ad-hoc actions).
 */
export type ToolNeed = 'required' | 'named' | 'optional' | 'none';

/**
 * One run's shared state, resolved once: the config, the adapter and project, features, stage, region, account,
 * the credential rules, the deadline and the log. Every part of `check`, `policy` and `whoami` reads its scope here.
 */
export interface Session {
  /** The project directory, absolute. */
  readonly cwd: string;
  /** The environment awsperm runs with. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The environment the tool resolves credentials and region with: `env` overlaid by the project's `env`. */
  readonly toolEnv: Readonly<Record<string, string | undefined>>;
  /** The awsperm config (empty when none). */
  readonly config: AwspermConfig;
  /** The adapter, as a v2 view, when the run has a tool. */
  readonly adapter?: AwspermAdapterV2<unknown>;
  /** The adapter as loaded (v1 or v2), for attribution. */
  readonly original?: AwspermAdapter;
  /** The project the adapter loaded. */
  readonly project?: ToolProject<unknown>;
  /** What the adapter detected. */
  readonly detection?: Detection;
  /** The run's arguments as the adapter sees them. */
  readonly args: AdapterArgs;
  /** The validated features. */
  readonly features: readonly string[];
  /** The stage: the project's, else the argument. */
  readonly stage?: string;
  /** The region: the project's, the argument, or the credential rules' (a profile's region), once for the run. */
  region?: string;
  /** The account the config expects for the stage. */
  readonly account?: string;
  /** The run's bound on AWS calls. */
  readonly deadline: Deadline;
  /** `endpointUrl`. */
  readonly endpointUrl?: string;
  /** The log. */
  readonly log: CollectedLog;
  /**
   * The adapters' read-only AWS facility, set when the run goes live (`check` without policy files): from then on
   * {@link Session.context} hands it to every hook as `aws`.
   */
  aws?: AdapterAws;
  /**
   * The caller's account, once a live run knows it: the hooks' `scope.account` when the config expects none for the
   * stage.
   */
  callerAccount?: string;
  /** Records a warning. */
  warn(message: string): void;
  /** The credential rules: the adapter's, else the generic SDK chain. Computed once. */
  rules(): Promise<CredentialRules>;
  /** The context object of a v2 hook, with the scope as known now. */
  context(): AdapterContext;
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

/** The closest of `known` to `name` within two edits, if any. */
export function didYouMean(name: string, known: readonly string[]): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const k of known) {
    const d = levenshtein(name.toLowerCase(), k.toLowerCase());
    if (d <= 2 && (!best || d < best.d)) best = { name: k, d };
  }
  return best?.name;
}

/** Features every adapter takes: core's own. */
const CORE_FEATURES = ['documented'];

function validateFeatures(features: string[], adapter: AwspermAdapterV2<unknown>): void {
  const known = [...new Set([...CORE_FEATURES, ...Object.keys(adapter.features ?? {})])];
  for (const f of features) {
    if (known.includes(f)) continue;
    const near = didYouMean(f, known);
    throw AwspermError.from('FEATURE_UNKNOWN', { feature: f, tool: adapter.tool, toolName: adapter.displayName ?? adapter.tool, known, ...(near ? { suggestion: near } : {}) });
  }
}

/**
 * Opens a session: loads the awsperm config, finds the tool's adapter and project (per `need`), validates the
 * features, and resolves stage, account and region once. `requirements` names the set the command will ask for,
 * given the run's features (config and options): the adapter's hint {@link AdapterArgs.requirements}.
 */
export async function openSession(options: SessionOptions, need: ToolNeed, requirements?: (features: readonly string[]) => AdapterArgs['requirements']): Promise<Session> {
  const cwd = resolve(options.cwd ?? '.');
  const env = options.env ?? process.env;
  const log = collectedLog(options.log);
  const { config } = await loadConfig(cwd, { env, warn: (m) => log.warn(m), ...(options.exec === false ? { exec: false } : {}) });
  const exec = options.exec !== false && config.exec !== false;
  // Checked now, read by the adapter later: a missing file is a usage error before anything else runs.
  const state = options.state !== undefined ? resolve(options.state) : undefined;
  if (state !== undefined) statRegularFile(state, 'state', 'state file (the state option)');
  const features = [...new Set([...(config.features ?? []), ...(options.feature ?? [])])];
  const wanted = requirements?.(features);
  const args: AdapterArgs = {
    ...(options.stage !== undefined ? { stage: options.stage } : {}),
    ...(options.region !== undefined ? { region: options.region } : {}),
    ...(options.profile !== undefined ? { profile: options.profile } : {}),
    ...(options.roleArn !== undefined ? { roleArn: options.roleArn } : {}),
    ...(options.template?.length ? { template: options.template } : {}),
    ...(options.stack?.length ? { stack: options.stack } : {}),
    ...(exec ? {} : { exec: false }),
    ...(state !== undefined ? { state } : {}),
    ...(wanted ? { requirements: wanted } : {}),
  };
  const adapterLog = { warn: (m: string) => log.warn(m), debug: (m: string) => log.debug?.(m) };
  const base = (): AdapterContext => ({ cwd, env, args, features, scope: {}, log: adapterLog });

  let original: AwspermAdapter | undefined;
  let adapter: AwspermAdapterV2<unknown> | undefined;
  let detection: Detection | undefined;
  let project: ToolProject<unknown> | undefined;
  const tool = options.tool ?? config.tool;
  if (need !== 'none' && !(need === 'named' && tool === undefined)) {
    const withConfig = { adapters: [...(options.adapters ?? []), ...(config.adapters ?? [])] };
    try {
      const found = await resolveTool(tool, cwd, {
        ...(options.builtins ? { builtins: options.builtins } : {}),
        config: withConfig,
        detect: (a) => callAdapter(a, 'detect', () => adapterV2(a).detect(base())),
      });
      original = found.adapter;
      adapter = adapterV2(found.adapter);
      detection = found.detection;
    } catch (error) {
      // Without a tool, no detected project means the generic rules (whoami).
      if (need === 'required' || tool !== undefined || !(AwspermError.is(error) && error.code === 'TOOL_NOT_DETECTED')) throw error;
    }
    if (adapter && detection) {
      validateFeatures(features, adapter);
      const a = adapter;
      const d = detection;
      project = await callAdapter(a, 'loadProject', () => a.loadProject({ ...base(), detection: d }));
    }
  }
  const stage = project?.stage ?? options.stage;
  const account = expectedAccount(config, stage);
  // Whatever the adapter reports, endpoints, CA bundles, proxies and credential files from project files never apply.
  const screened = project?.env ? screenProjectEnv(project.env) : undefined;
  if (screened?.ignored.length) log.warn(ignoredVariablesWarning(screened.ignored));
  const toolEnv = screened ? { ...env, ...screened.env } : env;
  let rules: Promise<CredentialRules> | undefined;
  const session: Session = {
    cwd,
    env,
    toolEnv,
    config,
    ...(adapter ? { adapter } : {}),
    ...(original ? { original } : {}),
    ...(project ? { project } : {}),
    ...(detection ? { detection } : {}),
    args,
    features,
    ...(stage !== undefined ? { stage } : {}),
    ...(account ? { account } : {}),
    deadline: createDeadline(options.timeout ?? DEFAULT_TIMEOUT_SECONDS),
    ...(options.endpointUrl ? { endpointUrl: options.endpointUrl } : {}),
    log,
    warn: (m) => log.warn(m),
    rules() {
      rules ??= (async () => {
        if (adapter?.credentialRules && project) {
          const hook = adapter.credentialRules;
          const p = project;
          return callAdapter(adapter, 'credentialRules', () => hook({ ...session.context(), env: toolEnv, project: p }));
        }
        return genericCredentialRules(env, { ...(args.profile ? { profile: args.profile } : {}), ...(args.region ? { region: args.region } : {}) });
      })();
      return rules;
    },
    context() {
      const account = session.account ?? session.callerAccount;
      const scope = { ...(account ? { account } : {}), ...(session.region ? { region: session.region } : {}) };
      return { ...base(), scope, ...(session.aws ? { aws: session.aws } : {}) };
    },
  };
  // The project's region, else the tool's own region order (which decides whether `--region` counts, and reads the
  // profile's region, as SST v3 does), else the argument: the same for check, policy and whoami.
  // The credential resolver is imported only when the project does not name its region.
  const fromRules = async (): Promise<string | undefined> => {
    const { rulesRegion } = await import('../credentials/resolve.ts');
    return (await rulesRegion(await session.rules(), toolEnv)).region ?? undefined;
  };
  const region = project?.region ?? (project ? await fromRules() : undefined) ?? options.region;
  if (region) session.region = region;
  return session;
}
