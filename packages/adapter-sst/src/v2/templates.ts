import type { CloudFormationSource, ToolProject } from '@awsperm/core';
import { cdkOutSource } from '../shared/cloudformation.ts';
import type { SstProjectInfo } from '../shared/project.ts';

/** Where SST v2 writes the CloudFormation cloud assembly it deploys: `.sst/cdk.out` under the project root. */
export function v2TemplateLocations(project: ToolProject<SstProjectInfo>): CloudFormationSource {
  return cdkOutSource(project, '.sst');
}
