import { existsSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { AwspermError } from '@awsperm/core';
import { readRegularFile } from '@awsperm/core/kit';
import { findWorkspace, readJsonObject, workspacePackages } from './workspace.ts';

/** The SST major versions awsperm tells apart; 3 covers v3 and v4, whose stage and credential logic is the same. */
export type SstMajor = 1 | 2 | 3;

/** What {@link detectSst} found. */
export interface SstDetection {
  /** The directory holding the config file. */
  root: string;
  /** The config file, absolute. */
  configFile: string;
  /**
   * The version as reported: an exact version when known (installed or pinned), a snapshot build's
   * `0.0.0-<timestamp>`, `ion` for that dist-tag, else `<major>.x`.
   */
  toolVersion: string;
  /** Which resolution rules apply. */
  major: SstMajor;
  /** The exact SST version when known (from `node_modules`, `.sst/platform/version` or an exact pin). */
  exactVersion?: string;
  /** Why the version was chosen, for messages. */
  versionFrom: string;
  /**
   * What the user should know about how the version was decided (a snapshot build, a dist-tag, a catalog entry that
   * is missing, a leftover sst.json); absent on detections made elsewhere.
   */
  warnings?: string[];
}

const ADAPTER = '@awsperm/adapter-sst';

/** v2 searches these names, in this order, walking up (sst/sst v2.44.0 packages/sst/src/project.ts `findRoot`). */
export const V2_CONFIG_FILES: readonly string[] = ['sst.config.ts', 'sst.config.mts', 'sst.config.cts', 'sst.config.cjs', 'sst.config.mjs', 'sst.config.js'];

function ambiguous(message: string, hint: string): AwspermError {
  return new AwspermError('TOOL_AMBIGUOUS', message, { adapter: ADAPTER, hint });
}

/** The SST-related dependencies of the nearest package.json at or above `dir` that names any. */
function sstDependencies(dir: string): { file: string; sst?: string; serverlessStack?: string } | undefined {
  for (let d = dir; ; d = dirname(d)) {
    const pkg = readJsonObject(join(d, 'package.json'));
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
    const version = readJsonObject(join(d, 'node_modules', 'sst', 'package.json'))?.version;
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

/** SST's snapshot builds: `0.0.0-<unix ms>` (its release workflow publishes every commit to main so). */
const SNAPSHOT = /^0\.0\.0-(\d{10,13})$/;
/** npm dist-tags SST has published under (`ion`: v3 before 3.0). */
const DIST_TAGS = new Set(['latest', 'ion', 'next', 'snapshot', 'dev', '*', '']);

/** A dependency range resolved through catalogs, workspaces and local paths, with what to tell the user. */
interface ResolvedRange {
  /** The range or version that decides the major, when one was found. */
  range?: string;
  /** How the range was found, appended to the label (`catalog: → 3.17.0 in pnpm-workspace.yaml`). */
  via?: string;
  /** Why it could not be resolved, for a warning. */
  problem?: string;
  /** `ion`: the dist-tag of SST v3 before 3.0. */
  tag?: 'ion';
}

function versionOfPackageDir(dir: string): string | undefined {
  const version = readJsonObject(join(dir, 'package.json'))?.version;
  return typeof version === 'string' ? version : undefined;
}

/**
 * Resolves the `sst` dependency as the package manager would: pnpm catalogs (`catalog:`, `catalog:<name>` from the
 * workspace root's pnpm-workspace.yaml), `workspace:` (the workspace's own `sst` package), `file:`/`link:` (the
 * package at that path), `npm:sst@<range>`; dist-tags and URLs stay unresolved, with the reason.
 */
function resolveSstRange(range: string, depsFile: string): ResolvedRange {
  const r = range.trim();
  if (r.startsWith('catalog:')) {
    const name = r.slice('catalog:'.length).trim() || 'default';
    const ws = findWorkspace(dirname(depsFile));
    if (!ws || !ws.file.endsWith('pnpm-workspace.yaml')) return { problem: `names a pnpm catalog, but no pnpm-workspace.yaml was found at or above ${dirname(depsFile)}` };
    const value = name === 'default' ? (ws.catalog.sst ?? ws.catalogs.default?.sst) : ws.catalogs[name]?.sst;
    if (!value) return { problem: `names the pnpm catalog '${name}', which has no sst entry in ${ws.file} (pnpm install would fail)` };
    return { ...resolveSstRange(value, depsFile), via: `${value} in the ${name === 'default' ? 'catalog' : `catalog '${name}'`} of ${ws.file}` };
  }
  if (r.startsWith('workspace:')) {
    const rest = r.slice('workspace:'.length);
    if (!['*', '^', '~', ''].includes(rest)) return { range: rest };
    const ws = findWorkspace(dirname(depsFile));
    const dir = ws ? workspacePackages(ws).get('sst') : undefined;
    const version = dir ? versionOfPackageDir(dir) : undefined;
    if (!version) return { problem: `asks for the workspace's own sst package, which ${ws ? `${ws.file} does not list` : 'no workspace declares'}` };
    return { range: version, via: `${version} in ${join(dir!, 'package.json')}` };
  }
  if (r.startsWith('file:') || r.startsWith('link:')) {
    const target = resolve(dirname(depsFile), r.slice(r.indexOf(':') + 1));
    // Only the project's own files are read: the workspace, else the package's directory.
    const within = findWorkspace(dirname(depsFile))?.root ?? dirname(depsFile);
    const rel = relative(within, target);
    if (rel.startsWith('..') || isAbsolute(rel)) return { problem: `points to ${target}, outside ${within}, which awsperm does not read` };
    const version = versionOfPackageDir(target);
    if (version) return { range: version, via: `${version} in ${join(target, 'package.json')}` };
    const tarball = /(?:^|[/\\])sst-(\d+\.\d+\.\d+(?:-[\w.]+)?)\.tgz$/.exec(target);
    if (tarball) return { range: tarball[1]!, via: `${tarball[1]} from the tarball's name` };
    return { problem: `points to ${target}, which holds no package.json with a version` };
  }
  if (r.startsWith('npm:')) return { range: r.replace(/^npm:sst@/, '') };
  if (DIST_TAGS.has(r)) return { problem: `is the dist-tag '${r || '(empty)'}'`, ...(r === 'ion' ? { tag: 'ion' } : {}) };
  if (/^(?:git|github|https?|git\+\w+):|^[\w-]+\/[\w.-]+(?:#.*)?$/.test(r)) return { problem: 'installs sst from a repository or URL' };
  return { range: r };
}

/**
 * Decides the SST major version of a project from its config file, its shape and the `sst` /
 * `@serverless-stack/*` dependency (sst.md §3, facts from sst/sst v1.18.4, v2.44.0 and anomalyco/sst v4.17.0).
 * The dependency is resolved through pnpm catalogs, `workspace:`, `file:` and `link:`; snapshot builds
 * (`0.0.0-<timestamp>`) and dist-tags without an installed `sst` are assumed to follow the latest rules of the
 * config's shape, with a warning. A leftover `sst.json` beside a v2/v3 config that the `sst` dependency agrees with
 * is ignored with a warning, as SST v2 and later ignore it. Throws `TOOL_AMBIGUOUS` when the signals disagree,
 * saying which ones.
 */
export function sstVersion(root: string, configFile: string): SstDetection {
  const name = basename(configFile);
  const hasJson = existsSync(join(root, 'sst.json'));
  const deps = sstDependencies(root);
  const installed = installedSst(root);
  const warnings: string[] = [];
  const resolved = deps?.sst !== undefined ? resolveSstRange(deps.sst, deps.file) : undefined;
  const depRange = resolved?.range;
  const depMajor = depRange !== undefined ? (SNAPSHOT.test(depRange) ? undefined : rangeMajor(depRange)) : deps?.serverlessStack !== undefined ? 1 : undefined;
  const depLabel =
    deps?.sst !== undefined
      ? `"sst": "${deps.sst}" in ${deps.file}${resolved?.via ? ` (${resolved.via})` : ''}`
      : deps
        ? `@serverless-stack/* in ${deps.file}`
        : undefined;
  if (name === 'sst.json') {
    if (deps?.sst !== undefined && depMajor !== undefined && depMajor >= 2) {
      throw ambiguous(
        `${configFile} is an SST v1 config, but ${depLabel} names SST ${depMajor}: cannot tell which SST version deploys this project`,
        'SST v2 and later ignore sst.json: delete it if the project moved on, or pin @serverless-stack/cli for v1.',
      );
    }
    const exact = deps?.serverlessStack && EXACT.test(deps.serverlessStack) ? deps.serverlessStack : undefined;
    return { root, configFile, major: 1, toolVersion: exact ?? '1.x', ...(exact ? { exactVersion: exact } : {}), versionFrom: depLabel ?? 'sst.json', warnings };
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
  const pinnedExact = depRange && EXACT.test(depRange) ? depRange.replace(/^v/, '') : undefined;
  let exact = installed ?? pinnedExact ?? (shape === 3 ? platformVersion : undefined);
  const exactFrom = installed ? 'node_modules/sst' : pinnedExact ? depLabel : exact ? '.sst/platform/version' : undefined;
  // A snapshot's number says nothing about its family; v3 before 3.0 (ion) was published as 0.x.
  const snapshot = exact && SNAPSHOT.test(exact) ? exact : undefined;
  if (snapshot) exact = undefined;
  const ion = shape === 3 && exact !== undefined && /^v?0\./.test(exact);
  const exactMajor = exact ? (ion ? 3 : majorOfVersion(Number(EXACT.exec(exact)?.[1]))) : undefined;
  const pinned = exactMajor ?? (depMajor !== undefined ? majorOfVersion(depMajor) : undefined);
  if (shape && pinned && shape !== pinned && !(pinned === 1 && shape === 2)) {
    const shapeWhat = shape === 3 ? 'calls $config(...) (SST v3/v4)' : 'exports config/stacks (SST v2)';
    throw ambiguous(
      `${configFile} ${shapeWhat}, but ${exact ? `the installed/pinned sst is ${exact}` : depLabel}: cannot tell which SST version deploys this project`,
      shape === 3 ? 'Upgrade sst to 3.x or later, or write a v2 config (export default { config, stacks }).' : 'Pin sst 2.x, or migrate the config to $config({ app, run }).',
    );
  }
  if (hasJson) {
    // SST v2 and v3 never read sst.json: with a dependency that agrees with the config's shape, it is a leftover.
    if (!shape || !pinned || pinned !== shape) {
      throw ambiguous(
        `${root} holds both sst.json (SST v1) and ${name} (SST v2/v3): cannot tell which SST version deploys this project`,
        'Remove the config file of the version you do not use, pin sst in package.json, or run awsperm from the directory of the other one.',
      );
    }
    warnings.push(`${join(root, 'sst.json')} is left over from SST v1: ${exactFrom ?? depLabel} and ${name} are SST v${shape === 3 ? '3/v4' : '2'}, which ignores sst.json`);
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
  const ionTag = !exact && !snapshot && major === 3 && resolved?.tag === 'ion';
  const rules = ionTag
    ? 'the v3 rules before 3.0 (providers.aws.profile beats AWS_PROFILE)'
    : major === 3
      ? 'the latest v3/v4 rules (AWS_PROFILE beats providers.aws.profile)'
      : 'the SST v2 rules';
  if (snapshot) {
    const published = new Date(Number(snapshot.slice(6).padEnd(13, '0'))).toISOString().slice(0, 10);
    warnings.push(`sst ${snapshot} (${exactFrom}) is a snapshot build from ${published}: its release family is unknown; assuming ${rules}`);
  } else if (!exact && resolved?.problem) {
    warnings.push(`${depLabel} ${resolved.problem}, and sst is not installed: SST version unknown; assuming ${rules}`);
  } else if (!exact && major === 3) {
    warnings.push(`SST version unknown (${depLabel ?? `no sst dependency; ${name} calls $config`}): assuming v3.2.64 or later, where AWS_PROFILE beats providers.aws.profile`);
  }
  if (ion) warnings.push(`sst ${exact} (${exactFrom}) is SST v3 before 3.0 (ion): awsperm applies the v3 rules of that time`);
  const toolVersion = snapshot ?? exact ?? (ionTag ? 'ion' : pinned && depMajor !== undefined ? `${depMajor}.x` : `${major}.x`);
  return {
    root,
    configFile,
    major,
    toolVersion,
    ...(exact ? { exactVersion: exact } : {}),
    versionFrom: exactFrom ?? depLabel ?? `the shape of ${name}`,
    warnings,
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
