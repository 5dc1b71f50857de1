import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanEnv,
  keysSection,
  makeHome,
  type MotoServer,
  processScript,
  runProcess,
  type SeededUser,
  seedUser,
  startMoto,
  type TempHome,
} from '../../core/test/moto/harness.ts';

const bin = fileURLToPath(new URL('../bin/awsperm.js', import.meta.url));
const root = fileURLToPath(new URL('../../../', import.meta.url));
const example = join(root, 'examples/up-app');
const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKENdoNotPrintMe0123456789';

let moto: MotoServer;
let env: SeededUser;
let file: SeededUser;
let proc: SeededUser;
let home: TempHome;

beforeAll(async () => {
  moto = await startMoto();
  [env, file, proc] = await Promise.all([
    seedUser(moto.endpoint, 'secret-env'),
    seedUser(moto.endpoint, 'secret-file'),
    seedUser(moto.endpoint, 'secret-proc'),
  ]);
  home = makeHome({ credentials: keysSection('default', file) + keysSection('filekeys', file) });
  const processOutput = JSON.stringify({ Version: 1, AccessKeyId: proc.accessKeyId, SecretAccessKey: proc.secretAccessKey });
  home.write('.aws/config', `[profile proc]\ncredential_process = ${processScript(home, 'creds', processOutput)}\n[profile broken]\ncredential_process = ${processScript(home, 'junk', `oops ${proc.secretAccessKey}`)}\n`);
});

afterAll(async () => {
  await moto?.stop();
  home?.cleanup();
});

/** Every command × format, and error paths, with secrets in the environment, the files and a credential process. */
function runs(): { name: string; args: string[]; extra: Record<string, string> }[] {
  const project = mkdtempSync(join(tmpdir(), 'awsperm-secrets-'));
  writeFileSync(join(project, 'up.json'), '{ "name": "secrets-app", "profile": "filekeys", "regions": ["eu-west-1"] }');
  const envKeys = { AWS_ACCESS_KEY_ID: env.accessKeyId, AWS_SECRET_ACCESS_KEY: env.secretAccessKey, AWS_SESSION_TOKEN: SESSION_TOKEN };
  const policy = join(example, 'policies/deployer.json');
  const list: { name: string; args: string[]; extra: Record<string, string> }[] = [];
  for (const format of ['text', 'json']) {
    list.push({ name: `whoami env keys ${format}`, args: ['whoami', '--format', format], extra: envKeys });
    list.push({ name: `whoami up ${format}`, args: ['whoami', '--tool', 'up', '--cwd', project, '--format', format], extra: envKeys });
    list.push({ name: `whoami file ${format}`, args: ['whoami', '--profile', 'filekeys', '--format', format], extra: {} });
    list.push({ name: `whoami process ${format}`, args: ['whoami', '--profile', 'proc', '--format', format], extra: {} });
    list.push({ name: `whoami broken process ${format}`, args: ['whoami', '--profile', 'broken', '--format', format], extra: {} });
    list.push({ name: `whoami missing profile ${format}`, args: ['whoami', '--profile', 'nope', '--format', format], extra: envKeys });
    list.push({ name: `lint ${format}`, args: ['lint', policy, '--format', format], extra: envKeys });
    list.push({ name: `adapters ${format}`, args: ['adapters', '--format', format], extra: envKeys });
  }
  for (const format of ['text', 'json', 'markdown']) {
    list.push({ name: `check ${format}`, args: ['check', '--cwd', project, '--policy', policy, '--format', format], extra: envKeys });
  }
  for (const format of ['json', 'terraform', 'cloudformation']) {
    list.push({ name: `policy ${format}`, args: ['policy', '--cwd', project, '--format', format], extra: envKeys });
  }
  list.push({ name: 'check error --debug', args: ['check', '--cwd', project, '--policy', '/missing.json', '--debug'], extra: envKeys });
  list.push({ name: 'whoami unreachable --debug', args: ['whoami', '--endpoint-url', 'http://127.0.0.1:9', '--debug'], extra: envKeys });
  return list;
}

describe('no secret in any output', () => {
  it('holds for every command, format and error path', async () => {
    const secrets = [env, file, proc].flatMap((u) => [u.secretAccessKey, u.accessKeyId]).concat(SESSION_TOKEN);
    const all = runs();
    const results = await Promise.all(
      all.map(async (run) => ({ run, result: await runProcess(process.execPath, [bin, ...run.args], cleanEnv(home, run.extra, moto.endpoint), { cwd: root }) })),
    );
    let whoamiOk = 0;
    for (const { run, result } of results) {
      const output = result.stdout + result.stderr;
      for (const secret of secrets) expect(output.includes(secret), `${run.name} printed a secret`).toBe(false);
      if (run.name.startsWith('whoami') && result.code === 0) whoamiOk++;
    }
    // The successful whoami runs really used the credentials (so the check above is not vacuous).
    expect(whoamiOk).toBeGreaterThanOrEqual(8);
  });
});
