import { fileURLToPath } from 'node:url';

// This module must stay one level under the package root: as source (src/runners.ts, run by vitest) and bundled
// (dist/index.js or one of its dist/chunk-*.js), `../` is the package root. A module deeper in src/ would resolve
// its own `import.meta.url` differently from its bundled copy, so every path to a file outside the bundle is here.

/** The worker runner for `sst.config.*`'s `config()`/`app()` (runners/sst-config.cjs). */
export function configRunner(): string {
  return fileURLToPath(new URL('../runners/sst-config.cjs', import.meta.url));
}

/** The worker runner for SST v3/v4 app discovery (runners/sst-app.mjs). */
export function appRunner(): string {
  return fileURLToPath(new URL('../runners/sst-app.mjs', import.meta.url));
}

/** The adapter's build directory, with a trailing slash: the app runner imports `sst-discovery.js` from it. */
export function distDirectory(): string {
  return fileURLToPath(new URL('../dist/', import.meta.url));
}
