import { isRecord } from '../json.ts';

/** What is known about where a stack deploys, for turning template values into ARNs. */
export interface ArnContext {
  /** The account id, when known. */
  account?: string;
  /** The region, when known. */
  region?: string;
  /** The stack's name, when it is the name CloudFormation will use (not for nested stacks). */
  stackName?: string;
}

/** The ARN partition of a region (`aws` when the region is unknown). */
export function partitionOf(region: string | undefined): string {
  if (region?.startsWith('cn-')) return 'aws-cn';
  if (region?.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

function pseudo(name: string, ctx: ArnContext): string {
  switch (name) {
    case 'AWS::AccountId':
      return ctx.account ?? '*';
    case 'AWS::Region':
      return ctx.region ?? '*';
    case 'AWS::Partition':
      return partitionOf(ctx.region);
    case 'AWS::URLSuffix':
      return ctx.region?.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
    case 'AWS::StackName':
      return ctx.stackName ?? '*';
    default:
      return '*';
  }
}

function only(value: Record<string, unknown>, key: string): unknown {
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === key ? value[key] : undefined;
}

function sub(template: string, vars: Record<string, unknown>, ctx: ArnContext, depth: number): string {
  return template.replace(/\$\{([^}]*)\}/g, (_, name: string) => {
    // `${!Literal}` is CloudFormation's escape for a literal `${Literal}`.
    if (name.startsWith('!')) return `\${${name.slice(1)}}`;
    if (Object.hasOwn(vars, name)) return valuePattern(vars[name], ctx, depth + 1);
    return name.startsWith('AWS::') ? pseudo(name, ctx) : '*';
  });
}

/**
 * The string a template value will have at deploy time, as an IAM pattern: literal text kept, `Ref`s to
 * pseudo-parameters replaced by what the context knows, and everything unknowable (parameters, other resources'
 * attributes, conditions) replaced by `*`. Runs of `*` are collapsed.
 */
export function valuePattern(value: unknown, ctx: ArnContext, depth = 0): string {
  if (depth > 8) return '*';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (!isRecord(value)) return '*';
  const ref = only(value, 'Ref');
  if (typeof ref === 'string') return ref.startsWith('AWS::') ? pseudo(ref, ctx) : '*';
  const subArg = only(value, 'Fn::Sub');
  if (typeof subArg === 'string') return collapse(sub(subArg, {}, ctx, depth));
  if (Array.isArray(subArg) && typeof subArg[0] === 'string' && (subArg[1] === undefined || isRecord(subArg[1]))) {
    return collapse(sub(subArg[0], (subArg[1] as Record<string, unknown> | undefined) ?? {}, ctx, depth));
  }
  const join = only(value, 'Fn::Join');
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    return collapse(join[1].map((part) => valuePattern(part, ctx, depth + 1)).join(join[0]));
  }
  return '*';
}

function collapse(pattern: string): string {
  return pattern.replace(/\*{2,}/g, '*');
}

/** True when a pattern from {@link valuePattern} fixes something (is not just `*`). */
export function isKnown(pattern: string): boolean {
  return pattern !== '' && pattern !== '*';
}

/** A resource type whose name property fixes its ARN. */
export interface NamedType {
  /** The property holding the physical name. */
  property: string;
  /** The IAM service prefix whose actions act on the resource. */
  service: string;
  /** The IAM resource type (as in the Service Authorization Reference) the ARNs are of. */
  resourceType: string;
  /** The ARNs IAM evaluates requests on this resource against. */
  arns(name: string, properties: Record<string, unknown>, ctx: ArnContext): string[] | undefined;
}

const at = (ctx: ArnContext): { p: string; r: string; a: string } => ({
  p: partitionOf(ctx.region),
  r: ctx.region ?? '*',
  a: ctx.account ?? '*',
});

/**
 * The resource types whose name property the template may fix, with the ARNs that name gives (Service Authorization
 * Reference ARN formats: https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html).
 */
export const NAMED_TYPES: Readonly<Record<string, NamedType>> = {
  'AWS::S3::Bucket': { property: 'BucketName', service: 's3', resourceType: 'bucket', arns: (n, _, c) => [`arn:${at(c).p}:s3:::${n}`] },
  'AWS::DynamoDB::Table': {
    property: 'TableName',
    service: 'dynamodb',
    resourceType: 'table',
    arns: (n, _, c) => [`arn:${at(c).p}:dynamodb:${at(c).r}:${at(c).a}:table/${n}`],
  },
  'AWS::SQS::Queue': {
    property: 'QueueName',
    service: 'sqs',
    resourceType: 'queue',
    arns: (n, _, c) => [`arn:${at(c).p}:sqs:${at(c).r}:${at(c).a}:${n}`],
  },
  'AWS::Lambda::Function': {
    property: 'FunctionName',
    service: 'lambda',
    resourceType: 'function',
    // Versions and aliases are `function:name:qualifier`.
    arns: (n, _, c) => [`arn:${at(c).p}:lambda:${at(c).r}:${at(c).a}:function:${n}`, `arn:${at(c).p}:lambda:${at(c).r}:${at(c).a}:function:${n}:*`],
  },
  'AWS::IAM::Role': {
    property: 'RoleName',
    service: 'iam',
    resourceType: 'role',
    arns: (n, props, c) => {
      const path = props.Path === undefined ? '/' : valuePattern(props.Path, c);
      // A path CloudFormation would accept starts and ends with "/"; anything unknown leaves the role unscoped.
      if (!/^\/([\x21-\x7e]*\/)?$/.test(path) || path.includes('*')) return undefined;
      return [`arn:${at(c).p}:iam::${at(c).a}:role${path}${n}`];
    },
  },
  'AWS::SNS::Topic': {
    property: 'TopicName',
    service: 'sns',
    resourceType: 'topic',
    arns: (n, _, c) => [`arn:${at(c).p}:sns:${at(c).r}:${at(c).a}:${n}`],
  },
  'AWS::Logs::LogGroup': {
    property: 'LogGroupName',
    service: 'logs',
    resourceType: 'log-group',
    // CloudWatch Logs evaluates some calls against `log-group:name:*`.
    arns: (n, _, c) => [`arn:${at(c).p}:logs:${at(c).r}:${at(c).a}:log-group:${n}`, `arn:${at(c).p}:logs:${at(c).r}:${at(c).a}:log-group:${n}:*`],
  },
};

/**
 * The ARNs of a resource when the template fixes its name (a literal, or a `Fn::Sub`/`Fn::Join` of literals and
 * known pseudo-parameters); `undefined` when it does not, or the type is not one of {@link NAMED_TYPES}.
 */
export function resourceArns(type: string, properties: Record<string, unknown>, ctx: ArnContext): string[] | undefined {
  const named = NAMED_TYPES[type];
  if (!named || !Object.hasOwn(properties, named.property)) return undefined;
  const name = valuePattern(properties[named.property], ctx);
  if (!isKnown(name)) return undefined;
  return named.arns(name, properties, ctx);
}

/** The ARN pattern of any IAM role in the account (or any account when it is unknown). */
export function anyRoleArn(ctx: ArnContext): string {
  return `arn:${partitionOf(ctx.region)}:iam::${ctx.account ?? '*'}:role/*`;
}

/** The ARN pattern of any Lambda function in the account and region (as far as they are known). */
export function anyFunctionArn(ctx: ArnContext): string {
  return `arn:${partitionOf(ctx.region)}:lambda:${ctx.region ?? '*'}:${ctx.account ?? '*'}:function:*`;
}
