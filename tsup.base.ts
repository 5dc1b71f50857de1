import type { Options } from 'tsup';

/** Shared tsup options: ESM for Node 20, declarations, no bundling of dependencies. */
export const base: Options = {
  entry: ['src/index.ts'],
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  dts: true,
  sourcemap: true,
  clean: true,
  treeshake: true,
};
