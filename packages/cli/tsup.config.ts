import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';
import { base } from '../../tsup.base.ts';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

// Each command is its own entry so the CLI imports only the command it runs.
export default defineConfig({
  ...base,
  entry: ['src/cli.ts', 'src/commands/*.ts'],
  dts: false,
  splitting: true,
  define: { __AWSPERM_VERSION__: JSON.stringify(version) },
});
