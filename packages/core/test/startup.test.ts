import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const STATIC_IMPORT = /^(?:import|export)\s+(?:[^'"]*?\s+from\s+)?["']([^"']+)["'];?$/gm;

/** Every module the root entry loads before any of its functions is called: its static imports, followed. */
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

const ENTRIES = ['index', 'kit', 'cloudformation', 'worker'];
// Built-in modules Node has loaded anyway, or that cost next to nothing: any other waits for the function needing it
// (an ES import of node:crypto alone costs ~1.3 ms: Node's ESM wrapper reads every export, loading its key code).
const START_BUILTINS = ['fs', 'fs/promises', 'path', 'url', 'os', 'module'];

describe.skipIf(!existsSync(join(dist, 'index.js')))('start-up: what importing @awsperm/core loads (the built entries)', () => {
  it('each entry is its names re-exported from the one runtime module, and nothing else', () => {
    for (const entry of ENTRIES) {
      const { files } = staticGraph(`${entry}.js`);
      expect(files, entry).toEqual([`${entry}.js`, 'core.js']);
    }
  });

  it('each built entry exports exactly the names of its source', async () => {
    for (const entry of ENTRIES) {
      const built = Object.keys(await import(join(dist, `${entry}.js`))).sort();
      const source = Object.keys(await import(`../src/${entry}.ts`)).sort();
      expect(built, entry).toEqual(source);
    }
  });

  it('no YAML parser, child process, stream, zlib, readline, esbuild or AWS SDK until a function needs it', () => {
    const { packages } = staticGraph('index.js');
    expect([...packages].filter((p) => !START_BUILTINS.includes(p))).toEqual([]);
  });

  it('the CloudFormation handler table is a module of its own, loaded only for templates', () => {
    const sources = JSON.parse(readFileSync(join(dist, 'core.js.map'), 'utf8')).sources as string[];
    expect(sources.some((s) => s.endsWith('session/check.ts'))).toBe(true);
    expect(sources.some((s) => s.endsWith('cfn/handler-permissions.ts'))).toBe(false);
    expect(readFileSync(join(dist, 'core.js'), 'utf8')).toContain('import("./handler-permissions.js")');
    expect(existsSync(join(dist, 'handler-permissions.js'))).toBe(true);
  });
});
