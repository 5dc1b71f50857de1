#!/usr/bin/env node
// Checks every published package as a consumer would see it: publint (package.json, exports, files) and, for
// the libraries, @arethetypeswrong/cli (types resolve for ESM consumers). Run after a build.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const bin = (name) => `${root}node_modules/.bin/${name}`;
const packages = [
  { dir: 'packages/core', types: true },
  { dir: 'packages/adapter-up', types: true },
  { dir: 'packages/adapter-sst', types: true },
  { dir: 'packages/adapter-cdk', types: true },
  { dir: 'packages/cli', types: false },
];

let failed = false;
for (const { dir, types } of packages) {
  const cwd = `${root}${dir}`;
  const run = (cmd, args) => {
    const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
    const out = `${r.stdout}${r.stderr}`.trim();
    if (r.status !== 0) {
      failed = true;
      console.error(`✗ ${dir}: ${cmd.split('/').pop()} failed\n${out}`);
    } else {
      console.log(`✓ ${dir}: ${cmd.split('/').pop()}`);
    }
  };
  run(bin('publint'), ['--strict', '--pack', 'npm']);
  // ESM-only by design (engines >=20.19, where require(esm) works): the CJS resolution modes are not checked.
  if (types) run(bin('attw'), ['--pack', '.', '--profile', 'esm-only']);
}
process.exit(failed ? 1 : 0);
