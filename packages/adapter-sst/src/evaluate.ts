import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { basename } from 'node:path';
import { createContext, Script } from 'node:vm';
import { AwspermError } from '@awsperm/core';

const ADAPTER = '@awsperm/adapter-sst';

/** Options of {@link evaluateSstConfig}. */
export interface EvaluateOptions {
  /** `config` (v2) or `app` (v3): the function of the default export to call. */
  call: 'config' | 'app';
  /** What the function receives. */
  input: Record<string, unknown>;
  /** `process.env` as the config sees it. */
  env: Readonly<Record<string, string | undefined>>;
  /** Time limit in milliseconds, for loading the module and for the call (including an async result). */
  timeoutMs?: number;
}

/**
 * An inert stand-in for every imported module and every value read from it: any property is another stand-in,
 * calling or constructing one returns one, and it is not a promise (`then` is undefined).
 */
function inert(): unknown {
  const target = function inertModule(): void {};
  const proxy: unknown = new Proxy(target, {
    get(_t, key) {
      if (key === 'then') return undefined;
      if (key === Symbol.toPrimitive) return () => '';
      if (key === 'toString' || key === 'valueOf') return () => '';
      if (key === Symbol.iterator) return function* empty() {};
      if (key === '__esModule') return true;
      return proxy;
    },
    apply: () => proxy,
    construct: () => proxy as object,
    has: () => true,
  });
  return proxy;
}

let tsModule: typeof import('typescript') | undefined;

async function typescript(): Promise<typeof import('typescript')> {
  if (!tsModule) {
    const mod = (await import('typescript')) as typeof import('typescript') & { default?: typeof import('typescript') };
    tsModule = mod.default ?? mod;
  }
  return tsModule;
}

function configError(file: string, line: number | undefined, what: string, cause: unknown): AwspermError {
  return new AwspermError('PROJECT_CONFIG_INVALID', `${file}${line ? `:${line}` : ''}: ${what}`, {
    adapter: ADAPTER,
    hint: 'Fix the SST config so that it loads; awsperm evaluates only its config()/app() function, with every import replaced by a stand-in.',
    cause,
  });
}

/** The line in the original file of the first stack frame inside the config, mapped through the source map. */
function originalLine(stack: string, file: string, map: SourceMap): number | undefined {
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`${escaped}:(\\d+):(\\d+)`).exec(stack);
  if (!m) return undefined;
  const entry = map.findEntry(Number(m[1]) - 1, Number(m[2]) - 1) as { originalLine?: number };
  return entry.originalLine === undefined ? undefined : entry.originalLine + 1;
}

function describe(error: unknown): { message: string; stack: string } {
  if (typeof error === 'object' && error !== null && 'message' in error) {
    const e = error as { name?: unknown; message?: unknown; stack?: unknown };
    return { message: `${String(e.name ?? 'Error')}: ${String(e.message)}`, stack: typeof e.stack === 'string' ? e.stack : '' };
  }
  return { message: `threw ${String(error)}`, stack: '' };
}

/**
 * Evaluates the user's `sst.config.*` as SST does, without running `stacks`/`run` and without the project's
 * dependencies: TypeScript's `transpileModule` turns it into CommonJS, which runs in a `node:vm` context where
 * `require` of anything returns an inert stand-in, `$config` is the identity function (as the banner SST v3
 * bundles the file with, anomalyco/sst pkg/project/project.go), and `process.env` is `options.env`. Then it calls the
 * default export's `config` (v2) or `app` (v3) with `options.input` and returns the result. Loading and the call
 * are bounded by `timeoutMs` (default 2000); anything thrown becomes `PROJECT_CONFIG_INVALID` naming the file and line.
 */
export async function evaluateSstConfig(configFile: string, options: EvaluateOptions): Promise<Record<string, unknown>> {
  const timeout = options.timeoutMs ?? 2000;
  const ts = await typescript();
  const source = readFileSync(configFile, 'utf8');
  const out = ts.transpileModule(source, {
    fileName: basename(configFile).replace(/\.(mts|cts)$/, '.ts').replace(/\.(mjs|cjs)$/, '.js'),
    reportDiagnostics: true,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      allowJs: true,
      sourceMap: true,
      inlineSources: false,
      verbatimModuleSyntax: false,
    },
  });
  const syntax = out.diagnostics?.find((d) => d.category === ts.DiagnosticCategory.Error);
  if (syntax) {
    const line = syntax.file && syntax.start !== undefined ? syntax.file.getLineAndCharacterOfPosition(syntax.start).line + 1 : undefined;
    throw configError(configFile, line, ts.flattenDiagnosticMessageText(syntax.messageText, ' '), undefined);
  }
  const map = new SourceMap(JSON.parse(out.sourceMapText ?? '{"version":3,"sources":[],"names":[],"mappings":""}'));
  const module = { exports: {} as Record<string, unknown> };
  const quiet = (): void => {};
  const sandbox: Record<string, unknown> = {
    module,
    exports: module.exports,
    require: inert,
    __filename: configFile,
    __dirname: configFile.replace(/[/\\][^/\\]*$/, ''),
    $config: (x: unknown) => x,
    process: { env: { ...options.env }, argv: ['node', 'sst'], platform: process.platform, cwd: () => configFile.replace(/[/\\][^/\\]*$/, '') },
    console: { log: quiet, info: quiet, warn: quiet, error: quiet, debug: quiet },
    setTimeout,
    clearTimeout,
  };
  const context = createContext(sandbox, { codeGeneration: { strings: false, wasm: false } });
  const fail = (what: string, error: unknown): AwspermError => {
    const d = describe(error);
    return configError(configFile, originalLine(d.stack, configFile, map), `${what}: ${d.message}`, error);
  };
  // Wrap so that `require` and friends are the module's parameters, like Node's CommonJS loader.
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${out.outputText}\n})`;
  try {
    const fn = new Script(wrapped, { filename: configFile }).runInContext(context, { timeout }) as (...args: unknown[]) => void;
    sandbox.__load = fn;
    new Script('__load(exports, require, module, __filename, __dirname)', { filename: 'awsperm-load' }).runInContext(context, { timeout });
  } catch (error) {
    if (describe(error).message.includes('Script execution timed out')) throw configError(configFile, undefined, `loading the config took longer than ${timeout} ms`, error);
    throw fail('loading the config threw', error);
  }
  const exported = (module.exports.default ?? module.exports) as Record<string, unknown> | undefined;
  const fnName = options.call;
  if (!exported || typeof exported[fnName] !== 'function') {
    throw configError(
      configFile,
      undefined,
      options.call === 'config'
        ? 'the default export has no config() function (SST v2 says "The config file is improperly formatted")'
        : 'the default export is not $config({ app, run }) with an app() function',
      undefined,
    );
  }
  sandbox.__fn = exported[fnName];
  sandbox.__input = options.input;
  let result: unknown;
  try {
    result = new Script('__fn(__input)', { filename: 'awsperm-call' }).runInContext(context, { timeout });
  } catch (error) {
    if (describe(error).message.includes('Script execution timed out')) throw configError(configFile, undefined, `${fnName}() took longer than ${timeout} ms`, error);
    throw fail(`${fnName}() threw`, error);
  }
  if (result && typeof (result as { then?: unknown }).then === 'function') {
    let timer: NodeJS.Timeout | undefined;
    try {
      result = await Promise.race([
        result as Promise<unknown>,
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('__timeout__')), timeout);
        }),
      ]);
    } catch (error) {
      if (describe(error).message.includes('__timeout__')) throw configError(configFile, undefined, `${fnName}() did not settle within ${timeout} ms`, error);
      throw fail(`${fnName}() rejected`, error);
    } finally {
      clearTimeout(timer);
    }
  }
  if (typeof result !== 'object' || result === null) throw configError(configFile, undefined, `${fnName}() did not return an object`, undefined);
  // Copy out of the context's realm into plain data.
  return JSON.parse(JSON.stringify(result)) as Record<string, unknown>;
}
