import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const STATIC_IMPORT = /^(?:import|export)\s+(?:[^'"]*?\s+from\s+)?["']([^"']+)["'];?$/gm;

/** Every module an entry loads before any of its functions is called: its static imports, followed. */
function staticGraph(entry: string): { files: string[]; packages: Set<string> } {
  const files: string[] = [];
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.includes(file)) return;
    files.push(file);
    for (const m of readFileSync(join(dist, file), 'utf8').matchAll(STATIC_IMPORT)) {
      const spec = m[1]!;
      if (spec.startsWith('./')) visit(spec.slice(2));
      else packages.add(spec.replace(/^node:/, ''));
    }
  };
  visit(entry);
  return { files, packages };
}

// What each entry loads before any of its functions is called: its stub and the runtime modules holding its code.
const STATIC = {
  index: ['index.js', 'core.js'],
  kit: ['kit.js', 'core.js'],
  cloudformation: ['cloudformation.js', 'core-templates.js', 'core.js'],
  worker: ['worker.js', 'core.js'],
  testing: ['testing.js', 'core.js'],
};
const ENTRIES = Object.keys(STATIC) as (keyof typeof STATIC)[];
// The modules loaded on a first import(), and the files only they may hold (the command that needs them pays for them).
const LAZY = ['core-check.js', 'core-templates.js', 'worker.js', 'handler-permissions.js'];
const LAZY_ONLY = [/\/session\/(check|whoami|missing|fix|principals)\.ts$/, /\/evaluators\/(local|simulate|authorization-details)\.ts$/, /\/credentials\/(resolve|chain|explain)\.ts$/, /\/worker\//, /\/templates\//, /\/cfn\//];
// Built-in modules Node has loaded anyway, or that cost next to nothing: any other waits for the function needing it
// (an ES import of node:crypto alone costs ~1.3 ms: Node's ESM wrapper reads every export, loading its key code).
const START_BUILTINS = ['fs', 'fs/promises', 'path', 'url', 'os', 'module'];

/** The source files a built module was made from (its source map). */
function sourcesOf(file: string): string[] {
  return JSON.parse(readFileSync(join(dist, `${file}.map`), 'utf8')).sources as string[];
}

describe.skipIf(!existsSync(join(dist, 'index.js')))('start-up: what importing @awsperm/core loads (the built entries)', () => {
  it("each entry loads its stub and the runtime modules holding its code, and nothing else", () => {
    for (const entry of ENTRIES) expect(staticGraph(`${entry}.js`).files, entry).toEqual(STATIC[entry]);
  });

  it('dist holds the planned modules only (no earlier build outlives a build)', () => {
    const planned = new Set([...Object.values(STATIC).flat(), ...LAZY]);
    const js = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((f) => /\.js$/.test(f));
    expect(js.sort()).toEqual([...planned].sort());
  });

  it('each built entry exports exactly the names of its source', async () => {
    for (const entry of ENTRIES) {
      const built = Object.keys(await import(join(dist, `${entry}.js`))).sort();
      const source = Object.keys(await import(`../src/${entry}.ts`)).sort();
      expect(built, entry).toEqual(source);
    }
  });

  it('no YAML parser, child process, stream, zlib, readline, esbuild or AWS SDK until a function needs it', () => {
    for (const entry of ['index', 'kit'] as const) {
      const { packages } = staticGraph(`${entry}.js`);
      expect([...packages].filter((p) => !START_BUILTINS.includes(p)), entry).toEqual([]);
    }
  });

  it('the check path, the credential chain, the worker and the template reader are not in the root and kit graphs', () => {
    const loaded = [...new Set([...staticGraph('index.js').files, ...staticGraph('kit.js').files])].flatMap(sourcesOf);
    expect(loaded.some((s) => s.endsWith('/session/entry.ts'))).toBe(true);
    for (const lazy of LAZY_ONLY) expect(loaded.filter((s) => lazy.test(s)), String(lazy)).toEqual([]);
    // They are built, and reached through import() of their module.
    const built = LAZY.flatMap(sourcesOf);
    for (const lazy of LAZY_ONLY) expect(built.some((s) => lazy.test(s)), String(lazy)).toBe(true);
    const core = readFileSync(join(dist, 'core.js'), 'utf8');
    for (const m of ['core-check.js', 'worker.js', 'core-templates.js']) expect(core).toContain(`import('./${m}')`);
  });

  it('every source file is in exactly one module, so every entry sees the same classes', async () => {
    const files = readdirSync(dist).filter((f) => f.endsWith('.js'));
    const seen = files.flatMap(sourcesOf).filter((s) => !s.includes('node_modules'));
    expect(seen.filter((s, i) => seen.indexOf(s) !== i)).toEqual([]);
    const { AwspermError } = await import(join(dist, 'index.js'));
    const kit = await import(join(dist, 'kit.js'));
    const cloudformation = await import(join(dist, 'cloudformation.js'));
    expect(kit.usageError('x')).toBeInstanceOf(AwspermError);
    await expect(cloudformation.parseTemplate('', 'empty.yaml')).rejects.toBeInstanceOf(AwspermError);
  });

  it('the CloudFormation handler table is a module of its own, loaded only for templates', () => {
    expect(sourcesOf('handler-permissions.js').map((s) => s.replace(/^.*\/src\//, ''))).toEqual(['cfn/handler-permissions.ts']);
    expect(readFileSync(join(dist, 'core-templates.js'), 'utf8')).toContain("import('./handler-permissions.js')");
  });
});
