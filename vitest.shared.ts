import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Workspace packages resolve to src/ so unit tests never need a prior build.
  ssr: { resolve: { conditions: ['@awsperm/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
