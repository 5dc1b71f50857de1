import { defineConfig } from 'tsup';
import { base } from '../../tsup.base.ts';

// Each command is its own entry so the CLI imports only the command it runs.
export default defineConfig({
  ...base,
  entry: ['src/cli.ts', 'src/commands/*.ts'],
  dts: false,
  splitting: true,
});
