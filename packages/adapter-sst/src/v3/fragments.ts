import { allow, gh, type SstFragmentTemplate } from '../shared/fragments.ts';

const V3_AWS = gh('anomalyco/sst', 'v4.17.0', 'pkg/project/provider/aws.go');

/**
 * SST v3/v4's precise fragments (no CloudFormation, no CDK): the bootstrap SST's AWS provider records in
 * /sst/bootstrap, and the state of the app and stage. The app's own resources come from discovery.
 */
export const V3_FRAGMENTS: readonly SstFragmentTemplate[] = [
  {
    id: 'sst.v3-bootstrap',
    title: 'SST v3/v4 bootstrap: sst-asset-*/sst-state-* buckets, the sst-asset ECR repository, /sst/bootstrap',
    when: ['v3'],
    statements: [
      allow(
        'ManageBootstrapBuckets',
        ['s3:CreateBucket', 's3:PutBucketVersioning', 's3:PutBucketNotification', 's3:PutBucketPolicy', 's3:ListBucket'],
        ['arn:aws:s3:::sst-asset-*', 'arn:aws:s3:::sst-state-*'],
      ),
      allow('ManageAssetObjects', ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], 'arn:aws:s3:::sst-asset-*/*'),
      allow('ManageBootstrapRepository', ['ecr:CreateRepository', 'ecr:DescribeRepositories'], 'arn:aws:ecr:{region}:{account}:repository/sst-asset'),
      allow('ManageBootstrapParameter', ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:PutParameter'], 'arn:aws:ssm:{region}:{account}:parameter/sst/bootstrap'),
    ],
    source: { ...V3_AWS, title: `${V3_AWS.title} (AwsProvider.Bootstrap: the steps recorded in /sst/bootstrap)` },
  },
  {
    id: 'sst.v3-state',
    title: 'SST v3/v4 state of this app and stage: the passphrase parameter and the state objects',
    when: ['v3'],
    statements: [
      allow('ManagePassphrase', ['ssm:GetParameter', 'ssm:PutParameter', 'ssm:DeleteParameter'], 'arn:aws:ssm:{region}:{account}:parameter/sst/passphrase/{app}/{stage}'),
      allow(
        'ManageState',
        ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion'],
        ['arn:aws:s3:::sst-state-*/*/{app}/{stage}.json', 'arn:aws:s3:::sst-state-*/*/{app}/{stage}/*'],
      ),
      allow('ListState', ['s3:ListBucket', 's3:ListBucketVersions'], 'arn:aws:s3:::sst-state-*'),
    ],
    source: {
      ...V3_AWS,
      title: `${V3_AWS.title} (AwsHome: pathForData <key>/<app>/<stage>.json and <key>/<app>/<stage>/ prefixes, pathForPassphrase /sst/passphrase/<app>/<stage>, ListObjectVersions/DeleteObjects for retention)`,
    },
  },
];
