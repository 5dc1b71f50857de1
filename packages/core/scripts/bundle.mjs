#!/usr/bin/env node
// Core's JavaScript (run by `build` after tsup has written the declarations): a few runtime modules, and per public
// entry point a small module that re-exports that entry's names from the module holding their code.
//
// Why so few modules: tsup's code splitting cut core into ~24 chunks along its lazy imports, and every ES module
// costs Node a resolution, a file read and a compile — about 11 ms of every command that loads core (bench/RESULTS.md,
// 2026-12-03). Why not one: one module of ~390 KB is compiled whole on every command, although half of it (the check
// path, the credential chain, the worker, the template reader) is reached only through `import()` and most commands
// never run it. So: dist/core.js holds what the root and kit entries reach statically (every command that loads core
// runs it anyway) and the policy path, and each group in LAZY below is one module loaded on its first `import()`,
// importing what it shares from core.js.
//
// Why rollup here (with esbuild still stripping the types, file by file): its manualChunks places every source file
// in the module we name, and it links modules for us — internal names that two modules share are renamed and
// exported under generated names, and an `import()` of a file inside a module becomes an import of that module
// followed by the file's namespace object. Each source file lands in exactly one module, so every entry sees the
// very same classes (one AwspermError for instanceof). esbuild's splitting offers no say over chunk boundaries.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { staticClosure, typescriptPlugin } from '../../../scripts/build/rollup-helpers.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const requireHere = createRequire(join(root, 'package.json'));
const esbuild = requireHere('esbuild');
const { rollup } = requireHere('rollup');
const dist = join(root, 'dist');

// The public entry points. Those that only re-export become `export { … } from './<module>.js'`; testing keeps its
// own code in its module (it imports vitest, which must never load with core).
const ENTRIES = ['index', 'kit', 'cloudformation', 'worker', 'testing'];
// What dist/core.js holds: what the root and kit entries reach statically, and the policy path, which most runs
// take. As a module of its own (20 KB) the policy path cost `policy` ~4 ms of CPU more — a first `import()` of a
// module costs Node more than compiling that much code — and `lint` gained nothing measurable without it.
const CORE = ['index', 'kit', 'session/policy'];
// The lazily loaded modules: each takes the files its seeds reach statically that core.js does not hold; a file
// reached by two groups goes to the first. Grouped by what a command needs together: `check`, `whoami` and live
// `--missing` load core-check (credentials, identity, evaluators); projects whose configuration is code load the
// worker (the group holds the worker entry itself, so its module is dist/worker.js); templates load core-templates.
const LAZY = [
  { name: 'core-check', seeds: ['session/check', 'session/whoami', 'session/missing', 'credentials/explain', 'credentials/resolve'] },
  { name: 'core-worker', seeds: ['worker'] },
  { name: 'core-templates', seeds: ['cloudformation', 'session/templates'] },
];
// Files that several groups reach, kept in core.js: in the first group that reaches them they would make a later
// group import that whole module for a few functions (the templates reader would load the check path for
// credentials/failure's SDK-message helpers).
const SHARED = ['credentials/failure'];
// Large data tables that core imports lazily: modules of their own, so that a run that does not need them does not
// parse them (the CloudFormation handler permissions: ~58 KB).
const SEPARATE = ['cfn/handler-permissions'];

const sourceOf = (name) => join(src, `${name}.ts`);
const nameOf = (id) => relative(src, id).replace(/\.ts$/, '');
const inSrc = (id) => id.startsWith(src);

/** The module of each source file (computed once, when rollup knows the whole graph). */
function placement(moduleInfo, ids) {
  const place = new Map();
  const inCore = staticClosure(CORE.map(sourceOf), moduleInfo, inSrc);
  for (const id of inCore) place.set(id, 'core');
  for (const s of SHARED) place.set(sourceOf(s), 'core');
  for (const s of SEPARATE) place.set(sourceOf(s), s.split('/').pop());
  for (const group of LAZY) {
    for (const id of staticClosure(group.seeds.map(sourceOf), moduleInfo, inSrc)) if (!place.has(id)) place.set(id, group.name);
  }
  // A file outside every group stays in its entry's module when only that entry reaches it (testing's own code);
  // one reached only through import() would become a chunk of rollup's choosing, one more module: name its group.
  const byEntries = staticClosure(ENTRIES.map(sourceOf), moduleInfo, inSrc);
  const homeless = [...ids].filter((id) => id.startsWith(src) && !place.has(id) && !byEntries.has(id));
  if (homeless.length) throw new Error(`core build: files in no module (add them to a group in LAZY): ${homeless.map(nameOf).join(', ')}`);
  return place;
}

/** Every JavaScript file under dist (tsup, writing declarations only, leaves earlier JavaScript in place). */
function staleJs(dir) {
  return readdirSync(dir).flatMap((f) => {
    const path = join(dir, f);
    if (statSync(path).isDirectory()) return staleJs(path);
    return /\.js(\.map)?$/.test(f) ? [path] : [];
  });
}
for (const f of staleJs(dist)) rmSync(f);

const warnings = [];
let place;
const bundle = await rollup({
  input: Object.fromEntries(ENTRIES.map((e) => [e, sourceOf(e)])),
  plugins: [typescriptPlugin(esbuild)],
  // Packages and Node built-ins stay imports: core's dependencies are installed next to it.
  external: (id, importer) => importer !== undefined && !id.startsWith('.') && !id.startsWith('/'),
  // An ambiguous `export *` name or any other doubt of rollup's stops the build instead of dropping a name. A cycle
  // between source files is valid ES (esbuild took them too): said, not fatal.
  onwarn: (warning) => (warning.code === 'CIRCULAR_DEPENDENCY' ? console.warn(`core build: ${warning.message}`) : warnings.push(warning)),
});
const { output } = await bundle.write({
  dir: dist,
  format: 'es',
  entryFileNames: '[name].js',
  chunkFileNames: '[name].js',
  sourcemap: true,
  generatedCode: 'es2015',
  // An entry module's stub imports only the module holding its code; the rest that module imports itself.
  hoistTransitiveImports: false,
  manualChunks: (id, { getModuleInfo, getModuleIds }) => {
    place ??= placement(getModuleInfo, getModuleIds());
    return place.get(id);
  },
});
await bundle.close();

const problems = warnings.map((w) => `${w.code}: ${w.message}`);
// The names each entry must export, as esbuild reads them from the source.
for (const entry of ENTRIES) {
  const probe = await esbuild.build({ entryPoints: [sourceOf(entry)], bundle: true, format: 'esm', platform: 'node', packages: 'external', write: false, outdir: dist, metafile: true, logLevel: 'error' });
  const wanted = (Object.values(probe.metafile.outputs).find((o) => o.entryPoint)?.exports ?? []).sort();
  const built = [...(output.find((o) => o.type === 'chunk' && o.isEntry && o.name === entry)?.exports ?? [])].sort();
  const lost = wanted.filter((n) => !built.includes(n));
  const added = built.filter((n) => !wanted.includes(n));
  if (lost.length || added.length) problems.push(`${entry}: names not provided: ${lost.join(', ') || '-'}; names not in the source: ${added.join(', ') || '-'}`);
}
const expected = new Set([...ENTRIES, 'core', ...LAZY.map((g) => g.name), ...SEPARATE.map((s) => s.split('/').pop())]);
for (const o of output) if (o.type === 'chunk' && !expected.has(o.name)) problems.push(`unplanned module ${o.fileName} (${Object.keys(o.modules).map(nameOf).join(', ')})`);
if (problems.length) {
  console.error(`core build failed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
