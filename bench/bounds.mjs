// Work on big and hostile inputs, in process through core's public API (the built dist): each case's time against its
// target (issue 15: lint of 10,000 statements and template derivation of 6,000 named resources under 5 s each).
// Imported by bench/run.mjs; packages/core/test/bounds.test.ts checks the same inputs give the right results.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const core = await import(pathToFileURL(join(root, 'packages/core/dist/index.js')).href);

const doc = (Statement) => ({ Version: '2012-10-17', Statement });

/** Milliseconds of the fastest of `runs` calls of `fn` (the least disturbed by a shared machine). */
async function best(fn, runs) {
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await fn();
    min = Math.min(min, Number(process.hrtime.bigint() - start) / 1e6);
  }
  return min;
}

/** The cases: `[name, targetMs, fn]`. */
function cases(scratch) {
  const statements = Array.from({ length: 10_000 }, (_, i) => ({
    Effect: 'Allow',
    Action: i % 3 === 0 ? ['s3:GetObject', 's3:PutObject'] : i % 3 === 1 ? 'dynamodb:GetItem' : 'lambda:InvokeFunction',
    Resource: i % 3 === 0 ? `arn:aws:s3:::bucket-${i}/*` : i % 3 === 1 ? `arn:aws:dynamodb:us-east-1:111111111111:table/t${i}` : `arn:aws:lambda:us-east-1:111111111111:function:f${i}`,
  }));
  const hugeAction = doc([{ Effect: 'Allow', Action: `s3:${'*a'.repeat(2_500_000)}x`, Resource: '*' }]);
  const stars = { identity: [{ name: 'p', document: doc([{ Effect: 'Allow', Action: 's3:GetObject', Resource: `${'*a'.repeat(30)}b` }]) }] };
  const Resources = {};
  for (let i = 0; i < 6000; i++) {
    Resources[`R${i}`] =
      i % 3 === 0
        ? { Type: 'AWS::S3::Bucket', Properties: { BucketName: `bucket-${i}` } }
        : i % 3 === 1
          ? { Type: 'AWS::DynamoDB::Table', Properties: { TableName: `table-${i}` } }
          : { Type: 'AWS::SQS::Queue', Properties: { QueueName: `queue-${i}` } };
  }
  const template = join(scratch, 'big.template.json');
  writeFileSync(template, JSON.stringify({ Resources }));
  const env = { HOME: scratch, AWS_EC2_METADATA_DISABLED: 'true' };
  const buckets = Array.from({ length: 400 }, (_, i) => `arn:aws:s3:::my-app-prod-bucket-number-${i}`);
  const mixed = Array.from({ length: 2000 }, (_, i) => [`arn:aws:dynamodb:us-east-1:111111111111:table/app-table-${i}`, `arn:aws:lambda:us-east-1:111111111111:function:app-fn-${i}`, `arn:aws:sqs:us-east-1:111111111111:app-queue-${i}`, `arn:aws:s3:::app-bucket-${i}/*`][i % 4]);
  const fragments = [
    { id: 'buckets', title: 'buckets', source: { title: 'bench' }, statements: [{ Effect: 'Allow', Action: ['s3:CreateBucket', 's3:PutBucketPolicy', 's3:DeleteBucket', 's3:PutBucketTagging'], Resource: buckets }] },
    { id: 'mixed', title: 'mixed', source: { title: 'bench' }, statements: [{ Effect: 'Allow', Action: ['dynamodb:CreateTable', 'lambda:CreateFunction', 'sqs:CreateQueue', 's3:PutObject'], Resource: mixed }] },
  ];
  return [
    ['lint of 10,000 statements (in process)', 5000, () => core.lintPolicies([{ name: 'big.json', document: doc(statements) }])],
    ['lint of a 10 MB action name', 5000, () => core.lintPolicies([{ name: 'p', document: hugeAction }])],
    ['30-star resource pattern against a 5,000-character ARN', 1000, () => core.evaluate({ action: 's3:GetObject', resource: 'a'.repeat(5000) }, stars, {})],
    ['template derivation, 6,000 named resources (policy())', 5000, () => core.policy({ cwd: scratch, env, template: [template] })],
    ['policy split, 400 buckets + 2,000 mixed resources', 5000, () => core.buildPolicies(fragments, 'deployer')],
  ];
}

/** Each case's best time over `runs` and its target: `{ name, ms, target, met }`. */
export async function boundsBenchmark(runs = 3) {
  const scratch = mkdtempSync(join(tmpdir(), 'awsperm-bench-bounds-'));
  try {
    const out = [];
    for (const [name, target, fn] of cases(scratch)) {
      const ms = await best(fn, runs);
      out.push({ name, ms, target, met: ms < target });
    }
    return out;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

// `node bench/bounds.mjs [runs]`: these cases alone.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const r of await boundsBenchmark(Number(process.argv[2] ?? 3))) {
    console.log(`${r.name}: ${r.ms.toFixed(0)} ms (target < ${r.target.toLocaleString('en')} ms): ${r.met ? 'met' : 'NOT met'}`);
  }
}
