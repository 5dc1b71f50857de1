import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { awsperm, root } from './helpers.ts';

const admin = join(root, 'examples/up-app/policies/administrator.json');

/** A temporary project with a package.json and the given files. */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'awsperm-discovery-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', private: true }));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

/** A fake adapter package in the project's node_modules, its default export given as source. */
function fakePackage(dir: string, name: string, exported: string): void {
  const pkg = join(dir, 'node_modules', name);
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name, version: '1.0.0', type: 'module', main: 'index.js' }));
  writeFileSync(join(pkg, 'index.js'), `export default ${exported};\n`);
}

const serverlessYml = 'service: orders\nprovider:\n  name: aws\n  region: eu-west-1\nfunctions:\n  hello:\n    handler: handler.hello\n';

function serverlessProject(): string {
  const dir = project({ 'serverless.yml': serverlessYml });
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(join(root, 'examples/adapter-serverless'), join(dir, 'node_modules/awsperm-adapter-serverless'), 'dir');
  return dir;
}

const adapterSource = (overrides: string): string =>
  `() => ({ apiVersion: 1, name: 'fake', tool: 'broken', detect: () => undefined, loadProject: () => ({}), policySet: () => ({ kind: 'documented', fragments: [] }), ${overrides} })`;

describe('an installed third-party adapter', () => {
  it('an error from the installed (third-party) adapter names it', () => {
    const dir = serverlessProject();
    writeFileSync(join(dir, 'serverless.yml'), 'provider:\n  name: aws\n');
    const r = awsperm(['check', '--tool', 'serverless', '--cwd', dir, '--policy', admin]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/serverless\.yml/);
    expect(r.stderr).toMatch(/\(raised by the adapter awsperm-adapter-serverless\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('check --tool serverless loads awsperm-adapter-serverless from the project', () => {
    const dir = serverlessProject();
    const r = awsperm(['check', '--tool', 'serverless', '--cwd', dir, '--policy', admin]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const id of ['serverless.cloudformation', 'serverless.deployment-bucket', 'serverless.lambda', 'serverless.iam-role', 'serverless.logs']) {
      expect(r.stdout).toContain(id);
    }
    const json = JSON.parse(awsperm(['check', '--tool', 'serverless', '--cwd', dir, '--policy', admin, '--format', 'json']).stdout);
    expect(json.tool).toBe('serverless');
    expect(json.region).toBe('eu-west-1');
    expect(json.stage).toBe('dev');
  });

  it('adapters --cwd lists it with the path it was found at', () => {
    const dir = serverlessProject();
    const text = awsperm(['adapters', '--cwd', dir]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/serverless\s+Serverless Framework\s+awsperm-adapter-serverless \(installed: .*adapter-serverless[\\/]dist[\\/]index\.js\)/);
    const json = JSON.parse(awsperm(['adapters', '--cwd', dir, '--format', 'json']).stdout);
    expect(json.adapters.map((a: { tool: string; source: string }) => `${a.tool}:${a.source}`)).toEqual(['up:built-in', 'cdk:built-in', 'sst:built-in', 'serverless:installed']);
  });

  it('is not used without being installed: unknown tool with an install hint', () => {
    const dir = project({ 'serverless.yml': serverlessYml });
    const r = awsperm(['check', '--tool', 'serverless', '--cwd', dir, '--policy', admin]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown tool "serverless"/);
    expect(r.stderr).toMatch(/npm install -D awsperm-adapter-serverless/);
  });
});

describe('adapters from the config', () => {
  it('loads a package named in .awspermrc.json and detects its tool without --tool', () => {
    const dir = serverlessProject();
    writeFileSync(join(dir, '.awspermrc.json'), JSON.stringify({ adapters: ['awsperm-adapter-serverless'] }));
    const r = awsperm(['check', '--cwd', dir, '--policy', admin]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('serverless.lambda');
    const list = JSON.parse(awsperm(['adapters', '--cwd', dir, '--format', 'json']).stdout);
    expect(list.adapters[0]).toMatchObject({ tool: 'serverless', source: 'config' });
  });

  it('loads a file named in the config, a factory or an object', () => {
    const dir = project({
      'sst.json': '{}',
      'local-adapter.mjs': `export default ${adapterSource("tool: 'local', name: 'local-adapter'")};\n`,
      '.awspermrc.json': JSON.stringify({ adapters: ['./local-adapter.mjs'] }),
    });
    const r = awsperm(['adapters', '--cwd', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^local\s+local\s+local-adapter \(config: \.\/local-adapter\.mjs \(local-adapter\.mjs\)\)/m);
  });

  it('rejects a config adapter that targets API v2, naming it', () => {
    const dir = project({
      'sst.json': '{}',
      'bad-adapter.mjs': `export default ${adapterSource('apiVersion: 3')};\n`,
      '.awspermrc.json': JSON.stringify({ adapters: ['./bad-adapter.mjs'] }),
    });
    const r = awsperm(['check', '--tool', 'sst', '--cwd', dir, '--policy', admin]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/adapter \.\/bad-adapter\.mjs: has apiVersion 3: it targets adapter API v3/);
  });
});

describe('invalid installed adapters', () => {
  it('apiVersion 3 (a future contract) → exit 2 naming the package and apiVersion', () => {
    const dir = project({});
    fakePackage(dir, 'awsperm-adapter-broken', adapterSource('apiVersion: 3'));
    const r = awsperm(['check', '--tool', 'broken', '--cwd', dir, '--policy', admin]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/awsperm-adapter-broken/);
    expect(r.stderr).toMatch(/adapter awsperm-adapter-broken: has apiVersion 3: it targets adapter API v3; this awsperm speaks v1, v2/);
  });

  it('a missing policySet hook → exit 2 naming the package and the hook', () => {
    const dir = project({});
    fakePackage(dir, 'awsperm-adapter-broken', adapterSource('policySet: undefined'));
    const r = awsperm(['check', '--tool', 'broken', '--cwd', dir, '--policy', admin]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/adapter awsperm-adapter-broken: is missing the policySet\(\) hook/);
  });

  it('a module that fails to import → exit 2 naming the package', () => {
    const dir = project({});
    fakePackage(dir, 'awsperm-adapter-broken', '(() => { throw new Error("boom"); })()');
    const r = awsperm(['check', '--tool', 'broken', '--cwd', dir, '--policy', admin]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/adapter awsperm-adapter-broken: cannot be loaded: boom/);
  });
});
