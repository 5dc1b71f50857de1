import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AwspermAdapter, Detection, PolicySet, ToolProject } from '@awsperm/core';
import { documentedPolicy } from './policies/documented.ts';
import { loadUpConfig } from './up-json.ts';

export { documentedPolicy } from './policies/documented.ts';
export { loadUpConfig, type UpConfig, validateUpConfig } from './up-json.ts';

/** Options of the Up adapter (none yet; reserved for future use). */
export type UpAdapterOptions = Record<string, never>;

/**
 * The awsperm adapter for Apex Up (https://apex.sh/up/). Detects `up.json` in the project directory (Up reads it
 * from the working directory only) and returns Up's permission requirements.
 */
export function up(_options: UpAdapterOptions = {}): AwspermAdapter {
  return {
    apiVersion: 1,
    name: '@awsperm/adapter-up',
    tool: 'up',
    displayName: 'Apex Up',
    features: {
      documented: "check Up's documented policy (the only set available so far)",
    },
    detect({ cwd }): Detection | undefined {
      const configFile = join(cwd, 'up.json');
      return existsSync(configFile) ? { root: cwd, configFile } : undefined;
    },
    async loadProject({ detection, stage, region }): Promise<ToolProject> {
      const config = await loadUpConfig(detection.configFile);
      const project: ToolProject = { name: config.name, root: detection.root, configFile: detection.configFile, config };
      if (config.profile) project.profile = config.profile;
      if (stage) project.stage = stage;
      const configured = region ?? (config.regions?.length === 1 ? config.regions[0] : undefined);
      if (configured) project.region = configured;
      return project;
    },
    policySet(): PolicySet {
      return { kind: 'documented', fragments: [documentedPolicy] };
    },
  };
}

export default up;
