import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createHandlerResolver } from '../cfn/resolver.ts';
import type { HandlerResolver, ResourceTypePermissions } from '../cfn/types.ts';
import { AwspermError } from '../errors.ts';
import { listOf } from '../policy/document.ts';
import type { PolicyFragment, Statement } from '../policy/types.ts';
import { loadTemplates } from './load.ts';
import { templateRequirements } from './required.ts';
import type { CfnTemplate } from './types.ts';

const fixture = fileURLToPath(new URL('../../test/fixtures/cdk-app/cdk.out', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'awsperm-templates-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The actions a fragment requires on a resource (any resource when omitted), lower-cased. */
function actionsOn(fragment: PolicyFragment, resource?: string): Set<string> {
  const out = new Set<string>();
  for (const s of fragment.statements) {
    if (resource !== undefined && !listOf(s.Resource).includes(resource)) continue;
    for (const a of listOf(s.Action)) out.add(a.toLowerCase());
  }
  return out;
}

/** A resolver that knows exactly the given types. */
function fakeResolver(known: Record<string, Partial<Record<'create' | 'update' | 'delete', string[]>>>): HandlerResolver {
  return {
    async resolve(types) {
      const map = new Map<string, ResourceTypePermissions>();
      for (const t of types) if (known[t]) map.set(t, { type: t, handlers: known[t]!, source: { kind: 'builtin', title: `fake ${t}` } });
      return map;
    },
  };
}

function writeTemplate(name: string, template: unknown): string {
  const file = join(tmp, name);
  writeFileSync(file, typeof template === 'string' ? template : JSON.stringify(template));
  return file;
}

async function errorOf(p: Promise<unknown>): Promise<AwspermError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(AwspermError.is(e), String(e)).toBe(true);
  return e as AwspermError;
}

describe('the synthesized cdk.out fixture', async () => {
  const loaded = await loadTemplates([fixture]);
  const resolver = createHandlerResolver();
  const required = await templateRequirements(loaded, resolver);
  const main = required.fragments.find((f) => f.id === 'template.my-app-dev-AppStack')!;
  const types = ['AWS::Lambda::Function', 'AWS::DynamoDB::Table', 'AWS::S3::Bucket', 'AWS::SQS::Queue', 'AWS::ApiGateway::RestApi', 'AWS::IAM::Role'];
  const handlers = await resolver.resolve(types);

  it('reads the stack and its nested stack through manifest.json, with the environment', () => {
    expect(loaded.stacks.map((s) => s.name)).toEqual(['my-app-dev-AppStack', 'my-app-dev-AppStack/NestedStackNestedStackResource9A7B3C1D']);
    expect(loaded.stacks[0]!.environment).toEqual({ account: '123456789012', region: 'eu-west-1' });
    expect(loaded.warnings).toEqual([]);
    expect(main.source.title).toBe(`synthesized template ${join(fixture, 'AppStack.template.json')}`);
  });

  it("requires every type's create, update and delete handler permissions", () => {
    const all = actionsOn(main);
    for (const type of types) {
      const h = handlers.get(type)!;
      expect(h, `${type} resolves`).toBeDefined();
      for (const op of ['create', 'update', 'delete'] as const) {
        for (const action of h.handlers[op] ?? []) {
          if (action.toLowerCase() === 'iam:passrole') continue;
          expect(all.has(action.toLowerCase()), `${type} ${op}: ${action}`).toBe(true);
        }
      }
    }
  });

  it("requires iam:PassRole on the function's role, passed to Lambda", () => {
    const passRole = main.statements.filter((s) => listOf(s.Action).includes('iam:PassRole'));
    expect(passRole).toContainEqual({
      Effect: 'Allow',
      Action: ['iam:PassRole'],
      Resource: 'arn:aws:iam::123456789012:role/my-app-dev-fn-role',
      Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } },
    });
    // The unnamed roles of the image function and the custom-resource provider: any role of the account.
    expect(passRole).toContainEqual(expect.objectContaining({ Resource: 'arn:aws:iam::123456789012:role/*' }));
    // No unscoped iam:PassRole is left (the bucket's handler lists one, but the bucket passes no role).
    expect(passRole.every((s) => s.Resource !== '*')).toBe(true);
  });

  it('scopes actions to the ARNs the template fixes, and leaves the rest on *', () => {
    expect(actionsOn(main, 'arn:aws:dynamodb:eu-west-1:123456789012:table/my-app-dev-table')).toContain('dynamodb:createtable');
    expect(actionsOn(main, 'arn:aws:sqs:eu-west-1:123456789012:my-app-dev-AppStack-queue')).toContain('sqs:createqueue');
    expect(actionsOn(main, 'arn:aws:lambda:eu-west-1:123456789012:function:my-app-dev-fn')).toContain('lambda:createfunction');
    expect(actionsOn(main, 'arn:aws:iam::123456789012:role/my-app-dev-fn-role')).toContain('iam:createrole');
    // The bucket has no name: its actions stay on *, as do actions that take no resource (dynamodb:ListTables, …).
    expect(actionsOn(main, '*')).toContain('s3:createbucket');
    expect(actionsOn(main, '*')).toContain('apigateway:post');
  });

  it("invokes the custom resource's provider function and needs nothing for CDK metadata", () => {
    expect(main.statements).toContainEqual({ Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: 'arn:aws:lambda:eu-west-1:123456789012:function:*' });
    expect(actionsOn(main)).not.toContain('sns:publish');
  });

  it('assumes the file and image publishing roles the asset manifest names', () => {
    const assets = required.fragments.find((f) => f.id === 'template.my-app-dev-AppStack.assets')!;
    expect(assets.statements).toEqual([
      { Effect: 'Allow', Action: ['sts:AssumeRole'], Resource: 'arn:aws:iam::123456789012:role/cdk-hnb659fds-file-publishing-role-123456789012-eu-west-1' },
      { Effect: 'Allow', Action: ['sts:AssumeRole'], Resource: 'arn:aws:iam::123456789012:role/cdk-hnb659fds-image-publishing-role-123456789012-eu-west-1' },
    ]);
  });

  it('lists the type no source knows as unresolved, with where it is used', () => {
    expect(required.unresolved).toEqual([{ type: 'AWS::Foo::Bar', resources: ['my-app-dev-AppStack/NestedStackNestedStackResource9A7B3C1D/Widget1A2B3C4D'] }]);
    const nested = required.fragments.find((f) => f.id === 'template.my-app-dev-AppStack.NestedStackNestedStackResource9A7B3C1D')!;
    expect(nested.statements.length).toBeGreaterThan(0);
  });

  it('narrows to the chosen operations', async () => {
    const createOnly = await templateRequirements(loaded, resolver, { operations: ['create'] });
    const f = createOnly.fragments.find((x) => x.id === main.id)!;
    expect(actionsOn(f)).toContain('dynamodb:createtable');
    expect(actionsOn(f)).not.toContain('dynamodb:deletetable');
    expect(f.title).toMatch(/handlers for create of/);
  });
});

describe('asset publishing without publishing roles', () => {
  it('puts files to the bucket and pushes images to the repository directly', async () => {
    const dir = join(tmp, 'no-roles');
    cpSync(fixture, dir, { recursive: true });
    const assets = JSON.parse(readFileSync(join(dir, 'AppStack.assets.json'), 'utf8'));
    for (const section of ['files', 'dockerImages']) {
      for (const a of Object.values(assets[section]) as { destinations: Record<string, { assumeRoleArn?: string }> }[]) {
        for (const d of Object.values(a.destinations)) delete d.assumeRoleArn;
      }
    }
    writeFileSync(join(dir, 'AppStack.assets.json'), JSON.stringify(assets));
    const required = await templateRequirements(await loadTemplates([dir]), fakeResolver({}));
    const f = required.fragments.find((x) => x.id.endsWith('.assets'))!;
    const bucket = 'arn:aws:s3:::cdk-hnb659fds-assets-123456789012-eu-west-1';
    expect(f.statements).toContainEqual({ Effect: 'Allow', Action: ['s3:GetBucketLocation', 's3:ListBucket'], Resource: bucket });
    expect(f.statements).toContainEqual(expect.objectContaining({ Action: ['s3:PutObject'], Resource: `${bucket}/a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90.zip` }));
    expect(f.statements).toContainEqual({ Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: '*' });
    const push = f.statements.find((s) => listOf(s.Action).includes('ecr:PutImage'))!;
    expect(push.Resource).toBe('arn:aws:ecr:eu-west-1:123456789012:repository/cdk-hnb659fds-container-assets-123456789012-eu-west-1');
  });
});

describe('templates given as files', () => {
  const resolver = fakeResolver({
    'AWS::Lambda::Function': { create: ['lambda:CreateFunction', 'iam:PassRole'], delete: ['lambda:DeleteFunction'] },
    'AWS::StepFunctions::StateMachine': { create: ['states:CreateStateMachine', 'iam:PassRole'] },
    'AWS::S3::Bucket': { create: ['s3:CreateBucket', 'iam:PassRole', 's3:ListAllMyBuckets'] },
    'AWS::Events::Rule': { create: ['events:PutRule', 'events:PutTargets'] },
    'Custom::Thing': { create: ['lambda:InvokeFunction', 'sns:Publish'] },
  });

  it('reads YAML short forms, scopes Sub names with the context, and takes role ARNs from parameters as any role', async () => {
    const file = writeTemplate(
      'app.yaml',
      [
        'Parameters:',
        '  RoleArn: {Type: String}',
        'Resources:',
        '  Fn:',
        '    Type: AWS::Lambda::Function',
        '    Properties:',
        "      FunctionName: !Sub '${AWS::Region}-fn'",
        '      Role: !Ref RoleArn',
        '  Machine:',
        '    Type: AWS::StepFunctions::StateMachine',
        '    Properties:',
        "      RoleArn: 'arn:aws:iam::111122223333:role/sfn'",
        '  Bucket:',
        '    Type: AWS::S3::Bucket',
        '    Properties:',
        "      BucketName: !Join ['-', [logs, !Ref AWS::AccountId]]",
        '      ReplicationConfiguration: {Role: !GetAtt Missing.Arn, Rules: []}',
        '  Rule:',
        '    Type: AWS::Events::Rule',
        '    Properties:',
        '      Targets: [{Id: t, Arn: !GetAtt Fn.Arn, RoleArn: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/events"}]',
        '  Thing:',
        '    Type: Custom::Thing',
        "    Properties: {ServiceToken: 'arn:aws:sns:eu-west-1:111122223333:provider'}",
      ].join('\n'),
    );
    const required = await templateRequirements(await loadTemplates([file]), resolver, { account: '111122223333', region: 'eu-west-1', operations: ['create'] });
    const [f] = required.fragments as [PolicyFragment];
    expect(f.id).toBe('template.app');
    const on = (r: string) => [...actionsOn(f, r)];
    expect(on('arn:aws:lambda:eu-west-1:111122223333:function:eu-west-1-fn')).toEqual(['lambda:createfunction']);
    expect(on('arn:aws:s3:::logs-111122223333')).toEqual(['s3:createbucket']);
    expect(on('*').sort()).toEqual(['events:putrule', 'events:puttargets', 's3:listallmybuckets', 'states:createstatemachine']);
    const passRole = (s: Statement) => listOf(s.Action).includes('iam:PassRole');
    expect(f.statements.filter(passRole)).toEqual([
      { Effect: 'Allow', Action: ['iam:PassRole'], Resource: 'arn:aws:iam::111122223333:role/*', Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } } },
      { Effect: 'Allow', Action: ['iam:PassRole'], Resource: 'arn:aws:iam::111122223333:role/sfn', Condition: { StringEquals: { 'iam:PassedToService': 'states.amazonaws.com' } } },
      { Effect: 'Allow', Action: ['iam:PassRole'], Resource: 'arn:aws:iam::111122223333:role/*' },
      { Effect: 'Allow', Action: ['iam:PassRole'], Resource: 'arn:aws:iam::111122223333:role/events', Condition: { StringEquals: { 'iam:PassedToService': 'events.amazonaws.com' } } },
    ]);
    expect(f.statements).toContainEqual({ Effect: 'Allow', Action: ['sns:Publish'], Resource: 'arn:aws:sns:eu-west-1:111122223333:provider' });
    expect(actionsOn(f)).not.toContain('lambda:invokefunction');
  });

  it('treats an update of a type without an update handler as a replacement (create and delete)', async () => {
    const file = writeTemplate('perm.json', { Resources: { P: { Type: 'AWS::Lambda::Permission', Properties: {} } } });
    const replaced = fakeResolver({ 'AWS::Lambda::Permission': { create: ['lambda:AddPermission'], delete: ['lambda:RemovePermission'] } });
    const required = await templateRequirements(await loadTemplates([file]), replaced, { operations: ['update'] });
    expect([...actionsOn(required.fragments[0]!)].sort()).toEqual(['lambda:addpermission', 'lambda:removepermission']);
  });

  it('never crashes on random property values (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom('Role', 'RoleArn', 'BucketName', 'FunctionName', 'ServiceToken', 'Path', 'X'), fc.jsonValue()), async (props) => {
        const template: CfnTemplate = {
          Resources: {
            A: { Type: 'AWS::S3::Bucket', Properties: props },
            B: { Type: 'AWS::Lambda::Function', Properties: props },
            C: { Type: 'Custom::Thing', Properties: props },
          },
        };
        const required = await templateRequirements({ stacks: [{ name: 's', file: '/s.json', template, environment: {} }], assets: [], warnings: [] }, resolver);
        for (const s of required.fragments[0]!.statements) for (const r of listOf(s.Resource)) expect(typeof r).toBe('string');
      }),
      { seed: 99, numRuns: 200 },
    );
  });
});

describe('bad input', () => {
  const manifest = (body: unknown) => {
    const dir = mkdtempSync(join(tmp, 'asm-'));
    writeFileSync(join(dir, 'manifest.json'), typeof body === 'string' ? body : JSON.stringify(body));
    return dir;
  };

  it('rejects a missing path, a directory that is not a cdk.out, and a file that is not a template', async () => {
    expect((await errorOf(loadTemplates([join(tmp, 'nope.yaml')]))).code).toBe('FILE_NOT_FOUND');
    const e = await errorOf(loadTemplates([mkdtempSync(join(tmp, 'empty-'))]));
    expect(e.code).toBe('TEMPLATE_INVALID');
    expect(e.message).toMatch(/neither a cdk\.out \(no manifest\.json\) nor one that contains cdk\.out/);
    expect((await errorOf(loadTemplates([writeTemplate('policy.json', { Version: '2012-10-17', Statement: [] })]))).message).toMatch(/no Resources section/);
  });

  it('rejects an unknown or missing manifest version, and a malformed manifest', async () => {
    expect((await errorOf(loadTemplates([manifest({ artifacts: {} })]))).message).toMatch(/unknown cloud assembly manifest version null/);
    expect((await errorOf(loadTemplates([manifest({ version: 'v2', artifacts: {} })]))).message).toMatch(/unknown cloud assembly manifest version "v2"/);
    const newer = await errorOf(loadTemplates([manifest({ version: '120.0.0', artifacts: {} })]));
    expect(newer.code).toBe('CLOUD_ASSEMBLY_INVALID');
    expect(newer.message).toMatch(/newer than awsperm understands/);
    expect((await errorOf(loadTemplates([manifest('{"version": ')]))).code).toBe('JSON_INVALID');
  });

  it('rejects a stack whose template, nested template or asset manifest is missing, and paths leaving the assembly', async () => {
    const stack = (props: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      manifest({ version: '36.0.0', artifacts: { S: { type: 'aws:cloudformation:stack', properties: props, ...extra }, ...extra.artifacts as object } });
    expect((await errorOf(loadTemplates([stack({ templateFile: 'S.template.json' })]))).message).toMatch(/stack S: its template S\.template\.json is missing/);
    expect((await errorOf(loadTemplates([stack({ templateFile: '../outside.json' })]))).message).toMatch(/names a file outside the cloud assembly/);
    const nestedDir = stack({ templateFile: 'S.template.json' });
    writeFileSync(
      join(nestedDir, 'S.template.json'),
      JSON.stringify({ Resources: { N: { Type: 'AWS::CloudFormation::Stack', Metadata: { 'aws:asset:path': 'N.nested.template.json' } } } }),
    );
    const nested = await errorOf(loadTemplates([nestedDir]));
    expect(nested.code).toBe('CLOUD_ASSEMBLY_INVALID');
    expect(nested.message).toMatch(/nested stack S\/N: its template N\.nested\.template\.json is missing/);
    const assetsDir = manifest({
      version: '36.0.0',
      artifacts: { 'S.assets': { type: 'cdk:asset-manifest', properties: { file: 'S.assets.json' } }, S: { type: 'aws:cloudformation:stack', properties: { templateFile: 'S.template.json' }, dependencies: ['S.assets'] } },
    });
    writeFileSync(join(assetsDir, 'S.template.json'), JSON.stringify({ Resources: { Q: { Type: 'AWS::SQS::Queue' } } }));
    expect((await errorOf(loadTemplates([assetsDir]))).message).toMatch(/stack S: its asset manifest S\.assets\.json is missing/);
  });

  it('warns about a nested stack whose template is not local instead of dropping it silently', async () => {
    const file = writeTemplate('parent.json', { Resources: { N: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: 'https://example.com/t.json' } } } });
    const loaded = await loadTemplates([file]);
    expect(loaded.warnings).toEqual(['nested stack parent/N: its template is not a local file (TemplateURL), so its resources are not included']);
  });
});
