#!/usr/bin/env node
// Core's JavaScript (run by `build` after tsup has written the declarations): one runtime module, dist/core.js, and
// per public entry point a small module that re-exports that entry's names from it.
//
// Why not tsup's code splitting: it cut core into ~24 chunks along its lazy imports, and every ES module costs Node a
// resolution, a file read and a compile — about 11 ms of every command that loads core (bench/RESULTS.md,
// 2026-12-03). Lazy imports inside core stay lazy (esbuild defers their initialisation), they are only not separate
// files. One runtime module also gives every entry the very same classes (AwspermError) by construction.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const esbuild = createRequire(join(root, 'package.json'))('esbuild');
const dist = join(root, 'dist');
// Entries that only re-export: their modules become `export { … } from './core.js'`.
const reexporting = ['index', 'kit', 'cloudformation', 'worker'];
// Entries with code of their own (the conformance kit imports vitest, which must never load with core): bundled on
// their own, with every import of core's sources pointed at core.js.
const withCode = ['testing'];
// Large data tables that core imports lazily: their own modules, so that a run that does not need them does not parse
// them (the CloudFormation handler permissions: ~58 KB). They import nothing but types.
const separate = ['cfn/handler-permissions'];
const common = { bundle: true, format: 'esm', platform: 'node', target: 'node20', packages: 'external', logLevel: 'error' };

/** The value names a source file imports from core's own modules (`import { a, type B } from './x.ts'`). */
function valueImports(file) {
  const text = readFileSync(file, 'utf8');
  const out = [];
  for (const m of text.matchAll(/^import\s+(?!type\s)\{([^}]*)\}\s+from\s+'(\.[^']+)';/gm)) {
    for (const part of m[1].split(',')) {
      const name = part.trim();
      if (name && !name.startsWith('type ')) out.push({ name: name.split(/\s+as\s+/)[0], from: m[2] });
    }
  }
  return out;
}

// tsup, writing declarations only, leaves earlier JavaScript in place: none of it may outlive this build.
for (const f of readdirSync(dist)) if (/\.js(\.map)?$/.test(f)) rmSync(join(dist, f));

const extra = withCode.flatMap((e) => valueImports(join(root, 'src', `${e}.ts`)));
const runtimeSource = [
  ...reexporting.map((e) => `export * from './src/${e}.ts';`),
  ...extra.map(({ name, from }) => `export { ${name} } from './src/${from.slice(2)}';`),
].join('\n');

const separateFiles = {
  name: 'separate-tables',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      const target = join(args.resolveDir, args.path).replace(/\.ts$/, '');
      const hit = separate.find((s) => target === join(root, 'src', s));
      return hit ? { path: `./${hit.split('/').pop()}.js`, external: true } : undefined;
    });
  },
};
for (const s of separate) {
  await esbuild.build({ ...common, entryPoints: [join(root, 'src', `${s}.ts`)], outfile: join(dist, `${s.split('/').pop()}.js`) });
}

const runtime = await esbuild.build({
  ...common,
  plugins: [separateFiles],
  stdin: { contents: runtimeSource, resolveDir: root, sourcefile: 'core-runtime.ts', loader: 'ts' },
  outfile: join(dist, 'core.js'),
  sourcemap: true,
  metafile: true,
});
const provided = new Set(Object.values(runtime.metafile.outputs).find((o) => o.entryPoint !== undefined || o.exports.length)?.exports ?? []);

const missing = [];
for (const entry of reexporting) {
  const probe = await esbuild.build({ ...common, entryPoints: [join(root, 'src', `${entry}.ts`)], write: false, outdir: dist, metafile: true });
  const names = Object.values(probe.metafile.outputs).find((o) => o.entryPoint)?.exports ?? [];
  for (const n of names) if (!provided.has(n)) missing.push(`${entry}: ${n}`);
  writeFileSync(join(dist, `${entry}.js`), `export { ${names.join(', ')} } from './core.js';\n`);
}

const toRuntime = {
  name: 'core-runtime',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => (args.kind === 'entry-point' ? undefined : { path: './core.js', external: true }));
  },
};
for (const entry of withCode) {
  await esbuild.build({ ...common, entryPoints: [join(root, 'src', `${entry}.ts`)], outfile: join(dist, `${entry}.js`), sourcemap: true, plugins: [toRuntime] });
  const text = readFileSync(join(dist, `${entry}.js`), 'utf8');
  for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*"\.\/core\.js"/g)) {
    for (const part of m[1].split(',')) {
      const n = part.trim().split(/\s+as\s+/)[0];
      if (n && !provided.has(n)) missing.push(`${entry}: ${n}`);
    }
  }
}
if (missing.length) {
  console.error(`core build: names not provided by dist/core.js (ambiguous or missing): ${missing.join(', ')}`);
  process.exit(1);
}
