#!/usr/bin/env node
// Start-up benchmark: times awsperm commands against bare `node -e 0` in the same run, on the same machine,
// and prints the ratios. Usage: node bench/run.mjs [runs]   (build first: pnpm build)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const bin = fileURLToPath(new URL('../packages/cli/bin/awsperm.js', import.meta.url));
if (!existsSync(fileURLToPath(new URL('../packages/cli/dist/cli.js', import.meta.url)))) {
  console.error('bench: build first (npx -y pnpm@10.34.8 run build)');
  process.exit(2);
}
const runs = Number(process.argv[2] ?? 15);
const env = { PATH: process.env.PATH, HOME: process.env.HOME, CI: 'true', AWS_EC2_METADATA_DISABLED: 'true' };

const cases = [
  ['node -e 0', ['-e', '0']],
  ['awsperm --help', [bin, '--help']],
  ['awsperm policy --tool up', [bin, 'policy', '--tool', 'up', '--cwd', 'examples/up-app']],
  ['awsperm lint', [bin, 'lint', 'examples/up-app/policies/deployer.json']],
  ['awsperm check --tool up (offline, expanded)', [bin, 'check', '--tool', 'up', '--cwd', 'examples/up-app', '--policy', 'examples/up-app/policies/deployer.json', '--format', 'json']],
];

function clock(fn) {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function time(args) {
  return clock(() => {
    const r = spawnSync(process.execPath, args, { cwd: root, env, stdio: 'ignore' });
    if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')} exited ${r.status}`);
  });
}

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const samples = cases.map(() => []);
for (const [, args] of cases) time(args); // warm the file cache
for (let i = 0; i < runs; i++) {
  // Interleave the cases so that machine noise hits them alike.
  cases.forEach(([, args], j) => samples[j].push(time(args)));
}
const baseline = median(samples[0]);
console.log(`node ${process.versions.node}, ${runs} runs each, median wall time`);
cases.forEach(([name], j) => {
  const m = median(samples[j]);
  console.log(`${name.padEnd(44)} ${m.toFixed(1).padStart(8)} ms   ${(m / baseline).toFixed(2)}× node -e 0`);
});

const { engineBenchmark, localModeBenchmark } = await import('./live.mjs');
const engine = await engineBenchmark();
console.log(`engine: ${engine.decisionsPerSecond.toLocaleString('en')} decisions/s (${engine.requests} requests of Up's expanded documented policy, principal with 20 policies)`);
const live = await localModeBenchmark(Math.max(3, Math.floor(runs / 3)), clock);
if (live.skipped) console.log(`local mode vs AWS CLI: skipped (${live.skipped})`);
else {
  console.log(
    `check --tool up --mode ${live.mode} (moto) ${live.awsperm.toFixed(0)} ms vs aws sts get-caller-identity + iam get-account-authorization-details ${live.awsCli.toFixed(0)} ms: ${(live.awsperm / live.awsCli).toFixed(2)}× the AWS CLI; ${live.requests} AWS requests`,
  );
}
