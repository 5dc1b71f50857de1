import type { CloudFormationSource } from '@awsperm/core';

/** SST v3 and v4 deploy with Pulumi and Terraform providers, not CloudFormation: there is no template to read. */
export function v3TemplateLocations(): CloudFormationSource {
  return { kind: 'cloudformation', paths: [], note: 'SST v3 and later deploy with Pulumi, not CloudFormation: there are no synthesized templates to read' };
}
