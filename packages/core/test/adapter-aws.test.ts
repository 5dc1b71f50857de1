import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, homeTracker, type MotoServer, type SeededUser, seedUser, startMoto } from '@awsperm/test-utils/moto';
import type { AdapterContext, AwspermAdapterV2 } from '../src/adapter.ts';
import { createAdapterAws } from '../src/aws/adapter-aws.ts';
import { AWSPERM_READ_POLICY, createS3Client, createSsmClient, isReadOnlyOperation, RequestCounter } from '../src/aws/read-only.ts';
import { AwspermError } from '../src/errors.ts';
import { INPUT_LIMITS } from '../src/files.ts';
import { check } from '../src/session/check.ts';
import { policy } from '../src/session/policy.ts';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYADAPTERAWS';
const REGION = 'eu-west-1';
const BUCKET = 'tool-state-abc123';
const seedCredentials = { accessKeyId: 'AKIAMOTOSEED00000000', secretAccessKey: 'moto-seed-secret' };
const credentials = { accessKeyId: 'AKIATESTADAPTERAWS01', secretAccessKey: SECRET };

let moto: MotoServer;
const homes = homeTracker();
const dirs: string[] = [];
afterAll(async () => {
  await moto?.stop();
  homes.cleanup();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const STATE = JSON.stringify({ version: 3, checkpoint: { stack: 'org/app/dev', latest: { resources: [{ urn: 'urn:a', type: 't', outputs: { k: SECRET } }] } } });
// Over the decompressed bound, tiny compressed.
const BOMB = gzipSync(Buffer.alloc(INPUT_LIMITS.state + 1024));

beforeAll(async () => {
  moto = await startMoto();
  const { SSMClient, PutParameterCommand } = await import('@aws-sdk/client-ssm');
  const { S3Client, CreateBucketCommand, PutObjectCommand } = await import('@aws-sdk/client-s3');
  const seed = { region: REGION, endpoint: moto.endpoint, credentials: seedCredentials, maxAttempts: 1 };
  const ssm = new SSMClient(seed);
  await ssm.send(new PutParameterCommand({ Name: '/tool/bootstrap', Type: 'String', Value: JSON.stringify({ state: BUCKET }) }));
  await ssm.send(new PutParameterCommand({ Name: '/tool/passphrase', Type: 'SecureString', Value: SECRET }));
  ssm.destroy();
  const s3 = new S3Client({ ...seed, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }));
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'app/shop/dev.json', Body: STATE, ContentType: 'application/json' }));
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'app/shop/gz.json', Body: gzipSync(STATE), ContentType: 'application/json', ContentEncoding: 'gzip' }));
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'app/shop/page.html', Body: '<!doctype html><html></html>', ContentType: 'text/html' }));
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'app/shop/bomb.json', Body: BOMB, ContentEncoding: 'gzip' }));
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'app/shop/fake-gzip.json', Body: STATE, ContentEncoding: 'gzip' }));
  s3.destroy();
}, 60_000);

const text = (bytes: Uint8Array | undefined) => (bytes === undefined ? undefined : new TextDecoder().decode(bytes));

describe('the adapters’ AWS facility against moto', () => {
  const facility = (counter?: RequestCounter, env: Record<string, string> = { AWS_ENDPOINT_URL: moto.endpoint }) =>
    createAdapterAws(async () => ({ credentials, env, region: REGION, ...(counter ? { counter } : {}) }));

  it('is on the allow-list and in the read policy, as AwspermToolState', () => {
    expect(isReadOnlyOperation('ssm', 'GetParameter')).toBe(true);
    expect(isReadOnlyOperation('s3', 'GetObject')).toBe(true);
    for (const op of ['GetParameters', 'GetParametersByPath', 'PutParameter', 'DeleteParameter']) expect(isReadOnlyOperation('ssm', op), op).toBe(false);
    for (const op of ['PutObject', 'DeleteObject', 'ListObjectsV2', 'GetObjectAcl', 'CreateSession']) expect(isReadOnlyOperation('s3', op), op).toBe(false);
    const statement = [AWSPERM_READ_POLICY.Statement].flat().find((s) => s.Sid === 'AwspermToolState');
    expect(statement?.Action).toEqual(['ssm:GetParameter', 's3:GetObject']);
  });

  it('reads a parameter as stored, without decryption; a missing one is undefined', async () => {
    const counter = new RequestCounter();
    const aws = facility(counter);
    expect(JSON.parse((await aws.getParameter('/tool/bootstrap'))!)).toEqual({ state: BUCKET });
    const secure = await aws.getParameter('/tool/passphrase');
    expect(secure).toBeDefined();
    expect(secure).not.toBe(SECRET);
    expect(await aws.getParameter('/tool/nothing-here')).toBeUndefined();
    const before = counter.count;
    expect(before).toBe(3);
    // Cached for the run.
    await aws.getParameter('/tool/bootstrap');
    expect(counter.count).toBe(before);
  });

  it('reads an object, gunzips a gzip one, and answers undefined for a missing key or bucket', async () => {
    const counter = new RequestCounter();
    const aws = facility(counter, { AWS_ENDPOINT_URL_S3: moto.endpoint });
    expect(text(await aws.getObject(BUCKET, 'app/shop/dev.json'))).toBe(STATE);
    expect(text(await aws.getObject(BUCKET, 'app/shop/gz.json'))).toBe(STATE);
    // S3 objects come in any content type: an HTML object is an object, not a captive portal.
    expect(text(await aws.getObject(BUCKET, 'app/shop/page.html'))).toContain('<html>');
    expect(await aws.getObject(BUCKET, 'app/shop/none.json')).toBeUndefined();
    expect(await aws.getObject('no-such-bucket-xyz', 'app/shop/dev.json')).toBeUndefined();
    expect(counter.count).toBe(5);
  });

  it('refuses an object beyond the decompressed bound, and gzip that is not gzip, in one line', async () => {
    const aws = facility();
    const bomb = (await aws.getObject(BUCKET, 'app/shop/bomb.json').catch((e: unknown) => e)) as AwspermError;
    expect(bomb.code).toBe('AWS_RESPONSE_INVALID');
    expect(bomb.message).toBe(`s3:GetObject s3://${BUCKET}/app/shop/bomb.json: the object is larger than 32 MiB when decompressed`);
    const fake = (await aws.getObject(BUCKET, 'app/shop/fake-gzip.json').catch((e: unknown) => e)) as AwspermError;
    expect(fake.code).toBe('AWS_RESPONSE_INVALID');
    expect(fake.message).toMatch(/Content-Encoding gzip but is not gzip data$/);
  });

  it('refuses any other SSM or S3 operation before a request leaves', async () => {
    const { PutObjectCommand, ListObjectsV2Command } = await import('@aws-sdk/client-s3');
    const { PutParameterCommand, GetParametersByPathCommand } = await import('@aws-sdk/client-ssm');
    const counter = new RequestCounter();
    const options = { credentials, env: { AWS_ENDPOINT_URL: moto.endpoint }, region: REGION, counter };
    const s3 = await createS3Client(options);
    const ssm = await createSsmClient(options);
    for (const send of [
      () => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'app/shop/dev.json', Body: 'overwritten' })),
      () => s3.send(new ListObjectsV2Command({ Bucket: BUCKET })),
      () => ssm.send(new PutParameterCommand({ Name: '/tool/bootstrap', Value: 'x', Overwrite: true, Type: 'String' })),
      () => ssm.send(new GetParametersByPathCommand({ Path: '/tool' })),
    ]) {
      const error = await send().catch((e: unknown) => e);
      expect(AwspermError.is(error) && error.code).toBe('READ_ONLY_VIOLATION');
    }
    expect(counter.count).toBe(0);
    s3.destroy();
    ssm.destroy();
    expect(text(await facility().getObject(BUCKET, 'app/shop/dev.json'))).toBe(STATE);
    expect(JSON.parse((await facility().getParameter('/tool/bootstrap'))!)).toEqual({ state: BUCKET });
  });
});

/** A loopback server answering every request with one scripted response. */
async function scripted(): Promise<{ endpoint: string; answer: (status: number, headers: Record<string, string>, body: string) => void; close: () => Promise<void> }> {
  let reply = { status: 200, headers: {} as Record<string, string>, body: '' };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(reply.status, reply.headers);
      res.end(reply.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    answer: (status, headers, body) => {
      reply = { status, headers, body };
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe('the facility’s errors and response checks (loopback server)', () => {
  let srv: Awaited<ReturnType<typeof scripted>>;
  beforeAll(async () => {
    srv = await scripted();
  });
  afterAll(() => srv.close());
  const aws = () => createAdapterAws(async () => ({ credentials, env: { AWS_ENDPOINT_URL: srv.endpoint }, region: REGION, maxAttempts: 1 }));
  const JSON11 = { 'content-type': 'application/x-amz-json-1.1' };

  it('a denied read is ACCESS_DENIED naming the call, with nothing of AWS’s message and no secret', async () => {
    srv.answer(400, JSON11, JSON.stringify({ __type: 'AccessDeniedException', message: `User: arn:aws:iam::123456789012:user/ci is not authorized ${SECRET}` }));
    const ssm = (await aws().getParameter('/tool/bootstrap').catch((e: unknown) => e)) as AwspermError;
    expect(ssm.code).toBe('ACCESS_DENIED');
    expect(ssm.message).toBe('ssm:GetParameter /tool/bootstrap was denied (AccessDeniedException)');
    expect(`${ssm.message}${ssm.hint}`).not.toContain(SECRET);
    srv.answer(403, { 'content-type': 'application/xml' }, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied ${SECRET}</Message></Error>`);
    const s3 = (await aws().getObject(BUCKET, 'app/shop/dev.json').catch((e: unknown) => e)) as AwspermError;
    expect(s3.code).toBe('ACCESS_DENIED');
    expect(s3.message).toBe(`s3:GetObject s3://${BUCKET}/app/shop/dev.json was denied (AccessDenied)`);
    expect(`${s3.message}${s3.hint}`).not.toContain(SECRET);
  });

  it('control characters from AWS or the adapter never reach a message raw', async () => {
    srv.answer(400, JSON11, JSON.stringify({ __type: 'AccessDenied\u001b[2J', message: 'x' }));
    const e = (await aws().getParameter('/tool/\u001b]0;pwned\u0007').catch((x: unknown) => x)) as AwspermError;
    expect(e.code).toBe('ACCESS_DENIED');
    expect(e.message).not.toMatch(/[\u0000-\u001f]/);
    expect(e.message).toContain('\\x1b');
  });

  it('an unknown service error is AWS_UNAVAILABLE naming the code, not a credentials problem', async () => {
    srv.answer(400, JSON11, JSON.stringify({ __type: 'InvalidKeyId', message: SECRET }));
    const e = (await aws().getParameter('/tool/bootstrap').catch((x: unknown) => x)) as AwspermError;
    expect(e.code).toBe('AWS_UNAVAILABLE');
    expect(e.message).toBe('ssm:GetParameter /tool/bootstrap failed (InvalidKeyId)');
  });

  it('SSM answers must be JSON: a portal’s HTML or an XML answer is refused', async () => {
    srv.answer(200, { 'content-type': 'text/html' }, '<!doctype html><html>login</html>');
    const html = (await aws().getParameter('/tool/bootstrap').catch((x: unknown) => x)) as AwspermError;
    expect(html.code).toBe('AWS_RESPONSE_INVALID');
    expect(html.message).toBe('ssm:GetParameter: the endpoint answered with text/html, not an AWS response');
    srv.answer(200, { 'content-type': 'text/xml' }, '<GetParameterResponse/>');
    const xml = (await aws().getParameter('/tool/bootstrap').catch((x: unknown) => x)) as AwspermError;
    expect(xml.code).toBe('AWS_RESPONSE_INVALID');
    srv.answer(200, JSON11, '<!DOCTYPE html><html>portal</html>');
    const sniffed = (await aws().getParameter('/tool/bootstrap').catch((x: unknown) => x)) as AwspermError;
    expect(sniffed.code).toBe('AWS_RESPONSE_INVALID');
    expect(sniffed.message).toMatch(/HTML page/);
    srv.answer(200, JSON11, JSON.stringify({ Parameter: { Name: '/tool/bootstrap', Type: 'String', Value: 'ok' } }));
    expect(await aws().getParameter('/tool/bootstrap')).toBe('ok');
  });

  it('an S3 body over the bound is refused by its declared length', async () => {
    srv.answer(200, { 'content-type': 'application/json', 'content-length': String(INPUT_LIMITS.state + 1) }, '');
    const e = (await aws().getObject(BUCKET, 'app/shop/dev.json').catch((x: unknown) => x)) as AwspermError;
    expect(e.code).toBe('AWS_RESPONSE_INVALID');
    expect(e.message).toMatch(/larger than 32 MiB/);
  });
});

describe('the session hands `aws` to adapters in live modes only', () => {
  let user: SeededUser;
  beforeAll(async () => {
    user = await seedUser(moto.endpoint, 'state-reader', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'lambda:GetFunction', Resource: '*' }] });
  });

  /** An adapter whose requirements read the parameter named in the bootstrap and record what the hook saw. */
  function probe(): { adapter: AwspermAdapterV2<null>; seen: { aws: boolean; state?: string; value?: string }[] } {
    const seen: { aws: boolean; state?: string; value?: string }[] = [];
    const adapter: AwspermAdapterV2<null> = {
      apiVersion: 2,
      name: 'probe-adapter',
      tool: 'probe',
      detect: ({ cwd }) => ({ root: cwd, configFile: join(cwd, 'probe.json') }),
      loadProject: ({ cwd }) => ({ root: cwd, configFile: join(cwd, 'probe.json'), name: 'probe', config: null }),
      async requirements(ctx: AdapterContext & { kind: 'documented' | 'precise' }) {
        const value = ctx.aws ? await ctx.aws.getParameter('/tool/bootstrap') : undefined;
        seen.push({ aws: ctx.aws !== undefined, ...(ctx.args.state ? { state: ctx.args.state } : {}), ...(value ? { value } : {}) });
        return {
          kind: ctx.kind,
          fragments: [{ id: 'p', title: 'probe', source: { title: 'test' }, statements: [{ Effect: 'Allow', Action: 'lambda:GetFunction', Resource: '*' }] }],
        };
      },
    };
    return { adapter, seen };
  }

  function project(): string {
    const dir = mkdtempSync(join(tmpdir(), 'awsperm-probe-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'probe.json'), '{}');
    return dir;
  }

  it('check, live: the hook reads AWS with the run’s credentials, counted in the report’s requests', async () => {
    const { adapter, seen } = probe();
    const env = cleanEnv(homes.home(), { AWS_ACCESS_KEY_ID: user.accessKeyId, AWS_SECRET_ACCESS_KEY: user.secretAccessKey, AWS_REGION: REGION }, moto.endpoint);
    const report = await check({ cwd: project(), tool: 'probe', adapters: [adapter], mode: 'local', env });
    expect(report.ok).toBe(true);
    // The precise requirements, the documented ones (for `documentedNotNeeded`), then the precise ones again, scoped
    // to the caller's account once it is known: every hook sees it.
    expect(seen).toEqual([
      { aws: true, value: JSON.stringify({ state: BUCKET }) },
      { aws: true, value: JSON.stringify({ state: BUCKET }) },
      { aws: true, value: JSON.stringify({ state: BUCKET }) },
    ]);
    // The same run without reading: one request fewer (sts:GetCallerIdentity shared, ssm:GetParameter once).
    const quiet = probe();
    const read = quiet.adapter.requirements;
    quiet.adapter.requirements = (ctx) => read({ ...ctx, aws: undefined } as typeof ctx);
    const baseline = await check({ cwd: project(), tool: 'probe', adapters: [quiet.adapter], mode: 'local', env });
    expect(report.requests).toBe(baseline.requests! + 1);
    expect(JSON.stringify(report)).not.toContain(user.secretAccessKey);
  });

  it('check offline and policy: no `aws`; --state arrives absolute, and a missing one is FILE_NOT_FOUND first', async () => {
    const cwd = project();
    const stateFile = join(cwd, 'state.json');
    writeFileSync(stateFile, STATE);
    const policyFile = join(cwd, 'policy.json');
    writeFileSync(policyFile, JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }));
    const env = cleanEnv(homes.home());
    const offline = probe();
    await check({ cwd, tool: 'probe', adapters: [offline.adapter], policy: [policyFile], state: relative(process.cwd(), stateFile), env });
    expect(offline.seen).toEqual([
      { aws: false, state: stateFile },
      { aws: false, state: stateFile },
    ]);
    const printed = probe();
    await policy({ cwd, tool: 'probe', adapters: [printed.adapter], state: stateFile, env });
    expect(printed.seen.every((s) => !s.aws)).toBe(true);
    const missing = probe();
    const error = (await check({ cwd, tool: 'probe', adapters: [missing.adapter], policy: [policyFile], state: join(cwd, 'nope.json'), env }).catch((e: unknown) => e)) as AwspermError;
    expect(error.code).toBe('FILE_NOT_FOUND');
    expect(error.message).toBe(`state file (the state option) not found: ${join(cwd, 'nope.json')}`);
    expect(missing.seen).toEqual([]);
  });
});
