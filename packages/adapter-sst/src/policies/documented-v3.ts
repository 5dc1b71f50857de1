import { AwspermError, type FragmentSource, type PolicyFragment, type Statement } from '@awsperm/core';

/** SST v3's IAM Credentials page (v4 ships the same page): the "Copy IAM Policy" block and its sections. */
export const SST_V3_DOCS_SOURCE: FragmentSource = {
  title: 'SST documentation: IAM Credentials, "IAM permissions" (anomalyco/sst @ f0fcf88, www/src/content/docs/docs/iam-credentials.mdx)',
  url: 'https://github.com/anomalyco/sst/blob/f0fcf88f64581fe9e3f66fccc46a37ef33e67005/www/src/content/docs/docs/iam-credentials.mdx',
};

/**
 * A statement of SST v3's documented policy as data: the page writes `REGION` and `ACCOUNT` in its ARNs, which the
 * adapter fills per project (`{region}`, `{account}`; `*` when the account is unknown).
 */
export interface SstV3DocumentedStatement {
  /** The Sid as the page writes it. */
  Sid: string;
  /** The actions, in the page's order. */
  Action: string[];
  /** The resources, with `{region}` and `{account}` where the page writes `REGION` and `ACCOUNT`. */
  Resource: string[];
}

/** One fragment of SST v3's documented policy: statements the page groups under one purpose. */
export interface SstV3DocumentedFragment {
  /** Fragment id. */
  id: string;
  /** One-line title for reports. */
  title: string;
  /** Why the page asks for it. */
  description: string;
  /** The page's statements, in its order. */
  statements: SstV3DocumentedStatement[];
}

const STATE_OBJECTS = ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:GetObject', 's3:ListBucket', 's3:ListBucketVersions', 's3:PutObject'];
const BUCKET_SETUP = ['s3:CreateBucket', 's3:PutBucketVersioning', 's3:PutBucketNotification', 's3:PutBucketPolicy'];

/**
 * SST v3's documented policy (the page's "Copy IAM Policy" block), split by purpose: the bootstrap and state, the
 * `Deployments` placeholder (`"*"` on `"*"`, which the page leaves to the user to narrow down), the secrets the CLI
 * manages, and the Live connection of `sst dev`.
 */
export const SST_V3_DOCUMENTED: readonly SstV3DocumentedFragment[] = [
  {
    id: 'sst.documented-v3-bootstrap',
    title: 'SST v3/v4 docs policy: bootstrap and state (the sst-state-*/sst-asset-* buckets, the sst-asset ECR repository, /sst/bootstrap and the passphrases)',
    description: 'The page\'s "Bootstrap" section: what `sst` creates once per account and region, and the state it reads and writes on every deploy.',
    statements: [
      { Sid: 'ManageBootstrapStateBucket', Action: [...BUCKET_SETUP, ...STATE_OBJECTS], Resource: ['arn:aws:s3:::sst-state-*'] },
      {
        Sid: 'ManageBootstrapAssetBucket',
        Action: [...BUCKET_SETUP, 's3:DeleteObject', 's3:GetObject', 's3:ListBucket', 's3:PutObject'],
        Resource: ['arn:aws:s3:::sst-asset-*'],
      },
      { Sid: 'ManageBootstrapECRRepo', Action: ['ecr:CreateRepository', 'ecr:DescribeRepositories'], Resource: ['arn:aws:ecr:{region}:{account}:repository/sst-asset'] },
      {
        Sid: 'ManageBootstrapSSMParameter',
        Action: ['ssm:GetParameters', 'ssm:PutParameter'],
        Resource: ['arn:aws:ssm:{region}:{account}:parameter/sst/passphrase/*', 'arn:aws:ssm:{region}:{account}:parameter/sst/bootstrap'],
      },
    ],
  },
  {
    id: 'sst.documented-v3-deployments',
    title: 'SST v3/v4 docs policy: "Deployments" — SST\'s placeholder "*" on "*" standing in for the app\'s own resources (awsperm\'s precise set lists them)',
    description:
      'The page\'s "Deploy" section: the permissions for the app\'s resources "depend on what you have in your app", so the page puts "*" on "*" in the policy as a template to customise. Checking it asks for every action on every resource.',
    statements: [{ Sid: 'Deployments', Action: ['*'], Resource: ['*'] }],
  },
  {
    id: 'sst.documented-v3-secrets',
    title: 'SST v3/v4 docs policy: the CLI manages secrets (SSM parameters under /sst/)',
    description: 'The page\'s "CLI" section: the SDK calls the SST CLI makes for secrets.',
    statements: [
      {
        Sid: 'ManageSecrets',
        Action: ['ssm:DeleteParameter', 'ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath', 'ssm:PutParameter', 'ssm:AddTagsToResource', 'ssm:ListTagsForResource'],
        Resource: ['arn:aws:ssm:{region}:{account}:parameter/sst/*'],
      },
    ],
  },
  {
    id: 'sst.documented-v3-live',
    title: 'SST v3/v4 docs policy: the Live connection of sst dev (AppSync Events)',
    description: 'The page\'s "CLI" section: `sst dev` connects to an AppSync Events API to run functions live.',
    statements: [{ Sid: 'LiveLambdaSocketConnection', Action: ['appsync:EventSubscribe', 'appsync:EventPublish', 'appsync:EventConnect'], Resource: ['*'] }],
  },
];

/** The id of the fragment that holds SST's `"*"` on `"*"` placeholder. */
export const SST_V3_PLACEHOLDER_ID = 'sst.documented-v3-deployments';

/** SST v3/v4's documented default, AdministratorAccess ("By default, we are using AdministratorAccess"), for `--feature admin`. */
export const v3AdminPolicy: PolicyFragment = {
  id: 'sst.documented-admin',
  title: 'SST v3/v4 docs: AdministratorAccess (the page\'s default)',
  source: SST_V3_DOCS_SOURCE,
  features: ['admin'],
  statements: [{ Sid: 'AdministratorAccess', Effect: 'Allow', Action: '*', Resource: '*' }],
};

/** SST v3's documented policy as fragments, the page's `REGION` and `ACCOUNT` filled (`*` for an unknown account). */
export function sstV3DocumentedFragments(scope: { region: string; account?: string }): PolicyFragment[] {
  const fill = (r: string): string => r.replaceAll('{region}', scope.region).replaceAll('{account}', scope.account ?? '*');
  return SST_V3_DOCUMENTED.map((f) => ({
    id: f.id,
    title: f.title,
    description: f.description,
    source: SST_V3_DOCS_SOURCE,
    statements: f.statements.map((s): Statement => ({ Sid: s.Sid, Effect: 'Allow', Action: [...s.Action], Resource: s.Resource.map(fill) })),
  }));
}

/**
 * The v3 page's strategy for `--feature` names: AdministratorAccess with `admin` (which, as for v1, overrides the
 * other strategies), else none (the page's policy, {@link sstV3DocumentedFragments}). SST v1's strategies `domains`
 * and `service-role` have no v3 counterpart: refused.
 */
export function sstV3Strategy(features: readonly string[]): PolicyFragment[] {
  if (features.includes('admin')) return [v3AdminPolicy];
  const v1Only = features.filter((f) => f === 'domains' || f === 'service-role');
  if (v1Only.length) {
    throw new AwspermError('USAGE', `the feature option ${v1Only.join(', ')}: an SST v1 documented strategy; SST v3/v4's IAM page has one policy (or AdministratorAccess)`, {
      hint: 'Drop the feature: the documented feature checks the v3 page\'s policy, whose "Deployments" statement stands for the app\'s resources.',
    });
  }
  return [];
}
