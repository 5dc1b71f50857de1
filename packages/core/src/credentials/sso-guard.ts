import { homedir } from 'node:os';
import { join } from 'node:path';
import { readRegularFile } from '../files.ts';
import { mergedProfile, profileChain } from './files.ts';
import type { ProfileFiles } from './types.ts';

/** The AWS SDK refreshes an SSO token this long before it expires (@aws-sdk/token-providers `EXPIRE_WINDOW_MS`). */
const REFRESH_WINDOW_MS = 5 * 60_000;

/**
 * Why awsperm refuses to let the SDK resolve SSO credentials for `profile`, if it would: a profile of the chain
 * with an `sso_session` whose cached token is missing, unreadable, or within the SDK's refresh window. Then the
 * SDK would call sso-oidc `CreateToken` (not a read: it mints a token) and rewrite the SSO cache; awsperm is
 * read-only, so the user refreshes with `aws sso login` instead (the hint says so). Undefined when the SDK will only read.
 */
export function ssoRefreshRefusal(files: ProfileFiles, profile: string, env: Readonly<Record<string, string | undefined>>, now: number = Date.now()): { message: string; hint: string } | undefined {
  for (const name of profileChain(files, profile)) {
    const session = mergedProfile(files, name)?.sso_session;
    if (!session) continue;
    const hint = `run 'aws sso login --profile ${profile}'`;
    const file = join(env.HOME ?? homedir(), '.aws', 'sso', 'cache', `${process.getBuiltinModule('node:crypto').createHash('sha1').update(session).digest('hex')}.json`);
    let expiresAt: number;
    try {
      // Bounded: a FIFO or a device as the cached token reads as "no cached token", never as a hang.
      const token = JSON.parse(readRegularFile(file, 'config', 'the cached SSO token')) as { expiresAt?: unknown };
      expiresAt = typeof token.expiresAt === 'string' ? Date.parse(token.expiresAt) : Number.NaN;
    } catch {
      return { message: `profile '${name}': no cached SSO token for session '${session}'`, hint };
    }
    if (!(expiresAt - now > REFRESH_WINDOW_MS)) {
      return { message: `profile '${name}': the SSO token of session '${session}' ${expiresAt > now ? 'is about to expire and would be refreshed' : 'has expired'}`, hint };
    }
  }
  return undefined;
}
