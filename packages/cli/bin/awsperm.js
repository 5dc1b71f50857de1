#!/usr/bin/env node
import module from 'node:module';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  process.stderr.write(`awsperm: needs Node.js 20.19 or newer; this is ${process.versions.node}\n`);
  process.exit(2);
}
// The compile cache speeds up later starts; CI machines are fresh every run, so it would only cost there.
if (module.enableCompileCache && !process.env.CI) {
  try {
    module.enableCompileCache();
  } catch {
    // An unwritable cache directory must never break the CLI.
  }
}
await import('../dist/cli.js');
