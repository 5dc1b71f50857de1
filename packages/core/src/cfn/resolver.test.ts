import { describe, expect, it } from 'vitest';
import { createHandlerResolver } from './resolver.ts';

describe('createHandlerResolver (builtin table and overlay)', () => {
  it('resolves the builtin types with their create/update/delete handlers and cites the schema', async () => {
    const resolver = createHandlerResolver();
    const types = ['AWS::Lambda::Function', 'AWS::IAM::Role', 'AWS::DynamoDB::Table', 'AWS::S3::Bucket', 'AWS::SQS::Queue', 'AWS::ApiGateway::RestApi'];
    const resolved = await resolver.resolve(types);
    expect([...resolved.keys()].sort()).toEqual([...types].sort());
    const fn = resolved.get('AWS::Lambda::Function')!;
    expect(fn.source.kind).toBe('builtin');
    expect(fn.source.url).toMatch(/^https:\/\/github\.com\/hashicorp\/terraform-provider-awscc\/blob\/[0-9a-f]{40}\/internal\/service\/cloudformation\/schemas\/AWS_Lambda_Function\.json$/);
    expect(fn.handlers.create).toContain('lambda:CreateFunction');
    expect(fn.handlers.create).toContain('iam:PassRole');
    expect(fn.handlers.update).toContain('lambda:UpdateFunctionCode');
    expect(fn.handlers.delete).toContain('lambda:DeleteFunction');
    expect(resolved.get('AWS::SQS::Queue')!.handlers.delete).toEqual(['sqs:DeleteQueue', 'sqs:GetQueueAttributes']);
  });

  it('leaves unknown types out of the map, resolves overlay and custom resource types', async () => {
    const resolved = await createHandlerResolver().resolve(['Foo::Bar::Baz', 'AWS::CDK::Metadata', 'Custom::Thing', 'AWS::Route53::RecordSet']);
    expect(resolved.has('Foo::Bar::Baz')).toBe(false);
    expect(resolved.get('AWS::CDK::Metadata')).toMatchObject({ source: { kind: 'overlay' }, handlers: { create: [], update: [], delete: [] } });
    expect(resolved.get('Custom::Thing')!.handlers.create).toEqual(['lambda:InvokeFunction', 'sns:Publish']);
    expect(resolved.get('AWS::Route53::RecordSet')!.handlers.create).toContain('route53:ChangeResourceRecordSets');
  });
});
