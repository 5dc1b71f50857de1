import { describe, expect, it } from 'vitest';
import { createDeadline, deadlineClientConfig, describeAttempt } from './deadline.ts';

describe('deadline', () => {
  it('starts its clock at the first use, and aborts when the time is up', async () => {
    const d = createDeadline(0.05);
    await new Promise((r) => setTimeout(r, 80));
    // Not used yet: the full time is left.
    expect(d.remainingMs()).toBeGreaterThan(30);
    expect(d.signal.aborted).toBe(false);
    await new Promise((r) => setTimeout(r, 120));
    expect(d.remainingMs()).toBe(0);
    expect(d.signal.aborted).toBe(true);
  });

  it('describes failed attempts without their messages when there is a code or a status', () => {
    expect(describeAttempt(Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } }))).toBe('Throttling (HTTP 400)');
    expect(describeAttempt(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe('ECONNRESET');
    expect(describeAttempt(new Error(`first line\nsecond line ${'x'.repeat(200)}`))).toBe('first line');
  });

  it('without a deadline, only the attempts and retry mode; with one, a request handler and a retry strategy', async () => {
    expect(await deadlineClientConfig(undefined, { maxAttempts: 3, retryMode: 'adaptive' })).toEqual({ maxAttempts: 3, retryMode: 'adaptive' });
    const config = await deadlineClientConfig(createDeadline(5), { maxAttempts: 3, retryMode: 'adaptive' });
    expect(config.maxAttempts).toBe(3);
    expect(config.retryMode).toBeUndefined();
    expect(typeof (config.requestHandler as { handle?: unknown }).handle).toBe('function');
    expect(typeof (config.retryStrategy as { refreshRetryTokenForRetry?: unknown }).refreshRetryTokenForRetry).toBe('function');
  });

  it('stops retrying once the deadline has passed, remembering the last failure', async () => {
    const d = createDeadline(0.05);
    const { retryStrategy } = (await deadlineClientConfig(d, { maxAttempts: 5 })) as {
      retryStrategy: { acquireInitialRetryToken(s: string): Promise<unknown>; refreshRetryTokenForRetry(t: unknown, i: unknown): Promise<unknown> };
    };
    const token = await retryStrategy.acquireInitialRetryToken('');
    const info = { errorType: 'THROTTLING', error: Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } }) };
    // Before the deadline: the failure is remembered.
    await retryStrategy.refreshRetryTokenForRetry(token, info).catch(() => undefined);
    expect(d.lastFailure).toBe('Throttling (HTTP 400)');
    await new Promise((r) => setTimeout(r, 80));
    await expect(retryStrategy.refreshRetryTokenForRetry(token, info)).rejects.toThrow(/deadline/);
  });
});
