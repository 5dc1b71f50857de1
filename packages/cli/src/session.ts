import type { CredentialOptions, SessionOptions } from '@awsperm/core';
import { builtinAdapters } from './builtins.ts';
import type { CommandContext } from './io.ts';

/** The options every session function takes, read from the command line (the flags common to check, policy, whoami). */
export function sessionOptions(ctx: CommandContext): SessionOptions {
  const { options, global } = ctx;
  const s = (name: string): string | undefined => (options.parsed[camel(name)] === undefined ? undefined : options.string(name));
  const l = (name: string): string[] => options.list(name);
  const out: SessionOptions = {
    cwd: options.directory('cwd'),
    env: ctx.env,
    builtins: builtinAdapters,
    timeout: global.timeout,
    log: { warn: ctx.warn, note: ctx.note, ...(global.debug ? { debug: ctx.warn } : {}) },
    ...(global.endpointUrl ? { endpointUrl: global.endpointUrl } : {}),
    ...(global.exec === false ? { exec: false } : {}),
  };
  for (const name of ['tool', 'stage', 'region', 'profile', 'role-arn', 'state'] as const) {
    const v = s(name);
    if (v !== undefined) (out as Record<string, unknown>)[camel(name)] = v;
  }
  for (const name of ['feature', 'template', 'cfn-schemas', 'stack'] as const) {
    const v = l(name);
    if (v.length) (out as Record<string, unknown>)[camel(name)] = v;
  }
  if (options.parsed.operations !== undefined) out.operations = [...new Set(options.commaList('operations'))] as SessionOptions['operations'];
  return out;
}

/** `--mfa-code`, or a prompt on the terminal (stderr) when stdin and stderr are TTYs. */
export function credentialOptions(ctx: CommandContext): CredentialOptions {
  const mfaCode = ctx.options.string('mfa-code');
  if (mfaCode) return { mfaCode };
  if (!process.stdin.isTTY || !process.stderr.isTTY) return {};
  return {
    mfaPrompt: async (serial) => {
      // Loaded on a prompt only: readline and the streams behind it are start-up most runs never need.
      const { createInterface } = await import('node:readline/promises');
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return (await rl.question(`MFA code for ${serial}: `)).trim();
      } finally {
        rl.close();
      }
    },
  };
}

function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}
