import { CDK_FRAGMENTS, type SstFragmentTemplate } from '../shared/fragments.ts';
import { V1_FRAGMENTS } from '../v1/fragments.ts';
import { V2_FRAGMENTS } from '../v2/fragments.ts';
import { V3_FRAGMENTS } from '../v3/fragments.ts';

export type { SstCondition, SstFragmentTemplate } from '../shared/fragments.ts';

/**
 * What SST calls, per major version, as IAM requirements scoped to the app. The CDK bootstrap entries follow the
 * resources of the current CDK bootstrap template (version 26) and the Sids of SST v2's documented policy; the SST
 * bootstrap entries follow each version's bootstrap source. `creates` lists what CloudFormation needs for the
 * stack's resources: the caller's business without a service role, the role's with one.
 */
export const SST_PRECISE_FRAGMENTS: readonly SstFragmentTemplate[] = [...CDK_FRAGMENTS, ...V1_FRAGMENTS, ...V2_FRAGMENTS, ...V3_FRAGMENTS];
