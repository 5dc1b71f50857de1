import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { projects: ['packages/*', '!packages/test-utils', 'examples/adapter-serverless'] } });
