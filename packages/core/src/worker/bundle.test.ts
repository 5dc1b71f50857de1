import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { AwspermError } from '../errors.ts';
import { bundleProjectFile, COMPUTED_IMPORT_PREFIX } from './bundle.ts';
import { evaluateProjectFile, prepareProjectFile } from './evaluate.ts';

/** A temporary project holding `files` (path → content) and a runner that awaits the default export's `run()`. */
function project(files: Record<string, string>): { root: string; runner: string } {
  const root = mkdtempSync(join(tmpdir(), 'awsperm-bundle-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const runnerDir = mkdtempSync(join(tmpdir(), 'awsperm-runner-'));
  const runner = join(runnerDir, 'runner.mjs');
  writeFileSync(runner, 'export default async function run({ load }) { const mod = await load(); return await mod.default.run(); }\n');
  return { root, runner };
}

async function run(files: Record<string, string>) {
  const { root, runner } = project(files);
  return evaluateProjectFile({ file: join(root, 'sst.config.ts'), root, runner, input: {}, env: {}, timeoutMs: 3000 });
}

describe('bundleProjectFile: relative imports are project files', () => {
  it("await import('./infra/…') inside run() is bundled and loaded, not a stand-in (no extension, .js for .ts, .json)", async () => {
    const result = await run({
      'sst.config.ts': `export default { async run() {
        const { api } = await import('./infra/api');
        const { queue } = await import('./infra/queue.js');
        const limits = (await import('./infra/limits.json')).default;
        return { api, queue, limits };
      } };`,
      'infra/api.ts': "export const api: string = 'api-from-file';",
      'infra/queue.ts': "export const queue = 'queue-from-file';",
      'infra/limits.json': '{ "memory": 1024 }',
    });
    expect(result.value).toEqual({ api: 'api-from-file', queue: 'queue-from-file', limits: { memory: 1024 } });
    expect(result.stubbed).toEqual([]);
  });

  it('a relative import that leaves the project directory is refused, naming the file', async () => {
    const { root } = project({ 'app/sst.config.ts': "export default { async run() { return (await import('../secrets')).x; } };", 'secrets.ts': 'export const x = 1;' });
    const error = await bundleProjectFile(join(root, 'app', 'sst.config.ts'), { root: join(root, 'app') }).catch((e: unknown) => e);
    expect(AwspermError.is(error)).toBe(true);
    expect((error as AwspermError).message).toMatch(/secrets\.ts, which is outside the project directory/);
  });

  it('an import() of a computed path is a stand-in named after the path: its values are unknown, never silently undefined', async () => {
    const result = await run({
      'sst.config.ts': `const file = ['./vars', 'ts'].join('.');
        export default { async run() {
          let vars: any = {};
          try { vars = await import(file); } catch { vars = {}; }
          return { profile: vars.profile, region: vars.default.region };
        } };`,
      'vars.ts': "export const profile = 'p';",
    });
    expect(result.value).toEqual({});
    expect(result.unknown).toEqual([
      { path: '.profile', package: `${COMPUTED_IMPORT_PREFIX}./vars.ts` },
      { path: '.region', package: `${COMPUTED_IMPORT_PREFIX}./vars.ts` },
    ]);
  });

  it('a computed import() or require() of a Node built-in still loads it', async () => {
    const result = await run({
      'sst.config.ts': `const mod = 'node:' + 'path';
        export default { async run() { const p = await import(mod); return { sep: p.sep, join: require(mod).join('a', 'b') }; } };`,
    });
    expect(result.value).toEqual({ sep: '/', join: 'a/b' });
    expect(result.unknown).toEqual([]);
  });

  it('members of a dynamically imported or namespace-imported package are stand-ins too', async () => {
    const result = await run({
      'sst.config.ts': `import * as names from '@acme/names';
        export default { async run() {
          const { accounts } = await import('@acme/accounts');
          return { profile: accounts.dev.profile, name: names.forApp('x') };
        } };`,
    });
    expect(result.value).toEqual({});
    expect(result.unknown.map((u) => `${u.path} ${u.package}`).sort()).toEqual(['.name @acme/names', '.profile @acme/accounts']);
    expect(result.stubbed.sort()).toEqual(['@acme/accounts', '@acme/names']);
  });
});

describe('runner-provided packages', () => {
  it('a package the runner provides is that value (namespace, named and default imports); others stay stand-ins', async () => {
    const { root } = project({
      'sst.config.ts': `import * as ns from 'provided-pkg';
        import { greet } from 'provided-pkg';
        import other from 'other-pkg';
        export default { async run() { return { ns: ns.greet('a'), named: greet('b'), other: other.value }; } };`,
    });
    const runnerDir = mkdtempSync(join(tmpdir(), 'awsperm-runner-'));
    const runner = join(runnerDir, 'runner.mjs');
    writeFileSync(
      runner,
      `export default async function run({ load, provide }) {
        provide((name) => (name === 'provided-pkg' ? Object.create({ greet: (x) => 'hello ' + x }) : undefined));
        const mod = await load();
        return await mod.default.run();
      }\n`,
    );
    const result = await evaluateProjectFile({ file: join(root, 'sst.config.ts'), root, runner, input: {}, env: {}, timeoutMs: 3000 });
    expect(result.value).toEqual({ ns: 'hello a', named: 'hello b' });
    expect(result.stubbed).toEqual(['other-pkg']);
    expect(result.unknown).toEqual([{ path: '.other', package: 'other-pkg' }]);
  });
});

describe('prepareProjectFile: the bundle starts as soon as the file is known', () => {
  it('the evaluation of the same options takes the prepared bundle once; the next one reads the files again', async () => {
    const { root, runner } = project({ 'sst.config.ts': "export default { run: () => 'first' };" });
    const options = { file: join(root, 'sst.config.ts'), root, runner, env: {}, timeoutMs: 3000 };
    prepareProjectFile(options);
    // Long enough for esbuild to have read the file: what it read is what the evaluation runs.
    await sleep(1500);
    writeFileSync(join(root, 'sst.config.ts'), "export default { run: () => 'second' };");
    expect((await evaluateProjectFile({ ...options, input: {} })).value).toBe('first');
    expect((await evaluateProjectFile({ ...options, input: {} })).value).toBe('second');
  });

  it('a prepared bundle that fails fails the evaluation, naming the file; other options bundle on their own', async () => {
    const { root, runner } = project({ 'sst.config.ts': 'export default { run: () => ( };' });
    const options = { file: join(root, 'sst.config.ts'), root, runner, env: {}, timeoutMs: 3000 };
    prepareProjectFile(options);
    await sleep(500);
    const failure = await evaluateProjectFile({ ...options, input: {} }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AwspermError);
    expect((failure as AwspermError).message).toContain('sst.config.ts');
    writeFileSync(join(root, 'sst.config.ts'), "export default { run: () => 'fixed' };");
    prepareProjectFile({ ...options, timeoutMs: 2500 });
    expect((await evaluateProjectFile({ ...options, input: {} })).value).toBe('fixed');
  });
});

describe('bundleProjectFile: the format the worker runs', () => {
  it('a project is bundled as CommonJS and keeps the semantics of the ES modules it was written as (strict mode)', async () => {
    const { root } = project({ 'sst.config.ts': 'export default { run() { return 1; } };\n' });
    expect((await bundleProjectFile(join(root, 'sst.config.ts'), { root })).format).toBe('cjs');
    // Sloppy mode would create a global here; ES modules (and the worker's script) throw.
    const error = await run({ 'sst.config.ts': 'export default { run() {\n  // @ts-ignore\n  leaked = 1;\n  return { leaked };\n} };\n' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwspermError);
    expect((error as AwspermError).message).toMatch(/leaked is not defined/);
    // The line is mapped back through the CommonJS wrapper to the project file.
    expect((error as AwspermError).message).toMatch(/sst\.config\.ts:3/);
  });

  it('top-level await, which CommonJS cannot express, is bundled as an ES module and still runs', async () => {
    const files = {
      'sst.config.ts': "const stage = await Promise.resolve('dev');\nexport default { async run() { const { v } = await import('./infra/v'); return { stage, v }; } };\n",
      'infra/v.ts': 'export const v: number = 2;\n',
    };
    const { root } = project(files);
    expect((await bundleProjectFile(join(root, 'sst.config.ts'), { root })).format).toBe('esm');
    expect((await run(files)).value).toEqual({ stage: 'dev', v: 2 });
    // Error lines are mapped back from the ES module bundle too.
    const error = await run({ 'sst.config.ts': "await Promise.resolve();\nexport default { run() {\n  throw new Error('boom');\n} };\n" }).catch((e: unknown) => e);
    expect((error as AwspermError).message).toMatch(/sst\.config\.ts:3.*boom/);
  });
});

describe('bundleProjectFile: relative imports esbuild cannot resolve', () => {
  it('become stand-ins named after the import, reported as stubbed, beside files that do resolve', async () => {
    const result = await run({
      'sst.config.ts': `import { platform } from './.sst/platform/generated';
        import { stage } from './infra/stage';
        export default { async run() { return { stage, platform: platform.name }; } };`,
      'infra/stage.ts': `import extra from '../missing/extra';
        export const stage: string = 'from-file';
        export const more = extra;`,
    });
    expect(result.value).toEqual({ stage: 'from-file' });
    expect(result.stubbed.sort()).toEqual(['../missing/extra', './.sst/platform/generated']);
    expect(result.unknown).toEqual([{ path: '.platform', package: './.sst/platform/generated' }]);
  });

  it('an entry esbuild has no loader for is refused before esbuild starts, naming the file', async () => {
    const { root } = project({ 'sst.config.yaml': 'name: app\n' });
    const error = await bundleProjectFile(join(root, 'sst.config.yaml'), { root }).catch((e: unknown) => e);
    expect(AwspermError.is(error)).toBe(true);
    expect((error as AwspermError).code).toBe('PROJECT_CONFIG_INVALID');
    expect((error as AwspermError).message).toBe(`${join(root, 'sst.config.yaml')}: the config is not a JavaScript, TypeScript or JSON file`);
  });

  it('a syntax error beside an unresolved import is still reported, with its file and line', async () => {
    const { root } = project({ 'sst.config.ts': "import x from './nowhere';\nexport default { run() { return x +; } };" });
    const error = await bundleProjectFile(join(root, 'sst.config.ts'), { root }).catch((e: unknown) => e);
    expect(AwspermError.is(error)).toBe(true);
    expect((error as AwspermError).message).toMatch(/^sst\.config\.ts:2: /);
  });
});
