import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { AwspermAdapterV2, CredentialRules, Detection, Requirements, ToolProject } from '@awsperm/core';
import { homeDir, isRecord, projectConfigError, readJsonFile } from '@awsperm/core/kit';
import { assemblyMissing, type CdkAssembly, readAssembly } from './assembly.ts';
import { bootstrapFragments, documentedBootstrapFragments } from './bootstrap-feature.ts';
import { bootstrapVersionFindings } from './bootstrap-version.ts';
import { cdkCredentialRules } from './credentials.ts';
import { cdkDocumentedFragments, cdkRequirements } from './requirements.ts';
import { selectStacks } from './select.ts';

export { assemblyMissing, type CdkAssembly, type CdkEnvironment, type CdkFileDestination, type CdkImageDestination, type CdkStack, type CdkSynthesizer, parseCdkEnvironment, readAssembly } from './assembly.ts';
export { BOOTSTRAP_TEMPLATE_SOURCE, BOOTSTRAP_TEMPLATE_VERSION, bootstrapTemplate, TOOLKIT_STACK_NAME } from './bootstrap.ts';
export { bootstrapFragments } from './bootstrap-feature.ts';
export { CDK_DEFAULT_REGION, CDK_ENV_NAMES, type CdkCredentialInput, cdkCredentialRules, cdkProfile } from './credentials.ts';
export { bootstrapVersionFindings } from './bootstrap-version.ts';
export { type CdkRequirementsInput, cdkDocumentedFragments, cdkRequirements, fill, partitionOf, type ResolvedEnvironment, resolveEnvironment } from './requirements.ts';
export { selectStacks } from './select.ts';

/** What the CDK adapter read of a project: `cdk.json` and the synthesized cloud assembly. */
export interface CdkProjectInfo {
  /** `cdk.json`, parsed. */
  cdkJson: Record<string, unknown>;
  /** The cloud assembly directory, absolute. */
  assemblyDir: string;
  /** The cloud assembly. */
  assembly: CdkAssembly;
  /** The profile the CDK CLI would use from its settings (`cdk.json`, then `~/.cdk.json`), when one is named. */
  profile?: string;
  /** The `profile` key of `cdk.json`. */
  projectProfile?: string;
  /** The `profile` key of `~/.cdk.json`. */
  userProfile?: string;
}

/** The `--feature` names the CDK adapter understands. */
export const CDK_FEATURES: Record<string, string> = {
  bootstrap: 'also check what `cdk bootstrap` needs: the CDKToolkit stack (bootstrap version 32) in each environment of the app',
};

/** Options of the CDK adapter (none yet; reserved for future use). */
export type CdkAdapterOptions = Record<string, never>;

async function readSettings(file: string, what: string): Promise<Record<string, unknown>> {
  const data = await readJsonFile(file, what);
  if (!isRecord(data)) throw projectConfigError(file, 'must be a JSON object', { hint: 'cdk.json holds an object such as { "app": "npx ts-node bin/app.ts" }.' });
  return data;
}

/** The cloud assembly a `--template` names: a `cdk.out`, its `manifest.json`, or a directory holding `cdk.out`. */
function assemblyOf(path: string): string {
  const abs = resolve(path);
  if (basename(abs) === 'manifest.json') return dirname(abs);
  if (existsSync(join(abs, 'manifest.json'))) return abs;
  if (existsSync(join(abs, 'cdk.out', 'manifest.json'))) return join(abs, 'cdk.out');
  return abs;
}

/**
 * The awsperm adapter for AWS CDK v2 apps (https://docs.aws.amazon.com/cdk/). Detects `cdk.json`, reads the
 * synthesized cloud assembly (`cdk.json` `output`, default `cdk.out`) and checks every link of the deploy: the
 * caller, the bootstrap's deploy, publishing and execution roles.
 */
export function cdk(_options: CdkAdapterOptions = {}): AwspermAdapterV2<CdkProjectInfo> {
  return {
    apiVersion: 2,
    name: '@awsperm/adapter-cdk',
    tool: 'cdk',
    displayName: 'AWS CDK',
    features: CDK_FEATURES,
    detect({ cwd }): Detection | undefined {
      // The CDK CLI reads cdk.json from the working directory only.
      const configFile = join(cwd, 'cdk.json');
      return existsSync(configFile) ? { root: cwd, configFile } : undefined;
    },
    async loadProject({ detection, args, env }): Promise<ToolProject<CdkProjectInfo>> {
      const cdkJson = await readSettings(detection.configFile, 'cdk.json');
      if (cdkJson.output !== undefined && (typeof cdkJson.output !== 'string' || cdkJson.output === '')) {
        throw projectConfigError(detection.configFile, '"output" must be a directory name', { hint: 'Remove "output" to use cdk.out.' });
      }
      const assemblyDir = args.template?.length ? assemblyOf(args.template[0]!) : resolve(detection.root, (cdkJson.output as string | undefined) ?? 'cdk.out');
      if (!existsSync(join(assemblyDir, 'manifest.json')) || !statSync(assemblyDir).isDirectory()) throw assemblyMissing(assemblyDir, detection.configFile);
      const assembly = await readAssembly(assemblyDir);
      const projectProfile = typeof cdkJson.profile === 'string' && cdkJson.profile ? cdkJson.profile : undefined;
      // The CDK CLI reads ~/.cdk.json from os.homedir(): HOME (USERPROFILE on Windows).
      const home = homeDir(env);
      const userFile = home ? join(home, '.cdk.json') : undefined;
      let userProfile: string | undefined;
      if (userFile && existsSync(userFile)) {
        const user = await readSettings(userFile, '~/.cdk.json');
        if (typeof user.profile === 'string' && user.profile) userProfile = user.profile;
      }
      const profile = projectProfile ?? userProfile;
      const project: ToolProject<CdkProjectInfo> = {
        root: detection.root,
        configFile: detection.configFile,
        config: { cdkJson, assemblyDir, assembly, ...(profile ? { profile } : {}), ...(projectProfile ? { projectProfile } : {}), ...(userProfile ? { userProfile } : {}) },
      };
      const regions = [...new Set(assembly.stacks.flatMap((s) => (s.environment.region ? [s.environment.region] : [])))];
      if (args.region) project.region = args.region;
      else if (regions.length === 1) project.region = regions[0]!;
      if (profile) project.profile = profile;
      if (args.stage) project.stage = args.stage;
      return project;
    },
    credentialRules({ project, env, args }): CredentialRules {
      const { projectProfile, userProfile } = project.config;
      return cdkCredentialRules({
        env,
        ...(args.profile ? { profileFlag: args.profile } : {}),
        ...(projectProfile ? { projectProfile } : {}),
        ...(userProfile ? { userProfile } : {}),
        ...(args.region ? { region: args.region } : {}),
      });
    },
    async requirements({ project, scope, args, kind, aws, log, features }): Promise<Requirements> {
      const info = project.config;
      const stacks = selectStacks(info.assembly.stacks, args.stack ?? []);
      const region = scope.region ?? project.region;
      const withRegion = { ...scope, ...(region ? { region } : {}) };
      const bootstrap = features.includes('bootstrap');
      if (kind === 'documented') return { kind, fragments: [...cdkDocumentedFragments(stacks, withRegion), ...(bootstrap ? documentedBootstrapFragments(stacks, withRegion) : [])] };
      if (!withRegion.account && stacks.some((s) => !s.environment.account)) {
        log.warn(`the account of ${stacks.filter((s) => !s.environment.account).map((s) => s.displayName).join(', ')} is not known (environment-agnostic stacks): their roles and resources are named with a wildcard account (*)`);
      }
      const req = cdkRequirements({ assembly: info.assembly, stacks, scope: withRegion });
      if (bootstrap) req.fragments.push(...(await bootstrapFragments(stacks, withRegion)));
      // Live modes only: a bootstrap older than the stacks require makes `cdk deploy` refuse them.
      const findings = aws ? await bootstrapVersionFindings(stacks, withRegion, aws, log) : [];
      return findings.length ? { ...req, unresolved: findings } : req;
    },
  };
}

export default cdk;
