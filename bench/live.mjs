// The engine and local-mode benchmarks: imported by bench/run.mjs.
// The AWS SDK's Node-version notice is not a benchmark result.
process.removeAllListeners('warning');
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const core = await import(pathToFileURL(join(root, 'packages/core/dist/index.js')).href);
const up = await import(pathToFileURL(join(root, 'packages/adapter-up/dist/index.js')).href);
const { createRequire } = await import('node:module');
const requireFromCore = createRequire(join(root, 'packages/core/package.json'));
const iamSdk = await import(pathToFileURL(requireFromCore.resolve('@aws-sdk/client-iam')).href);

/** Decisions per second of the engine: Up's fully expanded documented policy against a principal with 20 policies. */
export async function engineBenchmark() {
  const fragment = up.documentedPolicy;
  const requests = [];
  for (const s of fragment.statements) {
    for (const pattern of core.listOf(s.Action)) {
      for (const action of await core.expandAction(pattern)) requests.push({ action, resource: '*' });
    }
  }
  const services = ['acm', 'cloudformation', 'cloudfront', 'cloudwatch', 'ec2', 'ecs', 'events', 'iam', 'lambda', 'logs', 'route53', 's3', 'ssm', 'sns'];
  const identity = Array.from({ length: 20 }, (_, i) => ({
    name: `policy-${i}`,
    document: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: [`${services[i % services.length]}:*`, `${services[(i + 3) % services.length]}:Get*`], Resource: '*' },
        { Effect: 'Allow', Action: [`${services[(i + 5) % services.length]}:Describe*`], Resource: `arn:aws:*:*:123456789012:*` },
        { Effect: 'Deny', Action: [`${services[(i + 7) % services.length]}:Delete*`], Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': 'eu-west-1' } } },
        { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: `arn:aws:s3:::bucket-${i}/*` },
      ],
    },
  }));
  const context = core.buildRequestContext({ region: 'eu-west-1' });
  const policies = { identity };
  const rounds = 5;
  core.evaluate(requests[0], policies, context);
  const start = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) for (const request of requests) core.evaluate(request, policies, context);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { requests: requests.length, decisionsPerSecond: Math.round((requests.length * rounds) / seconds) };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function startMoto() {
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`${endpoint}/moto-api/`);
      return { endpoint, stop: () => child.kill() };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.kill();
  throw new Error('moto_server did not start');
}

/**
 * awsperm check --mode local against moto versus the AWS CLI fetching the same data, side by side; the requests a
 * check makes; and the peak memory (max RSS) of a local check of Up's fully expanded documented policy.
 * `measure(args, env)` runs `node args` and returns `{ wall, rss? }`.
 */
export async function localModeBenchmark(runs, measure) {
  if (spawnSync('aws', ['--version']).status !== 0) return { skipped: 'the AWS CLI (aws) is not installed' };
  if (spawnSync('moto_server', ['--help']).status !== 0) return { skipped: 'moto_server is not installed' };
  const moto = await startMoto();
  try {
    const iam = new iamSdk.IAMClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'AKIAMOTOSEED00000000', secretAccessKey: 's' } });
    const doc = (Action) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action, Resource: '*' }] });
    await iam.send(new iamSdk.CreateUserCommand({ UserName: 'bench' }));
    await iam.send(new iamSdk.CreateGroupCommand({ GroupName: 'deployers' }));
    await iam.send(new iamSdk.AddUserToGroupCommand({ GroupName: 'deployers', UserName: 'bench' }));
    await iam.send(new iamSdk.PutUserPolicyCommand({ UserName: 'bench', PolicyName: 'inline', PolicyDocument: doc(['lambda:*', 'iam:*']) }));
    for (let i = 0; i < 4; i++) {
      const p = await iam.send(new iamSdk.CreatePolicyCommand({ PolicyName: `managed-${i}`, PolicyDocument: doc([`s3:Get*`, 'cloudformation:*']) }));
      await iam.send(new iamSdk.AttachGroupPolicyCommand({ GroupName: 'deployers', PolicyArn: p.Policy.Arn }));
    }
    const key = await iam.send(new iamSdk.CreateAccessKeyCommand({ UserName: 'bench' }));
    iam.destroy();
    const home = mkdtempSync(join(tmpdir(), 'awsperm-bench-'));
    mkdirSync(join(home, '.aws'));
    // [hello-dev] is the profile examples/up-app/up.json names (Up uses it); [default] is what the AWS CLI uses.
    const keys = `aws_access_key_id = ${key.AccessKey.AccessKeyId}\naws_secret_access_key = ${key.AccessKey.SecretAccessKey}\n`;
    writeFileSync(join(home, '.aws/credentials'), `[default]\n${keys}[hello-dev]\n${keys}`, { mode: 0o600 });
    const env = { PATH: process.env.PATH, HOME: home, AWS_ENDPOINT_URL: moto.endpoint, AWS_EC2_METADATA_DISABLED: 'true', AWS_DEFAULT_REGION: 'eu-west-1', CI: 'true' };
    const bin = join(root, 'packages/cli/bin/awsperm.cjs');
    const awsperm = [process.execPath, [bin, 'check', '--tool', 'up', '--cwd', join(root, 'examples/up-app'), '--mode', 'local', '--format', 'json']];
    const first = spawnSync(awsperm[0], awsperm[1], { env, encoding: 'utf8', maxBuffer: 1 << 28 });
    if (!first.stdout) throw new Error(`awsperm check --mode local failed (exit ${first.status}): ${first.stderr.trim()}`);
    const json = JSON.parse(first.stdout);
    const awsCli = () => {
      // The same data: who am I, and every user/group/role/policy the decision needs.
      spawnSync('aws', ['sts', 'get-caller-identity'], { env, stdio: 'ignore' });
      spawnSync('aws', ['iam', 'get-account-authorization-details'], { env, stdio: 'ignore' });
    };
    const clock = (fn) => {
      const start = process.hrtime.bigint();
      fn();
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    const a = [];
    const c = [];
    for (let i = 0; i < runs; i++) {
      a.push(measure(awsperm[1], env).wall);
      c.push(clock(awsCli));
    }
    const median = (xs) => xs.slice().sort((x, y) => x - y)[Math.floor(xs.length / 2)];
    // Up's documented policy, every wildcard expanded with the catalogue, evaluated against the fetched policies.
    const documented = [...awsperm[1], '--feature', 'documented'];
    const full = spawnSync(awsperm[0], documented, { env, encoding: 'utf8', maxBuffer: 1 << 28 });
    const rss = Math.max(...Array.from({ length: 3 }, () => measure(documented, env).rss ?? Number.NaN));
    return {
      awsperm: median(a),
      awsCli: median(c),
      requests: json.requests,
      // sts:GetCallerIdentity, and one page of iam:GetAccountAuthorizationDetails for a small account.
      minimum: 2,
      mode: json.mode,
      ...(Number.isFinite(rss) ? { rss } : {}),
      documentedRequirements: JSON.parse(full.stdout).summary.required,
    };
  } finally {
    moto.stop();
  }
}
