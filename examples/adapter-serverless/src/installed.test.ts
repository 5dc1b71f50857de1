// The v2 twin installed the way a user installs a third-party adapter: a package named awsperm-adapter-<tool> in the
// project's node_modules (default export: the factory), found by core from `tool: 'serverless'` alone, with no
// `adapters` option. It loads, checks its second principal and its log reaches the output. Run by plain Node in a
// fresh project (vitest would resolve the built package's @awsperm/core to core's sources), so it needs the build
// (dist/ of core and of this example), as an installed package would. The conformance kit runs on the same factory
// in v2.test.ts.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const fixture = (name: string): string => fileURLToPath(new URL(`../test/fixtures/${name}`, import.meta.url));
const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const core = fileURLToPath(new URL('../../../packages/core', import.meta.url));

/** A project with the fixture's serverless.yml, @awsperm/core, and (unless `bare`) the v2 twin as awsperm-adapter-serverless. */
function project(name: string, bare = false): string {
  const dir = mkdtempSync(join(tmpdir(), 'awsperm-sls-installed-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  copyFileSync(join(fixture(name), 'serverless.yml'), join(dir, 'serverless.yml'));
  mkdirSync(join(dir, 'node_modules/@awsperm'), { recursive: true });
  symlinkSync(core, join(dir, 'node_modules/@awsperm/core'), 'dir');
  if (!bare) {
    const pkg = join(dir, 'node_modules/awsperm-adapter-serverless');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'awsperm-adapter-serverless', version: '2.0.0', type: 'module', main: 'index.js' }));
    writeFileSync(join(pkg, 'index.js'), `export { serverlessV2 as default } from ${JSON.stringify(pathToFileURL(dist).href)};\n`);
  }
  const policy = (file: string, actions: string[]) => writeFileSync(join(dir, file), JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] }));
  policy('caller.json', ['cloudformation:*', 's3:*', 'iam:PassRole']);
  policy('role.json', ['lambda:*', 'iam:*', 'logs:*']);
  // What a library user writes: the session API, the tool named, no adapters option.
  writeFileSync(
    join(dir, 'run.mjs'),
    `import { AwspermError, check, policy } from '@awsperm/core';
const warnings = [];
try {
  const checked = await check({ cwd: '.', tool: 'serverless', policy: ['caller.json'], rolePolicy: ['role.json'] });
  const policies = await policy({ cwd: '.', tool: 'serverless', profile: 'other', leastPrivilege: true, log: { warn: (m) => warnings.push(m) } });
  process.stdout.write(JSON.stringify({ check: checked, policyWarnings: policies.warnings ?? [], warnings }));
} catch (e) {
  if (!AwspermError.is(e)) throw e;
  process.stdout.write(JSON.stringify({ error: e.code }));
}
`,
  );
  return dir;
}

// biome-ignore lint/suspicious/noExplicitAny: JSON output under test
function run(dir: string): Record<string, any> {
  const home = mkdtempSync(join(tmpdir(), 'awsperm-home-'));
  const r = spawnSync(process.execPath, ['run.mjs'], { cwd: dir, env: { PATH: process.env.PATH ?? '', HOME: home, AWS_EC2_METADATA_DISABLED: 'true' }, encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe('the v2 twin installed as awsperm-adapter-serverless', () => {
  it('check() finds it from the tool alone and checks the deployment role as a second principal; its log reaches policy()', () => {
    const out = run(project('deployment-role'));
    expect(out.error).toBeUndefined();
    expect(out.check.tool).toBe('serverless');
    expect(out.check.principals).toHaveLength(1);
    expect(out.check.principals[0]).toMatchObject({ id: 'service-role', arn: 'arn:aws:iam::123456789012:role/billing-cfn', via: 'CloudFormation service role (provider.iam.deploymentRole)', ok: true });
    expect(out.check.ok).toBe(true);
    expect(out.policyWarnings[0]).toMatch(/replaces provider\.profile 'billing-deploy'/);
    expect(out.warnings).toEqual(out.policyWarnings);
  });

  it('is not found without being installed', () => {
    expect(run(project('deployment-role', true))).toEqual({ error: 'TOOL_UNKNOWN' });
  });
});
