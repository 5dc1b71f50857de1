import { createRequire, isBuiltin, SourceMap } from 'node:module';
import { dirname, extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { AwspermError } from '../errors.ts';
import { readRegularFile } from '../files.ts';

/** A project file bundled for the worker. */
export interface ProjectBundle {
  /** The code: the file and every relative import it makes, bare packages replaced by inert stand-ins. */
  code: string;
  /**
   * `cjs`: a CommonJS bundle the worker runs as a strict-mode script (the fast path); `esm`: an ES module, for
   * projects with top-level await, which CommonJS cannot express.
   */
  format: 'cjs' | 'esm';
  /** Maps a line of {@link ProjectBundle.code} (1-based) to the project file and line it came from. */
  locate(line: number, column: number): { file: string; line: number } | undefined;
}

/** What {@link bundleProjectFile} needs. */
export interface BundleOptions {
  /** The project root: relative imports must stay inside it. */
  root: string;
  /** Time limit for the transform, ms (default 5000). */
  timeoutMs?: number;
  /** What to call the file in messages (default: "the config"). */
  what?: string;
}

const LOADERS: Record<string, 'ts' | 'tsx' | 'js' | 'jsx' | 'json'> = {
  '.ts': 'ts',
  '.mts': 'ts',
  '.cts': 'ts',
  '.tsx': 'tsx',
  '.js': 'js',
  '.mjs': 'js',
  '.cjs': 'js',
  '.jsx': 'jsx',
  '.json': 'json',
};

/**
 * The stand-in name of an `import()`/`require()` whose path is computed at run time (`import(varsFile)`): esbuild
 * cannot bundle it, so the bundle's `require` answers it with a stand-in named `computed-import:<path>`.
 */
export const COMPUTED_IMPORT_PREFIX = 'computed-import:';

// Runs first in the bundle. A package the runner `provide`s (SST's `@pulumi/aws`, which its recording stand-ins
// implement) is what the runner says; any other `__awspermStandIn` gives a stand-in a prototype that answers every name with the
// stand-in itself: esbuild's CommonJS interop (`__toESM`, used for `import()` and `import * as`) builds a new object
// from the stand-in's prototype and own names, so without it `(await import('pkg')).profile` would be a silent
// `undefined` instead of an unknown value. `require` (SST's own banner defines one with createRequire) is where
// esbuild sends `import()`/`require()` it cannot bundle: Node built-ins load, anything else becomes a stand-in.
const BANNER = String.raw`const __awspermStandIn = (name, names) => {
  const provided = globalThis.__awspermProvided(name);
  if (provided !== undefined) return provided;
  const s = globalThis.__awspermStub(name, names);
  Object.setPrototypeOf(s, new Proxy(Object.create(null), { get: (_t, k) => (typeof k === 'symbol' || k === 'then' ? undefined : s) }));
  return s;
};
Object.defineProperty(globalThis, 'require', {
  configurable: true,
  writable: true,
  value: (id) => {
    const name = String(id);
    const builtin = typeof process.getBuiltinModule === 'function' ? process.getBuiltinModule(name) : undefined;
    return builtin ?? __awspermStandIn(${JSON.stringify(COMPUTED_IMPORT_PREFIX)} + name, []);
  },
});`;

type Esbuild = typeof import('esbuild');
let esbuildModule: Esbuild | undefined;

/** esbuild's JavaScript API, loaded without `worker_threads`: that serves its synchronous calls, which awsperm never makes. */
function requireEsbuild(): Esbuild {
  const before = process.env.ESBUILD_WORKER_THREADS;
  process.env.ESBUILD_WORKER_THREADS = '0';
  try {
    return createRequire(import.meta.url)('esbuild') as Esbuild;
  } finally {
    if (before === undefined) delete process.env.ESBUILD_WORKER_THREADS;
    else process.env.ESBUILD_WORKER_THREADS = before;
  }
}

const UNRESOLVED = /^Could not resolve "(.+)"$/;

/** The stand-in key (`<directory>\0<specifier>`) of an esbuild error for a relative import it could not resolve. */
function unresolvedImport(root: string, message: import('esbuild').Message): string | undefined {
  const specifier = UNRESOLVED.exec(message.text)?.[1];
  if (specifier === undefined || !message.location || !/^[./]/.test(specifier)) return undefined;
  return `${dirname(resolve(root, message.location.file))}\0${specifier}`;
}

function inside(root: string, file: string): boolean {
  const rel = relative(root, file);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

const NAMED_IMPORT = /import\s+(?:type\s+)?(?:[\w$]+\s*,\s*)?\{([^{}]*)\}\s*from\s*["']([^"'\n]+)["']/g;

/** Adds the names of `import { a, b as c } from 'pkg'` in `source` to `into` (package → names). */
function collectNamedImports(source: string, into: Map<string, Set<string>>): void {
  for (const m of source.matchAll(NAMED_IMPORT)) {
    const names = into.get(m[2]!) ?? new Set<string>();
    for (const part of m[1]!.split(',')) {
      const name = part.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0]!.trim();
      if (/^[\w$]+$/.test(name)) names.add(name);
    }
    into.set(m[2]!, names);
  }
}

/**
 * Bundles a project file with esbuild for {@link runInWorker}: TypeScript is stripped, relative imports (static and
 * `await import('./x')`, template-literal paths such as `` import(`./stages/${stage}.ts`) ``) are bundled from
 * inside `root` only (regular files within the source size limit), Node built-ins stay imports (the worker's
 * permission model governs them), and every bare package becomes an inert stand-in the worker reports as stubbed —
 * also when reached through `import()` or `import * as`. An `import()`/`require()` of a path computed at run time
 * becomes a stand-in named {@link COMPUTED_IMPORT_PREFIX}`<path>` (a built-in still loads). tsconfig files are not
 * read. Syntax errors are `PROJECT_CONFIG_INVALID` naming file and line.
 */
export async function bundleProjectFile(file: string, options: BundleOptions): Promise<ProjectBundle> {
  const root = resolve(options.root);
  const entry = resolve(file);
  const what = options.what ?? 'the config';
  if (!inside(root, entry)) throw new AwspermError('PROJECT_CONFIG_INVALID', `${file}: ${what} is outside the project directory ${root}`);
  const entryLoader = LOADERS[extname(entry)];
  if (!entryLoader) throw new AwspermError('PROJECT_CONFIG_INVALID', `${file}: ${what} is not a JavaScript, TypeScript or JSON file`);
  // Read here (a regular file within the size limit) and handed to esbuild as its input: esbuild would otherwise ask
  // this process for it through onLoad, one more round trip while the worker boots.
  const source = readRegularFile(entry, 'source', what);
  // require(), not import(): esbuild's entry is CommonJS, and import() would first scan its ~100 KB for export names
  // (Node's cjs-module-lexer), the largest single cost of an SST command's start-up.
  esbuildModule ??= requireEsbuild();
  const esbuild = esbuildModule;
  // The names each package is imported by: esbuild's CommonJS interop copies only the stand-in's own properties.
  const named = new Map<string, Set<string>>();
  collectNamedImports(source, named);
  // Relative imports esbuild could not resolve (`<directory>\0<specifier>`): stand-ins on the next attempt.
  const unresolved = new Set<string>();
  const plugin: import('esbuild').Plugin = {
    name: 'awsperm-project',
    setup(build) {
      // Only bare specifiers come here: esbuild resolves relative and absolute paths itself, without a round trip to
      // this process (each costs the main thread while the worker boots); every file it resolves still goes through
      // onLoad below, which refuses anything outside the root or not a regular file.
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (isBuiltin(args.path)) return { path: args.path, external: true };
        if (isAbsolute(args.path)) return undefined;
        return { path: args.path, namespace: 'awsperm-stub' };
      });
      // A relative import that does not resolve (a file SST generates, say) becomes a stand-in too, reported as
      // stubbed: esbuild names it in a failed attempt, and the next one replaces it.
      if (unresolved.size > 0) {
        build.onResolve({ filter: /^[./]/ }, (args) =>
          unresolved.has(`${args.resolveDir}\0${args.path}`) ? { path: args.path, namespace: 'awsperm-stub' } : undefined,
        );
      }
      build.onLoad({ filter: /.*/, namespace: 'awsperm-stub' }, (args) => ({
        contents: `module.exports = __awspermStandIn(${JSON.stringify(args.path)}, ${JSON.stringify([...(named.get(args.path) ?? [])])});`,
        loader: 'js',
      }));
      build.onLoad({ filter: /.*/, namespace: 'file' }, (args) => {
        if (!inside(root, args.path)) {
          return { errors: [{ text: `imports ${args.path}, which is outside the project directory` }] };
        }
        const loader = LOADERS[extname(args.path)];
        if (!loader) return { errors: [{ text: `imports ${args.path}, which is not a JavaScript, TypeScript or JSON file` }] };
        const contents = readRegularFile(args.path, 'source', 'an imported file');
        collectNamedImports(contents, named);
        return { contents, loader };
      });
    },
  };
  const timeout = options.timeoutMs ?? 5000;
  let timer: NodeJS.Timeout | undefined;
  type Output = import('esbuild').BuildResult<{ write: false; sourcemap: 'external'; outfile: string }>;
  let result: Output;
  let format: ProjectBundle['format'] = 'cjs';
  const build = (): Promise<Output> =>
    esbuild.build({
      stdin: { contents: source, loader: entryLoader, resolveDir: dirname(entry), sourcefile: relative(root, entry) },
      bundle: true,
      write: false,
      format,
      platform: 'node',
      target: 'node20',
      outfile: resolve(root, 'awsperm-bundle.js'),
      sourcemap: 'external',
      tsconfigRaw: '{}',
      // Literal import() of project files is bundled inline either way; a computed one becomes require(path),
      // which the banner answers, instead of a native import() that cannot resolve from a bundle without a file.
      supported: { 'dynamic-import': false },
      banner: { js: BANNER },
      logLevel: 'silent',
      absWorkingDir: root,
      plugins: [plugin],
    });
  // A failed attempt that only asks for what the next can give (ES module output for top-level await, stand-ins for
  // relative imports that do not resolve) is made again; any other error ends the transform.
  const attempt = async (): Promise<Output> => {
    for (let round = 0; ; round++) {
      try {
        return await build();
      } catch (error) {
        const errors = (error as { errors?: import('esbuild').Message[] }).errors ?? [];
        const topLevelAwait = errors.filter((e) => e.text.startsWith('Top-level await is currently not supported'));
        const missing = errors.map((e) => unresolvedImport(root, e));
        const others = errors.filter((e, i) => missing[i] === undefined && !topLevelAwait.includes(e));
        if (round >= 4 || errors.length === 0 || others.length > 0) throw others.length > 0 ? { errors: others } : error;
        if (topLevelAwait.length > 0) format = 'esm';
        for (const key of missing) if (key !== undefined) unresolved.add(key);
      }
    }
  };
  try {
    result = (await Promise.race([
      attempt(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('__timeout__')), timeout);
      }),
    ])) as Output;
  } catch (error) {
    if ((error as Error).message === '__timeout__') {
      await esbuild.stop();
      esbuildModule = undefined;
      throw new AwspermError('PROJECT_CONFIG_INVALID', `${file}: transforming ${what} took longer than ${timeout} ms`);
    }
    if (error instanceof AwspermError) throw error;
    const first = (error as { errors?: import('esbuild').Message[] }).errors?.[0];
    if (first) {
      const where = first.location ? `${first.location.file}:${first.location.line}` : file;
      const inner = (first.detail as unknown) instanceof AwspermError ? (first.detail as AwspermError) : undefined;
      if (inner) throw inner;
      throw new AwspermError('PROJECT_CONFIG_INVALID', `${where}: ${first.text}`, {
        hint: `Fix ${what} so that it parses; awsperm transforms it with esbuild as SST does.`,
      });
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
  const outputs = result.outputFiles ?? [];
  const js = outputs.find((o) => o.path.endsWith('.js'));
  const map = outputs.find((o) => o.path.endsWith('.map'));
  if (!js) throw new AwspermError('INTERNAL', 'esbuild produced no output');
  // The map is read only to place an error: most runs never need it.
  let sourceMap: SourceMap | undefined;
  return {
    code: js.text,
    format,
    locate(line, column) {
      if (map) sourceMap ??= new SourceMap(JSON.parse(map.text));
      const e = sourceMap?.findEntry(line - 1, column - 1) as { originalSource?: string; originalLine?: number } | undefined;
      if (!e || e.originalLine === undefined || !e.originalSource) return undefined;
      return { file: resolve(root, e.originalSource.replace(/^file:\/\//, '')), line: e.originalLine + 1 };
    },
  };
}
