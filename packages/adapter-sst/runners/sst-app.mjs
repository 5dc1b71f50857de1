// Worker runner for SST v3/v4 app discovery: installs the recording stand-ins for everything SST injects (before
// the bundled sst.config.ts is evaluated: its top-level code may use them), loads it, runs app() then run() for the
// stage, and returns the inventory as plain data. Runs inside core's isolated worker (@awsperm/core/worker); the
// discovery code is the adapter's build (dist/sst-discovery.js), which the worker is allowed to read.
import { discoverApp, installSstGlobals } from '../dist/sst-discovery.js';

export default async function run({ input, load, fail, phase, provide }) {
  const ctx = { stage: input.stage, ...(input.name ? { name: input.name } : {}) };
  const installed = installSstGlobals(ctx);
  // `import * as aws from "@pulumi/aws"` (and `@pulumi/aws/<module>`, and other providers' `@pulumi/<name>`) is the
  // same namespace as SST's global of that name: recorded, not an inert stand-in that would drop the resources
  // silently. Objects whose prototype is the namespace, because esbuild's CommonJS interop copies the prototype and
  // the own names of what it imports. `@pulumi/pulumi` itself stays a stand-in (its values are unknown).
  provide((specifier) => {
    const m = /^@pulumi\/([a-z0-9-]+)(?:\/([a-z0-9]+))?$/i.exec(specifier);
    const ns = m && m[1] !== 'pulumi' ? globalThis[m[1].replace(/-/g, '')] : undefined;
    if (!ns || (typeof ns !== 'object' && typeof ns !== 'function')) return undefined;
    return Object.create(m[2] ? ns[m[2]] : ns);
  });
  phase('loading the config');
  const mod = await load();
  const exported = mod.default ?? mod;
  if (!exported || typeof exported.run !== 'function') fail('the default export is not $config({ app, run }) with a run() function');
  return discoverApp({ default: exported }, ctx, installed, phase);
}
