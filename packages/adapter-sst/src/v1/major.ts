import { cloudFormationRequirements } from '../shared/cloudformation.ts';
import type { SstMajorModule } from '../shared/major.ts';
import { v1CredentialRules, v1Profile } from './credentials.ts';
import { loadV1Project } from './project.ts';
import { v1TemplateLocations } from './templates.ts';

/** SST v1 (`sst.json`, CDK through CloudFormation, `--role-arn`). */
export const v1: SstMajorModule = {
  major: 1,
  loadProject: loadV1Project,
  profile: v1Profile,
  credentialRules: v1CredentialRules,
  conditions: ['v1', 'cdk'],
  templates: v1TemplateLocations,
  regionFlag: true,
  requirements: async (ctx, set) => cloudFormationRequirements(set, v1TemplateLocations(ctx.project)),
};
