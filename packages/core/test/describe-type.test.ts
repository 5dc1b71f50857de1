import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCloudFormationClient, isReadOnlyOperation, RequestCounter } from '../src/aws/read-only.ts';
import { defaultSchemaCacheDir, describeTypes, type OnlineSchemaOptions } from '../src/cfn/describe-type.ts';
import { createHandlerResolver } from '../src/cfn/resolver.ts';
import { AwspermError } from '../src/errors.ts';
import { type DescribeTypeServer, startDescribeTypeServer } from './describe-type-server.ts';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYTESTSECRET0';
const credentials = { accessKeyId: 'AKIATESTDESCRIBETYPE', secretAccessKey: SECRET, sessionToken: 'FwoGZXIvYXdzEXAMPLESESSIONTOKEN' };
const WIDGET = {
  typeName: 'Acme::Widget::Thing',
  properties: { Id: { type: 'string' } },
  handlers: {
    create: { permissions: ['s3:GetObject', ' Lambda:InvokeFunction'] },
    update: { permissions: ['s3:GetObject'] },
    delete: { permissions: [] },
  },
};
const LEGACY = { typeName: 'AWS::Old::Thing', properties: {} };

let server: DescribeTypeServer;
const dirs: string[] = [];
beforeAll(async () => {
  server = await startDescribeTypeServer();
});
afterAll(async () => {
  await server.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
afterEach(() => {
  server.calls.length = 0;
  server.script = { schemas: { 'Acme::Widget::Thing': WIDGET, 'AWS::Old::Thing': LEGACY } };
});

function online(extra: Partial<OnlineSchemaOptions> = {}): OnlineSchemaOptions & { cacheDir: string } {
  const cacheDir = mkdtempSync(join(tmpdir(), 'awsperm-cfn-cache-'));
  dirs.push(cacheDir);
  return { credentials, env: {}, region: 'eu-west-1', endpointUrl: server.endpoint, cacheDir, ...extra };
}

function cacheFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

describe('cloudformation:DescribeType', () => {
  it('is on the read-only allow-list; other CloudFormation calls are refused before a request leaves', async () => {
    expect(isReadOnlyOperation('cloudformation', 'DescribeType')).toBe(true);
    expect(isReadOnlyOperation('cloudformation', 'CreateStack')).toBe(false);
    expect(isReadOnlyOperation('cloudformation', 'DescribeStacks')).toBe(false);
    const { DeleteStackCommand } = await import('@aws-sdk/client-cloudformation');
    const counter = new RequestCounter();
    const cfn = await createCloudFormationClient({ credentials, env: { AWS_ENDPOINT_URL_CLOUDFORMATION: server.endpoint }, counter });
    const error = await cfn.send(new DeleteStackCommand({ StackName: 'prod' })).catch((e: unknown) => e);
    expect(AwspermError.is(error) && error.code).toBe('READ_ONLY_VIOLATION');
    expect(server.calls).toHaveLength(0);
    expect(counter.count).toBe(0);
    cfn.destroy();
  });

  it('reads a type’s handlers, signs with the given credentials at AWS_ENDPOINT_URL_CLOUDFORMATION, and caches them', async () => {
    server.script.schemas = { 'Acme::Widget::Thing': WIDGET };
    const options = online({ endpointUrl: undefined, env: { AWS_ENDPOINT_URL_CLOUDFORMATION: server.endpoint } });
    const warnings: string[] = [];
    const found = await describeTypes(['Acme::Widget::Thing'], options, (w) => warnings.push(w));
    expect(warnings).toEqual([]);
    expect(found.get('Acme::Widget::Thing')).toMatchObject({
      region: 'eu-west-1',
      handlers: { create: ['lambda:InvokeFunction', 's3:GetObject'], update: ['s3:GetObject'], delete: [] },
      versionId: '00000042',
      lastUpdated: '2026-11-20T10:00:00.000Z',
      cached: false,
    });
    expect(server.calls).toHaveLength(1);
    expect(server.calls[0]!.params.get('Type')).toBe('RESOURCE');
    expect(server.calls[0]!.params.get('TypeName')).toBe('Acme::Widget::Thing');
    expect(server.calls[0]!.authorization).toContain('Credential=AKIATESTDESCRIBETYPE/');
    expect(server.calls[0]!.authorization).toContain('/eu-west-1/cloudformation/aws4_request');
    expect(cacheFiles(options.cacheDir)).toEqual([join(options.cacheDir, 'eu-west-1', 'Acme_Widget_Thing.json')]);
  });

  it('answers from the cache without a request, and the cache holds only public schema data', async () => {
    const options = online();
    await describeTypes(['Acme::Widget::Thing', 'AWS::Old::Thing'], options, () => undefined);
    expect(server.calls).toHaveLength(2);
    server.calls.length = 0;
    const counter = new RequestCounter();
    const again = await describeTypes(['Acme::Widget::Thing', 'AWS::Old::Thing'], { ...options, counter }, () => undefined);
    expect(server.calls).toHaveLength(0);
    expect(counter.count).toBe(0);
    expect(again.get('Acme::Widget::Thing')).toMatchObject({ cached: true, versionId: '00000042', handlers: { delete: [] } });
    expect(again.get('AWS::Old::Thing')).toMatchObject({ cached: true, handlers: undefined });
    for (const file of cacheFiles(options.cacheDir)) {
      const text = readFileSync(file, 'utf8');
      for (const secret of [SECRET, credentials.sessionToken, credentials.accessKeyId, '123456789012']) expect(text).not.toContain(secret);
      expect(Object.keys(JSON.parse(text)).sort()).toEqual(['fetchedAt', 'handlers', 'lastUpdated', 'region', 'typeName', 'versionId']);
    }
  });

  it('keys the cache by region, and asks again once an entry is older than the maximum age', async () => {
    const options = online();
    await describeTypes(['Acme::Widget::Thing'], options, () => undefined);
    await describeTypes(['Acme::Widget::Thing'], { ...options, region: 'us-west-2' }, () => undefined);
    expect(server.calls).toHaveLength(2);
    const file = join(options.cacheDir, 'eu-west-1', 'Acme_Widget_Thing.json');
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...doc, fetchedAt: new Date(Date.now() - 8 * 24 * 3600 * 1000).toISOString() }));
    await describeTypes(['Acme::Widget::Thing'], options, () => undefined);
    expect(server.calls).toHaveLength(3);
    writeFileSync(file, '{ not json');
    await describeTypes(['Acme::Widget::Thing'], options, () => undefined);
    expect(server.calls).toHaveLength(4);
  });

  it('leaves a type the registry does not know unresolved, without a warning', async () => {
    const warnings: string[] = [];
    const found = await describeTypes(['Nobody::Knows::This'], online(), (w) => warnings.push(w));
    expect(found.size).toBe(0);
    expect(warnings).toEqual([]);
    expect(server.calls).toHaveLength(1);
  });

  it('retries throttling', async () => {
    server.script.throttleFirst = 1;
    const found = await describeTypes(['Acme::Widget::Thing'], online(), () => undefined);
    expect(found.has('Acme::Widget::Thing')).toBe(true);
    expect(server.calls).toHaveLength(2);
  });

  it('on AccessDenied says so once, stops asking, and leaves the types unresolved', async () => {
    server.script.deny = true;
    const warnings: string[] = [];
    const types = ['Acme::Widget::A', 'Acme::Widget::B', 'Acme::Widget::C', 'Acme::Widget::D', 'Acme::Widget::E', 'Acme::Widget::F'];
    const found = await describeTypes(types, online({ maxAttempts: 1 }), (w) => warnings.push(w));
    expect(found.size).toBe(0);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^cloudformation:DescribeType failed \(AccessDenied: .*\); 6 resource types left unresolved\. Grant cloudformation:DescribeType/);
    expect(warnings[0]).not.toContain(SECRET);
    // At most one call per concurrent worker before the denial stops the others.
    expect(server.calls.length).toBeLessThanOrEqual(4);
  });

  it('stops at an unreachable endpoint with one warning', async () => {
    const { freePort } = await import('@awsperm/test-utils/moto');
    const closed = `http://127.0.0.1:${await freePort()}`;
    const warnings: string[] = [];
    const found = await describeTypes(['Acme::A::B', 'Acme::C::D', 'Acme::E::F'], online({ endpointUrl: closed, maxAttempts: 1 }), (w) => warnings.push(w));
    expect(found.size).toBe(0);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^cloudformation:DescribeType failed \(ECONNREFUSED: .*\); 3 resource types left unresolved\./);
  });

  it('reports a schema it cannot read for that type only, and caches nothing for it', async () => {
    server.script.schemas = { 'Acme::Widget::Thing': WIDGET, 'Acme::Broken::Thing': '{ not json' };
    const options = online();
    const warnings: string[] = [];
    const found = await describeTypes(['Acme::Broken::Thing', 'Acme::Widget::Thing'], options, (w) => warnings.push(w));
    expect([...found.keys()]).toEqual(['Acme::Widget::Thing']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^cloudformation:DescribeType Acme::Broken::Thing: not a JSON resource schema .*; the type is unresolved$/);
    expect(cacheFiles(options.cacheDir)).toEqual([join(options.cacheDir, 'eu-west-1', 'Acme_Widget_Thing.json')]);
  });

  it('does not ask for names that are not resource type names', async () => {
    const found = await describeTypes(['Custom::Thing', '../../etc/passwd', 'AWS::S3'], online(), () => undefined);
    expect(found.size).toBe(0);
    expect(server.calls).toHaveLength(0);
  });

  it('caches under $XDG_CACHE_HOME, else ~/.cache', () => {
    expect(defaultSchemaCacheDir({ XDG_CACHE_HOME: '/x/cache', HOME: '/home/u' })).toBe(join('/x/cache', 'awsperm', 'cfn-schemas'));
    expect(defaultSchemaCacheDir({ HOME: '/home/u' })).toBe(join('/home/u', '.cache', 'awsperm', 'cfn-schemas'));
  });
});

describe('createHandlerResolver online', () => {
  it('asks DescribeType only for types nothing local knows, and reports them with their source', async () => {
    const warnings: string[] = [];
    const resolver = createHandlerResolver({ online: online(), onWarning: (w) => warnings.push(w) });
    const resolved = await resolver.resolve(['AWS::S3::Bucket', 'Custom::X', 'Acme::Widget::Thing', 'AWS::Old::Thing', 'Nobody::Knows::This']);
    expect(server.calls.map((c) => c.params.get('TypeName')).sort()).toEqual(['AWS::Old::Thing', 'Acme::Widget::Thing', 'Nobody::Knows::This']);
    expect(resolved.get('AWS::S3::Bucket')!.source.kind).toBe('builtin');
    expect(resolved.get('Custom::X')!.source.kind).toBe('overlay');
    expect(resolved.get('Acme::Widget::Thing')).toMatchObject({
      source: { kind: 'describe-type', title: 'cloudformation:DescribeType Acme::Widget::Thing in eu-west-1 (version 00000042)' },
      handlers: { create: ['lambda:InvokeFunction', 's3:GetObject'] },
    });
    // A schema without handlers, and an unknown type, stay unresolved for the caller to report.
    expect(resolved.has('AWS::Old::Thing')).toBe(false);
    expect(resolved.has('Nobody::Knows::This')).toBe(false);
    expect(warnings).toEqual([]);
  });

  it('passes the denial to onWarning and still answers what it knows locally', async () => {
    server.script.deny = true;
    const warnings: string[] = [];
    const resolver = createHandlerResolver({ online: online({ maxAttempts: 1 }), onWarning: (w) => warnings.push(w) });
    const resolved = await resolver.resolve(['AWS::SQS::Queue', 'Acme::Widget::Thing']);
    expect([...resolved.keys()]).toEqual(['AWS::SQS::Queue']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('AccessDenied');
  });
});
