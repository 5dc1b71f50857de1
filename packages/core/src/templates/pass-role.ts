import { isRecord } from '../json.ts';
import { type ArnContext, anyRoleArn, isKnown, resourceArns, valuePattern } from './names.ts';
import type { TemplateResource } from './types.ts';

/**
 * The service a role property of a resource type hands its role to, for the `iam:PassedToService` condition. Only
 * pairs where the receiving service is certain: a wrong condition would fail the deploy, a missing one only widens.
 */
const PASSED_TO: ReadonlyArray<[prefix: string, service: string]> = [
  ['AWS::Lambda::Function', 'lambda.amazonaws.com'],
  ['AWS::StepFunctions::StateMachine', 'states.amazonaws.com'],
  ['AWS::ECS::TaskDefinition', 'ecs-tasks.amazonaws.com'],
  ['AWS::Events::Rule', 'events.amazonaws.com'],
  ['AWS::ApiGateway::', 'apigateway.amazonaws.com'],
  ['AWS::ApiGatewayV2::', 'apigateway.amazonaws.com'],
  ['AWS::AppSync::', 'appsync.amazonaws.com'],
  ['AWS::CodeBuild::Project', 'codebuild.amazonaws.com'],
  ['AWS::Scheduler::Schedule', 'scheduler.amazonaws.com'],
  ['AWS::Pipes::Pipe', 'pipes.amazonaws.com'],
];

/** Property names that hand a role to the service: `Role`, `RoleArn`, `ExecutionRoleArn`, `ServiceRoleARN`, …. */
const ROLE_KEY = /(^|[a-z])Role(Arn|ARN)?$|^CredentialsArn$/;

/** A role a resource hands to its service, as IAM resource patterns. */
export interface PassedRole {
  /** The property path it was found at, e.g. `Role` or `Targets[0].RoleArn`. */
  property: string;
  /** The role ARN patterns (one exact ARN when the template fixes the role's name). */
  arns: string[];
  /** The service principal it is passed to, when certain. */
  passedTo?: string;
}

function refTarget(value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  if (keys[0] === 'Ref' && typeof value.Ref === 'string') return value.Ref;
  const att = value['Fn::GetAtt'];
  if (keys[0] === 'Fn::GetAtt') {
    if (Array.isArray(att) && typeof att[0] === 'string') return att[0];
    if (typeof att === 'string') return att.split('.')[0];
  }
  return undefined;
}

/** The ARN patterns a role-valued property stands for; undefined when the value is not a role reference at all. */
function roleArns(value: unknown, resources: Record<string, TemplateResource>, ctx: ArnContext): string[] | undefined {
  const target = refTarget(value);
  if (target !== undefined) {
    const resource = Object.hasOwn(resources, target) ? resources[target] : undefined;
    if (resource?.Type === 'AWS::IAM::Role') return resourceArns('AWS::IAM::Role', resource.Properties ?? {}, ctx) ?? [anyRoleArn(ctx)];
    // A parameter or another resource's attribute: some role of the account.
    return [anyRoleArn(ctx)];
  }
  if (typeof value === 'string') {
    if (/^arn:[^:]+:iam::[^:]*:role\/.+/.test(value)) return [value];
    return value === '' ? undefined : [anyRoleArn(ctx)];
  }
  if (isRecord(value)) {
    const pattern = valuePattern(value, ctx);
    if (isKnown(pattern) && /^arn:[^:]+:iam::[^:]*:role\/.+/.test(pattern)) return [pattern];
    // `Fn::If` and friends: a role of the account, whichever branch wins.
    return [anyRoleArn(ctx)];
  }
  return undefined;
}

function walk(value: unknown, path: string, visit: (key: string, value: unknown, path: string) => void, depth: number): void {
  if (depth > 12) return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      walk(v, `${path}[${i}]`, visit, depth + 1);
    });
    return;
  }
  if (!isRecord(value)) return;
  for (const [key, v] of Object.entries(value)) {
    // Intrinsic functions are values, not nested properties.
    if (key === 'Ref' || key.startsWith('Fn::')) continue;
    const at = path ? `${path}.${key}` : key;
    if (ROLE_KEY.test(key)) visit(key, v, at);
    else walk(v, at, visit, depth + 1);
  }
}

/**
 * The roles a resource hands to a service (`iam:PassRole`): properties named like `Role`/`…RoleArn` at any depth of
 * its Properties, resolved to the role's ARN when it is an `AWS::IAM::Role` of the same template with a fixed
 * `RoleName`, to any role of the account otherwise. IAM resources themselves, nested stacks' parameters and custom
 * resources' properties pass no role.
 */
export function passedRoles(type: string, properties: Record<string, unknown>, resources: Record<string, TemplateResource>, ctx: ArnContext): PassedRole[] {
  if (type.startsWith('AWS::IAM::') || type === 'AWS::CloudFormation::Stack' || type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource') {
    return [];
  }
  const passedTo = PASSED_TO.find(([prefix]) => type.startsWith(prefix))?.[1];
  const out: PassedRole[] = [];
  walk(
    properties,
    '',
    (_key, value, path) => {
      const arns = roleArns(value, resources, ctx);
      if (arns) out.push({ property: path, arns, ...(passedTo ? { passedTo } : {}) });
    },
    0,
  );
  return out;
}

/**
 * True when a resource's properties may hand a role over in a way {@link passedRoles} does not recognise: some key
 * at any depth mentions a role or ends in `Arn`. Only when this is false may a handler's unscoped `iam:PassRole` be
 * dropped: then the resource passes no role, and the handler never calls it.
 */
export function mayPassRole(properties: Record<string, unknown>): boolean {
  let found = false;
  const visit = (value: unknown, depth: number): void => {
    if (found || depth > 12) return;
    if (Array.isArray(value)) for (const v of value) visit(v, depth + 1);
    else if (isRecord(value)) {
      for (const [key, v] of Object.entries(value)) {
        if (/Role|Arn$|ARN$/.test(key)) found = true;
        else if (key !== 'Ref' && !key.startsWith('Fn::')) visit(v, depth + 1);
      }
    }
  };
  visit(properties, 0);
  return found;
}
