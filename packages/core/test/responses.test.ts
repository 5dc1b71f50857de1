import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createDeadline } from '../src/aws/deadline.ts';
import { AwspermError } from '../src/errors.ts';
import { getIdentity } from '../src/identity.ts';

// Hostile endpoints (loopback only): an HTML page labelled text/xml, and a body announced as 2 GB.
const servers: Server[] = [];
afterAll(() => {
  for (const s of servers) s.close();
});

function serve(handler: (res: import('node:http').ServerResponse) => void): Promise<string> {
  return new Promise((resolve) => {
    const server = createServer((req, res) => {
      req.resume();
      handler(res);
    });
    servers.push(server);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

async function identityError(endpointUrl: string): Promise<AwspermError> {
  const error = await getIdentity(
    { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'secretsecretsecretsecretsecretsecret1234' },
    { env: { AWS_EC2_METADATA_DISABLED: 'true' }, endpointUrl, deadline: createDeadline(10) },
  ).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!AwspermError.is(error)) throw new Error(`expected an AwspermError, got ${String(error)}`);
  return error;
}

describe('AWS responses are bounded and checked', () => {
  it('an HTML page sent as text/xml is refused as not an AWS response', async () => {
    const url = await serve((res) => {
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end('<!DOCTYPE html><html><body>Sign in to the Wi-Fi</body></html>');
    });
    const e = await identityError(url);
    expect(e.code).toBe('AWS_RESPONSE_INVALID');
    expect(e.message).toMatch(/answered with an HTML page/);
  });

  it('a body announced as 2 GB is refused before it is read', async () => {
    const url = await serve((res) => {
      res.writeHead(200, { 'content-type': 'text/xml', 'content-length': String(2 * 1024 ** 3) });
      res.write('<GetCallerIdentityResponse>');
    });
    const e = await identityError(url);
    expect(e.code).toBe('AWS_RESPONSE_INVALID');
    expect(e.message).toMatch(/larger than 16 MiB/);
  });

  it('a streamed body past the cap is cut', async () => {
    const url = await serve((res) => {
      res.writeHead(200, { 'content-type': 'text/xml' });
      const chunk = Buffer.alloc(1024 * 1024, 'a');
      let sent = 0;
      const more = (): void => {
        while (sent < 40 && res.write(chunk)) sent++;
        if (sent < 40) res.once('drain', more);
        else res.end();
      };
      more();
    });
    const e = await identityError(url);
    expect(e.code).toBe('AWS_RESPONSE_INVALID');
    expect(e.message).toMatch(/larger than 16 MiB/);
  }, 30_000);
});
