#!/usr/bin/env node
// The benchmark: awsperm's start-up against bare `node -e 0`, side by side in one run (interleaved): wall time
// (median) and CPU time (user + system from /usr/bin/time, mean: its unit is 10 ms; the machine may be shared, and
// CPU time suffers less from that), peak memory (max RSS), then big and hostile inputs in process (bench/bounds.mjs),
// the engine, and the local mode against moto versus the AWS CLI.
// Usage: node bench/run.mjs [runs]   (build first: npx -y pnpm@10.34.8 run build)
//
// Two start-up settings, both fair to node: `CI=true` (what CI measures: awsperm's bin turns Node's compile cache off,
// and `node -e 0` has none), and the user's setting (compile cache on, in a temporary directory, warmed first).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const bin = fileURLToPath(new URL('../packages/cli/bin/awsperm.cjs', import.meta.url));
if (!existsSync(fileURLToPath(new URL('../packages/cli/dist/cli.cjs', import.meta.url)))) {
  console.error('bench: build first (npx -y pnpm@10.34.8 run build)');
  process.exit(2);
}
const runs = Number(process.argv[2] ?? 15);
const scratch = mkdtempSync(join(tmpdir(), 'awsperm-bench-'));
const base = { PATH: process.env.PATH, HOME: scratch, AWS_EC2_METADATA_DISABLED: 'true' };
const settings = [
  ['CI=true (no compile cache)', { ...base, CI: 'true' }],
  ['user (compile cache on)', { ...base, NODE_COMPILE_CACHE: join(scratch, 'compile-cache') }],
];
const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

// 10,000 statements for lint (issue 15: under 5 s), written once into the scratch directory.
const bigPolicy = join(scratch, 'big-policy.json');
writeFileSync(
  bigPolicy,
  JSON.stringify({
    Version: '2012-10-17',
    Statement: Array.from({ length: 10_000 }, (_, i) => ({ Effect: 'Allow', Action: ['s3:GetObject', 'dynamodb:GetItem'][i % 2], Resource: i % 2 ? `arn:aws:dynamodb:us-east-1:111111111111:table/t${i}` : `arn:aws:s3:::b${i}/*` })),
  }),
);
// The least an SST v3 command can take with isolation as built: Node, core's worker entry, esbuild's bundle of the
// config and app() in the worker, nothing else (no CLI, no adapter, no policy). awsperm's own work can overlap with it
// but not make it shorter: `policy --tool sst` minus this floor is what awsperm adds.
const workerFloor = join(scratch, 'worker-floor.mjs');
const sstV3 = fileURLToPath(new URL('./fixtures/sst-v3/', import.meta.url));
writeFileSync(
  workerFloor,
  [
    `import { evaluateProjectFile } from ${JSON.stringify(fileURLToPath(new URL('../packages/core/dist/worker.js', import.meta.url)))};`,
    `await evaluateProjectFile({ file: ${JSON.stringify(join(sstV3, 'sst.config.ts'))}, root: ${JSON.stringify(sstV3)}, runner: ${JSON.stringify(fileURLToPath(new URL('../packages/adapter-sst/runners/sst-config.cjs', import.meta.url)))}, input: { call: 'app', input: { stage: 'dev' } }, env: {} });`,
    'process.exit(0);',
  ].join('\n'),
);
const cases = [
  ['node -e 0', ['-e', '0']],
  ['awsperm --help', [bin, '--help']],
  ['awsperm policy --tool up', [bin, 'policy', '--tool', 'up', '--cwd', 'examples/up-app']],
  ['awsperm lint', [bin, 'lint', 'examples/up-app/policies/deployer.json']],
  ['awsperm policy --tool sst (v3, app() in the worker)', [bin, 'policy', '--tool', 'sst', '--cwd', 'bench/fixtures/sst-v3', '--stage', 'dev']],
  ['  floor: bundle + worker + app() alone', [workerFloor]],
  ['SST v3 discovery, 30 components (worker)', [fileURLToPath(new URL('./discover.mjs', import.meta.url))]],
  ['policy --tool sst --least-privilege (30 comp.)', [bin, 'policy', '--tool', 'sst', '--cwd', 'bench/fixtures/sst-v3-large', '--stage', 'dev', '--least-privilege']],
  ['awsperm lint (10,000 statements)', [bin, 'lint', bigPolicy]],
  ['check --tool up offline (precise)', [bin, 'check', '--tool', 'up', '--cwd', 'examples/up-app', '--policy', 'examples/up-app/policies/deployer.json', '--format', 'json']],
  [
    'check --tool up offline, documented expanded',
    [bin, 'check', '--tool', 'up', '--cwd', 'examples/up-app', '--feature', 'documented', '--policy', 'examples/up-app/policies/deployer.json', '--format', 'json'],
  ],
];
const STARTUP = new Set(['awsperm --help', 'awsperm policy --tool up', 'awsperm lint']);
// Issue 15: SST commands that only read app()/config() start within 4× node -e 0; lint of 10,000 statements < 5 s.
const SST_STARTUP = 'awsperm policy --tool sst (v3, app() in the worker)';
const BIG_LINT = 'awsperm lint (10,000 statements)';
// Issue 16: discovering a 30-component SST v3 app (bundle, worker, app() and run()) within 6× node -e 0.
const DISCOVERY = 'SST v3 discovery, 30 components (worker)';
let sstMet = true;
let discoveryMet = true;
let bigLintMs = 0;

/** Runs `node args` once: wall ms, CPU ms (user + system) and max RSS MiB when /usr/bin/time is there. */
export function measure(args, env, cwd = root) {
  const out = join(scratch, 'time.txt');
  const start = process.hrtime.bigint();
  const r = timeBin
    ? spawnSync(timeBin, ['-o', out, '-f', '%U %S %M', process.execPath, ...args], { cwd, env, stdio: 'ignore' })
    : spawnSync(process.execPath, args, { cwd, env, stdio: 'ignore' });
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')} exited ${r.status}`);
  if (!timeBin) return { wall };
  const [user, system, rssKb] = readFileSync(out, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  return { wall, cpu: (user + system) * 1000, rss: rssKb / 1024 };
}

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n, w = 8) => n.toFixed(1).padStart(w);

console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, load average ${loadavg()[0].toFixed(1)}; node ${process.versions.node}; ${runs} runs each, interleaved`,
);
let met = true;
for (const [label, env] of settings) {
  for (const [, args] of cases) measure(args, env); // warm the file cache (and the compile cache)
  const samples = cases.map(() => []);
  for (let i = 0; i < runs; i++) {
    cases.forEach(([, args], j) => {
      samples[j].push(measure(args, env));
    });
  }
  const wall0 = median(samples[0].map((s) => s.wall));
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const cpu0 = timeBin ? mean(samples[0].map((s) => s.cpu)) : undefined;
  console.log(`\n${label}`);
  console.log(`${'case'.padEnd(46)}     wall  ×node     cpu   ×node   max RSS`);
  cases.forEach(([name], j) => {
    const wall = median(samples[j].map((s) => s.wall));
    const line = [`${name.padEnd(46)}${fmt(wall)} ms ${(wall / wall0).toFixed(2)}×`];
    if (cpu0 !== undefined) {
      const cpu = mean(samples[j].map((s) => s.cpu));
      line.push(`${fmt(cpu)} ms ${(cpu / cpu0).toFixed(2)}×`, `${fmt(Math.max(...samples[j].map((s) => s.rss)), 6)} MiB`);
      if (STARTUP.has(name) && Math.min(wall / wall0, cpu / cpu0) > 2) met = false;
      if (name === SST_STARTUP && Math.min(wall / wall0, cpu / cpu0) > 4) sstMet = false;
      if (name === DISCOVERY && Math.min(wall / wall0, cpu / cpu0) > 6) discoveryMet = false;
    } else if (STARTUP.has(name) && wall / wall0 > 2) met = false;
    else if (name === SST_STARTUP && wall / wall0 > 4) sstMet = false;
    else if (name === DISCOVERY && wall / wall0 > 6) discoveryMet = false;
    if (name === BIG_LINT) bigLintMs = Math.max(bigLintMs, wall);
    console.log(line.join('  '));
  });
}
console.log(`\nstart-up within 2× node -e 0 (wall or CPU): ${met ? 'met' : 'NOT met'}`);
console.log(`policy --tool sst on a v3 project within 4× node -e 0 (wall or CPU): ${sstMet ? 'met' : 'NOT met'}`);
console.log(`SST v3 discovery of a 30-component app within 6× node -e 0 (wall or CPU): ${discoveryMet ? 'met' : 'NOT met'}`);
console.log(`lint of 10,000 statements: ${bigLintMs.toFixed(0)} ms (target < 5,000 ms): ${bigLintMs < 5000 ? 'met' : 'NOT met'}`);

// Big and hostile inputs in process (the timed part of packages/core/test/bounds.test.ts): each against its target.
const { boundsBenchmark } = await import('./bounds.mjs');
for (const r of await boundsBenchmark()) console.log(`${r.name}: ${r.ms.toFixed(0)} ms (target < ${r.target.toLocaleString('en')} ms): ${r.met ? 'met' : 'NOT met'}`);

const { engineBenchmark, localModeBenchmark } = await import('./live.mjs');
const engine = await engineBenchmark();
console.log(`engine: ${engine.decisionsPerSecond.toLocaleString('en')} decisions/s (${engine.requests} requests of Up's expanded documented policy, principal with 20 policies)`);
const live = await localModeBenchmark(Math.max(3, Math.floor(runs / 3)), measure);
if (live.skipped) console.log(`local mode vs AWS CLI: skipped (${live.skipped})`);
else {
  console.log(
    `check --tool up --mode ${live.mode} (moto) ${live.awsperm.toFixed(0)} ms vs aws sts get-caller-identity + iam get-account-authorization-details ${live.awsCli.toFixed(0)} ms: ${(live.awsperm / live.awsCli).toFixed(2)}× the AWS CLI (target ≤ 0.5×)`,
  );
  console.log(`AWS requests per check: ${live.requests} (the least the local mode needs: ${live.minimum})`);
  if (live.rss !== undefined) console.log(`peak memory, check --tool up --mode local --feature documented (${live.documentedRequirements} required actions): ${live.rss.toFixed(1)} MiB (target < 150 MiB)`);
}
rmSync(scratch, { recursive: true, force: true });
