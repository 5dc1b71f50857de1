import { join } from 'node:path';
import type { CloudFormationSource, ToolProject } from '@awsperm/core';
import type { SstProjectInfo } from './project.ts';

/**
 * Where SST writes the CloudFormation cloud assembly it deploys: v1 `.build/cdk.out`, v2 `.sst/cdk.out`, both under
 * the project root and written by `sst build` (and `sst deploy`). SST v3 and v4 deploy with Pulumi and Terraform
 * providers, not CloudFormation, so there is no template to read.
 */
export function sstTemplateLocations(project: ToolProject<SstProjectInfo>): CloudFormationSource {
  const info = project.config;
  if (info.major === 3) {
    return { kind: 'cloudformation', paths: [], note: 'SST v3 and later deploy with Pulumi, not CloudFormation: there are no synthesized templates to read' };
  }
  const dir = info.major === 1 ? '.build' : '.sst';
  return { kind: 'cloudformation', paths: [join(project.root, dir, 'cdk.out')], missingHint: 'run `sst build` first to synthesize the templates' };
}
