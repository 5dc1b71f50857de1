import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AwspermAdapter, Detection, PolicySet, ToolProject } from '@awsperm/core';
import { crudApiPolicy, customDomainPolicy } from './policies/documented.ts';

export { crudApiPolicy, customDomainPolicy } from './policies/documented.ts';

/** Options of the SST adapter (none yet). */
export type SstAdapterOptions = Record<string, never>;

const CONFIG_FILES = ['sst.config.ts', 'sst.config.mts', 'sst.config.js', 'sst.config.mjs', 'sst.json'];

/**
 * The awsperm adapter for SST (https://sst.dev). This first version detects SST projects (an `sst.config.*` or
 * `sst.json` in the directory or above it) and returns SST's documented strategy-2 policy; version detection,
 * config evaluation, stages and bootstrap stacks are not built yet.
 */
export function sst(_options: SstAdapterOptions = {}): AwspermAdapter {
  return {
    apiVersion: 1,
    name: '@awsperm/adapter-sst',
    tool: 'sst',
    displayName: 'SST',
    features: { domains: 'custom domains (acm, route53, cloudfront)' },
    detect({ cwd }): Detection | undefined {
      for (let dir = cwd; ; dir = dirname(dir)) {
        for (const file of CONFIG_FILES) {
          const configFile = join(dir, file);
          if (existsSync(configFile)) return { root: dir, configFile };
        }
        if (dirname(dir) === dir) return undefined;
      }
    },
    loadProject({ detection, stage, region }): ToolProject {
      const project: ToolProject = { root: detection.root, configFile: detection.configFile, config: {} };
      if (stage) project.stage = stage;
      if (region) project.region = region;
      return project;
    },
    policySet({ features }): PolicySet {
      const fragments = [crudApiPolicy];
      if (features.includes('domains')) fragments.push(customDomainPolicy);
      return { kind: 'documented', fragments };
    },
  };
}

export default sst;
