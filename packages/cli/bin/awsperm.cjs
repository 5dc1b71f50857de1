#!/usr/bin/env node
'use strict';
// CommonJS, as is the CLI it runs (scripts/bundle.mjs says why).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  process.stderr.write(`awsperm: needs Node.js 20.19 or newer; this is ${process.versions.node}\n`);
  process.exit(2);
}
const { enableCompileCache } = require('node:module');
// The compile cache speeds up later starts; CI machines are fresh every run, so it would only cost there.
if (enableCompileCache && !process.env.CI) {
  try {
    enableCompileCache();
  } catch {
    // An unwritable cache directory must never break the CLI.
  }
}
require('../dist/cli.cjs');
