import { AwspermError } from '@awsperm/core';
import { describe, expect, it } from 'vitest';
import { SST_V3_DOCS_SOURCE, SST_V3_PLACEHOLDER_ID, sstV3DocumentedFragments, sstV3Strategy } from './documented-v3.ts';

const fragments = sstV3DocumentedFragments({ region: 'eu-central-1', account: '111122223333' });
const statements = fragments.flatMap((f) => f.statements);
const bySid = (sid: string) => statements.find((s) => s.Sid === sid)!;

describe("SST v3/v4's documented policy (the v3 IAM Credentials page)", () => {
  it("holds the page's seven statements in its order, every one Allow", () => {
    expect(statements.map((s) => s.Sid)).toEqual([
      'ManageBootstrapStateBucket',
      'ManageBootstrapAssetBucket',
      'ManageBootstrapECRRepo',
      'ManageBootstrapSSMParameter',
      'Deployments',
      'ManageSecrets',
      'LiveLambdaSocketConnection',
    ]);
    expect(statements.every((s) => s.Effect === 'Allow')).toBe(true);
  });

  it('the state bucket statement has the version actions the asset bucket statement lacks', () => {
    const state = bySid('ManageBootstrapStateBucket').Action as string[];
    const asset = bySid('ManageBootstrapAssetBucket').Action as string[];
    expect(state.filter((a) => !asset.includes(a))).toEqual(['s3:DeleteObjectVersion', 's3:ListBucketVersions']);
    expect(asset).toEqual(['s3:CreateBucket', 's3:PutBucketVersioning', 's3:PutBucketNotification', 's3:PutBucketPolicy', 's3:DeleteObject', 's3:GetObject', 's3:ListBucket', 's3:PutObject']);
    expect(bySid('ManageBootstrapStateBucket').Resource).toEqual(['arn:aws:s3:::sst-state-*']);
    expect(bySid('ManageBootstrapAssetBucket').Resource).toEqual(['arn:aws:s3:::sst-asset-*']);
  });

  it("fills the page's REGION and ACCOUNT; an unknown account becomes *", () => {
    expect(bySid('ManageBootstrapECRRepo').Resource).toEqual(['arn:aws:ecr:eu-central-1:111122223333:repository/sst-asset']);
    expect(bySid('ManageBootstrapSSMParameter').Resource).toEqual([
      'arn:aws:ssm:eu-central-1:111122223333:parameter/sst/passphrase/*',
      'arn:aws:ssm:eu-central-1:111122223333:parameter/sst/bootstrap',
    ]);
    expect(bySid('ManageSecrets').Resource).toEqual(['arn:aws:ssm:eu-central-1:111122223333:parameter/sst/*']);
    const anyAccount = sstV3DocumentedFragments({ region: 'us-east-1' }).flatMap((f) => f.statements);
    expect(anyAccount.find((s) => s.Sid === 'ManageSecrets')!.Resource).toEqual(['arn:aws:ssm:us-east-1:*:parameter/sst/*']);
    expect(JSON.stringify(anyAccount)).not.toMatch(/REGION|ACCOUNT|\{region\}|\{account\}/);
  });

  it('secrets and Live are the CLI statements of the page', () => {
    expect(bySid('ManageSecrets').Action).toEqual([
      'ssm:DeleteParameter',
      'ssm:GetParameter',
      'ssm:GetParameters',
      'ssm:GetParametersByPath',
      'ssm:PutParameter',
      'ssm:AddTagsToResource',
      'ssm:ListTagsForResource',
    ]);
    expect(bySid('LiveLambdaSocketConnection')).toEqual({
      Sid: 'LiveLambdaSocketConnection',
      Effect: 'Allow',
      Action: ['appsync:EventSubscribe', 'appsync:EventPublish', 'appsync:EventConnect'],
      Resource: ['*'],
    });
  });

  it('"Deployments" is a fragment of its own whose title names it as SST\'s "*" on "*" placeholder', () => {
    const placeholder = fragments.find((f) => f.id === SST_V3_PLACEHOLDER_ID)!;
    expect(placeholder.statements).toEqual([{ Sid: 'Deployments', Effect: 'Allow', Action: ['*'], Resource: ['*'] }]);
    expect(placeholder.title).toContain('placeholder "*" on "*"');
    expect(placeholder.title).toContain("the app's own resources");
    expect(fragments.filter((f) => f.statements.some((s) => (s.Action as string[]).includes('*'))).map((f) => f.id)).toEqual([SST_V3_PLACEHOLDER_ID]);
  });

  it('cites the v3 page at a fixed commit of anomalyco/sst, and none of the v1 strategies', () => {
    expect(fragments.map((f) => f.id)).toEqual(['sst.documented-v3-bootstrap', 'sst.documented-v3-deployments', 'sst.documented-v3-secrets', 'sst.documented-v3-live']);
    for (const f of fragments) expect(f.source).toEqual(SST_V3_DOCS_SOURCE);
    expect(SST_V3_DOCS_SOURCE.url).toBe('https://github.com/anomalyco/sst/blob/f0fcf88f64581fe9e3f66fccc46a37ef33e67005/www/src/content/docs/docs/iam-credentials.mdx');
    const actions = statements.flatMap((s) => s.Action as string[]);
    expect(actions).not.toContain('lambda:*');
    expect(actions.some((a) => a.startsWith('cloudformation:'))).toBe(false);
  });

  it('--feature admin gives AdministratorAccess (overriding the rest, as for v1); domains and service-role alone (v1 strategies) are refused as usage errors', () => {
    expect(sstV3Strategy([])).toEqual([]);
    expect(sstV3Strategy(['admin'])[0]!.statements).toEqual([{ Sid: 'AdministratorAccess', Effect: 'Allow', Action: '*', Resource: '*' }]);
    expect(sstV3Strategy(['admin'])[0]!.source).toEqual(SST_V3_DOCS_SOURCE);
    expect(sstV3Strategy(['admin', 'domains', 'service-role']).map((f) => f.id)).toEqual(['sst.documented-admin']);
    for (const f of ['domains', 'service-role']) {
      let error: unknown;
      try {
        sstV3Strategy([f]);
      } catch (e) {
        error = e;
      }
      expect(AwspermError.is(error)).toBe(true);
      expect((error as AwspermError).code).toBe('USAGE');
      expect((error as AwspermError).message).toContain(`the feature option ${f}:`);
      expect((error as AwspermError).message.split('\n')).toHaveLength(1);
    }
  });
});
