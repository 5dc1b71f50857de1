import { describe, expect, it } from 'vitest';
import { createDeadline } from '../src/aws/deadline.ts';
import { explainCredentials } from '../src/credentials/explain.ts';
import { genericCredentialRules } from '../src/credentials/generic.ts';
import { AwspermError } from '../src/errors.ts';
import { cleanEnv, homeTracker } from './moto/harness.ts';

const SECRET = 'helperSecretAccessKeyDoNotPrint0123456789';
const homes = homeTracker();

describe('credential_process is bounded by --timeout and never shown', () => {
  it('a helper that never ends is killed at the deadline: TIMEOUT, nothing printed from it', async () => {
    const h = homes.home();
    const script = h.write('bin/hang.mjs', `process.stderr.write(${JSON.stringify(`{"SecretAccessKey":"${SECRET}"}`)});\nsetInterval(() => {}, 1000);\n`, 0o700);
    h.write('.aws/config', `[profile proc]\ncredential_process = "${process.execPath}" "${script}"\n`);
    const env = cleanEnv(h, { AWS_PROFILE: 'proc' }, 'http://127.0.0.1:9');
    const debug: string[] = [];
    const start = Date.now();
    const error = await explainCredentials(genericCredentialRules(env, {}), { env, deadline: createDeadline(1), debug: (l) => debug.push(l) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(Date.now() - start).toBeLessThan(4000);
    expect(AwspermError.is(error) && error.code).toBe('TIMEOUT');
    expect((error as Error).message).toMatch(/credential_process did not finish within 1 s \(--timeout\) and was stopped/);
    expect(JSON.stringify([String(error), debug])).not.toContain(SECRET);
  });
});
