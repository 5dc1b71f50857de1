import { AwspermError, type PolicyFragment, type Statement } from '@awsperm/core';
import { ACTION_RESOURCE_TYPES, RESOURCE_ARN_FORMATS } from '../data/arns.ts';
import { COMPONENT_SOURCES, COMPONENTS_3, COMPONENTS_4 } from '../data/components.ts';
import { PULUMI_TERRAFORM } from '../data/pulumi-terraform.ts';
import { RPC_3, RPC_4 } from '../data/rpc.ts';
import { PIKE_SOURCE, TERRAFORM_IAM } from '../data/terraform-iam.ts';
import type { ComponentCondition, ComponentEntry, ComponentItem, ConditionClause, Phase, SstFamily } from '../data/types.ts';
import type { AppInventory, ComponentRecord, OutsideAws, Recorded } from './inventory.ts';
import { type StateResource, stateChanges } from './state.ts';

/** What {@link appRequirements} needs besides the inventory. */
export interface AppRequirementsOptions {
  /** The project's SST version (`3.17.25`, `4.2.0`): picks the release family's tables. */
  sstVersion: string;
  /** The app name (`$app.name`). */
  app: string;
  /** The stage. */
  stage: string;
  /** The account id, when known; `{account}` stays in the ARNs otherwise, for the caller to fill. */
  account?: string;
  /** The region, when known; `{region}` stays otherwise. */
  region?: string;
  /** The stage's deployed resources (from {@link parseStateExport}): what is gone from the config needs deleting. */
  state?: StateResource[];
}

/** Something the requirements could not be computed for: reported, never dropped. */
export interface UnresolvedRequirement {
  /** What kind of thing has no data. */
  kind: 'component' | 'method' | 'resource' | 'terraform' | 'provider' | 'namespace';
  /** Its type: `sst.aws.Foo`, `sst.aws.Queue.fooBar`, a Pulumi token, a Terraform type, a provider. */
  type: string;
  /** The component (or resource) name it belongs to. */
  name?: string;
  /** Why, in one line. */
  reason: string;
}

/** The requirements of an app's own resources. */
export interface AppRequirements {
  /** One fragment per component (`sst.app.<Name>`), one for raw `aws.*` resources, assets, removed resources. */
  fragments: PolicyFragment[];
  /** What has no data. */
  unresolved: UnresolvedRequirement[];
  /** Other providers' resources: not AWS, not counted. */
  outsideAws: OutsideAws[];
  /** What may make the requirements incomplete without being unresolved (`$transform` callbacks are not followed). */
  warnings: string[];
}

/** The receiving service of `iam:PassRole`, per Terraform type that hands a role to a service. */
const PASSED_TO: Readonly<Record<string, string>> = {
  aws_lambda_function: 'lambda.amazonaws.com',
  aws_ecs_task_definition: 'ecs-tasks.amazonaws.com',
  aws_ecs_service: 'ecs.amazonaws.com',
  aws_sfn_state_machine: 'states.amazonaws.com',
  aws_scheduler_schedule: 'scheduler.amazonaws.com',
  aws_iam_instance_profile: 'ec2.amazonaws.com',
  aws_appsync_datasource: 'appsync.amazonaws.com',
  aws_cloudwatch_event_target: 'events.amazonaws.com',
  aws_pipes_pipe: 'pipes.amazonaws.com',
  aws_api_gateway_account: 'apigateway.amazonaws.com',
  aws_cognito_user_pool: 'cognito-idp.amazonaws.com',
  aws_iot_topic_rule: 'iot.amazonaws.com',
  aws_rds_cluster: 'rds.amazonaws.com',
  aws_db_instance: 'rds.amazonaws.com',
  aws_db_proxy: 'rds.amazonaws.com',
  aws_kinesis_firehose_delivery_stream: 'firehose.amazonaws.com',
};

/** The tagging action of a service, for types pike lists no tagging action for (globals.md §2 of the reference data). */
const TAG_ACTION: Readonly<Record<string, string>> = {
  lambda: 'lambda:TagResource',
  iam: 'iam:TagRole',
  sqs: 'sqs:TagQueue',
  dynamodb: 'dynamodb:TagResource',
  logs: 'logs:TagResource',
  s3: 's3:PutBucketTagging',
  ec2: 'ec2:CreateTags',
  cloudfront: 'cloudfront:TagResource',
  rds: 'rds:AddTagsToResource',
  elasticloadbalancing: 'elasticloadbalancing:AddTags',
  ecs: 'ecs:TagResource',
  ssm: 'ssm:AddTagsToResource',
  secretsmanager: 'secretsmanager:TagResource',
  states: 'states:TagResource',
  sns: 'sns:TagResource',
  elasticache: 'elasticache:AddTagsToResource',
  events: 'events:TagResource',
  'cognito-idp': 'cognito-idp:TagResource',
  acm: 'acm:AddTagsToCertificate',
  ses: 'ses:TagResource',
  iot: 'iot:TagResource',
  kinesis: 'kinesis:AddTagsToStream',
  route53: 'route53:ChangeTagsForResource',
  servicediscovery: 'servicediscovery:TagResource',
  elasticfilesystem: 'elasticfilesystem:TagResource',
  appsync: 'appsync:TagResource',
  es: 'es:AddTags',
  scheduler: 'scheduler:TagResource',
  kms: 'kms:TagResource',
  ecr: 'ecr:TagResource',
};

/** The inline-policy and managed-policy writes SST makes on the roles it creates (link, permissions, policies). */
const ROLE_POLICY_ACTIONS = ['iam:PutRolePolicy', 'iam:GetRolePolicy', 'iam:DeleteRolePolicy', 'iam:ListRolePolicies', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy', 'iam:ListAttachedRolePolicies'];

/**
 * ARNs of the resources SST names itself: `<app>-<stage>-<name>-<random>` (S3 buckets, RDS and ElastiCache
 * lower-cased), per `service:resourceType` of the Service Authorization Reference. Everything else is scoped to
 * account and region by the catalogue's ARN format. SST's `physicalName()`/`prefixName()`
 * (platform/src/components/naming.ts) cut the app name first when `<app>-<stage>-<name>` is too long for the
 * type; see {@link namePrefix}. The types are those of the default naming table in
 * platform/src/components/component.ts (name, length, lower-casing); an ECS task family is `<cluster name>-<name>`
 * and a service lives under its cluster, so both carry the prefix too.
 */
const APP_ARNS: Readonly<Record<string, (p: { prefix: string; lower: string }) => string[]>> = {
  'lambda:function': ({ prefix }) => [`arn:aws:lambda:{region}:{account}:function:${prefix}*`],
  'iam:role': ({ prefix }) => [`arn:aws:iam::{account}:role/${prefix}*`],
  'dynamodb:table': ({ prefix }) => [`arn:aws:dynamodb:{region}:{account}:table/${prefix}*`],
  'sqs:queue': ({ prefix }) => [`arn:aws:sqs:{region}:{account}:${prefix}*`],
  'sns:topic': ({ prefix }) => [`arn:aws:sns:{region}:{account}:${prefix}*`],
  's3:bucket': ({ lower }) => [`arn:aws:s3:::${lower}*`],
  's3:object': ({ lower }) => [`arn:aws:s3:::${lower}*/*`],
  'ecs:cluster': ({ prefix }) => [`arn:aws:ecs:{region}:{account}:cluster/${prefix}*`],
  'ecs:service': ({ prefix }) => [`arn:aws:ecs:{region}:{account}:service/${prefix}*/*`],
  'ecs:task-definition': ({ prefix }) => [`arn:aws:ecs:{region}:{account}:task-definition/${prefix}*:*`],
  'rds:db': ({ lower }) => [`arn:aws:rds:{region}:{account}:db:${lower}*`],
  'rds:cluster': ({ lower }) => [`arn:aws:rds:{region}:{account}:cluster:${lower}*`],
  'rds:subgrp': ({ lower }) => [`arn:aws:rds:{region}:{account}:subgrp:${lower}*`],
  'rds:pg': ({ lower }) => [`arn:aws:rds:{region}:{account}:pg:${lower}*`],
  'rds:cluster-pg': ({ lower }) => [`arn:aws:rds:{region}:{account}:cluster-pg:${lower}*`],
  'elasticache:replicationgroup': ({ lower }) => [`arn:aws:elasticache:{region}:{account}:replicationgroup:${lower}*`],
  'elasticache:subnetgroup': ({ lower }) => [`arn:aws:elasticache:{region}:{account}:subnetgroup:${lower}*`],
  'states:statemachine': ({ prefix }) => [`arn:aws:states:{region}:{account}:stateMachine:${prefix}*`],
  'events:rule-on-default-event-bus': ({ prefix }) => [`arn:aws:events:{region}:{account}:rule/${prefix}*`],
  'events:rule-on-custom-event-bus': ({ prefix }) => [`arn:aws:events:{region}:{account}:rule/*/${prefix}*`],
  'scheduler:schedule': ({ prefix }) => [`arn:aws:scheduler:{region}:{account}:schedule/*/${prefix}*`],
  'cloudfront:function': ({ prefix }) => [`arn:aws:cloudfront::{account}:function/${prefix}*`],
  'kinesis:stream': ({ prefix }) => [`arn:aws:kinesis:{region}:{account}:stream/${prefix}*`],
  'secretsmanager:Secret': ({ prefix }) => [`arn:aws:secretsmanager:{region}:{account}:secret:${prefix}*`],
  'iot:authorizer': ({ prefix }) => [`arn:aws:iot:{region}:{account}:authorizer/${prefix}*`],
  // Topic rule names may not hold "-": SST writes them with "_".
  'iot:rule': ({ prefix }) => [`arn:aws:iot:{region}:{account}:rule/${prefix.replace(/-/g, '_')}*`],
};

const SST_ASSET_BUCKET = 'arn:aws:s3:::sst-asset-*';
const SST_ASSET_REPOSITORY = 'arn:aws:ecr:{region}:{account}:repository/sst-asset';
const ECR_PUSH = ['ecr:BatchCheckLayerAvailability', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:PutImage', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:DescribeRepositories'];

/** Above this many characters of `<app><stage>`, SST's 64-character names (functions, roles) often lose part of the app name. */
const LONG_PREFIX = 24;

/**
 * The name prefix of the resources SST names: `<app>-<stage>-`, or, for a long app name and stage, the app's first
 * letter and a wildcard (`n*-<stage>-`), because SST truncates the app name to fit each resource's name limit.
 */
export function namePrefix(app: string, stage: string): { prefix: string; lower: string; truncated: boolean } {
  const truncated = app.length + stage.length > LONG_PREFIX;
  const prefix = truncated ? `${app.charAt(0)}*-${stage}-` : `${app}-${stage}-`;
  return { prefix, lower: prefix.toLowerCase(), truncated };
}

/** The release family of an SST version: `3` for 3.x, `4` for 4.x and later; throws `PROJECT_CONFIG_INVALID` for older majors or no number. */
export function sstFamily(version: string): SstFamily {
  const major = Number(/^\D*(\d+)/.exec(version)?.[1]);
  if (!Number.isFinite(major) || major < 3) {
    throw new AwspermError('PROJECT_CONFIG_INVALID', `SST ${version} is not a v3/v4 release: the app-resource tables cover SST 3.x and 4.x`, { adapter: '@awsperm/adapter-sst' });
  }
  return major === 3 ? '3' : '4';
}

// --- Conditions ---------------------------------------------------------------------------------------------------

const isRecordObject = (v: Recorded | undefined): v is Record<string, Recorded> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isMarker = (v: Recorded | undefined): boolean => isRecordObject(v) && ('$output' in v || '$component' in v || '$resource' in v);

/** The recorded value at `path`, with SST's shorthands: `nat: "managed"` is `{ type: "managed" }`, `domain: "x"` has the default AWS dns adapter. */
function lookup(args: Record<string, Recorded>, path: string[]): Recorded | undefined {
  let v: Recorded | undefined = args;
  for (let i = 0; i < path.length; i++) {
    const key = path[i]!;
    if (typeof v === 'string' && (key === 'type' || key === 'name')) return v;
    if (v === true && key === 'enabled') return true;
    if ((typeof v === 'string' || v === true) && key === 'dns') return { $dns: 'aws' };
    if (isMarker(v)) return { $output: key };
    if (!isRecordObject(v)) return undefined;
    const next: Recorded | undefined = v[key];
    if (next === undefined && key === 'dns' && i > 0) return { $dns: 'aws' };
    v = next;
  }
  return v;
}
const truthy = (v: Recorded | undefined): boolean => v !== undefined && v !== null && v !== false && v !== '' && v !== 0;

/** true/false when the clause can be decided from the recorded args, undefined when not. */
function clause(c: ConditionClause, args: Record<string, Recorded>, entry: ComponentEntry): boolean | undefined {
  if (c.test === 'loop' || c.test === 'either') return true;
  if (c.test === 'unknown') return undefined;
  let v = lookup(args, c.path);
  if (v === undefined && c.path.length === 1 && entry.onByDefault?.includes(c.path[0]!)) v = true;
  if (c.test === 'set' || c.test === 'unset') return truthy(v) === (c.test === 'set');
  if (c.test !== 'eq' && c.test !== 'ne') return undefined;
  if (v === undefined || v === null) return c.test === 'ne';
  if (isMarker(v) || typeof v === 'object') return undefined;
  return (v === c.value) === (c.test === 'eq');
}

/**
 * Whether a conditional group is created. A clause over internal state the table cannot evaluate counts as met
 * when the user set one of the options the condition derives from (or it has none, or is on by default): it may
 * then apply, and a deploy that needs it must not fail.
 */
function holds(cond: ComponentCondition, args: Record<string, Recorded>, entry: ComponentEntry): boolean {
  let unknown = false;
  let decided = false;
  for (const c of cond.when) {
    const r = clause(c, args, entry);
    if (r === false) return false;
    if (r === undefined) unknown = true;
    else if (c.test !== 'loop' && c.test !== 'either') decided = true;
  }
  // A clause on an option that holds (often a default: `invalidation !== false`) makes the rest plausible.
  if (!unknown || decided || cond.options.length === 0) return true;
  if (cond.options.some((o) => truthy(lookup(args, o.split('.'))) || entry.onByDefault?.includes(o.split('.')[0]!))) return true;
  // An internal variable named after an option the user set (`container.image` ← `image`) counts too.
  const words = cond.when.flatMap((c) => (c.test === 'unknown' ? (c.code.match(/[A-Za-z_$][\w$]*/g) ?? []) : []));
  return words.some((w) => w !== 'args' && Object.hasOwn(args, w) && truthy(args[w]));
}

// --- Expansion ----------------------------------------------------------------------------------------------------

/** One thing a component makes, with why. */
interface Made {
  item: ComponentItem;
  why: string;
}

interface Expansion {
  made: Made[];
  unresolved: UnresolvedRequirement[];
  outsideAws: OutsideAws[];
}

function argsOf(call: Recorded[]): Record<string, Recorded> {
  for (let i = call.length - 1; i >= 0; i--) if (isRecordObject(call[i]) && !isMarker(call[i])) return call[i] as Record<string, Recorded>;
  return {};
}

/**
 * Expands an entry with the recorded args. A sub-component gets the parent's args (a Router hands its domain to its
 * Cdn, a Bucket's notify() its notifications to BucketNotification), except a Function built by a constructor: its
 * args are its own handler definition, which only a method call (`route`, `subscribe`) records.
 */
function expand(table: Readonly<Record<string, ComponentEntry>>, key: string, args: Record<string, Recorded>, why: string, out: Expansion, name: string, depth = 0, method = false): void {
  const entry = table[key];
  if (!entry || depth > 6) return;
  const add = (items: ComponentItem[], reason: string): void => {
    for (const item of items) {
      if (item.k === 's') {
        const sub = table[item.t];
        const subArgs = method || sub?.className !== 'Function' ? args : {};
        expand(table, item.t, subArgs, `${reason} › ${sub?.className ?? item.t}`, out, name, depth + 1, method && sub?.className !== 'Function');
      }
      else if (item.k === 'd') {
        const dns = lookup(args, ['domain', 'dns']);
        if (dns === false) continue;
        if (isRecordObject(dns) && typeof dns['$dns'] === 'string' && dns['$dns'] !== 'aws') {
          out.outsideAws.push({ provider: String(dns['$dns']), type: `${dns['$dns']} dns records`, name });
          continue;
        }
        const dnsArgs = isRecordObject(dns) && isRecordObject(dns['args']) ? (dns['args'] as Record<string, Recorded>) : {};
        expand(table, 'sst.aws.dns', dnsArgs, `${reason} › dns ${item.t}`, out, name, depth + 1);
      } else out.made.push({ item, why: reason });
    }
  };
  add(entry.always, why);
  for (const cond of entry.conditional) {
    if (holds(cond, args, entry)) add(cond.items, cond.options.length ? `${why} (${[...new Set(cond.options.map((o) => o.split('.')[0]))].join(', ')})` : why);
  }
}

function expandComponent(table: Readonly<Record<string, ComponentEntry>>, rec: ComponentRecord, statics = false): Expansion {
  const out: Expansion = { made: [], unresolved: [], outsideAws: [] };
  const entry = table[rec.type];
  if (!entry) {
    out.unresolved.push({ kind: 'component', type: rec.type, name: rec.name, reason: 'no data for this component in this SST release' });
    return out;
  }
  if (!statics && !rec.ref) expand(table, rec.type, rec.options, 'component', out, rec.name);
  for (const call of rec.calls) {
    const methods = entry.methods.filter((m) => m.name === call.method && Boolean(m.static) === statics);
    if (methods.length === 0) {
      out.unresolved.push({ kind: 'method', type: `${rec.type}.${call.method}`, name: rec.name, reason: 'no data for this method: what it creates is unknown' });
      continue;
    }
    const args = argsOf(call.args);
    for (const m of methods) {
      const why = `${call.method}()`;
      const pseudo: ComponentEntry = { ...entry, always: m.always, conditional: m.conditional, onByDefault: [] };
      const key = `${rec.type}#${call.method}`;
      expand({ ...table, [key]: pseudo }, key, args, why, out, rec.name, 0, true);
    }
  }
  return out;
}

// --- Actions and statements ---------------------------------------------------------------------------------------

interface Need {
  action: string;
  why: string;
}

/** The Terraform type (for IAM data) of a token in a family, or undefined. */
function terraformOf(token: string, family: SstFamily): { tf: string; iam: string } | undefined {
  const m = PULUMI_TERRAFORM[token]?.[family === '3' ? 'v6' : 'v7'];
  return m ? { tf: m.tf, iam: m.iamAs ?? m.tf } : undefined;
}

function phaseActions(tf: string, phases: Phase[]): { actions: string[]; tagging: string[] } | undefined {
  const t = TERRAFORM_IAM[tf];
  if (!t) return undefined;
  const actions = new Set<string>();
  for (const p of phases) for (const a of t[p]) actions.add(a);
  // pike leaves `plan` empty for some types (a mechanical gap): a read then needs the type's own read calls.
  if (phases.includes('read') && t.read.length === 0) for (const a of [...t.create, ...t.update]) if (/:(Describe|Get|List)/.test(a)) actions.add(a);
  for (const g of t.gaps) if (g.phases.some((p) => phases.includes(p))) actions.add(g.action);
  const tagging = [...t.tags];
  if (t.taggableWithoutTagActions && tagging.length === 0) {
    const service = (t.create[0] ?? t.read[0] ?? '').split(':')[0]!;
    const tag = TAG_ACTION[service];
    if (tag) tagging.push(tag);
  }
  return { actions: [...actions], tagging: phases.includes('create') ? tagging : [] };
}

/** The Resource list of an action: the app's names where SST fixes them, else the catalogue's ARN format; `*` when the action takes none. */
function resourcesOf(action: string, prefix: { prefix: string; lower: string }): string[] {
  const types = ACTION_RESOURCE_TYPES[action];
  if (!types || types.length === 0) return ['*'];
  const service = action.split(':')[0]!;
  const out = new Set<string>();
  const formats = new Map<string, string[]>();
  for (const rt of types) {
    const key = `${service}:${rt}`;
    const app = APP_ARNS[key];
    if (app) for (const arn of app(prefix)) out.add(arn);
    else {
      const arn = RESOURCE_ARN_FORMATS[key] ?? '*';
      // Group by partition, service, region and account: many types of one service collapse to `<that>:*`.
      const head = /^(arn:aws:[^:]+:[^:]*:[^:]*:)/.exec(arn)?.[1] ?? arn;
      formats.set(head, [...(formats.get(head) ?? []), arn]);
    }
  }
  for (const [head, arns] of formats) for (const arn of arns.length > 2 ? [`${head}*`] : arns) out.add(arn);
  if (out.has('*')) return ['*'];
  const wide = [...out].filter((a) => a.endsWith(':*'));
  return [...out].filter((a) => !wide.some((w) => w !== a && a.startsWith(w.slice(0, -1)))).sort();
}

function statements(needs: Need[], passTo: Set<string>, prefix: { prefix: string; lower: string }, sid: string): Statement[] {
  const groups = new Map<string, Set<string>>();
  for (const n of needs) {
    if (n.action === 'iam:PassRole') continue;
    const key = JSON.stringify(resourcesOf(n.action, prefix));
    const set = groups.get(key) ?? new Set<string>();
    set.add(n.action);
    groups.set(key, set);
  }
  const out: Statement[] = [];
  let i = 0;
  for (const [key, actions] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const resources = JSON.parse(key) as string[];
    out.push({ Sid: `${sid}${i++}`, Effect: 'Allow', Action: [...actions].sort(), Resource: resources.length === 1 ? resources[0]! : resources });
  }
  if (passTo.size > 0) {
    out.push({
      Sid: `${sid}PassRole`,
      Effect: 'Allow',
      Action: ['iam:PassRole'],
      Resource: `arn:aws:iam::{account}:role/${prefix.prefix}*`,
      Condition: { StringEquals: { 'iam:PassedToService': [...passTo].sort() } },
    });
  }
  return out;
}

const sidOf = (name: string): string => name.replace(/[^A-Za-z0-9]/g, '') || 'App';
const fill = (s: Statement, account?: string, region?: string): Statement => {
  const sub = (r: string): string => r.replace(/\{account\}/g, account ?? '{account}').replace(/\{region\}/g, region ?? '{region}');
  return { ...s, ...(s.Resource === undefined ? {} : { Resource: Array.isArray(s.Resource) ? s.Resource.map(sub) : sub(s.Resource) }) };
};

interface Collected {
  needs: Need[];
  passTo: Set<string>;
  lines: string[];
  unresolved: UnresolvedRequirement[];
  images: boolean;
  code: boolean;
  seen: Set<string>;
}

/** Adds what one made thing needs, for the given phases. */
function collect(c: Collected, made: Made, family: SstFamily, phases: Phase[], name: string): void {
  const { item } = made;
  const rpcTable = family === '3' ? RPC_3 : RPC_4;
  if (item.k === 'p') {
    const r = rpcTable[item.t];
    if (!r) {
      c.unresolved.push({ kind: 'resource', type: `rpc ${item.t}`, name, reason: 'no data for this SST rpc resource' });
      return;
    }
    const actions = [...new Set(phases.flatMap((p) => r[p]))];
    for (const a of actions) c.needs.push({ action: a, why: `SST rpc ${item.t} (${made.why})` });
    c.lines.push(`- SST rpc resource ${item.t} (${made.why}): ${actions.join(', ') || 'no AWS call'}. ${r.purpose}`);
    return;
  }
  if (item.t.startsWith('pulumi:providers:')) return;
  if (item.k === 'o') {
    if (item.t === 'docker-build:index:Image') c.images = true;
    return;
  }
  const readOnly = item.k === 'g' || item.k === 'i';
  const mapped = terraformOf(item.t, family);
  if (!mapped) {
    c.unresolved.push({ kind: 'resource', type: item.t, name, reason: `no Terraform mapping for this Pulumi type in pulumi-aws ${family === '3' ? 'v6' : 'v7'}` });
    return;
  }
  const got = phaseActions(mapped.iam, readOnly ? (item.k === 'i' ? ['create', 'read'] : ['read']) : phases);
  if (!got) {
    c.unresolved.push({ kind: 'terraform', type: mapped.tf, name, reason: 'no IAM data (pike) for this Terraform type' });
    return;
  }
  if (item.t === 'aws:lambda/function:Function') c.code = true;
  const passes = got.actions.includes('iam:PassRole') || (!readOnly && PASSED_TO[mapped.iam] !== undefined && phases.includes('create'));
  if (passes && PASSED_TO[mapped.iam]) c.passTo.add(PASSED_TO[mapped.iam]!);
  else if (got.actions.includes('iam:PassRole')) c.passTo.add('*');
  for (const a of got.actions) c.needs.push({ action: a, why: `${mapped.tf} (${made.why})` });
  for (const a of got.tagging) c.needs.push({ action: a, why: `default tags sst:app/sst:stage on ${mapped.tf}` });
  if (item.t === 'aws:iam/role:Role' && !readOnly) for (const a of ROLE_POLICY_ACTIONS) c.needs.push({ action: a, why: 'inline policy (link, permissions) and managed policies on the role SST creates' });
  if (c.seen.has(`${item.k} ${item.t} ${made.why}`)) return;
  c.seen.add(`${item.k} ${item.t} ${made.why}`);
  const verb = readOnly ? (item.k === 'g' ? 'reads' : 'looks up') : 'creates';
  c.lines.push(`- ${verb} ${item.t} → ${mapped.tf} (${made.why}): ${[...new Set([...got.actions, ...got.tagging])].sort().join(', ') || 'no IAM action'}`);
}

function fragmentOf(id: string, title: string, c: Collected, prefix: { prefix: string; lower: string }, opts: AppRequirementsOptions, source: PolicyFragment['source'], intro: string): PolicyFragment | undefined {
  const receivers = new Set([...c.passTo].filter((s) => s !== '*'));
  const st = statements(c.needs, receivers, prefix, sidOf(id.replace(/^sst\.app\./, '')));
  // pike lists iam:PassRole for a few types with no receiving service of their own: without one known, unconditioned.
  if (c.passTo.has('*') && receivers.size === 0) {
    st.push({ Sid: `${sidOf(id)}PassAny`, Effect: 'Allow', Action: ['iam:PassRole'], Resource: `arn:aws:iam::{account}:role/${prefix.prefix}*` });
  }
  if (st.length === 0) return undefined;
  const tagged = taggedActions(st);
  return {
    id,
    title,
    description: [intro, ...c.lines].join('\n'),
    source,
    statements: st.map((s) => fill(s, opts.account, opts.region)),
    ...(tagged.length
      ? { context: [{ actions: tagged, values: { 'aws:RequestTag/sst:app': opts.app, 'aws:RequestTag/sst:stage': opts.stage, 'aws:TagKeys': ['sst:app', 'sst:stage'] } }] }
      : {}),
  };
}

/**
 * The calls that carry SST's default tags (`sst:app`, `sst:stage`, set on every resource through the provider's
 * default tags): the create and tag calls. Other calls carry no request tags.
 */
function taggedActions(statements: Statement[]): string[] {
  const out = new Set<string>();
  for (const s of statements) {
    for (const a of typeof s.Action === 'string' ? [s.Action] : (s.Action ?? [])) if (/^[a-z0-9-]+:(Create|Tag|AddTags)/.test(a)) out.add(a);
  }
  return [...out].sort();
}

const emptyCollected = (): Collected => ({ needs: [], passTo: new Set(), lines: [], unresolved: [], images: false, code: false, seen: new Set() });

/**
 * The IAM requirements of an SST v3/v4 app's own resources for one stage, from {@link discoverApp}'s inventory:
 * one fragment `sst.app.<Name>` per component (what it creates, via component → Pulumi type → Terraform type →
 * pike's actions plus the curated gaps, honouring option conditions and method calls), one for raw `aws.*`
 * resources, one for asset uploads, and, given `state`, delete requirements for deployed resources the config no
 * longer has. ARNs are scoped to the names SST gives (`<app>-<stage>-…`) and to `{account}`/`{region}` (filled when
 * given). Whatever has no data is listed in `unresolved`; other providers in `outsideAws`.
 */
export function appRequirements(inventory: AppInventory, opts: AppRequirementsOptions): AppRequirements {
  const family = sstFamily(opts.sstVersion);
  const table = family === '3' ? COMPONENTS_3 : COMPONENTS_4;
  const release = COMPONENT_SOURCES[family];
  const prefix = namePrefix(opts.app, opts.stage);
  const fragments: PolicyFragment[] = [];
  const unresolved: UnresolvedRequirement[] = inventory.unresolved.map((u) => ({ ...u, reason: u.kind === 'component' ? 'unknown component: no data' : 'no data' }));
  const outsideAws: OutsideAws[] = [...inventory.outsideAws];
  const ids = new Set<string>();
  const idFor = (name: string, type: string): string => {
    let id = `sst.app.${name}`;
    if (ids.has(id)) id = `sst.app.${name}.${type.split('.').pop()}`;
    ids.add(id);
    return id;
  };
  let code = false;
  let images = false;
  const all: Phase[] = ['create', 'update', 'delete'];
  const pikeCite = `pike (${PIKE_SOURCE.repo} @ ${PIKE_SOURCE.commit.slice(0, 7)}, src/mapping/aws) with curated additions`;

  for (const rec of inventory.components) {
    const entry = table[rec.type];
    if (entry?.noAws) continue;
    const ex = expandComponent(table, rec);
    unresolved.push(...ex.unresolved);
    outsideAws.push(...ex.outsideAws);
    if (!entry) continue;
    if (rec.ref && rec.calls.length === 0) continue;
    const c = emptyCollected();
    for (const m of ex.made) collect(c, m, family, all, rec.name);
    unresolved.push(...c.unresolved);
    code ||= c.code;
    images ||= c.images;
    const file = entry.at.replace(/:.*/, '');
    const f = fragmentOf(
      idFor(rec.name, rec.type),
      rec.ref ? `${rec.type}.get("${rec.name}") with ${rec.calls.map((x) => `${x.method}()`).join(', ')}: what the calls make` : `${rec.type} "${rec.name}": create, update and delete what it makes`,
      c,
      prefix,
      opts,
      { title: `${release.repo} @ ${release.tag}: ${entry.at} (what it creates); Pulumi→Terraform from pulumi-aws; IAM actions from ${pikeCite}`, url: `https://github.com/${release.repo}/blob/${release.commit}/${file}` },
      `${rec.type} "${rec.name}"${rec.calls.length ? ` with ${rec.calls.map((x) => `${x.method}()`).join(', ')}` : ''} makes, for stage ${opts.stage}:`,
    );
    if (f) fragments.push(f);
  }

  // Static methods (`sst.aws.Queue.subscribe(arn, …)`): what they create, without a component of the app.
  inventory.staticCalls.forEach(({ type, call }, i) => {
    if (table[type]?.noAws) return;
    const ex = expandComponent(table, { type, name: `${type.split('.').pop()}.${call.method}`, options: {}, calls: [call] }, true);
    unresolved.push(...ex.unresolved);
    outsideAws.push(...ex.outsideAws);
    const c = emptyCollected();
    for (const m of ex.made) collect(c, m, family, all, `${type}.${call.method}`);
    unresolved.push(...c.unresolved);
    code ||= c.code;
    images ||= c.images;
    const entry = table[type];
    const f = entry && fragmentOf(
      idFor(`${type.split('.').pop()}.${call.method}${i > 0 ? `-${i}` : ''}`, type),
      `${type}.${call.method}(): create, update and delete what it makes`,
      c,
      prefix,
      opts,
      { title: `${release.repo} @ ${release.tag}: ${entry.methods.find((m) => m.name === call.method)?.at ?? entry.at}`, url: `https://github.com/${release.repo}/blob/${release.commit}/${entry.at.replace(/:.*/, '')}` },
      `${type}.${call.method}() makes:`,
    );
    if (f) fragments.push(f);
  });

  // Raw aws.* resources of the config.
  if (inventory.resources.length > 0) {
    const c = emptyCollected();
    for (const r of inventory.resources) {
      if (r.token === 'pulumi:providers:aws') continue;
      if (!PULUMI_TERRAFORM[r.token]) {
        unresolved.push({ kind: 'resource', type: r.token, name: r.name, reason: 'no data for this raw Pulumi resource type' });
        continue;
      }
      collect(c, { item: { k: 'r', t: r.token, at: '' }, why: `new ${r.token.split(':').pop()}("${r.name}")` }, family, all, r.name);
    }
    unresolved.push(...c.unresolved);
    code ||= c.code;
    const f = fragmentOf('sst.app.resources', 'Raw aws.* resources of sst.config.ts: create, update and delete', c, prefix, opts, { title: `Pulumi→Terraform from pulumi-aws; IAM actions from ${pikeCite}` }, 'Resources sst.config.ts creates directly:');
    if (f) fragments.push(f);
  }
  // Lookups made directly by the config: read actions.
  const direct = inventory.lookups.filter((l) => l.type.startsWith('aws:'));
  if (direct.length > 0) {
    const c = emptyCollected();
    for (const l of direct) {
      if (!PULUMI_TERRAFORM[l.type]) {
        unresolved.push({ kind: 'resource', type: l.type, name: l.name, reason: 'no data for this lookup' });
        continue;
      }
      collect(c, { item: { k: l.kind === 'get' ? 'g' : 'i', t: l.type, at: '' }, why: 'sst.config.ts' }, family, ['read'], l.name ?? '');
    }
    unresolved.push(...c.unresolved);
    const f = fragmentOf('sst.app.lookups', 'Lookups sst.config.ts makes (.get() and provider functions): read', c, prefix, opts, { title: `IAM actions from ${pikeCite}` }, 'Existing resources sst.config.ts reads:');
    if (f) fragments.push(f);
  }
  for (const l of inventory.lookups.filter((x) => x.kind === 'get' && x.type.startsWith('sst.'))) {
    const entry = table[l.type];
    if (!entry?.get) {
      unresolved.push({ kind: 'component', type: `${l.type}.get`, name: l.name, reason: 'no data for this lookup' });
      continue;
    }
    const c = emptyCollected();
    for (const item of entry.get.items) collect(c, { item: { ...item, k: item.k === 'r' ? 'g' : item.k }, why: `${l.type}.get()` }, family, ['read'], l.name ?? '');
    unresolved.push(...c.unresolved);
    const f = fragmentOf(idFor(l.name ?? 'lookup', l.type), `${l.type}.get("${l.name}"): read the existing resources`, c, prefix, opts, { title: `${release.repo} @ ${release.tag}: ${entry.get.at}` }, `${l.type}.get("${l.name}") reads:`);
    if (f) fragments.push(f);
  }

  if (code || images) {
    const st: Statement[] = [];
    if (code) st.push({ Sid: 'UploadFunctionCode', Effect: 'Allow', Action: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'], Resource: `${SST_ASSET_BUCKET}/*` });
    if (images) {
      st.push({ Sid: 'PushImages', Effect: 'Allow', Action: ECR_PUSH, Resource: SST_ASSET_REPOSITORY });
      st.push({ Sid: 'EcrLogin', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: '*' });
    }
    fragments.push({
      id: 'sst.app.assets',
      title: 'Upload function code to the sst-asset-* bucket and container images to the sst-asset ECR repository',
      description: 'SST uploads each function zip as aws:s3/bucketObjectv2 into the bootstrap asset bucket (assets/<name>-code-<hash>.zip), and pushes container images (docker-build) to the bootstrap repository sst-asset after ecr:GetAuthorizationToken.',
      source: { title: `${release.repo} @ ${release.tag}: platform/src/components/aws/function.ts (createZipAsset, createImageAsset)`, url: `https://github.com/${release.repo}/blob/${release.commit}/platform/src/components/aws/function.ts` },
      statements: st.map((s) => fill(s, opts.account, opts.region)),
    });
  }

  if (opts.state) {
    const removed = stateChanges(opts.state, inventory).removed;
    const c = emptyCollected();
    for (const r of removed) {
      if (!r.type.startsWith('aws:')) continue;
      if (!PULUMI_TERRAFORM[r.type]) {
        unresolved.push({ kind: 'resource', type: r.type, name: r.name, reason: 'deployed resource with no data: its delete actions are unknown' });
        continue;
      }
      collect(c, { item: { k: 'r', t: r.type, at: '' }, why: `deployed ${r.name}, gone from the config` }, family, ['delete'], r.name);
    }
    unresolved.push(...c.unresolved);
    const f = fragmentOf('sst.app.removed', 'Delete the deployed resources the config no longer has', c, prefix, opts, { title: `the stage's state (sst state export); IAM actions from ${pikeCite}` }, 'Deployed resources that the next deploy removes:');
    if (f) fragments.push(f);
  }
  const warnings = [...new Set(inventory.transforms)].map((t) => `$transform(${t}, …) may change what is created or how; its callback is not followed`);
  if (prefix.truncated) warnings.push(`"${opts.app}-${opts.stage}" is long: SST shortens the app name in resource names, so ARNs are scoped to "${prefix.prefix}*"`);
  return { fragments, unresolved, outsideAws, warnings };
}
