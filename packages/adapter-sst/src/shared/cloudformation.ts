import { join } from 'node:path';
import type { CloudFormationSource, PolicySet, Requirements, ToolProject } from '@awsperm/core';
import type { SstProjectInfo } from './project.ts';

/** The cloud assembly SST v1 and v2 write under the project root (`<dir>/cdk.out`, by `sst build` and `sst deploy`). */
export function cdkOutSource(project: ToolProject<SstProjectInfo>, dir: '.build' | '.sst'): CloudFormationSource {
  return { kind: 'cloudformation', paths: [join(project.root, dir, 'cdk.out')], missingHint: 'run `sst build` first to synthesize the templates' };
}

/**
 * The requirements of a major that deploys with CloudFormation (v1, v2): the policy set's fragments and the
 * synthesized templates; when the project deploys through a CloudFormation service role, the role is a principal
 * of its own and the templates' resources are its requirements.
 */
export function cloudFormationRequirements(set: PolicySet, source: CloudFormationSource): Requirements {
  const role = set.serviceRole;
  if (!role) return { kind: set.kind, fragments: set.fragments, sources: [source] };
  return {
    kind: set.kind,
    fragments: set.fragments,
    // CloudFormation creates the stacks' resources as the service role; publishing the assets stays the caller's.
    principals: [{ id: 'service-role', arn: role.arn, via: `CloudFormation service role (${role.from})`, from: role.from, fragments: role.fragments }],
    sources: [{ ...source, principal: 'service-role' }],
  };
}
