import type { CloudFormationSource, CredentialRules, PolicySet, ProfileChoice, Requirements, RequirementsContext, ToolProject } from '@awsperm/core';
import type { SstCredentialInput } from './credentials.ts';
import type { SstMajor } from './detect.ts';
import type { SstCondition } from './fragments.ts';
import type { LoadSstInput, SstProjectInfo } from './project.ts';

/**
 * What differs between SST's major versions, one object per major (`v1/major.ts`, `v2/major.ts`, `v3/major.ts`):
 * the adapter and the public functions pick it by {@link SstProjectInfo.major} and share everything else.
 */
export interface SstMajorModule {
  /** The major this module handles. */
  major: SstMajor;
  /** Loads the project for a stage as this major does (without passing its warnings on). */
  loadProject(input: LoadSstInput): Promise<SstProjectInfo>;
  /** The profile this major selects and why, or undefined when it selects none. */
  profile(info: SstProjectInfo, input: SstCredentialInput): ProfileChoice | undefined;
  /** The credential and region rules. */
  credentialRules(info: SstProjectInfo, input: SstCredentialInput): CredentialRules;
  /** The conditions of the precise fragments this major always meets (its version; `cdk` when it deploys with CDK). */
  conditions: readonly SstCondition[];
  /** Where the major's CloudFormation templates are (none for v3/v4). */
  templates(project: ToolProject<SstProjectInfo>): CloudFormationSource;
  /**
   * Whether `--region` is the tool's own flag, and so the project's region (v1, v2). SST v3/v4 has none: the region
   * comes from `providers.aws.region`, and `--region` only scopes awsperm's ARNs.
   */
  regionFlag: boolean;
  /** The requirements of a loaded project, from SST's policy set for it (`sstPolicySet`). */
  requirements(ctx: RequirementsContext<SstProjectInfo>, set: PolicySet, region: string, options: { timeoutMs?: number }): Promise<Requirements>;
}
