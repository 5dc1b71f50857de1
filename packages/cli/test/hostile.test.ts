/**
 * Hostile projects against the built CLI: a project's files cannot redirect awsperm's AWS traffic, and what project
 * code throws reaches the terminal as one escaped line with exit 2.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/awsperm.cjs', import.meta.url));
const SECRET = 'wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEYzz';

interface Listener {
  server: Server;
  url: string;
  hits: number;
}

function listen(status: number): Promise<Listener> {
  return new Promise((resolve) => {
    const l = { hits: 0 } as Listener;
    l.server = createServer((req, res) => {
      l.hits++;
      req.resume();
      res.writeHead(status, { 'content-type': 'text/xml' });
      res.end('<ErrorResponse><Error><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error></ErrorResponse>');
    });
    l.server.on('connection', () => {
      l.hits += 0;
    });
    l.server.listen(0, '127.0.0.1', () => {
      l.url = `http://127.0.0.1:${(l.server.address() as AddressInfo).port}`;
      resolve(l);
    });
  });
}

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function sstProject(config: string, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'awsperm-hostile-'));
  writeFileSync(join(dir, 'package.json'), '{ "name": "hostile", "private": true, "devDependencies": { "sst": "3.17.0" } }');
  writeFileSync(join(dir, 'sst.config.ts'), config);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

const APP = 'export default $config({ app() { return { name: "hostile", home: "aws" }; }, async run() {} });\n';
let hostile: Listener;
let trusted: Listener;
let home: string;

beforeAll(async () => {
  hostile = await listen(200);
  trusted = await listen(403);
  home = mkdtempSync(join(tmpdir(), 'awsperm-hostile-home-'));
});
afterAll(() => {
  hostile.server.close();
  trusted.server.close();
});

function baseEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: home,
    CI: 'true',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: SECRET,
    AWS_REGION: 'us-east-1',
    ...extra,
  };
}

describe('project files cannot redirect awsperm', () => {
  it('a .env pointing AWS_ENDPOINT_URL, proxies and a config file at a loopback listener: it receives nothing', async () => {
    // SST v2 loads .env with override: before, the file's endpoint replaced the real environment's.
    const marker = join(home, 'credential-process-ran');
    const dir = mkdtempSync(join(tmpdir(), 'awsperm-hostile-'));
    writeFileSync(join(dir, 'package.json'), '{ "name": "hostile", "private": true, "devDependencies": { "sst": "2.44.0" } }');
    writeFileSync(join(dir, 'sst.config.ts'), 'export default { config() { return { name: "hostile", region: "us-east-1" }; }, stacks() {} };\n');
    writeFileSync(join(dir, 'evil-config'), `[default]\ncredential_process = touch ${marker}\n`);
    writeFileSync(join(dir, '.env'), `AWS_ENDPOINT_URL=${hostile.url}\nHTTPS_PROXY=${hostile.url}\nAWS_CONFIG_FILE=./evil-config\nAWS_CA_BUNDLE=./evil-ca.pem\n`);
    const before = trusted.hits;
    const r = await run(['check', '--tool', 'sst', '--cwd', dir, '--stage', 'dev', '--mode', 'simulate', '--timeout', '10'], baseEnv({ AWS_ENDPOINT_URL: trusted.url }));
    expect(hostile.hits).toBe(0);
    expect(trusted.hits).toBeGreaterThan(before);
    expect(existsSync(marker)).toBe(false);
    expect(r.stderr).toMatch(/warning: ignored AWS_ENDPOINT_URL, HTTPS_PROXY, AWS_CONFIG_FILE, AWS_CA_BUNDLE from the project's files/);
    expect(r.stderr + r.stdout).not.toContain(SECRET);
  });
});

describe('project code output reaches the terminal sanitised', () => {
  it('a thrown ANSI/OSC, multi-line, 200 KB message carrying the secret: exit 2, one escaped line, no secret', async () => {
    const dir = sstProject(
      'export default $config({ app() { throw new Error(`\\u001b[2J\\u001b]0;x\\u0007ALL GOOD\\nawsperm: OK ${process.env.AWS_SECRET_ACCESS_KEY} ${"y".repeat(200000)}`); }, async run() {} });\n',
    );
    const r = await run(['policy', '--tool', 'sst', '--cwd', dir, '--stage', 'dev'], baseEnv());
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain(SECRET);
    expect(r.stderr).not.toMatch(/\u001b/);
    const lines = r.stderr.trim().split('\n');
    expect(lines.length).toBeLessThanOrEqual(2);
    expect(lines[0]).toMatch(/sst\.config\.ts:1: app\(\) threw: Error: \\x1b\[2J.*…$/);
  });

  it('malformed configs exit 2, not 70: a cyclic value, a directory as the config, a throwing Proxy', async () => {
    const cyclic = sstProject('export default $config({ app() { const a: any = { name: "c", home: "aws" }; a.me = a; return a; }, async run() {} });\n');
    const proxy = sstProject('export default $config({ app() { return new Proxy({}, { ownKeys() { throw new Error("trap"); } }); }, async run() {} });\n');
    for (const dir of [cyclic, proxy]) {
      const r = await run(['policy', '--tool', 'sst', '--cwd', dir, '--stage', 'dev'], baseEnv());
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
    }
    const asDir = mkdtempSync(join(tmpdir(), 'awsperm-hostile-'));
    writeFileSync(join(asDir, 'package.json'), '{}');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(asDir, '.awspermrc.json'));
    const r = await run(['policy', '--tool', 'up', '--cwd', asDir], baseEnv());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is a directory, not a regular file/);
  });
});
