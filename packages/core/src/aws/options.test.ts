import { describe, expect, expectTypeOf, it } from 'vitest';
import type { SchemaCacheOptions } from '../cfn/describe-type.ts';
import type { OnlineSchemaOptions } from '../cloudformation.ts';
import type { ResolveOptions } from '../credentials/types.ts';
import type { LocalOptions } from '../evaluators/local.ts';
import type { SimulateOptions } from '../evaluators/simulate.ts';
import type { getIdentity } from '../identity.ts';
import type { ExplainOptions } from '../credentials/explain.ts';
import { createDeadline } from './deadline.ts';
import { type AwsClientOptions, clientOptionsOf, RequestCounter } from './read-only.ts';

// Checked by the type check (tsc covers src/**/*.test.ts): every AWS call site takes the one options type.
describe('one AWS options type', () => {
  it('is what the evaluators, the identity lookup, DescribeType and the resolver take', () => {
    expectTypeOf<LocalOptions>().toExtend<AwsClientOptions>();
    expectTypeOf<SimulateOptions>().toExtend<AwsClientOptions>();
    expectTypeOf<OnlineSchemaOptions>().toEqualTypeOf<AwsClientOptions & SchemaCacheOptions>();
    expectTypeOf<Parameters<typeof getIdentity>[1]>().toExtend<Omit<AwsClientOptions, 'credentials'>>();
    expectTypeOf<ResolveOptions['env']>().toEqualTypeOf<AwsClientOptions['env']>();
    expectTypeOf<ResolveOptions['deadline']>().toEqualTypeOf<AwsClientOptions['deadline']>();
    expectTypeOf<ResolveOptions['endpointUrl']>().toEqualTypeOf<AwsClientOptions['endpointUrl']>();
    expectTypeOf<ExplainOptions['counter']>().toEqualTypeOf<AwsClientOptions['counter']>();
  });
});

describe('clientOptionsOf: the one builder of every client’s options', () => {
  const credentials = { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' };
  it('keeps every AWS option of a wider object and drops the rest (an evaluator’s principal)', () => {
    const counter = new RequestCounter();
    const deadline = createDeadline(5);
    const wide = { credentials, env: { A: 'b' }, region: 'eu-west-1', endpointUrl: 'http://127.0.0.1:1', counter, deadline, principalArn: 'arn:aws:iam::1:user/x', concurrency: 3 };
    expect(clientOptionsOf(wide, { maxAttempts: 5, retryMode: 'adaptive' })).toEqual({
      credentials,
      env: { A: 'b' },
      region: 'eu-west-1',
      endpointUrl: 'http://127.0.0.1:1',
      counter,
      deadline,
      maxAttempts: 5,
      retryMode: 'adaptive',
    });
  });

  it('the caller’s retry settings win over the call’s defaults; unset ones stay unset', () => {
    expect(clientOptionsOf({ credentials, env: {}, maxAttempts: 2 }, { maxAttempts: 6, retryMode: 'adaptive' })).toEqual({ credentials, env: {}, maxAttempts: 2, retryMode: 'adaptive' });
    expect(clientOptionsOf({ credentials, env: {}, region: null })).toEqual({ credentials, env: {} });
  });
});
