import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AWSPERM_READ_POLICY, isReadOnlyOperation } from '../src/aws/read-only.ts';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

// The SDK packages core sends commands with, and the IAM service prefix of each.
const CLIENTS = [
  ['@aws-sdk/client-iam', 'iam'],
  ['@aws-sdk/client-sts', 'sts'],
  ['@aws-sdk/client-cloudformation', 'cloudformation'],
  ['@aws-sdk/client-ssm', 'ssm'],
  ['@aws-sdk/client-s3', 's3'],
] as const;

describe('AWSPERM_READ_POLICY holds every call core makes', () => {
  it('each SDK command in core’s sources is an action of the read policy (sts:GetCallerIdentity needs none)', async () => {
    const names = new Set(sources(SRC).flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/\b([A-Z][A-Za-z]+)Command\b/g)].map((m) => m[1]!)));
    const policyActions = new Set([AWSPERM_READ_POLICY.Statement].flat().flatMap((s) => [s.Action ?? []].flat()).map((a) => a.toLowerCase()));
    const calls: string[] = [];
    for (const [pkg, service] of CLIENTS) {
      const sdk = (await import(pkg)) as Record<string, unknown>;
      for (const name of names) if (typeof sdk[`${name}Command`] === 'function') calls.push(`${service}:${name}`);
    }
    // The scan finds the calls: the local mode's account snapshot and per-principal reads, simulate, state reads.
    expect(calls).toEqual(expect.arrayContaining(['iam:GetAccountAuthorizationDetails', 'iam:ListAttachedRolePolicies', 'iam:SimulatePrincipalPolicy', 'ssm:GetParameter', 's3:GetObject']));
    const credentialExchanges = new Set(['sts:GetCallerIdentity', 'sts:AssumeRole', 'sts:AssumeRoleWithWebIdentity']);
    const missing = calls.filter((c) => !credentialExchanges.has(c) && !policyActions.has(c.toLowerCase()));
    expect(missing).toEqual([]);
    // And every one of them is on the read-only allow-list the clients enforce.
    for (const c of calls.filter((x) => !credentialExchanges.has(x))) expect(isReadOnlyOperation(c.split(':')[0]!, c.split(':')[1]!), c).toBe(true);
  });
});
