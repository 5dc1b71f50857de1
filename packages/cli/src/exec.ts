import type { AwspermConfig, LoadConfigOptions } from '@awsperm/core';
import type { CommandContext } from './io.ts';

/** How commands load the awsperm config: `--no-exec` keeps JavaScript configs from running; warnings go to stderr. */
export function configOptions(ctx: CommandContext): LoadConfigOptions {
  return { env: ctx.env, warn: (m) => ctx.warn(m), ...(ctx.global.exec === false ? { exec: false } : {}) };
}

/** `{ exec: false }` for `loadProject` when `--no-exec` is given or the config says `exec: false`; else nothing. */
export function execFlag(ctx: CommandContext, config: AwspermConfig | undefined): { exec?: false } {
  return ctx.global.exec === false || config?.exec === false ? { exec: false } : {};
}
