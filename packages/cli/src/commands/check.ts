import {
  actionExists,
  expandAction,
  expectedAccount,
  loadConfig,
  listOf,
  AwspermError,
  buildRequestContext,
  type CheckReport,
  callAdapter,
  colors,
  createPolicyEvaluator,
  type Evaluator,
  loadAuthorizationDetails,
  loadPolicyFiles,
  type PolicyFragment,
  plain,
  renderCheckJson,
  renderCheckMarkdown,
  renderCheckText,
  runCheck,
  splitAction,
  type ToolProject,
  type AwspermAdapter,
  createLocalEvaluator,
  createSimulateEvaluator,
  type CheckOutcome,
  type CredentialReport,
  RequestCounter,
  readPermissionsHint,
  type ServiceRoleReport,
  type ServiceRoleSet,
} from '@awsperm/core';
import { resolveTool } from '../adapters.ts';
import { accountGuard, credentialRulesFor, credentialsJson, resolveCaller } from '../credentials.ts';
import { prepareTemplates, type TemplateContext, type TemplateInput, templateInput } from '../templates.ts';
import { ExitCode } from '../exit-codes.ts';
import type { CommandContext, CommandResult } from '../io.ts';
import { usage } from '../options.ts';
import { checkServiceRole, type RoleEvaluation, validateRoleArnFlag, validateRolePolicyFlags } from '../service-role.ts';
import { configOptions, execFlag } from '../exec.ts';

const FORMATS = ['text', 'json', 'markdown'] as const;
const MODES = ['auto', 'simulate', 'local', 'offline'] as const;

async function offlineEvaluator(
  ctx: CommandContext,
  policyFiles: string[],
  region: string | undefined,
): Promise<{ evaluator: Evaluator; reason: string }> {
  const { options } = ctx;
  const details = options.string('authorization-details');
  const principal = options.string('principal');
  if (policyFiles.length && details) {
    usage('give either --policy or --authorization-details, not both');
  }
  if (details) {
    if (!principal) {
      usage('--authorization-details needs --principal <arn>', 'Name the user or role to check, e.g. --principal arn:aws:iam::123456789012:user/ci');
    }
    const found = await loadAuthorizationDetails(details, principal);
    return {
      evaluator: createPolicyEvaluator(found.policies, {
        mode: 'offline',
        subject: `${found.arn} (from ${details})`,
        context: buildRequestContext({
          ...(region ? { region } : {}),
          principal: { arn: found.arn, type: found.type, tags: found.tags, ...(found.userId ? { userId: found.userId } : {}) },
        }),
      }),
      reason: 'account authorization details given',
    };
  }
  if (principal) usage('--principal goes with --authorization-details');
  const policies = await loadPolicyFiles(policyFiles);
  return {
    evaluator: createPolicyEvaluator(
      { identity: policies },
      { mode: 'offline', subject: `policies ${policyFiles.join(', ')}`, context: buildRequestContext(region ? { region } : {}) },
    ),
    reason: 'policy files given',
  };
}

async function adHocFragment(actions: string[], resource: string | undefined, warn: (m: string) => void): Promise<PolicyFragment> {
  if (actions.some((a) => a === '')) usage('--action has an empty entry', 'Separate actions with commas: --action s3:GetObject,s3:PutObject');
  for (const action of actions) {
    splitAction(action);
    if (!/[*?]/.test(action) && !(await actionExists(action))) {
      warn(`${action} is not in the IAM action catalogue; checking it as written`);
    }
  }
  return {
    id: 'ad-hoc',
    title: 'Actions given with --action',
    source: { title: 'command line' },
    statements: [{ Effect: 'Allow', Action: actions, Resource: resource ?? '*' }],
  };
}

/**
 * The action patterns of the documented fragments that grant nothing the precise fragments need: what the tool's
 * documentation asks users to grant in vain.
 */
async function unneededActions(documented: PolicyFragment[], precise: PolicyFragment[]): Promise<string[]> {
  const needed = new Set<string>();
  for (const f of precise) for (const s of f.statements) for (const a of listOf(s.Action)) needed.add(a.toLowerCase());
  const out: string[] = [];
  for (const f of documented) {
    for (const s of f.statements) {
      for (const pattern of listOf(s.Action)) {
        const actions = await expandAction(pattern);
        if (!actions.some((a) => needed.has(a.toLowerCase()))) out.push(pattern);
      }
    }
  }
  return out;
}

/** `awsperm check`: checks required permissions and reports each decision. */
export default async function check(ctx: CommandContext): Promise<CommandResult> {
  const { options } = ctx;
  const format = options.choice('format', FORMATS, 'text');
  const cwd = options.directory('cwd');
  const { config } = await loadConfig(cwd, configOptions(ctx));
  const mode = options.choice('mode', MODES, config.mode ?? 'auto');
  const features = [...new Set([...(config.features ?? []), ...options.list('feature')])];
  const actions = options.list('action').length ? options.commaList('action') : [];
  const resource = options.string('resource');
  const policyFiles = options.list('policy');
  const rolePolicyFiles = options.list('role-policy');
  const roleArn = options.string('role-arn');
  const hasOfflineInput = policyFiles.length > 0 || options.string('authorization-details') !== undefined;
  if (resource !== undefined && actions.length === 0) usage('--resource goes with --action');
  const templatePaths = options.list('template');
  if (actions.length && templatePaths.length) usage('--action checks ad-hoc actions; check templates without it', 'Drop --action, or run two checks.');
  const templateOnly = templatePaths.length > 0 && (options.string('tool') ?? config.tool) === undefined;

  if (mode === 'offline' && !hasOfflineInput) {
    usage('--mode offline needs --policy <file> or --authorization-details <file> --principal <arn>');
  }
  if ((mode === 'simulate' || mode === 'local') && hasOfflineInput) {
    usage(`--mode ${mode} checks the principal behind the credentials; --policy and --authorization-details imply offline`);
  }

  let fragments: PolicyFragment[];
  let project: ToolProject | undefined;
  let tool: string | null = null;
  let adapter: AwspermAdapter | undefined;
  let policySet: CheckReport['policySet'] = 'ad-hoc';
  let notNeeded: string[] | undefined;
  let serviceRole: ServiceRoleSet | undefined;
  if (actions.length && (roleArn || rolePolicyFiles.length)) usage('--role-arn and --role-policy go with a tool, not --action');
  if (actions.length) {
    fragments = [await adHocFragment(actions, resource, ctx.warn)];
  } else if (templateOnly) {
    fragments = [];
    policySet = 'template';
  } else {
    const resolved = await resolveTool(options.string('tool') ?? config.tool, cwd, config);
    const found = resolved.adapter;
    const detection = resolved.detection;
    adapter = found;
    tool = found.tool;
    const stage = options.string('stage');
    const region = options.string('region');
    const profile = options.string('profile');
    project = await callAdapter(found, 'loadProject', () =>
      found.loadProject({ cwd, detection, env: ctx.env, ...execFlag(ctx, config), ...(stage ? { stage } : {}), ...(region ? { region } : {}), ...(profile ? { profile } : {}), ...(roleArn ? { roleArn } : {}) }),
    );
    const loaded = project;
    const kind = features.includes('documented') ? 'documented' : 'precise';
    const account = expectedAccount(config, loaded.stage);
    const scope = { ...(loaded.region ? { region: loaded.region } : {}), ...(account ? { account } : {}) };
    const set = await callAdapter(found, 'policySet', () => found.policySet({ project: loaded, kind, features, ...scope }));
    fragments = [...set.fragments, ...(config.extraPolicies ?? [])];
    policySet = set.kind;
    serviceRole = set.serviceRole;
    validateRoleArnFlag(roleArn, serviceRole, found.displayName ?? found.tool);
    if (set.kind === 'precise') {
      const documented = await callAdapter(found, 'policySet', () =>
        found.policySet({ project: loaded, kind: 'documented', features, ...scope }),
      );
      if (documented.kind === 'documented') notNeeded = await unneededActions(documented.fragments, fragments);
    }
  }

  let evaluator!: Evaluator;
  let reason!: string;
  let outcome: CheckOutcome;
  let caller: CredentialReport | undefined;
  let guard: { expected?: string; wrong: boolean } = { wrong: false };
  let roleHow: RoleEvaluation | undefined;
  const counter = new RequestCounter();
  validateRolePolicyFlags(serviceRole, { policyFiles, rolePolicyFiles, details: options.string('authorization-details') });
  // Templates are read before any AWS call: bad template input exits 2 whatever the credentials.
  const prepared = actions.length ? undefined : await prepareTemplates(ctx, adapter, project);
  let templates: TemplateInput | undefined;
  const withTemplates = async (context: TemplateContext): Promise<void> => {
    if (!prepared) return;
    templates = await templateInput(ctx, prepared, context);
    if (serviceRole) {
      // CloudFormation creates the stacks' resources as the service role; publishing the assets stays the caller's.
      serviceRole = { ...serviceRole, fragments: [...serviceRole.fragments, ...templates.resourceFragments] };
      fragments = [...fragments, ...templates.assetFragments];
    } else {
      fragments = [...fragments, ...templates.resourceFragments, ...templates.assetFragments];
    }
  };
  if (hasOfflineInput) {
    const offlineRegion = project?.region ?? options.string('region');
    const account = expectedAccount(config, project?.stage ?? options.string('stage'));
    await withTemplates({ ...(offlineRegion ? { region: offlineRegion } : {}), ...(account ? { account } : {}) });
    ({ evaluator, reason } = await offlineEvaluator(ctx, policyFiles, offlineRegion));
    outcome = await runCheck(fragments, evaluator);
    const details = options.string('authorization-details');
    roleHow = details ? { kind: 'details', file: details, region: offlineRegion } : { kind: 'policies', rolePolicyFiles, region: offlineRegion };
  } else {
    const region = options.string('region');
    const rules = await credentialRulesFor(ctx, adapter, project, { region, profile: options.string('profile') });
    caller = await resolveCaller(ctx, rules, project, { region, mfaCode: options.string('mfa-code'), counter });
    const identity = caller.identity;
    const credentials = caller.awsCredentials;
    if (!identity || !credentials) throw new AwspermError('CREDENTIALS_UNAVAILABLE', 'could not identify the caller');
    guard = accountGuard(ctx, config, identity, project?.stage ?? options.string('stage'));
    const deployRegion = project?.region ?? region ?? caller.credentials.region ?? undefined;
    const live = {
      credentials,
      principalArn: identity.principalArn,
      env: ctx.env,
      counter,
      ...(ctx.global.deadline ? { deadline: ctx.global.deadline } : {}),
      ...(deployRegion ? { region: deployRegion } : {}),
      ...(ctx.global.endpointUrl ? { endpointUrl: ctx.global.endpointUrl } : {}),
    };
    // Live modes have credentials anyway: types nothing local knows are asked with cloudformation:DescribeType.
    await withTemplates({
      online: {
        credentials,
        env: ctx.env,
        counter,
        region: deployRegion ?? null,
        ...(ctx.global.deadline ? { deadline: ctx.global.deadline } : {}),
        ...(ctx.global.endpointUrl ? { endpointUrl: ctx.global.endpointUrl } : {}),
      },
      account: identity.account,
      ...(deployRegion ? { region: deployRegion } : {}),
    });
    const runLocal = async (why: string) => {
      evaluator = await createLocalEvaluator(live);
      reason = why;
      return runCheck(fragments, evaluator);
    };
    if (mode === 'local') {
      outcome = await runLocal('--mode local: fetched the principal’s policies and evaluated them with awsperm’s engine');
    } else {
      evaluator = createSimulateEvaluator(live);
      reason =
        mode === 'simulate'
          ? '--mode simulate: asked IAM with iam:SimulatePrincipalPolicy'
          : 'no policy files given: asked IAM with iam:SimulatePrincipalPolicy';
      try {
        outcome = await runCheck(fragments, evaluator);
      } catch (error) {
        if (mode !== 'auto' || !(AwspermError.is(error) && error.code === 'ACCESS_DENIED')) throw error;
        ctx.warn('iam:SimulatePrincipalPolicy was denied; falling back to local mode (fetching the principal’s policies)');
        try {
          outcome = await runLocal('iam:SimulatePrincipalPolicy was denied: fetched the principal’s policies and evaluated them locally');
        } catch (localError) {
          if (AwspermError.is(localError) && localError.code === 'ACCESS_DENIED') {
            throw new AwspermError(
              'ACCESS_DENIED',
              `could not evaluate ${identity.principalArn}: iam:SimulatePrincipalPolicy was denied, and so was ${localError.message.split(' was denied')[0]}`,
              { hint: readPermissionsHint(), cause: localError },
            );
          }
          throw localError;
        }
      }
    }
    roleHow = { kind: 'live', mode: evaluator.mode === 'local' ? 'local' : 'simulate', call: live, auto: mode === 'auto' };
  }
  const roleReport: ServiceRoleReport | undefined = serviceRole && roleHow ? await checkServiceRole(serviceRole, roleHow, ctx.warn) : undefined;
  if (caller && format !== 'json') ctx.warn(`awsperm made ${counter.count} AWS request${counter.count === 1 ? '' : 's'}`);
  const identityJson = caller?.identity ?? null;
  const report: CheckReport = {
    schemaVersion: 1,
    tool,
    ...(project?.toolVersion ? { toolVersion: project.toolVersion } : {}),
    ...(project?.stage ? { stage: project.stage } : {}),
    ...(project?.region ? { region: project.region } : {}),
    credentials: caller ? credentialsJson(caller.credentials) : null,
    identity: identityJson,
    ...(guard.expected ? { expectedAccount: guard.expected } : {}),
    mode: evaluator.mode,
    ...(caller ? { requests: counter.count } : {}),
    modeReason: reason,
    subject: evaluator.subject,
    policySet,
    ...(notNeeded ? { documentedNotNeeded: notNeeded } : {}),
    ...outcome,
    ...(roleReport ? { serviceRole: roleReport } : {}),
    ...(templates ? { unresolvedTypes: templates.unresolved } : {}),
    ok: outcome.summary.allowed === outcome.summary.required && !guard.wrong && (roleReport?.ok ?? true) && !templates?.unresolved.length,
  };
  const stdout =
    format === 'json'
      ? renderCheckJson(report)
      : format === 'markdown'
        ? renderCheckMarkdown(report)
        : renderCheckText(report, ctx.global.color && process.stdout.isTTY ? colors : plain);
  return { stdout, exitCode: report.ok ? ExitCode.OK : ExitCode.PROBLEM };
}
