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

describe('createHandlerResolver with --cfn-schemas bundles', () => {
  const fixtures = new URL('../../test/fixtures/cfn-schemas/', import.meta.url).pathname;

  it('lets a bundle’s handlers win over the builtin table, and adds the types only the bundle knows', async () => {
    const resolved = await createHandlerResolver({ schemaBundles: [`${fixtures}bundle`] }).resolve([
      'AWS::S3::Bucket',
      'Acme::Widget::Thing',
      'AWS::SQS::Queue',
    ]);
    expect(resolved.get('AWS::S3::Bucket')).toEqual({
      type: 'AWS::S3::Bucket',
      handlers: {
        create: ['s3:CreateBucket', 's3:PutBucketTagging'],
        update: ['s3:PutBucketTagging'],
        delete: ['s3:DeleteBucket'],
        list: ['s3:ListAllMyBuckets'],
      },
      source: {
        kind: 'schema-bundle',
        title: `CloudFormation schema AWS::S3::Bucket from the schema bundle ${fixtures}bundle`,
        url: `${fixtures}bundle/aws-s3-bucket.json`,
      },
    });
    expect(resolved.get('Acme::Widget::Thing')!.source.kind).toBe('schema-bundle');
    expect(resolved.get('AWS::SQS::Queue')!.source.kind).toBe('builtin');
  });

  it('falls through to the table and overlay when the bundle’s schema declares no handlers', async () => {
    const resolved = await createHandlerResolver({ schemaBundles: [`${fixtures}bundle`] }).resolve(['AWS::Example::Legacy', 'AWS::CDK::Metadata']);
    expect(resolved.has('AWS::Example::Legacy')).toBe(false);
    expect(resolved.get('AWS::CDK::Metadata')!.source.kind).toBe('overlay');
  });

  it('reads bundles lazily (creating the resolver reads nothing) and throws the reader’s error on resolve', async () => {
    const bad = createHandlerResolver({ schemaBundles: [`${fixtures}bad/notes.txt`] });
    await expect(bad.resolve(['AWS::S3::Bucket'])).rejects.toMatchObject({ name: 'AwspermError', code: 'CFN_SCHEMA_INVALID' });
    // Nothing is read for an empty request.
    expect((await bad.resolve([])).size).toBe(0);
    const missing = createHandlerResolver({ schemaBundles: [`${fixtures}nope`] });
    await expect(missing.resolve(['AWS::S3::Bucket'])).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
  });
});
