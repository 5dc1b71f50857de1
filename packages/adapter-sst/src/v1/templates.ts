import type { CloudFormationSource, ToolProject } from '@awsperm/core';
import { cdkOutSource } from '../shared/cloudformation.ts';
import type { SstProjectInfo } from '../shared/project.ts';

/** Where SST v1 writes the CloudFormation cloud assembly it deploys: `.build/cdk.out` under the project root. */
export function v1TemplateLocations(project: ToolProject<SstProjectInfo>): CloudFormationSource {
  return cdkOutSource(project, '.build');
}
