import type { AdapterRegistry } from '@awsperm/core';

/** The first-party adapters shipped with the CLI, by tool id. Imported only when needed. */
export const builtinAdapters: AdapterRegistry = {
  up: {
    packageName: '@awsperm/adapter-up',
    load: async () => (await import('@awsperm/adapter-up')).up(),
  },
  cdk: {
    packageName: '@awsperm/adapter-cdk',
    load: async () => (await import('@awsperm/adapter-cdk')).cdk(),
  },
  sst: {
    packageName: '@awsperm/adapter-sst',
    load: async () => (await import('@awsperm/adapter-sst')).sst(),
  },
};
