import { defineConfig } from 'tsup';
import { base } from '../../tsup.base.ts';

// After each build: the names-only copy of the IAM action catalogue that catalog.ts reads (dist/catalog/).
export default defineConfig({ ...base, entry: ['src/index.ts', 'src/testing.ts', 'src/cloudformation.ts', 'src/kit.ts', 'src/worker.ts'], onSuccess: 'node scripts/action-names.mjs' });
