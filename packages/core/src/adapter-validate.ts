import type { AwspermAdapter, AwspermAdapterV1, AwspermAdapterV2, PrincipalRequirement, Requirements, RequirementSource } from './adapter.ts';
import { AwspermError } from './errors.ts';

/** The adapter API versions this core speaks. */
export const SUPPORTED_ADAPTER_API_VERSIONS: readonly number[] = [1, 2];

/**
 * Checks that `value` satisfies the {@link AwspermAdapter} contract and returns it typed. Throws
 * `ADAPTER_INVALID` naming `origin` (the package or file it came from) and the problem.
 */
export function validateAdapter(value: unknown, origin: string): AwspermAdapter {
  const fail = (problem: string): never => {
    throw AwspermError.from('ADAPTER_INVALID', { adapter: origin, detail: problem }, { adapter: origin });
  };
  if (typeof value !== 'object' || value === null) return fail('is not an object');
  const a = value as Record<string, unknown>;
  if (a.apiVersion === undefined) fail('has no apiVersion');
  if (typeof a.apiVersion !== 'number' || !SUPPORTED_ADAPTER_API_VERSIONS.includes(a.apiVersion)) {
    fail(
      `has apiVersion ${JSON.stringify(a.apiVersion)}: it targets adapter API v${String(a.apiVersion)}; this awsperm speaks v${SUPPORTED_ADAPTER_API_VERSIONS.join(', v')} (upgrade awsperm or use a release of ${origin} for v${SUPPORTED_ADAPTER_API_VERSIONS.join(' or v')})`,
    );
  }
  if (typeof a.name !== 'string' || a.name === '') fail('has no name');
  if (typeof a.tool !== 'string' || !/^[a-z][a-z0-9-]*$/.test(a.tool)) fail('has no valid tool id (lower-case letters, digits, -)');
  const required = a.apiVersion === 1 ? (['detect', 'loadProject', 'policySet'] as const) : (['detect', 'loadProject', 'requirements'] as const);
  for (const hook of required) {
    if (typeof a[hook] !== 'function') fail(`is missing the ${hook}() hook`);
  }
  if (a.features !== undefined && (typeof a.features !== 'object' || a.features === null || Array.isArray(a.features))) {
    fail('has features that are not an object of name → description');
  }
  for (const hook of a.apiVersion === 1 ? (['credentialRules', 'templateLocations'] as const) : (['credentialRules'] as const)) {
    if (a[hook] !== undefined && typeof a[hook] !== 'function') fail(`has a ${hook} that is not a function`);
  }
  return value as AwspermAdapter;
}

/**
 * Calls an adapter hook, attributing any failure to the adapter: an {@link AwspermError} keeps its code and gains
 * the adapter's name; anything else becomes `ADAPTER_FAILED`.
 */
export async function callAdapter<T>(adapter: Pick<AwspermAdapter, 'name'>, hook: string, call: () => T | Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (cause) {
    if (AwspermError.is(cause)) {
      if (cause.adapter) throw cause;
      throw new AwspermError(cause.code, cause.message, {
        ...(cause.hint ? { hint: cause.hint } : {}),
        ...(cause.data !== undefined ? { data: cause.data } : {}),
        adapter: adapter.name,
        cause,
      });
    }
    const message = cause instanceof Error ? cause.message : String(cause);
    throw AwspermError.from('ADAPTER_FAILED', { adapter: adapter.name, hook, detail: message }, { adapter: adapter.name, cause });
  }
}

/** The principal id core gives the CloudFormation service role of a v1 adapter's `PolicySet.serviceRole`. */
export const SERVICE_ROLE_ID = 'service-role';

/**
 * A v2 view of an adapter: v2 adapters are returned as they are; a v1 adapter is wrapped so that its hooks receive
 * the v1 contexts they were written for (`policySet` becomes `requirements`, its `serviceRole` a principal, and
 * `templateLocations` a `cloudformation` source).
 */
// biome-ignore lint/suspicious/noExplicitAny: the project type is the adapter's own.
export function adapterV2(adapter: AwspermAdapter): AwspermAdapterV2<any> {
  if (adapter.apiVersion === 2) return adapter;
  const v1: AwspermAdapterV1 = adapter;
  const withArgs = (args: { stage?: string; region?: string; profile?: string; roleArn?: string }) => ({
    ...(args.stage ? { stage: args.stage } : {}),
    ...(args.region ? { region: args.region } : {}),
    ...(args.profile ? { profile: args.profile } : {}),
  });
  const v2: AwspermAdapterV2<unknown> = {
    apiVersion: 2,
    name: v1.name,
    tool: v1.tool,
    ...(v1.displayName ? { displayName: v1.displayName } : {}),
    ...(v1.features ? { features: v1.features } : {}),
    detect: (ctx) => v1.detect({ cwd: ctx.cwd }),
    loadProject: (ctx) =>
      v1.loadProject({ cwd: ctx.cwd, detection: ctx.detection, env: ctx.env, ...withArgs(ctx.args), ...(ctx.args.roleArn ? { roleArn: ctx.args.roleArn } : {}), ...(ctx.args.exec === false ? { exec: false } : {}) }),
    async requirements(ctx): Promise<Requirements> {
      const { account, region } = ctx.scope;
      const set = await v1.policySet({
        project: ctx.project,
        kind: ctx.kind,
        features: [...ctx.features],
        ...(account ? { account } : {}),
        ...(region ? { region } : {}),
      });
      const out: Requirements = { kind: set.kind, fragments: set.fragments };
      if (set.serviceRole) {
        const role: PrincipalRequirement = {
          id: SERVICE_ROLE_ID,
          arn: set.serviceRole.arn,
          via: `CloudFormation service role (${set.serviceRole.from})`,
          from: set.serviceRole.from,
          fragments: set.serviceRole.fragments,
        };
        out.principals = [role];
      }
      if (v1.templateLocations) {
        const found = await v1.templateLocations({ project: ctx.project });
        const source: RequirementSource = { kind: 'cloudformation', ...found, ...(set.serviceRole ? { principal: SERVICE_ROLE_ID } : {}) };
        out.sources = [source];
      }
      return out;
    },
  };
  if (v1.credentialRules) {
    const rules = v1.credentialRules;
    v2.credentialRules = (ctx) => rules({ project: ctx.project, env: ctx.env, ...withArgs({ ...(ctx.args.region ? { region: ctx.args.region } : {}), ...(ctx.args.profile ? { profile: ctx.args.profile } : {}) }) });
  }
  return v2;
}
