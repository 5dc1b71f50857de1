import type { AdapterAws } from '../adapter.ts';
import { awsErrorCode, classifyFailure, failureOptions, withoutSdkNotes } from '../credentials/failure.ts';
import { AwspermError } from '../errors.ts';
import { INPUT_LIMITS } from '../files.ts';
import { terminalSafe } from '../sanitize.ts';
import type { Deadline } from './deadline.ts';
import { type AwsClientOptions, createS3Client, createSsmClient } from './read-only.ts';

const DENIED = /AccessDenied|UnauthorizedOperation|NotAuthorized|Forbidden/i;

/** Turns a failed call into a one-line awsperm error naming the call; AWS's own message text is never echoed. */
function failure(error: unknown, what: string, deadline: Deadline | undefined): AwspermError {
  if (AwspermError.is(error)) return withoutSdkNotes(error);
  const code = deadline?.signal.aborted ? undefined : awsErrorCode(error);
  if (code && DENIED.test(code)) {
    return AwspermError.from('ACCESS_DENIED', { operation: terminalSafe(what), awsCode: terminalSafe(code), grant: 'tool-state' }, { cause: error });
  }
  const c = classifyFailure(error, what, { deadline });
  // classifyFailure's fallback speaks of credentials; an AWS error code here is the service refusing the call.
  if (c.code === 'CREDENTIALS_UNAVAILABLE' && code) {
    return new AwspermError('AWS_UNAVAILABLE', terminalSafe(`${what} failed (${code})`), {
      data: { operation: terminalSafe(what), detail: `failed (${terminalSafe(code)})`, reason: 'failed' },
      cause: error,
    });
  }
  return new AwspermError(c.code, terminalSafe(c.message), { ...failureOptions(c), ...(c.hint ? { hint: terminalSafe(c.hint) } : {}), cause: error });
}

function gunzip(bytes: Uint8Array, what: string): Uint8Array {
  try {
    return process.getBuiltinModule('node:zlib').gunzipSync(bytes, { maxOutputLength: INPUT_LIMITS.state });
  } catch (cause) {
    const tooLarge = (cause as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
    throw AwspermError.from(
      'AWS_RESPONSE_INVALID',
      {
        operation: terminalSafe(what),
        detail: tooLarge ? `the object is larger than ${INPUT_LIMITS.state / 1024 / 1024} MiB when decompressed` : 'the object says Content-Encoding gzip but is not gzip data',
        reason: 'object',
      },
      { cause },
    );
  }
}

/**
 * The adapters' read-only AWS facility ({@link AdapterAws}) of a live run. `options` supplies the run's client options
 * (credentials, region, endpoint, deadline, request counter); it is called at the first request, once, so a run
 * whose adapter reads nothing resolves nothing for it. Each call uses a guarded client of its own (destroyed after),
 * and answers are cached for the run.
 */
export function createAdapterAws(options: () => Promise<AwsClientOptions>): AdapterAws {
  let resolved: Promise<AwsClientOptions> | undefined;
  const opts = () => (resolved ??= options());
  const cache = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, call: () => Promise<T>): Promise<T> => {
    let p = cache.get(key) as Promise<T> | undefined;
    if (!p) {
      p = call();
      cache.set(key, p);
    }
    return p;
  };
  return {
    getParameter(name) {
      return once(`ssm\0${name}`, async () => {
        const o = await opts();
        const what = `ssm:GetParameter ${name}`;
        const { GetParameterCommand } = await import('@aws-sdk/client-ssm');
        const ssm = await createSsmClient(o);
        try {
          const out = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: false }));
          return out.Parameter?.Value;
        } catch (error) {
          if (awsErrorCode(error) === 'ParameterNotFound') return undefined;
          throw failure(error, what, o.deadline);
        } finally {
          ssm.destroy();
        }
      });
    },
    getObject(bucket, key) {
      return once(`s3\0${bucket}\0${key}`, async () => {
        const o = await opts();
        const what = `s3:GetObject s3://${bucket}/${key}`;
        const { GetObjectCommand } = await import('@aws-sdk/client-s3');
        const s3 = await createS3Client(o);
        try {
          const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
          const bytes = (await out.Body?.transformToByteArray()) ?? new Uint8Array();
          return out.ContentEncoding && /\bgzip\b/i.test(out.ContentEncoding) ? gunzip(bytes, what) : bytes;
        } catch (error) {
          if (AwspermError.is(error)) throw withoutSdkNotes(error);
          const code = awsErrorCode(error);
          if (code === 'NoSuchKey' || code === 'NoSuchBucket') return undefined;
          throw failure(error, what, o.deadline);
        } finally {
          s3.destroy();
        }
      });
    },
  };
}
