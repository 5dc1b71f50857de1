import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { AwspermError } from '../errors.ts';
import { isRecord, readJsonFile } from '../json.ts';
import { type ArnContext, valuePattern } from './names.ts';
import { readTemplateFile } from './parse.ts';
import type { AssetDestination, StackAssets, StackEnvironment, TemplateStack } from './types.ts';

/**
 * The newest cloud-assembly manifest major version awsperm accepts. The fields it reads (artifact `type`,
 * `environment`, `properties.templateFile`, `stackName`, asset manifests' `files`/`dockerImages` destinations) have
 * kept their shape from 1.x through 55.x (the `@aws-cdk/cloud-assembly-schema` release of late 2026); a major
 * far beyond that is a format awsperm has not seen.
 */
export const MAX_MANIFEST_MAJOR = 99;
const MAX_NESTING = 10;

function invalid(file: string, detail: string, hint?: string): never {
  throw AwspermError.from('CLOUD_ASSEMBLY_INVALID', { file, detail }, hint ? { hint } : {});
}

/** `aws://123456789012/eu-west-1` → its known parts (`unknown-account` / `unknown-region` are not known). */
export function parseEnvironment(environment: unknown): StackEnvironment {
  if (typeof environment !== 'string') return {};
  const m = /^aws:\/\/([^/]+)\/([^/]+)$/.exec(environment);
  if (!m) return {};
  const out: StackEnvironment = {};
  if (/^\d{12}$/.test(m[1]!)) out.account = m[1]!;
  if (/^[a-z]{2}(-[a-z]+)+-\d+$/.test(m[2]!)) out.region = m[2]!;
  return out;
}

function checkVersion(manifest: Record<string, unknown>, file: string): void {
  const version = manifest.version;
  const m = typeof version === 'string' ? /^(\d+)\.\d+\.\d+/.exec(version) : null;
  if (!m) {
    invalid(file, `unknown cloud assembly manifest version ${JSON.stringify(version ?? null)}; expected a version such as "36.0.0"`,
      'Is this a cdk.out written by the AWS CDK (or SST)? Re-synthesize it (cdk synth / sst build).');
  }
  if (Number(m[1]) > MAX_MANIFEST_MAJOR) {
    invalid(file, `cloud assembly manifest version ${version} is newer than awsperm understands (up to ${MAX_MANIFEST_MAJOR}.x)`,
      'Upgrade awsperm, or synthesize with an older AWS CDK.');
  }
}

/** A path named inside the assembly, resolved in it; names that leave the assembly directory are rejected. */
function inside(dir: string, name: unknown, what: string, file: string): string {
  if (typeof name !== 'string' || name === '') invalid(file, `${what} has no file name`);
  const path = resolve(dir, name);
  const rel = relative(dir, path);
  if (rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) invalid(file, `${what} names a file outside the cloud assembly: ${name}`);
  return path;
}

function fileMissing(error: unknown): boolean {
  return AwspermError.is(error) && error.code === 'FILE_NOT_FOUND';
}

/**
 * The asset manifest's own strings of each destination an environment-agnostic stack publishes to, so that they are
 * filled again once the run's account and region are known (at load time they are `*`).
 */
export const unfilledDestinations: WeakMap<AssetDestination, { env: StackEnvironment; values: Record<string, string>; region?: string }> = new WeakMap<AssetDestination, { env: StackEnvironment; values: Record<string, string>; region?: string }>();

/** A destination with the run's account and region where the stack's environment left them unknown. */
export function refillDestination(d: AssetDestination, run: { account?: string; region?: string }): AssetDestination {
  const raw = unfilledDestinations.get(d);
  if (!raw || (!run.account && !run.region)) return d;
  const region = raw.region ?? raw.env.region ?? run.region;
  const account = raw.env.account ?? run.account;
  const ctx: ArnContext = { ...(account ? { account } : {}), ...(region ? { region } : {}) };
  const out: Record<string, unknown> = { ...d, ...(region ? { region } : {}), ...(d.kind === 'image' && account ? { account } : {}) };
  for (const [k, v] of Object.entries(raw.values)) out[k] = valuePattern({ 'Fn::Sub': v }, ctx);
  return out as AssetDestination;
}

async function readAssetManifest(path: string, stack: string, env: StackEnvironment): Promise<StackAssets> {
  const data = await readJsonFile(path, 'asset manifest');
  if (!isRecord(data)) invalid(path, `an asset manifest must be a JSON object`);
  const destinations: AssetDestination[] = [];
  const sub = (value: unknown, region: string | undefined): string => valuePattern({ 'Fn::Sub': String(value) }, { ...env, ...(region ? { region } : {}) } satisfies ArnContext);
  for (const [section, kind] of [['files', 'file'], ['dockerImages', 'image']] as const) {
    const assets = data[section];
    if (assets === undefined) continue;
    if (!isRecord(assets)) invalid(path, `"${section}" must be an object`);
    for (const [id, asset] of Object.entries(assets)) {
      if (!isRecord(asset) || !isRecord(asset.destinations)) invalid(path, `${section} entry ${JSON.stringify(id)} has no destinations`);
      for (const dest of Object.values(asset.destinations)) {
        if (!isRecord(dest)) invalid(path, `${section} entry ${JSON.stringify(id)} has a destination that is not an object`);
        const fixedRegion = typeof dest.region === 'string' && !dest.region.includes('${') ? dest.region : undefined;
        const region = fixedRegion ?? env.region;
        const role = typeof dest.assumeRoleArn === 'string' ? { assumeRoleArn: sub(dest.assumeRoleArn, region) } : {};
        let d: AssetDestination;
        if (kind === 'file') {
          if (typeof dest.bucketName !== 'string' || typeof dest.objectKey !== 'string') {
            invalid(path, `file asset ${JSON.stringify(id)} has a destination without bucketName and objectKey`);
          }
          d = { kind, bucketName: sub(dest.bucketName, region), objectKey: sub(dest.objectKey, region), ...role, ...(region ? { region } : {}) };
        } else {
          if (typeof dest.repositoryName !== 'string') invalid(path, `image asset ${JSON.stringify(id)} has a destination without repositoryName`);
          d = { kind, repositoryName: sub(dest.repositoryName, region), ...role, ...(env.account ? { account: env.account } : {}), ...(region ? { region } : {}) };
        }
        if (!env.account || !region) {
          const values: Record<string, string> = {};
          for (const k of ['bucketName', 'objectKey', 'repositoryName', 'assumeRoleArn']) if (typeof dest[k] === 'string' && k in d) values[k] = dest[k];
          unfilledDestinations.set(d, { env, values, ...(fixedRegion ? { region: fixedRegion } : {}) });
        }
        destinations.push(d);
      }
    }
  }
  return { stack, file: path, destinations };
}

/**
 * Reads the nested stacks of a stack: `AWS::CloudFormation::Stack` resources whose template the CDK wrote into the
 * assembly (their `aws:asset:path` metadata). Nested stacks whose template is elsewhere are named in `warnings`.
 */
export async function readNestedStacks(parent: TemplateStack, dir: string, warnings: string[], depth = 1): Promise<TemplateStack[]> {
  const out: TemplateStack[] = [];
  for (const [id, resource] of Object.entries(parent.template.Resources)) {
    if (resource.Type !== 'AWS::CloudFormation::Stack') continue;
    const assetPath = isRecord(resource.Metadata) ? resource.Metadata['aws:asset:path'] : undefined;
    if (typeof assetPath !== 'string') {
      warnings.push(`nested stack ${parent.name}/${id}: its template is not a local file (TemplateURL), so its resources are not included`);
      continue;
    }
    if (depth > MAX_NESTING) invalid(parent.file, `nested stacks deeper than ${MAX_NESTING} levels at ${parent.name}/${id}`);
    const file = inside(dir, assetPath, `nested stack ${parent.name}/${id}`, parent.file);
    let template: TemplateStack['template'];
    try {
      template = await readTemplateFile(file, 'nested stack template');
    } catch (error) {
      if (!fileMissing(error)) throw error;
      invalid(parent.file, `nested stack ${parent.name}/${id}: its template ${assetPath} is missing from ${dir}`,
        'Re-synthesize the app (cdk synth / sst build) so the nested template is written next to its parent.');
    }
    const nested: TemplateStack = { name: `${parent.name}/${id}`, file, template, environment: parent.environment, parent: parent.name };
    out.push(nested, ...(await readNestedStacks(nested, dir, warnings, depth + 1)));
  }
  return out;
}

/** What {@link readCloudAssembly} found. */
export interface CloudAssembly {
  /** Top-level and nested stacks. */
  stacks: TemplateStack[];
  /** Asset publishing per stack. */
  assets: StackAssets[];
}

/**
 * Reads a `cdk.out` cloud assembly through its `manifest.json`: every `aws:cloudformation:stack` artifact (and those
 * of nested assemblies, i.e. CDK stages), their nested stacks, and the asset manifests the stacks depend on.
 */
export async function readCloudAssembly(dir: string, warnings: string[], depth = 0): Promise<CloudAssembly> {
  const manifestFile = join(dir, 'manifest.json');
  const manifest = await readJsonFile(manifestFile, 'cloud assembly manifest');
  if (!isRecord(manifest)) invalid(manifestFile, `the manifest must be a JSON object`);
  checkVersion(manifest, manifestFile);
  const artifacts = manifest.artifacts ?? {};
  if (!isRecord(artifacts)) invalid(manifestFile, `"artifacts" must be an object`);
  const out: CloudAssembly = { stacks: [], assets: [] };
  for (const [id, artifact] of Object.entries(artifacts)) {
    if (!isRecord(artifact) || typeof artifact.type !== 'string') invalid(manifestFile, `artifact ${JSON.stringify(id)} has no type`);
    const props = isRecord(artifact.properties) ? artifact.properties : {};
    if (artifact.type === 'cdk:cloud-assembly') {
      if (depth >= MAX_NESTING) invalid(manifestFile, `nested cloud assemblies deeper than ${MAX_NESTING} levels`);
      const nested = await readCloudAssembly(inside(dir, props.directoryName, `nested assembly ${id}`, manifestFile), warnings, depth + 1);
      out.stacks.push(...nested.stacks);
      out.assets.push(...nested.assets);
      continue;
    }
    if (artifact.type !== 'aws:cloudformation:stack') continue;
    const file = inside(dir, props.templateFile, `stack ${id}`, manifestFile);
    const name = typeof props.stackName === 'string' && props.stackName !== '' ? props.stackName : id;
    let template: TemplateStack['template'];
    try {
      template = await readTemplateFile(file, 'stack template');
    } catch (error) {
      if (!fileMissing(error)) throw error;
      invalid(manifestFile, `stack ${name}: its template ${String(props.templateFile)} is missing`, 'Re-synthesize the app (cdk synth / sst build).');
    }
    const stack: TemplateStack = { name, file, template, environment: parseEnvironment(artifact.environment), stackName: name };
    out.stacks.push(stack, ...(await readNestedStacks(stack, dir, warnings)));
    const deps = Array.isArray(artifact.dependencies) ? artifact.dependencies : [];
    for (const dep of deps) {
      const depArtifact = typeof dep === 'string' ? artifacts[dep] : undefined;
      if (!isRecord(depArtifact) || depArtifact.type !== 'cdk:asset-manifest') continue;
      const depProps = isRecord(depArtifact.properties) ? depArtifact.properties : {};
      const path = inside(dir, depProps.file, `asset manifest ${String(dep)}`, manifestFile);
      try {
        out.assets.push(await readAssetManifest(path, name, stack.environment));
      } catch (error) {
        if (!fileMissing(error)) throw error;
        invalid(manifestFile, `stack ${name}: its asset manifest ${String(depProps.file)} is missing`, 'Re-synthesize the app (cdk synth / sst build).');
      }
    }
  }
  return out;
}
