import { defineConfig } from 'tsup';
import { base } from '../../tsup.base.ts';

// `sst-discovery` is what the app-discovery worker runner (runners/sst-app.mjs) imports: plain JS the isolated
// worker can load without TypeScript.
export default defineConfig({ ...base, entry: { index: 'src/index.ts', v3: 'src/v3/index.ts', 'sst-discovery': 'src/v3/app/globals.ts' } });
