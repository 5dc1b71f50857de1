import { describe, expectTypeOf, it } from 'vitest';
import type { SchemaCacheOptions } from '../cfn/describe-type.ts';
import type { OnlineSchemaOptions } from '../cloudformation.ts';
import type { ResolveOptions } from '../credentials/types.ts';
import type { LocalOptions } from '../evaluators/local.ts';
import type { SimulateOptions } from '../evaluators/simulate.ts';
import type { getIdentity } from '../identity.ts';
import type { AwsClientOptions } from './read-only.ts';

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
  });
});
