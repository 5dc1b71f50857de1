import { allow, CHANGE_SET_ACTIONS, customResourceProvider, gh, HANDLERS, type SstFragmentTemplate, V2_DOCS } from '../shared/fragments.ts';

const V2_BOOTSTRAP = gh('sst/sst', 'v2.44.0', 'packages/sst/src/bootstrap.ts');

/**
 * SST v2's own precise fragments, after the CDK ones: its bootstrap stack (SSTBootstrap), following
 * packages/sst/src/bootstrap.ts.
 */
export const V2_FRAGMENTS: readonly SstFragmentTemplate[] = [
  {
    id: 'sst.v2-bootstrap',
    title: 'SST v2 bootstrap stack (SSTBootstrap): its stack, the app metadata in its bucket, and its metadata function',
    when: ['v2'],
    roleApplies: ['v2'],
    statements: [
      allow('ManageBootstrapStack', CHANGE_SET_ACTIONS, 'arn:aws:cloudformation:{region}:{account}:stack/{bootstrapStack}/*'),
      allow('ManageBootstrapBucket', ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:ListBucket'], ['{bootstrapBucket}', '{bootstrapBucket}/*']),
    ],
    creates: [
      allow(
        'BootstrapBucket',
        ['s3:CreateBucket', 's3:DeleteBucket', 's3:PutEncryptionConfiguration', 's3:PutLifecycleConfiguration', 's3:PutBucketPublicAccessBlock', 's3:PutBucketTagging', 's3:PutBucketPolicy', 's3:GetBucketPolicy', 's3:DeleteBucketPolicy'],
        '{bootstrapBucket}',
      ),
      allow(
        'MetadataRule',
        ['events:PutRule', 'events:DeleteRule', 'events:DescribeRule', 'events:PutTargets', 'events:RemoveTargets', 'events:ListTargetsByRule', 'events:TagResource'],
        'arn:aws:events:{region}:{account}:rule/{bootstrapStack}-*',
      ),
      allow('MetadataRulePermission', ['lambda:AddPermission', 'lambda:RemovePermission', 'lambda:GetPolicy'], 'arn:aws:lambda:{region}:{account}:function:{bootstrapStack}-*'),
      ...customResourceProvider('{bootstrapStack}'),
    ],
    source: { ...V2_BOOTSTRAP, title: `${V2_BOOTSTRAP.title} (bucket, MetadataHandler, MetadataRule); ${V2_DOCS.title} (AllowSSTManageBootstrapStack, AllowSSTManageBootstrapBucket); ${HANDLERS}` },
  },
];
