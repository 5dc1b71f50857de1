import type { AdaptiveRetryStrategy } from '@smithy/core/retry';
import type { NodeHttpHandler } from '@smithy/node-http-handler';

type RetryStrategyV2 = Pick<AdaptiveRetryStrategy, 'acquireInitialRetryToken' | 'refreshRetryTokenForRetry' | 'recordSuccess'>;
type RetryToken = Parameters<AdaptiveRetryStrategy['refreshRetryTokenForRetry']>[0];
type RetryErrorInfo = Parameters<AdaptiveRetryStrategy['refreshRetryTokenForRetry']>[1];
type SuccessToken = Parameters<AdaptiveRetryStrategy['recordSuccess']>[0];
type HttpHandlerOptions = NonNullable<Parameters<NodeHttpHandler['handle']>[1]>;

/** The default bound on the whole AWS conversation of one awsperm run, in seconds (`--timeout`). */
export const DEFAULT_TIMEOUT_SECONDS = 30;

/**
 * A bound on the whole AWS conversation of one run — credential exchange, STS and IAM calls, retries included.
 * Every client awsperm makes (and the STS/SSO clients the SDK's credential providers make) sends its requests with
 * this deadline's abort signal and stops retrying when the time is up. The clock starts at the first use (the first
 * client made), so loading awsperm and reading files do not count.
 */
export interface Deadline {
  /** The bound, in seconds. */
  readonly seconds: number;
  /** Aborts when the time is up. */
  readonly signal: AbortSignal;
  /** Milliseconds left (0 when expired). */
  remainingMs(): number;
  /** What the last failed attempt was (`Throttling (HTTP 400)` …), for the message when time runs out. */
  lastFailure: string | undefined;
}

/** A {@link Deadline} of `seconds`, counted from its first use. */
export function createDeadline(seconds: number): Deadline {
  const ms = Math.max(1, Math.round(seconds * 1000));
  let clock: { end: number; signal: AbortSignal } | undefined;
  // AbortSignal.timeout's timer does not keep the process alive.
  const started = () => (clock ??= { end: Date.now() + ms, signal: AbortSignal.timeout(ms) });
  return {
    seconds,
    get signal() {
      return started().signal;
    },
    remainingMs: () => Math.max(0, started().end - Date.now()),
    lastFailure: undefined,
  };
}

/** A short, secret-free description of a failed attempt. */
export function describeAttempt(error: unknown): string {
  const e = (error ?? {}) as { name?: unknown; code?: unknown; message?: unknown; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && typeof e.name === 'string') return `${e.name} (HTTP ${status})`;
  if (typeof e.code === 'string') return e.code;
  return typeof e.name === 'string' && e.name !== 'Error' ? e.name : String(e.message ?? 'error').split('\n')[0]!.slice(0, 100);
}

const MAX_DELAY_MS = 20_000;

/**
 * The SDK's standard retry strategy with its backoff clamped to the time left, and no retry once the deadline has
 * passed: what is retried stays the SDK's decision, the bound is awsperm's. (Not the adaptive strategy: its client-side
 * rate limiter sleeps on timers no abort signal reaches, which would keep the process alive past the deadline.)
 */
async function retryStrategy(deadline: Deadline, maxAttempts: number): Promise<RetryStrategyV2> {
  const { StandardRetryStrategy: Standard } = await import('@smithy/core/retry');
  let base = 50;
  // Full jitter, as the SDK's default backoff: random × min(base × 2^attempt, 20 s); never past the deadline.
  const backoff = {
    computeNextBackoffDelay: (attempt: number) => Math.min(Math.floor(Math.random() * Math.min(base * 2 ** attempt, MAX_DELAY_MS)), deadline.remainingMs()),
    setDelayBase: (delay: number) => {
      base = delay;
    },
  };
  const inner = new Standard({ maxAttempts, backoff }) as unknown as RetryStrategyV2;
  const expired = (): Error => Object.assign(new Error('the deadline has passed'), { name: 'DeadlineExceeded' });
  return {
    acquireInitialRetryToken: (scope: string) => inner.acquireInitialRetryToken(scope),
    async refreshRetryTokenForRetry(token: RetryToken, info: RetryErrorInfo): ReturnType<RetryStrategyV2['refreshRetryTokenForRetry']> {
      // The deadline's own abort is not a failure worth naming.
      if (!deadline.signal.aborted) deadline.lastFailure = describeAttempt(info.error);
      if (deadline.remainingMs() === 0) throw expired();
      const next = await inner.refreshRetryTokenForRetry(token, info);
      if (deadline.remainingMs() === 0) throw expired();
      return next;
    },
    recordSuccess: (token: SuccessToken) => inner.recordSuccess(token),
  };
}

/**
 * Client configuration that binds a client to `deadline`: a Node HTTP handler sending every request with the
 * deadline's abort signal (joined with the caller's), and the deadline-aware retry strategy (which replaces
 * `retryMode`). Without a deadline, only `maxAttempts` and the retry mode.
 */
export async function deadlineClientConfig(
  deadline: Deadline | undefined,
  options: { maxAttempts: number; retryMode?: 'standard' | 'adaptive' },
): Promise<Record<string, unknown>> {
  if (!deadline) return { maxAttempts: options.maxAttempts, ...(options.retryMode ? { retryMode: options.retryMode } : {}) };
  const { NodeHttpHandler: Handler } = await import('@smithy/node-http-handler');
  class DeadlineHttpHandler extends Handler {
    override handle(request: Parameters<NodeHttpHandler['handle']>[0], handlerOptions: HttpHandlerOptions = {}): ReturnType<NodeHttpHandler['handle']> {
      const own = handlerOptions.abortSignal as AbortSignal | undefined;
      const abortSignal = own ? AbortSignal.any([own, deadline!.signal]) : deadline!.signal;
      return super.handle(request, { ...handlerOptions, abortSignal });
    }
  }
  return {
    maxAttempts: options.maxAttempts,
    requestHandler: new DeadlineHttpHandler({ connectionTimeout: Math.max(1, deadline.remainingMs()) }),
    retryStrategy: await retryStrategy(deadline, options.maxAttempts),
  };
}
