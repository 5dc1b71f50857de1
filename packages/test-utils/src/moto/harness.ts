/**
 * A moto-backed test harness: starts `moto_server` on 127.0.0.1 with a free port, seeds IAM users, access keys,
 * roles and policies through the SDK clients pointed at it, writes temporary HOMEs with `~/.aws` files, and runs
 * functions or child processes with a clean environment. Other packages' tests import it by relative path.
 *
 * Nothing here contacts any address but 127.0.0.1.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A running moto server. */
export interface MotoServer {
  /** `http://127.0.0.1:PORT`. */
  endpoint: string;
  /** The port. */
  port: number;
  /** Stops the server (idempotent). */
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (closed again before returning). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts `moto_server -H 127.0.0.1 -p PORT` and waits until it answers. */
export async function startMoto(): Promise<MotoServer> {
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), AWS_EC2_METADATA_DISABLED: 'true' },
  });
  running.add(child);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (!running.has(child)) return;
    running.delete(child);
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited early: ${stderr}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      if (res.status < 500) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`moto_server did not start on ${endpoint}: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { endpoint, port, stop };
}

/** Resets all of moto's state. */
export async function resetMoto(endpoint: string): Promise<void> {
  await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
}

/** Bootstrap credentials for seeding; moto accepts any. */
const SEED_CREDENTIALS = { accessKeyId: 'AKIAMOTOSEED00000000', secretAccessKey: 'moto-seed-secret' };

async function iamClient(endpoint: string) {
  const { IAMClient } = await import('@aws-sdk/client-iam');
  return new IAMClient({ region: 'us-east-1', endpoint, credentials: SEED_CREDENTIALS, maxAttempts: 1 });
}

/** Puts an SSM String parameter into moto (a tool's bootstrap record, say). */
export async function seedParameter(endpoint: string, region: string, name: string, value: string): Promise<void> {
  const { SSMClient, PutParameterCommand } = await import('@aws-sdk/client-ssm');
  const ssm = new SSMClient({ region, endpoint, credentials: SEED_CREDENTIALS, maxAttempts: 1 });
  try {
    await ssm.send(new PutParameterCommand({ Name: name, Type: 'String', Value: value, Overwrite: true }));
  } finally {
    ssm.destroy();
  }
}

/** Creates a bucket in moto (if needed) and puts one object into it. */
export async function seedObject(endpoint: string, region: string, bucket: string, key: string, body: string | Uint8Array, extra: { contentEncoding?: string } = {}): Promise<void> {
  const { S3Client, CreateBucketCommand, PutObjectCommand } = await import('@aws-sdk/client-s3');
  const s3 = new S3Client({ region, endpoint, credentials: SEED_CREDENTIALS, maxAttempts: 1, forcePathStyle: true });
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket, ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as 'eu-west-1' } }) })).catch((e: { name?: string }) => {
      if (e.name !== 'BucketAlreadyOwnedByYou' && e.name !== 'BucketAlreadyExists') throw e;
    });
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json', ...(extra.contentEncoding ? { ContentEncoding: extra.contentEncoding } : {}) }));
  } finally {
    s3.destroy();
  }
}

/** An IAM user seeded in moto with one access key. */
export interface SeededUser {
  /** User name. */
  name: string;
  /** User ARN. */
  arn: string;
  /** Access key id moto issued. */
  accessKeyId: string;
  /** Secret access key moto issued. */
  secretAccessKey: string;
}

/** Creates an IAM user, attaches inline `policy` if given, and issues an access key. */
export async function seedUser(endpoint: string, name: string, policy?: object): Promise<SeededUser> {
  const { CreateUserCommand, CreateAccessKeyCommand, PutUserPolicyCommand } = await import('@aws-sdk/client-iam');
  const iam = await iamClient(endpoint);
  try {
    const user = await iam.send(new CreateUserCommand({ UserName: name }));
    if (policy) {
      await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: `${name}-inline`, PolicyDocument: JSON.stringify(policy) }));
    }
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
    return {
      name,
      arn: user.User!.Arn!,
      accessKeyId: key.AccessKey!.AccessKeyId!,
      secretAccessKey: key.AccessKey!.SecretAccessKey!,
    };
  } finally {
    iam.destroy();
  }
}

/** Creates an IAM role trusting the account (or with the trust policy `trust`), with an optional path and inline policy. */
export async function seedRole(endpoint: string, name: string, options: { path?: string; account?: string; policy?: object; trust?: object } = {}): Promise<{ name: string; arn: string }> {
  const { CreateRoleCommand, PutRolePolicyCommand } = await import('@aws-sdk/client-iam');
  const iam = await iamClient(endpoint);
  const trust = options.trust ?? {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${options.account ?? '123456789012'}:root` }, Action: 'sts:AssumeRole' }],
  };
  try {
    const role = await iam.send(
      new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust), ...(options.path ? { Path: options.path } : {}) }),
    );
    if (options.policy) {
      await iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: `${name}-inline`, PolicyDocument: JSON.stringify(options.policy) }));
    }
    return { name, arn: role.Role!.Arn! };
  } finally {
    iam.destroy();
  }
}

/** A temporary HOME. */
export interface TempHome {
  /** The directory. */
  dir: string;
  /** An absolute path inside it. */
  path(relative: string): string;
  /** Writes a file (creating directories); `mode` defaults to 0600. */
  write(relative: string, contents: string, mode?: number): string;
  /** Removes the directory. */
  cleanup(): void;
}

/** Creates a temporary HOME with `~/.aws/credentials` and `~/.aws/config` when given. */
export function makeHome(files: { credentials?: string; config?: string } = {}): TempHome {
  const dir = mkdtempSync(join(tmpdir(), 'awsperm-home-'));
  const home: TempHome = {
    dir,
    path: (relative) => join(dir, relative),
    write(relative, contents, mode = 0o600) {
      const path = join(dir, relative);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, contents);
      chmodSync(path, mode);
      return path;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
  if (files.credentials !== undefined) home.write('.aws/credentials', files.credentials);
  if (files.config !== undefined) home.write('.aws/config', files.config);
  return home;
}

/** INI text for a credentials-file profile with static keys. */
export function keysSection(profile: string, user: { accessKeyId: string; secretAccessKey: string }, extra: Record<string, string> = {}): string {
  const lines = [`[${profile}]`, `aws_access_key_id = ${user.accessKeyId}`, `aws_secret_access_key = ${user.secretAccessKey}`];
  for (const [k, v] of Object.entries(extra)) lines.push(`${k} = ${v}`);
  return `${lines.join('\n')}\n`;
}

/**
 * A clean environment: PATH from the machine, HOME, `AWS_EC2_METADATA_DISABLED=true`, the moto endpoint as
 * `AWS_ENDPOINT_URL` when given, and `extra`. Nothing else from the machine's environment.
 */
export function cleanEnv(home: TempHome, extra: Record<string, string | undefined> = {}, endpoint?: string): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home.dir,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  if (endpoint) env.AWS_ENDPOINT_URL = endpoint;
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  for (const k of Object.keys(env)) if (k.startsWith('AWS_CONTAINER_')) delete env[k];
  return env;
}

/** The result of a child process. */
export interface ProcessResult {
  /** Exit code (`null` when killed). */
  code: number | null;
  /** Everything written to stdout. */
  stdout: string;
  /** Everything written to stderr. */
  stderr: string;
}

/** Runs a child process with exactly `env` (no inheritance) and collects its output. */
export function runProcess(command: string, args: readonly string[], env: Record<string, string>, options: { cwd?: string; timeoutMs?: number } = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs async tasks at most `n` at a time (spawned CLIs on a two-core CI machine), results in task order. */
export async function pool<T>(tasks: (() => Promise<T>)[], n: number): Promise<T[]> {
  const out: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < tasks.length) {
        const i = next++;
        out[i] = await tasks[i]!();
      }
    }),
  );
  return out;
}

/** A port on 127.0.0.1 with nothing listening (for "unreachable endpoint" scenarios). */
export async function closedPortEndpoint(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}

/** Writes a tiny node script printing `output` (for `credential_process`), and returns the command line. */
export function processScript(home: TempHome, name: string, output: string, exitCode = 0): string {
  const path = home.write(
    `bin/${name}.mjs`,
    `process.stdout.write(${JSON.stringify(output)});\nprocess.exit(${exitCode});\n`,
    0o700,
  );
  return `"${process.execPath}" "${path}"`;
}

/** Temporary HOMEs made during a test file, removed together in `afterAll`. */
export interface HomeTracker {
  /** Makes a temporary HOME (see {@link makeHome}) and remembers it. */
  home(files?: { credentials?: string; config?: string }): TempHome;
  /** Removes every HOME made so far. */
  cleanup(): void;
}

/** Creates a {@link HomeTracker}. */
export function homeTracker(): HomeTracker {
  const homes: TempHome[] = [];
  return {
    home(files = {}) {
      const h = makeHome(files);
      homes.push(h);
      return h;
    },
    cleanup() {
      for (const h of homes.splice(0)) h.cleanup();
    },
  };
}

/** The users' secret keys and full access key ids found in `output` (none is the only right answer). */
export function secretsIn(output: string, users: readonly (SeededUser | undefined)[]): string[] {
  const found: string[] = [];
  for (const u of users) {
    if (!u) continue;
    if (output.includes(u.secretAccessKey)) found.push(`secret key of ${u.name}`);
    if (output.includes(u.accessKeyId)) found.push(`access key id of ${u.name}`);
  }
  return found;
}

/** Replaces a role's trust policy (`iam:UpdateAssumeRolePolicy`). */
export async function setTrustPolicy(endpoint: string, roleName: string, trust: object): Promise<void> {
  const { UpdateAssumeRolePolicyCommand } = await import('@aws-sdk/client-iam');
  const iam = await iamClient(endpoint);
  try {
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: JSON.stringify(trust) }));
  } finally {
    iam.destroy();
  }
}

/** Replaces the inline policy {@link seedRole} gave a role (`iam:PutRolePolicy`). */
export async function setRolePolicy(endpoint: string, roleName: string, policy: object): Promise<void> {
  const { PutRolePolicyCommand } = await import('@aws-sdk/client-iam');
  const iam = await iamClient(endpoint);
  try {
    await iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: `${roleName}-inline`, PolicyDocument: JSON.stringify(policy) }));
  } finally {
    iam.destroy();
  }
}
