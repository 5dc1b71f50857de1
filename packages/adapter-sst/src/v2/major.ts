import { cloudFormationRequirements } from '../shared/cloudformation.ts';
import type { SstMajorModule } from '../shared/major.ts';
import { v2CredentialRules, v2Profile } from './credentials.ts';
import { loadV2Project } from './project.ts';
import { v2TemplateLocations } from './templates.ts';

/** SST v2 (`sst.config.*` with `config`/`stacks`, CDK through CloudFormation, `cdk.cloudFormationExecutionRole`). */
export const v2: SstMajorModule = {
  major: 2,
  loadProject: loadV2Project,
  profile: v2Profile,
  credentialRules: v2CredentialRules,
  conditions: ['v2', 'cdk'],
  templates: v2TemplateLocations,
  regionFlag: true,
  requirements: async (ctx, set) => cloudFormationRequirements(set, v2TemplateLocations(ctx.project)),
};
