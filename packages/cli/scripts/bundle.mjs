#!/usr/bin/env node
// The CLI's JavaScript: one CommonJS program made of the CLI's sources and the first-party packages it runs (core,
// the three adapters, cac), split into a few modules that load when a command needs them.
//
// Why CommonJS: Node's ES module loader costs every command that starts with it ~6 ms of CPU before any of awsperm
// runs (an empty .mjs file takes ~6 ms more than an empty .cjs), and loading awsperm's modules through it costs more
// again (its resolution, its asynchronous file reads); `policy --tool sst` ran ~13–20 ms faster as CommonJS
// (bench/RESULTS.md, 2026-12-04, "CommonJS"). The packages themselves stay ES modules for those who import them: only
// the `awsperm` command runs this build.
//
// Why not one module: what a command reaches only through `import()` (the check path, the template reader, the
// adapters' data tables) would then be parsed by every command; inlined, it cost `policy --tool sst` ~15 ms. So: the
// entry (dist/cli.cjs) holds what `--help` and usage errors need, `run.cjs` core's common part with the option
// reader, the remedies and the commands, and each lazily loaded part of core and of each adapter keeps a module of
// its own, as in those packages' own builds.
//
// Two things a copy of another package's code must not lose, made explicit here:
// - where its files are: `import.meta.url` in a file of package P becomes that file's URL inside P as installed
//   (core's action catalogue, the worker's runners and esbuild are found next to core, not next to the CLI);
// - where its dependencies resolve: `import('x')` of a bare package in P's code becomes a `require` from P's
//   directory (P's dependencies are not the CLI's). A computed `import(path)` (a third-party adapter) stays a native
//   `import()`: those adapters are ES modules, and they import @awsperm/core as published.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { staticClosure, typescriptPlugin } from '../../../scripts/build/rollup-helpers.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const requireHere = createRequire(join(root, 'package.json'));
const esbuild = requireHere('esbuild');
const { rollup } = requireHere('rollup');
const dist = join(root, 'dist');
const entry = join(root, 'src/cli.ts');
const HELPERS = '\0awsperm-locate';

// The packages compiled into the bundle; every other bare import stays a dependency of the package that makes it.
const BUNDLED = new Set(['@awsperm/core', '@awsperm/adapter-up', '@awsperm/adapter-sst', '@awsperm/adapter-cdk', 'cac']);
// builtinModules lists subpaths too (fs/promises, readline/promises).
const builtin = (spec) => spec.startsWith('node:') || builtinModules.includes(spec);
const packageOf = (spec) => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');

/** The package a file belongs to (its nearest package.json): name, and the file's path inside it. */
const owners = new Map();
function ownerOf(file) {
  let dir = dirname(file);
  while (!owners.has(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      owners.set(dir, { name: JSON.parse(readFileSync(manifest, 'utf8')).name, dir });
      break;
    }
    if (dirname(dir) === dir) throw new Error(`cli build: ${file} belongs to no package`);
    dir = dirname(dir);
  }
  const owner = owners.get(dir);
  return { name: owner.name, path: relative(owner.dir, file).split(sep).join('/') };
}

// Run by the bundle: the installed directory of a first-party package (the CLI's own is the one above dist/).
const HELPER_SOURCE = `
const { createRequire } = require('node:module');
const { dirname, join } = require('node:path');
const { pathToFileURL } = require('node:url');
const dirs = new Map();
const packageDir = (name) => {
  if (name === ${JSON.stringify(pkg.name)}) return join(__dirname, '..');
  let dir = dirs.get(name);
  if (dir === undefined) dirs.set(name, (dir = dirname(require.resolve(name + '/package.json'))));
  return dir;
};
/** The URL of the file at \`path\` in the package \`name\`, as installed: that module's own URL. */
export const fileUrlIn = (name, path) => pathToFileURL(join(packageDir(name), path)).href;
/** A dynamic import of \`spec\` as the package \`name\` makes it: resolved from that package's directory. */
export const importFrom = (name, spec) => Promise.resolve().then(() => createRequire(join(packageDir(name), 'package.json'))(spec));
`;

/** Rewrites `import.meta.url` and bare `import('x')` in a file of another package (see the top of this file). */
function locate() {
  return {
    name: 'awsperm-locate',
    resolveId(id) {
      return id === HELPERS ? id : null;
    },
    load(id) {
      if (id === HELPERS) return HELPER_SOURCE;
      // The packages' own source maps, so that the bundle's map leads to their TypeScript.
      if (id.endsWith('.js') && existsSync(`${id}.map`)) return { code: readFileSync(id, 'utf8'), map: readFileSync(`${id}.map`, 'utf8') };
      return null;
    },
    transform(code, id) {
      if (id === HELPERS || !/import\.meta|import\(/.test(code)) return null;
      const owner = ownerOf(id);
      const edits = [];
      const visit = (node) => {
        if (!node || typeof node.type !== 'string') return;
        if (node.type === 'MemberExpression' && node.object.type === 'MetaProperty' && node.property.name === 'url') {
          edits.push([node.start, node.end, `__awspermFileUrlIn(${JSON.stringify(owner.name)}, ${JSON.stringify(owner.path)})`]);
          return;
        }
        if (node.type === 'MetaProperty') throw new Error(`cli build: ${id}: import.meta other than import.meta.url`);
        if (node.type === 'ImportExpression' && node.source.type === 'Literal' && typeof node.source.value === 'string') {
          const spec = node.source.value;
          if (!spec.startsWith('.') && !builtin(spec) && !BUNDLED.has(packageOf(spec))) {
            edits.push([node.start, node.end, `__awspermImportFrom(${JSON.stringify(owner.name)}, ${JSON.stringify(spec)})`]);
            return;
          }
        }
        for (const value of Object.values(node)) {
          if (Array.isArray(value)) value.forEach(visit);
          else if (value && typeof value === 'object') visit(value);
        }
      };
      visit(this.parse(code));
      if (edits.length === 0) return null;
      let out = code;
      for (const [start, end, text] of edits.sort((a, b) => b[0] - a[0])) out = out.slice(0, start) + text + out.slice(end);
      // The edits keep every line where it was: the map stays right to the line.
      return { code: `import { fileUrlIn as __awspermFileUrlIn, importFrom as __awspermImportFrom } from ${JSON.stringify(HELPERS)};${out}`, map: null };
    },
  };
}

/** Resolves the bundled packages from the CLI's directory, to the ES modules they publish. */
function bundledPackages() {
  return {
    name: 'awsperm-packages',
    resolveId(id, importer) {
      if (importer === undefined || id.startsWith('.') || id.startsWith('/') || id.startsWith('\0')) return null;
      if (!BUNDLED.has(packageOf(id))) return false;
      return createRequire(importer).resolve(id);
    },
  };
}

// The module each file goes to (see the top of this file): the entry's static closure in cli; core's common part,
// the CLI's other files and the helpers in run; each other file of core, and each file of an adapter, in a module
// named after its package and file.
const LAZY_CORE = new Map([
  ['dist/core-check.js', 'core-check'],
  ['dist/core-templates.js', 'core-templates'],
  ['dist/cloudformation.js', 'core-templates'],
  ['dist/handler-permissions.js', 'handler-permissions'],
  ['dist/worker.js', 'core-worker'],
]);
let entryClosure;
function moduleOf(id, getModuleInfo) {
  entryClosure ??= staticClosure([entry], getModuleInfo, (x) => !getModuleInfo(x)?.isExternal);
  if (entryClosure.has(id)) return 'cli';
  if (id === HELPERS) return 'run';
  const owner = ownerOf(id);
  if (owner.name === pkg.name || owner.name === 'cac') return 'run';
  if (owner.name === '@awsperm/core') return LAZY_CORE.get(owner.path) ?? 'run';
  const short = owner.name.replace('@awsperm/', '');
  const file = owner.path.replace(/^dist\//, '').replace(/\.js$/, '');
  return file === 'index' ? short : `${short}-${file}`;
}

for (const f of existsSync(dist) ? readdirSync(dist) : []) rmSync(join(dist, f), { recursive: true, force: true });

const warnings = [];
const bundle = await rollup({
  input: { cli: entry },
  // TypeScript first: the locate plugin reads JavaScript.
  plugins: [bundledPackages(), typescriptPlugin(esbuild, { define: { __AWSPERM_VERSION__: JSON.stringify(pkg.version) } }), locate()],
  external: (id) => builtin(id),
  onwarn: (warning) => (warning.code === 'CIRCULAR_DEPENDENCY' ? undefined : warnings.push(warning)),
});
await bundle.write({
  dir: dist,
  format: 'cjs',
  entryFileNames: '[name].cjs',
  chunkFileNames: '[name].cjs',
  sourcemap: true,
  generatedCode: 'es2015',
  // `import()` of a bundled module is a require() when the module is needed; a computed one stays import().
  dynamicImportInCjs: false,
  hoistTransitiveImports: false,
  interop: 'auto',
  manualChunks: (id, { getModuleInfo }) => moduleOf(id, getModuleInfo),
  plugins: [
    {
      name: 'awsperm-native-import',
      renderDynamicImport: ({ targetModuleId }) => (targetModuleId === null ? { left: 'import(', right: ')' } : null),
    },
  ],
});
await bundle.close();
if (warnings.length) {
  console.error(`cli build failed:\n  ${warnings.map((w) => `${w.code}: ${w.message}`).join('\n  ')}`);
  process.exit(1);
}
