import { type AdapterScope, type CloudFormationSource, listOf, type PolicyFragment, type PrincipalRequirement, type Requirements, type Statement, type TrustRequirement } from '@awsperm/core';
import { CDK_BOOTSTRAP_SOURCE, cdkBootstrapFragments, fillPlaceholders, mapResources, type RequirementContext } from '@awsperm/core/kit';
import type { CdkAssembly, CdkStack } from './assembly.ts';
import {
  BOOTSTRAP_TEMPLATE_SOURCE,
  DEPLOY_STACK_ACTIONS,
  DEPLOY_TEMPLATE_ACTIONS,
  DEPLOY_VERSION_ACTIONS,
  FILE_BUCKET_ACTIONS,
  FILE_OBJECT_ACTIONS,
  IMAGE_LOGIN_ACTIONS,
  IMAGE_REPOSITORY_ACTIONS,
} from './bootstrap.ts';

/** Where a stack deploys, with what is unknown as `*`. */
export interface ResolvedEnvironment {
  /** `aws`, `aws-cn` or `aws-us-gov`. */
  partition: string;
  /** The account id, or `*`. */
  account: string;
  /** The region, or `*`. */
  region: string;
}

/** The partition of a region. */
export function partitionOf(region: string | undefined): string {
  if (region?.startsWith('cn-')) return 'aws-cn';
  if (region?.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** A stack's environment, completed from the run's scope (the CLI deploys env-agnostic stacks to the caller's). */
export function resolveEnvironment(stack: CdkStack, scope: AdapterScope): ResolvedEnvironment {
  const region = stack.environment.region ?? scope.region;
  return { partition: partitionOf(region), account: stack.environment.account ?? scope.account ?? '*', region: region ?? '*' };
}

/** Fills the `${AWS::…}` placeholders the synthesizer leaves in role ARNs, bucket and repository names. */
export function fill(value: string, env: ResolvedEnvironment): string {
  return value
    .replaceAll('${AWS::Partition}', env.partition)
    .replaceAll('${AWS::AccountId}', env.account)
    .replaceAll('${AWS::Region}', env.region)
    .replaceAll('${AWS::URLSuffix}', env.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com');
}

type RoleKind = 'deploy' | 'exec' | 'file-publishing' | 'image-publishing' | 'lookup';

const ROLE_VIA: Record<RoleKind, string> = {
  deploy: 'CDK deploy role',
  exec: 'CDK CloudFormation execution role',
  'file-publishing': 'CDK file-publishing role',
  'image-publishing': 'CDK image-publishing role',
  lookup: 'CDK lookup role',
};

/** How to use each role's policy, for the policy output. */
const ROLE_USE: Record<RoleKind, string> = {
  deploy: 'The bootstrap template grants this role its policy; compare it with the role’s policy (a custom bootstrap template can narrow it).',
  exec: 'Create this policy as a customer managed policy and pass its ARN to `cdk bootstrap --cloudformation-execution-policies <arn>`: the execution role then gets it instead of AdministratorAccess.',
  'file-publishing': 'The bootstrap template grants this role its policy (the staging bucket); compare it with the role’s policy.',
  'image-publishing': 'The bootstrap template grants this role its policy (the container repository); compare it with the role’s policy.',
  lookup: 'The bootstrap template grants this role ReadOnlyAccess; the deploy needs only that the caller gets in.',
};

/**
 * When the caller cannot assume the lookup role, the CDK CLI reads the deployed stacks with the caller's own
 * credentials (same account) or the deploy role's, after a warning (aws/aws-cdk-cli @
 * 7ff50e77f314548128df33ec9042c17fa0da6c1c: packages/@aws-cdk/toolkit-lib/lib/api/environment/environment-access.ts,
 * `accessStackForLookup` and `accessStackForLookupBestEffort`): the deploy may go on, the link fails all the same.
 */
const LOOKUP_DENIED =
  'the CDK CLI then warns "Lookup role … was not assumed" and reads the deployed stacks with the caller’s own credentials (or the deploy role’s): the deploy may still go on, but this link of the chain fails';

/**
 * Who gets into each role: the CDK CLI assumes the deploy, publishing and lookup roles with the caller's credentials
 * and no external id; CloudFormation assumes the execution role. The bootstrap template (BOOTSTRAP_TEMPLATE_SOURCE,
 * the roles' `AssumeRolePolicyDocument`) trusts `Principal: { AWS: <account id> }` — the account, so the caller's
 * identity policy must allow `sts:AssumeRole` too — under `Null: { sts:ExternalId: true }` (parameter
 * `DenyExternalId`, default true), plus the `--trust` accounts (the lookup role: `--trust-for-lookup`); the execution
 * role trusts `cloudformation.amazonaws.com`.
 */
const ROLE_TRUST: Record<RoleKind, TrustRequirement[]> = {
  deploy: [{ by: 'caller', context: { 'sts:ExternalId': null } }],
  exec: [{ by: { service: 'cloudformation.amazonaws.com' } }],
  'file-publishing': [{ by: 'caller', context: { 'sts:ExternalId': null } }],
  'image-publishing': [{ by: 'caller', context: { 'sts:ExternalId': null } }],
  lookup: [{ by: 'caller', context: { 'sts:ExternalId': null }, ifDenied: LOOKUP_DENIED }],
};

const ROLE_FROM: Record<RoleKind, string> = {
  deploy: 'manifest.json assumeRoleArn',
  exec: 'manifest.json cloudFormationExecutionRoleArn',
  'file-publishing': 'asset manifest assumeRoleArn (files)',
  'image-publishing': 'asset manifest assumeRoleArn (dockerImages)',
  lookup: 'manifest.json lookupRole.arn',
};

interface RoleEntry {
  kind: RoleKind;
  arn: string;
  env: ResolvedEnvironment;
  stacks: CdkStack[];
  statements: Statement[];
}

const allow = (Action: readonly string[], Resource: string[]): Statement => ({ Effect: 'Allow', Action: [...Action], Resource: [...new Set(Resource)] });

function stackArn(stack: CdkStack, env: ResolvedEnvironment): string {
  return `arn:${env.partition}:cloudformation:${env.region}:${env.account}:stack/${stack.stackName}/*`;
}

/** `s3://bucket/key` → the object's ARN. */
function objectArn(url: string, env: ResolvedEnvironment): string | undefined {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(fill(url, env));
  return m ? `arn:${env.partition}:s3:::${m[1]}/${m[2]}` : undefined;
}

/** What deploying a stack needs from whoever drives CloudFormation (the deploy role, or the caller without one). */
function deployStatements(stack: CdkStack, env: ResolvedEnvironment): Statement[] {
  const out = [allow(DEPLOY_STACK_ACTIONS, [stackArn(stack, env)])];
  if (stack.executionRoleArn) out.push(allow(['iam:PassRole'], [fill(stack.executionRoleArn, env)]));
  const template = stack.templateObjectUrl ? objectArn(stack.templateObjectUrl, env) : undefined;
  if (template) out.push(allow(DEPLOY_TEMPLATE_ACTIONS, [template]));
  if (stack.bootstrapVersionParameter && stack.requiresBootstrapVersion !== undefined) {
    out.push(allow(DEPLOY_VERSION_ACTIONS, [`arn:${env.partition}:ssm:${env.region}:${env.account}:parameter${stack.bootstrapVersionParameter}`]));
  }
  return out;
}

function fileStatements(stack: CdkStack, env: ResolvedEnvironment, viaRole: boolean): Statement[] {
  return stack.files
    .filter((d) => Boolean(d.assumeRoleArn) === viaRole)
    .flatMap((d) => {
      const e = d.region ? { ...env, region: d.region, partition: partitionOf(d.region) } : env;
      const bucket = `arn:${e.partition}:s3:::${fill(d.bucketName, e)}`;
      return [allow(FILE_BUCKET_ACTIONS, [bucket]), allow(FILE_OBJECT_ACTIONS, [`${bucket}/${fill(d.objectKey, e)}`])];
    });
}

function imageStatements(stack: CdkStack, env: ResolvedEnvironment, viaRole: boolean): Statement[] {
  const images = stack.images.filter((d) => Boolean(d.assumeRoleArn) === viaRole);
  if (!images.length) return [];
  return [
    allow(IMAGE_LOGIN_ACTIONS, ['*']),
    ...images.map((d) => {
      const e = d.region ? { ...env, region: d.region, partition: partitionOf(d.region) } : env;
      return allow(IMAGE_REPOSITORY_ACTIONS, [`arn:${e.partition}:ecr:${e.region}:${e.account}:repository/${fill(d.repositoryName, e)}`]);
    }),
  ];
}

/**
 * What CloudFormation, acting as the execution role, reads of the staging bucket: resources that reference staged
 * files (Lambda code, nested stack templates) are created with the role's credentials, which read the objects.
 */
function stagedReads(stack: CdkStack, env: ResolvedEnvironment): Statement[] {
  const objects = stack.files.map((d) => {
    const e = d.region ? { ...env, region: d.region, partition: partitionOf(d.region) } : env;
    return `arn:${e.partition}:s3:::${fill(d.bucketName, e)}/${fill(d.objectKey, e)}`;
  });
  return objects.length ? [allow(['s3:GetObject'], objects)] : [];
}

/** Merges statements with the same actions (and no conditions) into one, resources unioned. */
function merge(statements: Statement[]): Statement[] {
  const byActions = new Map<string, Statement>();
  for (const s of statements) {
    const key = JSON.stringify(s.Action);
    const prev = byActions.get(key);
    if (!prev) byActions.set(key, { ...s, Resource: [...(s.Resource as string[])] });
    else prev.Resource = [...new Set([...(prev.Resource as string[]), ...(s.Resource as string[])])];
  }
  return [...byActions.values()];
}

/** Whoever drives CloudFormation passes the execution role to it: the request's `iam:PassedToService`. */
const PASS_TO_CLOUDFORMATION: RequirementContext = { actions: ['iam:PassRole'], values: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } };

const names = (stacks: CdkStack[]): string => stacks.map((s) => s.displayName).join(', ');

/** What {@link cdkRequirements} needs. */
export interface CdkRequirementsInput {
  /** The cloud assembly. */
  assembly: CdkAssembly;
  /** The stacks to deploy (all, or those `--stack` selects with their dependencies). */
  stacks: CdkStack[];
  /** Account and region of the run. */
  scope: AdapterScope;
}

/**
 * The requirements of deploying the selected stacks the way the CDK CLI does: the caller assumes the bootstrap roles
 * each stack's synthesizer names (or, without them, does everything itself); the deploy role drives CloudFormation
 * and passes the execution role; the publishing roles upload the assets; the execution role creates the resources
 * (the stacks' templates, a `cloudformation` source core resolves).
 */
export function cdkRequirements(input: CdkRequirementsInput): Requirements {
  const { assembly, stacks, scope } = input;
  const roles = new Map<string, RoleEntry>();
  const role = (kind: RoleKind, raw: string, stack: CdkStack, env: ResolvedEnvironment, statements: Statement[]): void => {
    const arn = fill(raw, env);
    const key = `${kind} ${arn}`;
    const entry = roles.get(key) ?? { kind, arn, env, stacks: [], statements: [] };
    if (!entry.stacks.includes(stack)) entry.stacks.push(stack);
    entry.statements.push(...statements);
    roles.set(key, entry);
  };
  const callerDeploy: Statement[] = [];
  const callerAssets: Statement[] = [];
  const callerStacks: CdkStack[] = [];
  const assume = new Map<string, Set<string>>();
  const addAssume = (what: string, arn: string) => assume.set(what, (assume.get(what) ?? new Set()).add(arn));
  const lookups = new Set<string>();

  for (const stack of stacks) {
    const env = resolveEnvironment(stack, scope);
    if (stack.deployRoleArn) {
      role('deploy', stack.deployRoleArn, stack, env, deployStatements(stack, env));
      addAssume('deploy', fill(stack.deployRoleArn, env));
      if (stack.executionRoleArn) role('exec', stack.executionRoleArn, stack, env, stagedReads(stack, env));
    } else {
      callerDeploy.push(...deployStatements(stack, env));
      callerStacks.push(stack);
    }
    if (stack.lookupRoleArn) {
      lookups.add(fill(stack.lookupRoleArn, env));
      // Only assumed: its trust is checked, it needs nothing of its own for the deploy.
      role('lookup', stack.lookupRoleArn, stack, env, []);
    }
    for (const d of stack.files) {
      if (!d.assumeRoleArn) continue;
      const e = d.region ? { ...env, region: d.region, partition: partitionOf(d.region) } : env;
      role('file-publishing', d.assumeRoleArn, stack, e, fileStatements({ ...stack, files: [d] }, env, true));
      addAssume('file-publishing', fill(d.assumeRoleArn, e));
    }
    for (const d of stack.images) {
      if (!d.assumeRoleArn) continue;
      const e = d.region ? { ...env, region: d.region, partition: partitionOf(d.region) } : env;
      role('image-publishing', d.assumeRoleArn, stack, e, imageStatements({ ...stack, images: [d] }, env, true));
      addAssume('image-publishing', fill(d.assumeRoleArn, e));
    }
    callerAssets.push(...fileStatements(stack, env, false), ...imageStatements(stack, env, false));
  }

  const fragments: PolicyFragment[] = [];
  const manifest = { title: `cloud assembly ${assembly.dir}/manifest.json` };
  for (const kind of ['deploy', 'file-publishing', 'image-publishing'] as const) {
    const arns = assume.get(kind);
    if (!arns) continue;
    fragments.push({
      id: `cdk.assume-${kind}-role`,
      title: `Assume the ${ROLE_VIA[kind]}`,
      description: `The CDK CLI assumes the ${ROLE_VIA[kind]} the synthesizer names before it ${kind === 'deploy' ? 'deploys the stacks' : 'publishes the assets'}; the role does the rest.`,
      source: manifest,
      statements: [allow(['sts:AssumeRole'], [...arns])],
    });
  }
  if (lookups.size) {
    fragments.push({
      id: 'cdk.assume-lookup-role',
      title: 'Assume the CDK lookup role',
      description: 'The CDK CLI assumes the lookup role to read the deployed stacks and context lookups; without it, it falls back to the caller’s credentials.',
      source: manifest,
      statements: [allow(['sts:AssumeRole'], [...lookups])],
    });
  }
  if (callerDeploy.length) {
    fragments.push({
      id: 'cdk.deploy-stacks',
      title: `Deploy the stacks without a deploy role (${names(callerStacks)})`,
      description: 'These stacks’ synthesizer (CliCredentialsStackSynthesizer or LegacyStackSynthesizer) assumes no role: the caller drives CloudFormation, and CloudFormation creates the resources with the caller’s credentials.',
      source: BOOTSTRAP_TEMPLATE_SOURCE,
      statements: merge(callerDeploy),
      ...(callerDeploy.some((s) => listOf(s.Action).includes('iam:PassRole')) ? { context: [PASS_TO_CLOUDFORMATION] } : {}),
    });
  }
  if (callerAssets.length) {
    fragments.push({
      id: 'cdk.publish-assets',
      title: 'Publish the assets without a publishing role',
      description: 'The asset manifest names no publishing role: the CDK CLI uploads files and pushes images with the caller’s credentials.',
      source: BOOTSTRAP_TEMPLATE_SOURCE,
      statements: merge(callerAssets),
    });
  }

  // The lookup role last: the chain's links in the order the deploy uses them, the one only read with after.
  const entries = [...roles.values()].sort((a, b) => Number(a.kind === 'lookup') - Number(b.kind === 'lookup'));
  const count = (kind: RoleKind) => entries.filter((e) => e.kind === kind).length;
  const idOf = (e: RoleEntry) => (count(e.kind) === 1 ? `cdk-${e.kind}-role` : `cdk-${e.kind}-role-${e.env.account === '*' ? 'any' : e.env.account}-${e.env.region === '*' ? 'any' : e.env.region}`);
  const used = new Set<string>();
  const uniqueId = (e: RoleEntry) => {
    let id = idOf(e);
    for (let n = 2; used.has(id); n++) id = `${idOf(e)}-${n}`;
    used.add(id);
    return id;
  };
  const principals: PrincipalRequirement[] = [];
  const sources: CloudFormationSource[] = [];
  const missingHint = 'run `cdk synth` first';
  const allStacks = stacks.length === assembly.stacks.length;
  const sourceOf = (group: CdkStack[]): CloudFormationSource => {
    const whole = allStacks && group.length === stacks.length;
    // Template files alone carry no environment: the stacks' (or, environment-agnostic, the run's) goes with them.
    const envs = [...new Set(group.map((s) => JSON.stringify(resolveEnvironment(s, scope))))].map((e) => JSON.parse(e) as ResolvedEnvironment);
    const env = !whole && envs.length === 1 ? envs[0]! : undefined;
    return {
      kind: 'cloudformation',
      // The whole cloud assembly keeps the stacks' environments and asset manifests; a part of it is its template files.
      paths: whole ? [assembly.dir] : group.map((s) => s.templateFile),
      missingHint,
      ...(env && env.account !== '*' ? { account: env.account } : {}),
      ...(env && env.region !== '*' ? { region: env.region } : {}),
    };
  };
  const ids = new Map<RoleEntry, string>();
  for (const e of entries) {
    const id = uniqueId(e);
    ids.set(e, id);
    // The bucket and repository are the role's account's: the bootstrap's publishing policy conditions on it.
    const contexts: RequirementContext[] = e.kind !== 'exec' && e.env.account !== '*' ? [{ values: { 'aws:ResourceAccount': e.env.account } }] : [];
    if (e.kind === 'deploy') contexts.push(PASS_TO_CLOUDFORMATION);
    const context = contexts.length ? { context: contexts } : {};
    const p: PrincipalRequirement = {
      id,
      // An unknown account stays a wildcard: the role is named as a pattern (the adapter warns).
      arn: e.arn,
      via: `${ROLE_VIA[e.kind]} (${names(e.stacks)})`,
      from: ROLE_FROM[e.kind],
      description: ROLE_USE[e.kind],
      trust: ROLE_TRUST[e.kind],
      fragments: e.statements.length
        ? [
            {
              id: `cdk.${id}`,
              title: `What the ${ROLE_VIA[e.kind]} does for ${names(e.stacks)}`,
              source: BOOTSTRAP_TEMPLATE_SOURCE,
              statements: merge(e.statements),
              ...context,
            },
          ]
        : [],
    };
    if (e.kind === 'exec') p.sources = [sourceOf(e.stacks)];
    principals.push(p);
  }
  // Stacks with a deploy role but no execution role: CloudFormation acts as the deploy role.
  for (const e of entries.filter((x) => x.kind === 'deploy')) {
    const noExec = e.stacks.filter((s) => !s.executionRoleArn);
    const p = principals.find((x) => x.id === ids.get(e));
    if (noExec.length && p) p.sources = [sourceOf(noExec)];
  }
  if (callerStacks.length) sources.push(sourceOf(callerStacks));
  return { kind: 'precise', fragments, principals, sources };
}

/** The bootstrap qualifier of a role ARN the default synthesizer names (`cdk-<qualifier>-deploy-role-…`). */
export function qualifierOf(stack: CdkStack): string | undefined {
  return stack.deployRoleArn ? /:role\/cdk-([^-]+)-deploy-role-/.exec(stack.deployRoleArn)?.[1] : undefined;
}

/**
 * The documented requirements: what the bootstrap template lets a deployer do, i.e. assume the bootstrap's deploy,
 * publishing and lookup roles and read the bootstrap version, for every qualifier and environment the stacks use.
 */
export function cdkDocumentedFragments(stacks: CdkStack[], scope: AdapterScope): PolicyFragment[] {
  const seen = new Set<string>();
  const statements: Statement[] = [];
  for (const stack of stacks) {
    const qualifier = qualifierOf(stack) ?? 'hnb659fds';
    const env = resolveEnvironment(stack, scope);
    const key = `${qualifier} ${env.account} ${env.region}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const vars = { account: env.account, region: env.region, qualifier };
    statements.push(...mapResources(cdkBootstrapFragments().deploy, (r) => fillPlaceholders(r, vars)));
  }
  return [
    {
      id: 'cdk.bootstrap-deployer',
      title: 'Deploy through the CDK bootstrap roles',
      description: 'The bootstrap’s roles do the work; the deployer assumes them and reads the bootstrap version.',
      source: CDK_BOOTSTRAP_SOURCE,
      statements: merge(statements.map((s) => ({ ...s, Resource: listOf(s.Resource) as string[] }))),
    },
  ];
}
