import type { SstMajorModule } from '../shared/major.ts';
import { sstAppRequirements } from './app-requirements.ts';
import { v3CredentialRules, v3Profile } from './credentials.ts';
import { loadV3Project } from './project.ts';
import { v3TemplateLocations } from './templates.ts';

/** SST v3 and v4 (`sst.config.ts` with `$config`, Pulumi): the app's own resources come from discovery. */
export const v3: SstMajorModule = {
  major: 3,
  loadProject: loadV3Project,
  profile: v3Profile,
  credentialRules: v3CredentialRules,
  conditions: ['v3'],
  templates: v3TemplateLocations,
  regionFlag: false,
  async requirements(ctx, set, region, options) {
    // Pulumi, not CloudFormation: no templates; the app's own resources come from running run() in the worker.
    if (set.kind !== 'precise') return { kind: set.kind, fragments: set.fragments };
    const app = await sstAppRequirements(ctx, region, options.timeoutMs ? { timeoutMs: options.timeoutMs } : {});
    return { kind: set.kind, fragments: [...set.fragments, ...app.fragments], ...(app.unresolved.length ? { unresolved: app.unresolved } : {}) };
  },
};
