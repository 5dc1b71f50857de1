import { RequestCounter } from '../aws/read-only.ts';
import { actionExists, splitAction } from '../catalog.ts';
import { type CheckOutcome, type Evaluator, runCheck } from '../check.ts';
import { AwspermError } from '../errors.ts';
import { loadAuthorizationDetails } from '../evaluators/authorization-details.ts';
import { createLocalEvaluator, readPermissionsHint } from '../evaluators/local.ts';
import { loadPolicyFiles } from '../evaluators/policy-files.ts';
import { createSimulateEvaluator } from '../evaluators/simulate.ts';
import { createPolicyEvaluator } from '../evaluators/static.ts';
import type { PolicyFragment } from '../policy/types.ts';
import type { CheckReport, PrincipalReport } from '../report/types.ts';
import { buildRequestContext, contextOf, mergeContext, parseContext } from '../request-context.ts';
import { accountGuard, credentialsJson, enableAdapterAws, resolveCaller } from './credentials.ts';
import type { CheckOptions } from './options.ts';
import { buildFix } from './fix.ts';
import { checkPrincipal, type PrincipalEvaluation, rolePolicyFiles } from './principals.ts';
import { adapterRequirements, policyBaseName, principalPolicySuffix, readTemplates, type RunRequirements, serviceRoleOf, toolRequirements, unneededActions } from './requirements.ts';
import { openSession, type Session } from './session.ts';

const MODES = ['auto', 'simulate', 'local', 'offline'] as const;

function usage(message: string, hint?: string): never {
  throw new AwspermError('USAGE', message, hint ? { hint } : {});
}

async function offlineEvaluator(options: CheckOptions, region: string | undefined): Promise<{ evaluator: Evaluator; reason: string; callerArn?: string }> {
  const policyFiles = options.policy ?? [];
  const details = options.authorizationDetails;
  const principal = options.principal;
  if (policyFiles.length && details) usage('give either the policy option or the authorizationDetails option, not both');
  if (details) {
    if (!principal) usage('the authorizationDetails option needs the principal option <arn>', 'Name the user or role to check, e.g. arn:aws:iam::123456789012:user/ci.');
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
      callerArn: found.arn,
    };
  }
  const policies = await loadPolicyFiles(policyFiles);
  return {
    evaluator: createPolicyEvaluator(
      { identity: policies },
      { mode: 'offline', subject: `policies ${policyFiles.join(', ')}`, context: buildRequestContext(region ? { region } : {}) },
    ),
    reason: 'policy files given',
  };
}

async function adHocFragment(actions: string[], resource: string | undefined, session: Session): Promise<PolicyFragment> {
  if (actions.some((a) => a === '')) usage('the action option has an empty entry', 'Separate actions with commas, e.g. s3:GetObject,s3:PutObject.');
  for (const action of actions) {
    splitAction(action);
    if (!/[*?]/.test(action) && !(await actionExists(action))) session.warn(`${action} is not in the IAM action catalogue; checking it as written`);
  }
  return {
    id: 'ad-hoc',
    title: 'Ad-hoc actions given to check',
    source: { title: 'command line' },
    statements: [{ Effect: 'Allow', Action: actions, Resource: resource ?? '*' }],
  };
}

function validateOptions(options: CheckOptions, mode: (typeof MODES)[number], principals: RunRequirements['principals']): void {
  const policyFiles = options.policy ?? [];
  const rolePolicy = options.rolePolicy ?? [];
  const details = options.authorizationDetails;
  if (rolePolicy.length && details) usage('give the rolePolicy option with the policy option; with the authorizationDetails option the service role is looked up in the same file');
  if (rolePolicy.length && !policyFiles.length) usage('the rolePolicy option goes with the policy option (the caller’s policies)');
  if (rolePolicy.length && !principals.length) {
    usage('the rolePolicy option: this project deploys without a CloudFormation service role', 'Drop the role policy, or name the service role (the roleArn option) where the tool takes one.');
  }
  const role = principals.find((p) => p.arn);
  if (role && policyFiles.length && !rolePolicy.length) {
    usage(
      `this project deploys through the ${role.via.replace(/ \(.*\)$/, '')} ${role.arn} (${role.from ?? role.via}); the policy option gives only the caller's policies`,
      "Give the role's policy documents with the rolePolicy option <file> (repeatable), or use the authorizationDetails option.",
    );
  }
  void mode;
}

/**
 * Checks that a principal has every permission a deploy needs (SPEC §2): the tool's requirements (or ad-hoc
 * actions, or templates alone), evaluated offline (policy files, authorization details) or live (IAM simulation,
 * or the principal's fetched policies), for the caller and every other principal the deploy acts as. Returns the
 * report `renderCheckJson`, `renderCheckText` and `renderCheckMarkdown` take; throws {@link AwspermError}s.
 */
export async function check(options: CheckOptions = {}): Promise<CheckReport> {
  const actions = options.action ?? [];
  const policyFiles = options.policy ?? [];
  const rolePolicy = options.rolePolicy ?? [];
  const hasOfflineInput = policyFiles.length > 0 || options.authorizationDetails !== undefined;
  if (options.resource !== undefined && actions.length === 0) usage('the resource option goes with the action option');
  // Live modes check the principal behind the credentials: a principal to pick only makes sense from the details.
  if (options.principal !== undefined && options.authorizationDetails === undefined) usage('the principal option goes with the authorizationDetails option');
  if (actions.length && options.template?.length) usage('the action option checks ad-hoc actions; check templates without it', 'Drop the actions, or run two checks.');
  if (actions.length && (options.roleArn || rolePolicy.length)) usage('the roleArn option and the rolePolicy option go with a tool, not the action option');
  const session = await openSession(options, actions.length ? 'none' : options.template?.length ? 'named' : 'required', (features) =>
    actions.length ? undefined : features.includes('documented') ? 'documented' : 'precise',
  );
  // The user's request context: the config's, then the options' (which win); both over what awsperm fills in.
  const given = mergeContext(contextOf(parseContext(session.config.context, 'config')), contextOf(parseContext(options.context, 'option')));
  const run = Object.keys(given).length ? { context: given as Record<string, string | string[]> } : {};
  const mode = options.mode ?? session.config.mode ?? 'auto';
  if (!(MODES as readonly string[]).includes(mode)) usage(`the mode option must be one of ${MODES.join(', ')}; got "${mode}"`);
  if (mode === 'offline' && !hasOfflineInput) usage('the mode option "offline" needs the policy option <file>, or the authorizationDetails option <file> with the principal option <arn>');
  if ((mode === 'simulate' || mode === 'local') && hasOfflineInput) {
    usage(`the mode option "${mode}" checks the principal behind the credentials; the policy option and the authorizationDetails option imply offline`);
  }

  // Offline: the principal of the authorization details names the account (as the caller's identity does live).
  const principalAccount = options.authorizationDetails ? /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(options.principal ?? '')?.[1] : undefined;
  if (principalAccount && !session.account) session.callerAccount = principalAccount;
  const counter = new RequestCounter();
  // Live: the adapter may read deployed state with the run's credentials, resolved at its first call.
  if (!hasOfflineInput) enableAdapterAws(session, options, counter);
  let req: RunRequirements;
  let notNeeded: string[] | undefined;
  if (actions.length) {
    req = { kind: 'ad-hoc', fragments: [await adHocFragment(actions, options.resource, session)], principals: [], sources: [], unresolved: [] };
  } else {
    const kind = session.features.includes('documented') ? 'documented' : 'precise';
    req = await toolRequirements(session, kind);
    if (req.kind === 'precise') {
      const documented = await adapterRequirements(session, 'documented');
      if (documented.kind === 'documented') notNeeded = await unneededActions(documented.fragments, req.fragments);
    }
  }
  validateOptions(options, mode, req.principals);
  const templates = actions.length ? undefined : await readTemplates(session, options, req);
  let unresolved: CheckReport['unresolvedTypes'];

  let evaluator!: Evaluator;
  let reason!: string;
  let outcome: CheckOutcome;
  let caller: Awaited<ReturnType<typeof resolveCaller>> | undefined;
  let guard: { expected?: string; wrong: boolean } = { wrong: false };
  let how: PrincipalEvaluation;
  if (hasOfflineInput) {
    const region = session.region;
    const account = session.account ?? session.callerAccount;
    if (templates) unresolved = (await templates.apply({ ...(region ? { region } : {}), ...(account ? { account } : {}) })).unresolved;
    let callerArn: string | undefined;
    ({ evaluator, reason, callerArn } = await offlineEvaluator(options, region));
    outcome = await runCheck(req.fragments, evaluator, run);
    how = options.authorizationDetails
      ? { kind: 'details', file: options.authorizationDetails, region, caller: callerArn }
      : { kind: 'policies', files: rolePolicyFiles(rolePolicy, req.principals), region };
  } else {
    caller = await resolveCaller(session, options, counter);
    const identity = caller.identity;
    const credentials = caller.awsCredentials;
    if (!identity || !credentials) throw new AwspermError('CREDENTIALS_UNAVAILABLE', 'could not identify the caller');
    guard = accountGuard(session, identity);
    const regionBefore = session.region;
    session.region ??= caller.credentials.region ?? undefined;
    const region = session.region;
    // The requirements were scoped before the caller was known: scope them to its account (and the credentials'
    // region) now, as AdapterScope promises for live modes. In place: the templates' apply() holds this object.
    if (!actions.length && session.adapter && ((!session.account && identity.account) || region !== regionBefore)) {
      if (!session.account) session.callerAccount = identity.account;
      const again = await toolRequirements(session, req.kind === 'documented' ? 'documented' : 'precise');
      req.fragments = again.fragments;
      req.principals = again.principals;
      req.unresolved = again.unresolved;
    }
    const shared = {
      credentials,
      env: session.env,
      counter,
      deadline: session.deadline,
      ...(session.endpointUrl ? { endpointUrl: session.endpointUrl } : {}),
    };
    const live = { ...shared, principalArn: identity.principalArn, ...(region ? { region } : {}) };
    // Live modes have credentials anyway: types nothing local knows are asked with cloudformation:DescribeType.
    if (templates) {
      unresolved = (await templates.apply({ online: { ...shared, region: region ?? null }, account: identity.account, ...(region ? { region } : {}) })).unresolved;
    }
    const runLocal = async (why: string) => {
      evaluator = await createLocalEvaluator(live);
      reason = why;
      return runCheck(req.fragments, evaluator, run);
    };
    if (mode === 'local') {
      outcome = await runLocal('the mode option "local": fetched the principal’s policies and evaluated them with awsperm’s engine');
    } else {
      const type = identity.kind === 'user' || identity.kind === 'root' ? 'user' : 'role';
      evaluator = createSimulateEvaluator({ ...live, principal: { arn: identity.principalArn, type, ...(identity.userId ? { userId: identity.userId } : {}) } });
      reason = mode === 'simulate' ? 'the mode option "simulate": asked IAM with iam:SimulatePrincipalPolicy' : 'no policy files given: asked IAM with iam:SimulatePrincipalPolicy';
      try {
        outcome = await runCheck(req.fragments, evaluator, run);
      } catch (error) {
        if (mode === 'auto' && AwspermError.is(error, 'AWS_UNAVAILABLE') && error.data?.operation === 'iam:SimulatePrincipalPolicy' && error.data.reason === 'server-error') {
          // Not a denial, so no fallback: but the local mode does without the failing simulator.
          throw AwspermError.from('AWS_UNAVAILABLE', { ...error.data, alternative: 'local-mode' }, { cause: error });
        }
        if (mode !== 'auto' || !(AwspermError.is(error) && error.code === 'ACCESS_DENIED')) throw error;
        session.warn('iam:SimulatePrincipalPolicy was denied; falling back to local mode (fetching the principal’s policies)');
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
    how = { kind: 'live', mode: evaluator.mode === 'local' ? 'local' : 'simulate', call: live, auto: mode === 'auto', caller: identity.principalArn };
  }
  const project = session.project;
  const role = serviceRoleOf(req.principals);
  const base = policyBaseName(session, actions.length ? 'ad-hoc' : 'template');
  const principals: PrincipalReport[] = [];
  for (const p of req.principals) {
    const checked = await checkPrincipal(p, how, (m) => session.warn(m), outcome);
    const fix = await buildFix(p.fragments, checked, `${base}-${principalPolicySuffix(p)}-missing`);
    principals.push(fix ? { ...checked, fix } : checked);
  }
  // Policy files hold no trust policies: said once for all the principals (a trust-only one is otherwise empty).
  const untrusted = how.kind === 'policies' ? req.principals.filter((p) => p.trust?.length) : [];
  if (untrusted.length) {
    session.warn(
      `trust not checked: policy files hold no trust policies, so whether ${untrusted.map((p) => p.id).join(', ')} ${untrusted.length === 1 ? 'lets' : 'let'} the caller (or the service) in is not checked; the account authorization details hold them`,
    );
  }
  const roleReport = role ? principals.find((p) => p.id === role.id) : undefined;
  const fix = await buildFix(req.fragments, outcome, `${base}-missing`);
  const report: CheckReport = {
    schemaVersion: 1,
    tool: session.adapter?.tool ?? null,
    ...(project?.toolVersion ? { toolVersion: project.toolVersion } : {}),
    ...(project?.stage ? { stage: project.stage } : {}),
    ...(session.region ? { region: session.region } : {}),
    credentials: caller ? credentialsJson(caller.credentials) : null,
    identity: caller?.identity ?? null,
    ...(guard.expected ? { expectedAccount: guard.expected } : {}),
    mode: evaluator.mode,
    ...(caller ? { requests: counter.count } : {}),
    modeReason: reason,
    subject: evaluator.subject,
    policySet: req.kind,
    ...(notNeeded ? { documentedNotNeeded: notNeeded } : {}),
    ...outcome,
    ...(fix ? { fix } : {}),
    ...(roleReport
      ? {
          serviceRole: {
            arn: roleReport.arn,
            from: roleReport.from ?? roleReport.via,
            mode: roleReport.mode,
            modeReason: roleReport.modeReason,
            subject: roleReport.subject,
            fragments: roleReport.fragments,
            results: roleReport.results,
            summary: roleReport.summary,
            ...(roleReport.fix ? { fix: roleReport.fix } : {}),
            ok: roleReport.ok,
          },
        }
      : {}),
    ...(principals.length ? { principals } : {}),
    ...(unresolved ? { unresolvedTypes: unresolved } : {}),
    ...(req.unresolved.length ? { unresolved: req.unresolved } : {}),
    ...(session.log.warnings.length ? { warnings: session.log.warnings } : {}),
    ok: outcome.summary.allowed === outcome.summary.required && !guard.wrong && principals.every((p) => p.ok) && !unresolved?.length && !req.unresolved.length,
  };
  return report;
}
