import { defineConfig } from 'tsup';
import { base } from '../../tsup.base.ts';

// tsup writes the declarations only; scripts/bundle.mjs writes the JavaScript (one runtime module and an entry module
// per public entry point: why, in that script) and scripts/action-names.mjs the names-only catalogue (dist/catalog/).
export default defineConfig({ ...base, entry: ['src/index.ts', 'src/testing.ts', 'src/cloudformation.ts', 'src/kit.ts', 'src/worker.ts'], dts: { only: true } });
