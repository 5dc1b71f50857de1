import type { CloudFormationSource, CredentialRules, ProfileChoice, ToolProject } from '@awsperm/core';
import type { SstCredentialInput } from './shared/credentials.ts';
import type { SstMajor } from './shared/detect.ts';
import type { SstMajorModule } from './shared/major.ts';
import type { LoadSstInput, SstProjectInfo } from './shared/project.ts';
import { v1 } from './v1/major.ts';
import { v2 } from './v2/major.ts';
import { v3 } from './v3/major.ts';

/** The module of each SST major; 3 covers v3 and v4. */
export const MAJORS: Readonly<Record<SstMajor, SstMajorModule>> = { 1: v1, 2: v2, 3: v3 };

/**
 * Loads an SST project for a stage exactly as the detected SST version does (sst.md §1.4; sst/sst v1.18.4
 * packages/cli/bin/scripts.mjs `getStage`, v2.44.0 packages/sst/src/project.ts `initProject`, anomalyco/sst
 * v4.17.0 cmd/sst/cli/cli.go `Stage` and pkg/project/provider/aws.go): the stage, the config's profile and region,
 * the dotenv files that feed the environment, and the roles.
 */
export async function loadSstProject(input: LoadSstInput): Promise<SstProjectInfo> {
  const info = await MAJORS[input.detection.major].loadProject(input);
  if (input.warn) for (const w of info.warnings) input.warn(w);
  return info;
}

/** The profile SST would use and why, or undefined when it selects none. */
export function sstProfile(info: SstProjectInfo, input: SstCredentialInput): ProfileChoice | undefined {
  return MAJORS[info.major].profile(info, input);
}

/**
 * SST's credential and region rules for the detected version (sst.md §1.4): v1 in `v1/credentials.ts`
 * (aws-sdk v2), v2 in `v2/credentials.ts` (`fromNodeProviderChain`), v3/v4 in `v3/credentials.ts` (aws-sdk-go-v2).
 */
export function sstCredentialRules(info: SstProjectInfo, input: SstCredentialInput): CredentialRules {
  return MAJORS[info.major].credentialRules(info, input);
}

/**
 * Where SST writes the CloudFormation cloud assembly it deploys: v1 `.build/cdk.out`, v2 `.sst/cdk.out`, both under
 * the project root and written by `sst build` (and `sst deploy`). SST v3 and v4 deploy with Pulumi and Terraform
 * providers, not CloudFormation, so there is no template to read.
 */
export function sstTemplateLocations(project: ToolProject<SstProjectInfo>): CloudFormationSource {
  return MAJORS[project.config.major].templates(project);
}
