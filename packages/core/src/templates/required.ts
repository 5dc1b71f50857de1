import { actionResourceTypes } from '../catalog.ts';
import { customResourceActions, isCustomResourceType } from '../cfn/overlay.ts';
import { refillDestination } from './cdk-assembly.ts';
import type { HandlerOperation, HandlerResolver, ResourceTypePermissions } from '../cfn/types.ts';
import { isRecord } from '../json.ts';
import type { PolicyFragment, Statement } from '../policy/types.ts';
import { type ArnContext, anyFunctionArn, isKnown, NAMED_TYPES, partitionOf, resourceArns, valuePattern } from './names.ts';
import { mayPassRole, passedRoles } from './pass-role.ts';
import type { LoadedTemplates, StackAssets, TemplateResource, TemplateStack, UnresolvedType } from './types.ts';

/** The handler operations a deploy runs: new resources, changed ones, removed ones (and rollbacks). */
export const DEFAULT_OPERATIONS: readonly HandlerOperation[] = ['create', 'update', 'delete'];

/** Options of {@link templateRequirements}. */
export interface TemplateRequirementsOptions {
  /** The handler operations to require (default {@link DEFAULT_OPERATIONS}). */
  operations?: readonly HandlerOperation[];
  /** The account, when known from elsewhere (a cloud assembly's stack environment wins). */
  account?: string;
  /** The region, when known from elsewhere (a cloud assembly's stack environment wins). */
  region?: string;
}

/** What the templates require. */
export interface TemplateRequirements {
  /** One fragment per stack (`template.<stack>`), and one per stack that publishes assets (`template.<stack>.assets`). */
  fragments: PolicyFragment[];
  /**
   * The asset fragments among {@link TemplateRequirements.fragments}: what the deployer needs to publish assets,
   * which stays the caller's even when CloudFormation creates the resources through a service role.
   */
  assetFragments: PolicyFragment[];
  /** Resource types no source resolves; a check with any of them is not OK. */
  unresolved: UnresolvedType[];
  /** Resource types resolved, with their sources, for reports. */
  resolved: ResourceTypePermissions[];
}

const ACTION_FORM = /^[a-z0-9-]+:[A-Za-z0-9*?]+$/i;

/** Collects actions per resource list (and condition), keeping first-seen order. */
class StatementBuilder {
  private readonly groups = new Map<string, { resources: string[]; condition?: Statement['Condition']; actions: Map<string, string> }>();

  add(actions: Iterable<string>, resources: string[], condition?: Statement['Condition']): void {
    const key = JSON.stringify([resources, condition ?? null]);
    let group = this.groups.get(key);
    if (!group) {
      group = { resources, ...(condition ? { condition } : {}), actions: new Map() };
      this.groups.set(key, group);
    }
    for (const a of actions) if (!group.actions.has(a.toLowerCase())) group.actions.set(a.toLowerCase(), a);
  }

  statements(): Statement[] {
    return [...this.groups.values()]
      .filter((g) => g.actions.size > 0)
      .map((g) => {
        const s: Statement = { Effect: 'Allow', Action: [...g.actions.values()], Resource: g.resources.length === 1 ? g.resources[0]! : g.resources };
        if (g.condition) s.Condition = g.condition;
        return s;
      });
  }
}

function contextOf(stack: TemplateStack, options: TemplateRequirementsOptions): ArnContext {
  const account = stack.environment.account ?? options.account;
  const region = stack.environment.region ?? options.region;
  return { ...(account ? { account } : {}), ...(region ? { region } : {}), ...(stack.stackName ? { stackName: stack.stackName } : {}) };
}

function targetOf(value: unknown, resources: Record<string, TemplateResource>): { id: string; resource: TemplateResource } | undefined {
  if (!isRecord(value)) return undefined;
  const att = value['Fn::GetAtt'];
  const id = typeof value.Ref === 'string' ? value.Ref : Array.isArray(att) ? att[0] : typeof att === 'string' ? att.split('.')[0] : undefined;
  if (typeof id !== 'string' || !Object.hasOwn(resources, id)) return undefined;
  return { id, resource: resources[id]! };
}

/** The action and resources a custom resource's ServiceToken needs (lambda:InvokeFunction or sns:Publish). */
function serviceTokenNeeds(properties: Record<string, unknown>, resources: Record<string, TemplateResource>, ctx: ArnContext): { actions: string[]; resources: string[] } {
  const token = properties.ServiceToken;
  const target = targetOf(token, resources);
  if (target) {
    const props = target.resource.Properties ?? {};
    const arns = resourceArns(target.resource.Type, props, ctx);
    const actions = customResourceActions(undefined, target.resource.Type);
    if (target.resource.Type === 'AWS::Lambda::Function') return { actions, resources: arns ?? [anyFunctionArn(ctx)] };
    return { actions, resources: arns ?? ['*'] };
  }
  const pattern = valuePattern(token, ctx);
  const actions = customResourceActions(isKnown(pattern) ? pattern : undefined);
  return { actions, resources: isKnown(pattern) && pattern.startsWith('arn:') ? [pattern] : ['*'] };
}

async function scopedTo(action: string, type: string, arns: string[] | undefined): Promise<string[]> {
  const named = NAMED_TYPES[type];
  if (!arns || !named || !action.toLowerCase().startsWith(`${named.service}:`)) return ['*'];
  const types = await actionResourceTypes(action).catch(() => undefined);
  return types?.includes(named.resourceType) ? arns : ['*'];
}

async function stackFragment(
  stack: TemplateStack,
  resolved: Map<string, ResourceTypePermissions>,
  operations: readonly HandlerOperation[],
  options: TemplateRequirementsOptions,
  unresolved: Map<string, string[]>,
): Promise<PolicyFragment> {
  const ctx = contextOf(stack, options);
  const builder = new StatementBuilder();
  const resources = stack.template.Resources;
  for (const [id, resource] of Object.entries(resources)) {
    const perms = resolved.get(resource.Type);
    if (!perms) {
      const list = unresolved.get(resource.Type) ?? [];
      list.push(`${stack.name}/${id}`);
      unresolved.set(resource.Type, list);
      continue;
    }
    const props = isRecord(resource.Properties) ? resource.Properties : {};
    // A type without an update handler is replaced on every update: updating it creates the new one and deletes the old.
    const ops = operations.includes('update') && perms.handlers.update === undefined ? [...new Set([...operations, 'create', 'delete'] as const)] : operations;
    let actions = [...new Set(ops.flatMap((op) => perms.handlers[op] ?? []))].filter((a) => ACTION_FORM.test(a));
    if (isCustomResourceType(resource.Type)) {
      const needs = serviceTokenNeeds(props, resources, ctx);
      const replaced = new Set(['lambda:invokefunction', 'sns:publish']);
      actions = actions.filter((a) => !replaced.has(a.toLowerCase()));
      builder.add(needs.actions, needs.resources);
    }
    const roles = passedRoles(resource.Type, props, resources, ctx);
    // The handler's unscoped iam:PassRole gives way to the roles found, or goes when the resource passes none.
    if (roles.length > 0 || !mayPassRole(props)) {
      actions = actions.filter((a) => a.toLowerCase() !== 'iam:passrole');
      for (const role of roles) {
        builder.add(['iam:PassRole'], role.arns, role.passedTo ? { StringEquals: { 'iam:PassedToService': role.passedTo } } : undefined);
      }
    }
    const arns = resourceArns(resource.Type, props, ctx);
    for (const action of actions) builder.add([action], await scopedTo(action, resource.Type, arns));
  }
  const where = [ctx.account ? `account ${ctx.account}` : '', ctx.region ? `region ${ctx.region}` : ''].filter(Boolean).join(', ');
  return {
    id: `template.${stack.name.replace(/\//g, '.')}`,
    title: `CloudFormation handlers for ${operations.join('/')} of the resources in ${stack.parent ? 'nested stack' : 'stack'} ${stack.name}`,
    description:
      `What CloudFormation's resource handlers call for each resource of the template${where ? ` (${where})` : ''}. Without a CloudFormation ` +
      'service role they run with the deployer’s credentials; with one (a service role named for the run, or the CDK bootstrap cfn-exec role) the role needs them.',
    source: { title: `synthesized template ${stack.file}` },
    statements: builder.statements(),
  };
}

function assetsFragment(assets: StackAssets, run: { account?: string; region?: string }): PolicyFragment | undefined {
  const builder = new StatementBuilder();
  // An environment-agnostic stack publishes to the run's account and region, as its resources are created in them.
  for (const d of assets.destinations.map((x) => refillDestination(x, run))) {
    if (d.assumeRoleArn) {
      // The CDK publishing roles carry the bucket and repository permissions; the deployer only assumes them.
      builder.add(['sts:AssumeRole'], [d.assumeRoleArn]);
      continue;
    }
    if (d.kind === 'file') {
      const p = partitionOf(d.region);
      builder.add(['s3:GetBucketLocation', 's3:ListBucket'], [`arn:${p}:s3:::${d.bucketName}`]);
      builder.add(['s3:PutObject'], [`arn:${p}:s3:::${d.bucketName}/${d.objectKey}`]);
    } else {
      builder.add(['ecr:GetAuthorizationToken'], ['*']);
      builder.add(
        ['ecr:DescribeImages', 'ecr:DescribeRepositories', 'ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:PutImage'],
        [`arn:${partitionOf(d.region)}:ecr:${d.region ?? '*'}:${d.account ?? '*'}:repository/${d.repositoryName}`],
      );
    }
  }
  const statements = builder.statements();
  if (statements.length === 0) return undefined;
  return {
    id: `template.${assets.stack.replace(/\//g, '.')}.assets`,
    title: `Publish the file and image assets of stack ${assets.stack}`,
    description: 'File assets go to the bootstrap assets bucket, image assets to its ECR repository; where the asset manifest names a publishing role, the deployer assumes it and the role does the upload.',
    source: { title: `asset manifest ${assets.file}` },
    statements,
  };
}

/**
 * Turns templates into required permissions: for every resource, its type's CloudFormation handler permissions for
 * the chosen operations (from `resolver`), scoped to the resource's ARN where the template fixes its name and the
 * action acts on that resource type; `iam:PassRole` on the roles handed to services (with `iam:PassedToService`
 * where certain) instead of the handler's unscoped one; custom resources' ServiceToken invoke; and asset publishing.
 * Types the resolver does not know are returned in `unresolved`, never dropped.
 */
export async function templateRequirements(
  loaded: LoadedTemplates,
  resolver: HandlerResolver,
  options: TemplateRequirementsOptions = {},
): Promise<TemplateRequirements> {
  const operations = options.operations ?? DEFAULT_OPERATIONS;
  const types = [...new Set(loaded.stacks.flatMap((s) => Object.values(s.template.Resources).map((r) => r.Type)))];
  const resolved = await resolver.resolve(types);
  const unresolved = new Map<string, string[]>();
  const fragments: PolicyFragment[] = [];
  const assetFragments: PolicyFragment[] = [];
  for (const stack of loaded.stacks) {
    fragments.push(await stackFragment(stack, resolved, operations, options, unresolved));
    for (const assets of loaded.assets.filter((a) => a.stack === stack.name)) {
      const f = assetsFragment(assets, { ...(options.account ? { account: options.account } : {}), ...(options.region ? { region: options.region } : {}) });
      if (f) {
        fragments.push(f);
        assetFragments.push(f);
      }
    }
  }
  return {
    fragments,
    assetFragments,
    unresolved: [...unresolved].map(([type, resources]) => ({ type, resources })),
    resolved: types.flatMap((t) => resolved.get(t) ?? []),
  };
}
