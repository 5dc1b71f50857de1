import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { AwspermError } from '@awsperm/core';
import { readRegularFile } from '@awsperm/core/kit';

/** The SST major versions awsperm tells apart; 3 covers v3 and v4, whose stage and credential logic is the same. */
export type SstMajor = 1 | 2 | 3;

/** What {@link detectSst} found. */
export interface SstDetection {
  /** The directory holding the config file. */
  root: string;
  /** The config file, absolute. */
  configFile: string;
  /** The version as reported: an exact version when known (installed or pinned), else `<major>.x`. */
  toolVersion: string;
  /** Which resolution rules apply. */
  major: SstMajor;
  /** The exact SST version when known (from `node_modules`, `.sst/platform/version` or an exact pin). */
  exactVersion?: string;
  /** Why the version was chosen, for messages. */
  versionFrom: string;
}

const ADAPTER = '@awsperm/adapter-sst';

/** v2 searches these names, in this order, walking up (sst/sst v2.44.0 packages/sst/src/project.ts `findRoot`). */
export const V2_CONFIG_FILES: readonly string[] = ['sst.config.ts', 'sst.config.mts', 'sst.config.cts', 'sst.config.cjs', 'sst.config.mjs', 'sst.config.js'];

function ambiguous(message: string, hint: string): AwspermError {
  return new AwspermError('TOOL_AMBIGUOUS', message, { adapter: ADAPTER, hint });
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(readRegularFile(file, 'project', 'package.json'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The SST-related dependencies of the nearest package.json at or above `dir` that names any. */
function sstDependencies(dir: string): { file: string; sst?: string; serverlessStack?: string } | undefined {
  for (let d = dir; ; d = dirname(d)) {
    const pkg = readJson(join(d, 'package.json'));
    if (pkg) {
      // Own string entries only, on an object without a prototype: a "__proto__" block must not become one.
      const deps: Record<string, string> = Object.create(null);
      for (const key of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
        const block = pkg[key];
        if (typeof block === 'object' && block !== null && !Array.isArray(block)) {
          for (const [name, range] of Object.entries(block)) if (typeof range === 'string') deps[name] = range;
        }
      }
      const ss = Object.keys(deps).find((k) => k.startsWith('@serverless-stack/'));
      if (deps.sst !== undefined || ss) {
        return { file: join(d, 'package.json'), ...(deps.sst !== undefined ? { sst: deps.sst } : {}), ...(ss ? { serverlessStack: deps[ss] } : {}) };
      }
    }
    if (dirname(d) === d) return undefined;
  }
}

/** The version of `sst` installed in `node_modules` at or above `dir`, if any. */
function installedSst(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    const version = readJson(join(d, 'node_modules', 'sst', 'package.json'))?.version;
    if (typeof version === 'string') return version;
    if (dirname(d) === d) return undefined;
  }
}

const EXACT = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/;

/** The major version a dependency range names (`^2.44.0` → 2, `3.x` → 3, `latest` → undefined). */
export function rangeMajor(range: string): number | undefined {
  const m = /(\d+)(?:\.|$|\s)/.exec(range.replace(/^(workspace:|npm:sst@)/, ''));
  return m ? Number(m[1]) : undefined;
}

/** The major version of the shape of an `sst.config.*` file: `$config(` → 3, `config`/`stacks` → 2. */
export function configShape(text: string): SstMajor | undefined {
  if (/\$config\s*\(/.test(text)) return 3;
  if (/\bconfig\s*[(:]/.test(text) || /\bstacks\s*[(:]/.test(text)) return 2;
  return undefined;
}

function majorOfVersion(version: number): SstMajor | undefined {
  if (version === 0 || version === 1) return 1;
  if (version === 2) return 2;
  if (version >= 3) return 3;
  return undefined;
}

/** The first `sst.config.*` in `dir` (v2 order), if any. */
function configIn(dir: string): string | undefined {
  for (const name of V2_CONFIG_FILES) if (existsSync(join(dir, name))) return join(dir, name);
  return undefined;
}

/**
 * Finds an SST project the way each SST version does: `sst.json` in `cwd` only (v1 reads it from the working
 * directory, sst/sst v1.18.4 packages/cli/scripts/util/paths.mjs), else the first `sst.config.*` walking up (v2
 * `findRoot`; v3 `fs.FindUp`, which only looks for `sst.config.ts`). Returns `undefined` when there is none.
 * Does not decide the version; see {@link sstVersion}.
 */
export function findSstConfig(cwd: string): { root: string; configFile: string } | undefined {
  const json = join(cwd, 'sst.json');
  if (existsSync(json)) return { root: cwd, configFile: configIn(cwd) ?? json };
  for (let dir = cwd; ; dir = dirname(dir)) {
    const file = configIn(dir);
    if (file) return { root: dir, configFile: file };
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Decides the SST major version of a project from its config file, its shape and the `sst` /
 * `@serverless-stack/*` dependency (sst.md §3, facts from sst/sst v1.18.4, v2.44.0 and anomalyco/sst v4.17.0).
 * Throws `TOOL_AMBIGUOUS` when the signals disagree, saying which ones.
 */
export function sstVersion(root: string, configFile: string): SstDetection {
  const name = basename(configFile);
  const hasJson = existsSync(join(root, 'sst.json'));
  const deps = sstDependencies(root);
  const installed = installedSst(root);
  if (name !== 'sst.json' && hasJson) {
    throw ambiguous(
      `${root} holds both sst.json (SST v1) and ${name} (SST v2/v3): cannot tell which SST version deploys this project`,
      'Remove the config file of the version you do not use, or run awsperm from the directory of the other one.',
    );
  }
  const depMajor = deps?.sst !== undefined ? rangeMajor(deps.sst) : deps?.serverlessStack !== undefined ? 1 : undefined;
  const depLabel = deps?.sst !== undefined ? `"sst": "${deps.sst}" in ${deps.file}` : deps ? `@serverless-stack/* in ${deps.file}` : undefined;
  if (name === 'sst.json') {
    if (deps?.sst !== undefined && depMajor !== undefined && depMajor >= 2) {
      throw ambiguous(
        `${configFile} is an SST v1 config, but ${depLabel} names SST ${depMajor}: cannot tell which SST version deploys this project`,
        'SST v2 and later ignore sst.json: delete it if the project moved on, or pin @serverless-stack/cli for v1.',
      );
    }
    const exact = deps?.serverlessStack && EXACT.test(deps.serverlessStack) ? deps.serverlessStack : undefined;
    return { root, configFile, major: 1, toolVersion: exact ?? '1.x', ...(exact ? { exactVersion: exact } : {}), versionFrom: depLabel ?? 'sst.json' };
  }
  const text = readRegularFile(configFile, 'source', 'the SST config');
  const shape = configShape(text);
  if (deps?.serverlessStack !== undefined && deps.sst === undefined) {
    throw ambiguous(
      `${configFile} is an SST v2/v3 config, but ${depLabel} is SST v1, which reads only sst.json`,
      'Upgrade the dependencies to the `sst` package, or restore sst.json for v1.',
    );
  }
  const platformVersion = (() => {
    try {
      return readRegularFile(join(root, '.sst', 'platform', 'version'), 'project').trim() || undefined;
    } catch {
      return undefined;
    }
  })();
  const exact = installed ?? (deps?.sst && EXACT.test(deps.sst) ? deps.sst.replace(/^v/, '') : undefined) ?? (shape === 3 ? platformVersion : undefined);
  const exactMajor = exact ? majorOfVersion(Number(EXACT.exec(exact)?.[1])) : undefined;
  const pinned = exactMajor ?? (depMajor !== undefined ? majorOfVersion(depMajor) : undefined);
  if (shape && pinned && shape !== pinned && !(pinned === 1 && shape === 2)) {
    const shapeWhat = shape === 3 ? 'calls $config(...) (SST v3/v4)' : 'exports config/stacks (SST v2)';
    throw ambiguous(
      `${configFile} ${shapeWhat}, but ${exact ? `the installed/pinned sst is ${exact}` : depLabel}: cannot tell which SST version deploys this project`,
      shape === 3 ? 'Upgrade sst to 3.x or later, or write a v2 config (export default { config, stacks }).' : 'Pin sst 2.x, or migrate the config to $config({ app, run }).',
    );
  }
  const major: SstMajor | undefined = shape ?? (pinned === 1 ? undefined : pinned);
  if (!major) {
    throw ambiguous(
      `${configFile} neither calls $config(...) (SST v3/v4) nor exports config/stacks (SST v2), and no sst dependency says which version it is`,
      'Add sst to package.json, or fix the config file.',
    );
  }
  if (major === 3 && name !== 'sst.config.ts') {
    throw new AwspermError('PROJECT_CONFIG_INVALID', `${configFile}: SST v3/v4 reads only sst.config.ts, not ${name}`, {
      adapter: ADAPTER,
      hint: 'Rename the file to sst.config.ts.',
    });
  }
  const toolVersion = exact ?? (pinned ? `${depMajor}.x` : `${major}.x`);
  return {
    root,
    configFile,
    major,
    toolVersion,
    ...(exact ? { exactVersion: exact } : {}),
    versionFrom: installed ? 'node_modules/sst' : (depLabel ?? (exact ? '.sst/platform/version' : `the shape of ${name}`)),
  };
}

/** True when `version` is at least `min` (both `x.y.z`). */
export function atLeast(version: string, min: string): boolean {
  const a = EXACT.exec(version);
  const b = EXACT.exec(min);
  if (!a || !b) return true;
  for (let i = 1; i <= 3; i++) {
    const d = Number(a[i]) - Number(b[i]);
    if (d !== 0) return d > 0;
  }
  return true;
}
