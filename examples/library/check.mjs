// A library user's check: the same report `awsperm check --format json` prints, from a project that depends only on
// @awsperm/core and the adapter of its tool (@awsperm/adapter-up here, found by its conventional name).
//
//   npm install -D @awsperm/core @awsperm/adapter-up
//   node check.mjs <up-app-dir> <policy.json>
import { AwspermError, check, renderCheckJson } from '@awsperm/core';

const [cwd = '.', policyFile = 'deployer.json'] = process.argv.slice(2);
try {
  const report = await check({ cwd, tool: 'up', policy: [policyFile] });
  process.stdout.write(renderCheckJson(report));
  process.exitCode = report.ok ? 0 : 1;
} catch (error) {
  if (!AwspermError.is(error)) throw error;
  process.stderr.write(`${error.message}\n${error.hint ? `  ${error.hint}\n` : ''}`);
  process.exitCode = error.kind === 'unavailable' ? 3 : 2;
}
