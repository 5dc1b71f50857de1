import { describe, expect, it } from 'vitest';
import { matchesGlob } from '../src/engine/glob.ts';
import { lintPolicies } from '../src/policy/lint.ts';
import { minimiseStatements } from '../src/policy/minimise.ts';
import type { Statement } from '../src/policy/types.ts';

// Inputs built to be slow: their results must be right. How fast they run is measured by the benchmark
// (bench/bounds.mjs, run by bench/run.mjs, each case against its target), not asserted here: a timed test fails on a
// busy machine and passes a slow change on a fast one.

describe('hostile inputs give the right results', () => {
  it('lint of 10,000 statements finds the one redundant statement', async () => {
    const statements: Statement[] = Array.from({ length: 10_000 }, (_, i) => ({
      Effect: 'Allow',
      Action: i % 3 === 0 ? ['s3:GetObject', 's3:PutObject'] : i % 3 === 1 ? 'dynamodb:GetItem' : 'lambda:InvokeFunction',
      Resource: i % 3 === 0 ? `arn:aws:s3:::bucket-${i}/*` : i % 3 === 1 ? `arn:aws:dynamodb:us-east-1:111111111111:table/t${i}` : `arn:aws:lambda:us-east-1:111111111111:function:f${i}`,
    }));
    // One duplicate and one covering statement, so the redundancy check still finds what it should.
    statements.push({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket-0/*' });
    const findings = await lintPolicies([{ name: 'big.json', document: { Version: '2012-10-17', Statement: statements } }]);
    expect(findings.filter((f) => f.code === 'redundant-statement').map((f) => f.statement)).toEqual([10_001]);
  });

  it('a 10 MB action name under lint is an ordinary finding', async () => {
    const findings = await lintPolicies([{ name: 'p', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: `s3:${'*a'.repeat(2_500_000)}x`, Resource: '*' }] } }]);
    expect(findings.map((f) => f.code).sort()).toEqual(['size-inline', 'size-managed', 'wildcard-matches-nothing']);
  });

  it('wildcard matching of many stars: 20 stars, and a handler permission s3:****…x from a schema bundle', async () => {
    expect(matchesGlob(`${'*'.repeat(20)}x`, 'us-east-1'.repeat(20))).toBe(false);
    expect(matchesGlob(`${'*'.repeat(20)}1`, 'us-east-1'.repeat(20))).toBe(true);
    expect(matchesGlob(`${'*a'.repeat(30)}b`, 'a'.repeat(5000))).toBe(false);
    expect(matchesGlob(`${'*a'.repeat(30)}b`, `${'a'.repeat(5000)}b`)).toBe(true);
    const minimised = await minimiseStatements([{ Effect: 'Allow', Action: `s3:${'*'.repeat(40)}x`, Resource: '*' }]);
    expect(minimised.flatMap((s) => [s.Action ?? []].flat()).length).toBeGreaterThan(0);
  });
});

describe('template derivation of a big template', () => {
  it('6,000 named resources of mixed types: every type resolved, every resource required, every policy fits', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { loadTemplates } = await import('../src/templates/load.ts');
    const { templateRequirements } = await import('../src/templates/required.ts');
    const { createHandlerResolver } = await import('../src/cfn/resolver.ts');
    const Resources: Record<string, unknown> = {};
    for (let i = 0; i < 6000; i++) {
      Resources[`R${i}`] =
        i % 3 === 0
          ? { Type: 'AWS::S3::Bucket', Properties: { BucketName: `bucket-${i}` } }
          : i % 3 === 1
            ? { Type: 'AWS::DynamoDB::Table', Properties: { TableName: `table-${i}` } }
            : { Type: 'AWS::SQS::Queue', Properties: { QueueName: `queue-${i}` } };
    }
    const file = join(mkdtempSync(join(tmpdir(), 'awsperm-bounds-')), 'big.template.json');
    writeFileSync(file, JSON.stringify({ Resources }));
    const loaded = await loadTemplates([file]);
    const required = await templateRequirements(loaded, createHandlerResolver());
    expect(required.unresolved).toEqual([]);
    const resources = new Set(required.fragments.flatMap((f) => f.statements.flatMap((s) => [s.Resource ?? []].flat())));
    for (const name of ['bucket-0', 'table-1', 'queue-5999', 'bucket-5997']) expect([...resources].some((r) => new RegExp(`[:/]${name}(/|$)`).test(r)), name).toBe(true);
    // Merging, minimising and splitting the 6,000 resources' statements too (this was the quadratic part).
    const { buildPolicies, POLICY_SIZE_LIMITS } = await import('../src/policy/output.ts');
    const policies = buildPolicies(required.fragments, 'deployer');
    expect(policies.length).toBeGreaterThan(0);
    for (const p of policies) expect(p.size).toBeLessThanOrEqual(POLICY_SIZE_LIMITS.managed);
  }, 120_000);
});

describe('policy splitting always fits', () => {
  it('400 buckets and 2,000 mixed resources: no document over the limit, every action and resource kept', async () => {
    const { buildPolicies, POLICY_SIZE_LIMITS } = await import('../src/policy/output.ts');
    const buckets = Array.from({ length: 400 }, (_, i) => `arn:aws:s3:::my-app-prod-bucket-number-${i}`);
    const mixed = Array.from({ length: 2000 }, (_, i) =>
      i % 4 === 0
        ? `arn:aws:dynamodb:us-east-1:111111111111:table/app-table-${i}`
        : i % 4 === 1
          ? `arn:aws:lambda:us-east-1:111111111111:function:app-fn-${i}`
          : i % 4 === 2
            ? `arn:aws:sqs:us-east-1:111111111111:app-queue-${i}`
            : `arn:aws:s3:::app-bucket-${i}/*`,
    );
    const fragments = [
      { id: 'buckets', title: 'buckets', source: { title: 'test' }, statements: [{ Effect: 'Allow' as const, Action: ['s3:CreateBucket', 's3:PutBucketPolicy', 's3:DeleteBucket', 's3:PutBucketTagging'], Resource: buckets }] },
      { id: 'mixed', title: 'mixed', source: { title: 'test' }, statements: [{ Effect: 'Allow' as const, Action: ['dynamodb:CreateTable', 'lambda:CreateFunction', 'sqs:CreateQueue', 's3:PutObject'], Resource: mixed }] },
    ];
    const policies = buildPolicies(fragments, 'deployer');
    for (const p of policies) {
      expect(p.size).toBeLessThanOrEqual(POLICY_SIZE_LIMITS.managed);
      expect(JSON.stringify(p.document).length).toBe(p.size);
    }
    const granted = new Set<string>();
    for (const p of policies) {
      for (const s of p.document.Statement as { Action: string | string[]; Resource: string | string[] }[]) {
        for (const a of [s.Action].flat()) for (const r of [s.Resource].flat()) granted.add(`${a} ${r}`);
      }
    }
    for (const r of buckets) expect(granted.has(`s3:CreateBucket ${r}`)).toBe(true);
    for (const r of mixed) expect(granted.has(`sqs:CreateQueue ${r}`)).toBe(true);
    expect(granted.size).toBe(4 * 400 + 4 * 2000);
  });
});
