import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { AwspermError } from '@awsperm/core';
import { isRecord, projectConfigError, readJsonFile } from '@awsperm/core/kit';

/** The account and region a stack's `environment` (`aws://account/region`) fixes; `unknown-*` parts are absent. */
export interface CdkEnvironment {
  /** The account id, when the app fixes it. */
  account?: string;
  /** The region, when the app fixes it. */
  region?: string;
}

/** A file asset destination of a stack's asset manifest, ARNs and names still holding `${AWS::…}` placeholders. */
export interface CdkFileDestination {
  /** The bucket (the bootstrap's staging bucket for the default synthesizer). */
  bucketName: string;
  /** The object key. */
  objectKey: string;
  /** The file-publishing role the CDK CLI assumes to upload, when the synthesizer names one. */
  assumeRoleArn?: string;
  /** The destination's region, when it names one without placeholders. */
  region?: string;
}

/** An image asset destination of a stack's asset manifest. */
export interface CdkImageDestination {
  /** The ECR repository. */
  repositoryName: string;
  /** The image-publishing role the CDK CLI assumes to push, when the synthesizer names one. */
  assumeRoleArn?: string;
  /** The destination's region, when it names one without placeholders. */
  region?: string;
}

/**
 * Which synthesizer wrote the stack, as far as the manifest shows it: `default` (bootstrap roles named), or
 * `cli-credentials` (no deploy role: `CliCredentialsStackSynthesizer`, `LegacyStackSynthesizer`; the caller does
 * everything).
 */
export type CdkSynthesizer = 'default' | 'cli-credentials';

/** One `aws:cloudformation:stack` artifact of the cloud assembly (or of a nested one, a stage). */
export interface CdkStack {
  /** The artifact id (unique in its assembly). */
  id: string;
  /** The hierarchical id `cdk deploy` selects by, e.g. `Prod/Api` for a stack in stage `Prod`. */
  displayName: string;
  /** The CloudFormation stack name. */
  stackName: string;
  /** The template file, absolute. */
  templateFile: string;
  /** The assembly directory holding the stack, absolute. */
  assemblyDir: string;
  /** Account and region, where fixed. */
  environment: CdkEnvironment;
  /** The synthesizer kind. */
  synthesizer: CdkSynthesizer;
  /** `assumeRoleArn`: the deploy role. */
  deployRoleArn?: string;
  /** `cloudFormationExecutionRoleArn`: the role CloudFormation acts as. */
  executionRoleArn?: string;
  /** `lookupRole.arn`. */
  lookupRoleArn?: string;
  /** `requiresBootstrapStackVersion`. */
  requiresBootstrapVersion?: number;
  /** `bootstrapStackVersionSsmParameter`, e.g. `/cdk-bootstrap/hnb659fds/version`. */
  bootstrapVersionParameter?: string;
  /** `stackTemplateAssetObjectUrl`: where the CLI uploads the template (`s3://bucket/key`). */
  templateObjectUrl?: string;
  /** Ids (`displayName`) of the stacks this one depends on, in the same assembly. */
  dependencies: string[];
  /** File asset destinations. */
  files: CdkFileDestination[];
  /** Image asset destinations. */
  images: CdkImageDestination[];
}

/** What {@link readAssembly} found. */
export interface CdkAssembly {
  /** The top assembly directory, absolute. */
  dir: string;
  /** Every stack, stages' included, in manifest order. */
  stacks: CdkStack[];
}

const MAX_NESTING = 10;

function invalid(file: string, message: string): never {
  throw new AwspermError('CLOUD_ASSEMBLY_INVALID', `${file}: ${message}`, { hint: 'Re-synthesize the app with `cdk synth`.' });
}

function inside(dir: string, name: unknown, what: string, file: string): string {
  if (typeof name !== 'string' || name === '') invalid(file, `${what} has no file name`);
  const path = resolve(dir, name);
  const rel = relative(dir, path);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) invalid(file, `${what} names a file outside the cloud assembly: ${name}`);
  return path;
}

/** `aws://123456789012/eu-west-1` → its known parts. */
export function parseCdkEnvironment(value: unknown): CdkEnvironment {
  const m = typeof value === 'string' ? /^aws:\/\/([^/]+)\/([^/]+)$/.exec(value) : null;
  if (!m) return {};
  return {
    ...(/^\d{12}$/.test(m[1]!) ? { account: m[1]! } : {}),
    ...(/^[a-z]{2}(-[a-z]+)+-\d+$/.test(m[2]!) ? { region: m[2]! } : {}),
  };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const concreteRegion = (v: unknown): string | undefined => (typeof v === 'string' && /^[a-z]{2}(-[a-z]+)+-\d+$/.test(v) ? v : undefined);

async function readAssets(file: string): Promise<{ files: CdkFileDestination[]; images: CdkImageDestination[] }> {
  const data = await readJsonFile(file, 'asset manifest');
  if (!isRecord(data)) invalid(file, 'an asset manifest must be a JSON object');
  const files: CdkFileDestination[] = [];
  const images: CdkImageDestination[] = [];
  for (const section of ['files', 'dockerImages'] as const) {
    const entries = data[section] ?? {};
    if (!isRecord(entries)) invalid(file, `"${section}" must be an object`);
    for (const [id, asset] of Object.entries(entries)) {
      if (!isRecord(asset) || !isRecord(asset.destinations)) invalid(file, `${section} entry ${JSON.stringify(id)} has no destinations`);
      for (const d of Object.values(asset.destinations)) {
        if (!isRecord(d)) invalid(file, `${section} entry ${JSON.stringify(id)} has a destination that is not an object`);
        const role = str(d.assumeRoleArn);
        const region = concreteRegion(d.region);
        const common = { ...(role ? { assumeRoleArn: role } : {}), ...(region ? { region } : {}) };
        if (section === 'files') {
          const bucketName = str(d.bucketName);
          const objectKey = str(d.objectKey);
          if (!bucketName || !objectKey) invalid(file, `file asset ${JSON.stringify(id)} has a destination without bucketName and objectKey`);
          files.push({ bucketName, objectKey, ...common });
        } else {
          const repositoryName = str(d.repositoryName);
          if (!repositoryName) invalid(file, `image asset ${JSON.stringify(id)} has a destination without repositoryName`);
          images.push({ repositoryName, ...common });
        }
      }
    }
  }
  return { files, images };
}

async function readLevel(dir: string, prefix: string, depth: number, out: CdkStack[]): Promise<void> {
  const manifestFile = join(dir, 'manifest.json');
  const manifest = await readJsonFile(manifestFile, 'cloud assembly manifest');
  if (!isRecord(manifest)) invalid(manifestFile, 'the manifest must be a JSON object');
  if (typeof manifest.version !== 'string' || !/^\d+\.\d+\.\d+/.test(manifest.version)) {
    invalid(manifestFile, `unknown cloud assembly manifest version ${JSON.stringify(manifest.version ?? null)}`);
  }
  const artifacts = manifest.artifacts ?? {};
  if (!isRecord(artifacts)) invalid(manifestFile, '"artifacts" must be an object');
  const stackIds = new Map<string, string>();
  const level: { stack: CdkStack; deps: string[] }[] = [];
  for (const [id, artifact] of Object.entries(artifacts)) {
    if (!isRecord(artifact) || typeof artifact.type !== 'string') invalid(manifestFile, `artifact ${JSON.stringify(id)} has no type`);
    const props = isRecord(artifact.properties) ? artifact.properties : {};
    if (artifact.type === 'cdk:cloud-assembly') {
      if (depth >= MAX_NESTING) invalid(manifestFile, `nested cloud assemblies deeper than ${MAX_NESTING} levels`);
      const name = str(props.displayName) ?? id;
      await readLevel(inside(dir, props.directoryName, `nested assembly ${id}`, manifestFile), `${prefix}${name}/`, depth + 1, out);
      continue;
    }
    if (artifact.type !== 'aws:cloudformation:stack') continue;
    const templateFile = inside(dir, props.templateFile, `stack ${id}`, manifestFile);
    if (!existsSync(templateFile)) invalid(manifestFile, `stack ${id}: its template ${String(props.templateFile)} is missing`);
    const deps = Array.isArray(artifact.dependencies) ? artifact.dependencies.filter((d): d is string => typeof d === 'string') : [];
    const files: CdkFileDestination[] = [];
    const images: CdkImageDestination[] = [];
    for (const dep of deps) {
      const a = artifacts[dep];
      if (!isRecord(a) || a.type !== 'cdk:asset-manifest') continue;
      const aProps = isRecord(a.properties) ? a.properties : {};
      const file = inside(dir, aProps.file, `asset manifest ${dep}`, manifestFile);
      if (!existsSync(file)) invalid(manifestFile, `stack ${id}: its asset manifest ${String(aProps.file)} is missing`);
      const found = await readAssets(file);
      files.push(...found.files);
      images.push(...found.images);
    }
    const lookup = isRecord(props.lookupRole) ? str(props.lookupRole.arn) : undefined;
    const deployRoleArn = str(props.assumeRoleArn);
    const executionRoleArn = str(props.cloudFormationExecutionRoleArn);
    const version = typeof props.requiresBootstrapStackVersion === 'number' ? props.requiresBootstrapStackVersion : undefined;
    const parameter = str(props.bootstrapStackVersionSsmParameter);
    const templateObjectUrl = str(props.stackTemplateAssetObjectUrl);
    // The CLI shows and selects a stack by its hierarchical id; stacks of the top assembly are their artifact id.
    const displayName = str(artifact.displayName) ?? `${prefix}${id}`;
    const stack: CdkStack = {
      id,
      displayName,
      stackName: str(props.stackName) ?? id,
      templateFile,
      assemblyDir: dir,
      environment: parseCdkEnvironment(artifact.environment),
      synthesizer: deployRoleArn ? 'default' : 'cli-credentials',
      ...(deployRoleArn ? { deployRoleArn } : {}),
      ...(executionRoleArn ? { executionRoleArn } : {}),
      ...(lookup ? { lookupRoleArn: lookup } : {}),
      ...(version !== undefined ? { requiresBootstrapVersion: version } : {}),
      ...(parameter ? { bootstrapVersionParameter: parameter } : {}),
      ...(templateObjectUrl ? { templateObjectUrl } : {}),
      dependencies: [],
      files,
      images,
    };
    stackIds.set(id, displayName);
    level.push({ stack, deps });
  }
  for (const { stack, deps } of level) {
    stack.dependencies = deps.flatMap((d) => (stackIds.has(d) ? [stackIds.get(d)!] : []));
    out.push(stack);
  }
}

/**
 * Reads a `cdk.out` cloud assembly through its `manifest.json` as the CDK CLI does: every stack artifact, those of
 * nested assemblies (stages) with their hierarchical ids, the synthesizer's roles and bootstrap requirement from the
 * artifacts' properties, and the stacks' asset manifests.
 */
export async function readAssembly(dir: string): Promise<CdkAssembly> {
  const stacks: CdkStack[] = [];
  await readLevel(dir, '', 0, stacks);
  return { dir, stacks };
}

/** The error for a missing cloud assembly: the app has not been synthesized. */
export function assemblyMissing(dir: string, configFile: string): AwspermError {
  return projectConfigError(configFile, `no cloud assembly at ${dir} (no manifest.json)`, {
    hint: 'Run `cdk synth` first, or name the cloud assembly (the template option).',
    remedy: 'template',
  });
}
