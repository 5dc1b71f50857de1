import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = new URL('../../../', import.meta.url);

/**
 * The CLI tests spawn the built CLI as a user runs it, so the packages are built first, in dependency order.
 * (tsup directly: turbo would need pnpm on the PATH, which a plain `vitest` run does not have.)
 */
export default function setup(): void {
  const tsup = fileURLToPath(new URL('node_modules/tsup/dist/cli-default.js', root));
  // The example third-party adapter is built too: the discovery tests install it into a temporary project.
  for (const dir of ['packages/core', 'packages/adapter-up', 'packages/adapter-sst', 'examples/adapter-serverless']) {
    execFileSync(process.execPath, [tsup, '--silent'], {
      cwd: fileURLToPath(new URL(`${dir}/`, root)),
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  // The CLI is one CommonJS program built from its sources and those packages' builds (its scripts/bundle.mjs).
  execFileSync(process.execPath, ['scripts/bundle.mjs'], { cwd: fileURLToPath(new URL('packages/cli/', root)), stdio: ['ignore', 'ignore', 'inherit'] });
}
