import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = new URL('../../../', import.meta.url);

/**
 * The CLI tests spawn the built CLI as a user runs it, so the packages are built first, in dependency order.
 * (tsup directly: turbo would need pnpm on the PATH, which a plain `vitest` run does not have.)
 */
export default function setup(): void {
  const tsup = fileURLToPath(new URL('node_modules/tsup/dist/cli-default.js', root));
  for (const pkg of ['core', 'adapter-up', 'adapter-sst', 'cli']) {
    execFileSync(process.execPath, [tsup, '--silent'], {
      cwd: fileURLToPath(new URL(`packages/${pkg}/`, root)),
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
}
