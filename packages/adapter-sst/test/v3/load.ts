// Test-only loader: bundles a fixture's sst.config.ts (and the infra files it imports) with esbuild, as SST's CLI
// does, then evaluates it in this process with the stand-ins installed first (top-level code may use them).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { type DiscoveryContext, discoverApp, installSstGlobals, type SstConfigModule } from '../../src/v3/app/globals.ts';
import type { AppInventory } from '../../src/v3/app/inventory.ts';

export const FIXTURES: URL = new URL('../fixtures/v3-apps/', import.meta.url);

/** The fixture's sst.config.ts as one ES module file (relative imports bundled). */
export async function bundle(app: string): Promise<string> {
  const result = await build({
    entryPoints: [new URL(`${app}/sst.config.ts`, FIXTURES).pathname],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    write: false,
    sourcemap: 'inline',
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** Discovers a fixture app for a stage, in this process. */
export async function discoverFixture(app: string, ctx: DiscoveryContext): Promise<AppInventory> {
  const dir = mkdtempSync(join(tmpdir(), 'awsperm-sst-v3-'));
  const file = join(dir, `${app}.mjs`);
  writeFileSync(file, await bundle(app));
  const installed = installSstGlobals(ctx);
  try {
    const mod = (await import(pathToFileURL(file).href)) as SstConfigModule;
    return await discoverApp(mod, ctx, installed);
  } finally {
    installed.uninstall();
    rmSync(dir, { recursive: true, force: true });
  }
}
