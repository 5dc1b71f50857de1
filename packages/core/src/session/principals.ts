import type { PrincipalRequirement, TrustRequirement } from '../adapter.ts';
import { type CheckOutcome, type Evaluator, runCheck, worstDecision } from '../check.ts';
import { evaluateResourcePolicy } from '../engine/resource-policy.ts';
import { AwspermError } from '../errors.ts';
import { loadAuthorizationDetails } from '../evaluators/authorization-details.ts';
import { createLocalEvaluator, fetchTrustPolicy, type LocalEvaluator, type LocalOptions } from '../evaluators/local.ts';
import { loadPolicyFiles } from '../evaluators/policy-files.ts';
import { createSimulateEvaluator } from '../evaluators/simulate.ts';
import { createPolicyEvaluator } from '../evaluators/static.ts';
import type { PolicyDocument } from '../policy/types.ts';
import type { CheckResult, FragmentReport, PrincipalReport } from '../report/types.ts';
import { buildRequestContext } from '../request-context.ts';
import { onlyAssumed } from './requirements.ts';

/**
 * How the caller was evaluated, so that the other principals are evaluated the same way; `caller` is the caller's
 * ARN when known (the principals' trust policies are checked for it).
 */
export type PrincipalEvaluation = (
  | { kind: 'details'; file: string; region?: string | undefined }
  | { kind: 'policies'; files: Map<string, string[]>; region?: string | undefined }
  | { kind: 'live'; mode: 'simulate' | 'local'; call: LocalOptions; /** auto mode: a denied simulation falls back to local. */ auto: boolean }
) & { caller?: string | undefined };

/**
 * Maps `rolePolicy` entries (`<file>`, or `<principal-arn>=<file>`) to the principals they belong to; a bare file
 * belongs to the only principal with an ARN.
 */
export function rolePolicyFiles(entries: string[], principals: PrincipalRequirement[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  // A principal that is only assumed has no policy of its own to give.
  const withArn = principals.filter((p) => p.arn && !onlyAssumed(p));
  for (const entry of entries) {
    const eq = entry.startsWith('arn:') ? entry.indexOf('=') : -1;
    let id: string;
    let file: string;
    if (eq > 0) {
      const arn = entry.slice(0, eq);
      const p = withArn.find((x) => x.arn === arn);
      if (!p) {
        throw AwspermError.from('USAGE', {
          detail: `the rolePolicy option ${entry}: ${arn} is none of the principals this deploy acts as (${withArn.map((x) => x.arn).join(', ') || 'none'})`,
          option: 'rolePolicy',
        });
      }
      id = p.id;
      file = entry.slice(eq + 1);
    } else {
      if (withArn.length !== 1) {
        throw AwspermError.from(
          'USAGE',
          { detail: `the rolePolicy option ${entry}: this deploy acts as ${withArn.length} principals besides the caller; say whose policy it is`, option: 'rolePolicy' },
          { hint: 'Write the entry as <principal-arn>=<file>.' },
        );
      }
      id = withArn[0]!.id;
      file = entry;
    }
    out.set(id, [...(out.get(id) ?? []), file]);
  }
  return out;
}

/** An evaluator with nothing to evaluate, for a principal that is only assumed. */
const NOTHING: Evaluator = { mode: 'offline', subject: '', async evaluate() { return []; } };

/**
 * How a principal that is only assumed is "evaluated": nothing of its own policies is read, only its trust policy
 * where that is known (the authorization details' entry; `iam:GetRole` live; policy files do not hold it).
 */
async function trustOnlyEvaluator(p: PrincipalRequirement & { arn: string }, how: PrincipalEvaluation): Promise<{ evaluator: Evaluator; reason: string; trustPolicy?: PolicyDocument }> {
  if (how.kind === 'details') {
    const found = await findInDetails(p, how.file);
    return { evaluator: { ...NOTHING, subject: `${found.arn} (from ${how.file})` }, reason: 'only assumed: its trust policy from the account authorization details', ...(found.trustPolicy ? { trustPolicy: found.trustPolicy } : {}) };
  }
  if (how.kind === 'policies') return { evaluator: { ...NOTHING, subject: p.arn }, reason: 'only assumed: its trust policy is not known from policy files, so it is not checked' };
  return { evaluator: { ...NOTHING, mode: how.mode, subject: p.arn }, reason: 'only assumed: its trust policy read with iam:GetRole' };
}

async function findInDetails(p: PrincipalRequirement & { arn: string }, file: string): Promise<Awaited<ReturnType<typeof loadAuthorizationDetails>>> {
  try {
    return await loadAuthorizationDetails(file, p.arn);
  } catch (error) {
    if (AwspermError.is(error) && error.code === 'PRINCIPAL_NOT_FOUND') {
      throw AwspermError.from('PRINCIPAL_NOT_FOUND', { file, principal: p.arn, via: p.via }, { cause: error });
    }
    throw error;
  }
}

async function principalEvaluator(p: PrincipalRequirement & { arn: string }, how: PrincipalEvaluation): Promise<{ evaluator: Evaluator; reason: string; trustPolicy?: PolicyDocument }> {
  if (how.kind === 'details') {
    const found = await findInDetails(p, how.file);
    const context = buildRequestContext({
      ...(how.region ? { region: how.region } : {}),
      principal: { arn: found.arn, type: found.type, tags: found.tags, ...(found.userId ? { userId: found.userId } : {}) },
    });
    return {
      evaluator: createPolicyEvaluator(found.policies, { mode: 'offline', subject: `${found.arn} (from ${how.file})`, context }),
      reason: 'the role’s policies from the account authorization details',
      ...(found.trustPolicy ? { trustPolicy: found.trustPolicy } : {}),
    };
  }
  if (how.kind === 'policies') {
    const files = how.files.get(p.id) ?? [];
    const policies = await loadPolicyFiles(files);
    const context = buildRequestContext({ ...(how.region ? { region: how.region } : {}), principal: { arn: p.arn, type: 'role', tags: {} } });
    return {
      evaluator: createPolicyEvaluator({ identity: policies }, { mode: 'offline', subject: `policies ${files.join(', ')}`, context }),
      reason: 'role policy files given (the rolePolicy option)',
    };
  }
  const call = { ...how.call, principalArn: p.arn };
  if (how.mode === 'local') {
    const evaluator: LocalEvaluator = await createLocalEvaluator(call);
    const trustPolicy = evaluator.principal.trustPolicy;
    return { evaluator, reason: 'fetched the role’s policies and evaluated them with awsperm’s engine', ...(trustPolicy ? { trustPolicy } : {}) };
  }
  return { evaluator: createSimulateEvaluator({ ...call, principal: { arn: p.arn, type: 'role' } }), reason: 'asked IAM with iam:SimulatePrincipalPolicy on the role' };
}

const accountOf = (arn: string | undefined): string | undefined => (arn ? /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(arn)?.[1] : undefined);

/** Who a trust requirement names, for messages. */
function trusted(t: TrustRequirement, caller: string | undefined): string {
  return t.by === 'caller' ? `the caller ${caller}` : `the service ${t.by.service}`;
}

/**
 * Decides each trust requirement of a principal against its trust policy: a fragment of one requirement each
 * (`sts:AssumeRole` on the role), so that reports show the link. Trust requirements by the caller whose trust
 * policy names the caller itself in its own account make the caller's identity permission unnecessary: those
 * caller results are allowed (IAM: a role's trust policy must always allow; one that names a principal of its own
 * account grants on its own, one that names the account delegates to the identity policies, and across accounts
 * both must allow — IAM User Guide, "Policy evaluation for requests within a single account" and "Cross-account
 * policy evaluation logic", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
 */
function trustFragments(p: PrincipalRequirement & { arn: string }, doc: PolicyDocument, how: PrincipalEvaluation, callerOutcome: CheckOutcome | undefined): FragmentReport[] {
  const out: FragmentReport[] = [];
  for (const [i, t] of (p.trust ?? []).entries()) {
    if (t.by === 'caller' && !how.caller) continue;
    const action = t.action ?? 'sts:AssumeRole';
    const requester = t.by === 'caller' ? { arn: how.caller! } : { service: t.by.service };
    const facts = t.by === 'caller' ? { principal: { arn: how.caller!, type: /:user\//.test(how.caller!) ? ('user' as const) : ('role' as const) } } : {};
    const region = how.kind === 'live' ? how.call.region : how.region;
    // The caller's tags are not known here: conditions on them stay undecided.
    const context = { ...buildRequestContext({ ...(region ? { region } : {}), ...facts }), ...(t.context ?? {}) };
    const d = evaluateResourcePolicy({ action, resource: p.arn }, { name: `the trust policy of ${p.arn}`, document: doc }, requester, context);
    const who = trusted(t, how.caller);
    let reason =
      d.decision === 'allowed'
        ? `the trust policy lets ${who} in (${d.reason})`
        : d.decision === 'unknown'
          ? `the trust policy lets ${who} in only under a condition: ${d.reason}`
          : d.decision === 'explicitDeny'
            ? `the trust policy does not let ${who} assume the role: ${d.reason}`
            : `the trust policy does not let ${who} assume the role: no statement applies to it (principal, action, conditions)`;
    if (d.decision !== 'allowed' && t.ifDenied) reason = `${reason}; ${t.ifDenied}`;
    const id = `${p.id}.trust${i ? `-${i + 1}` : ''}`;
    const result: CheckResult = {
      action,
      resource: p.arn,
      decision: d.decision,
      requiredBy: [id],
      reason,
      ...(d.matched.length ? { matched: d.matched } : {}),
      ...(d.contextKeys?.length ? { contextKeys: d.contextKeys } : {}),
      // Only the trust policy can let the principal in: the fix says so instead of a grant.
      ...(d.decision === 'implicitDeny' ? { deniedBy: { kind: 'trust' as const, policy: `the trust policy of ${p.arn}` } } : {}),
    };
    out.push({
      id,
      title: `Its trust policy lets ${who} assume it`,
      source: { title: `the trust policy of ${p.arn}` },
      requirements: [{ action, resource: p.arn, decision: d.decision, results: [result] }],
    });
    if (t.by === 'caller' && d.decision === 'allowed' && d.direct && callerOutcome && accountOf(how.caller) === accountOf(p.arn)) {
      allowCallerByTrust(callerOutcome, action, p.arn);
    }
  }
  return out;
}

/** Marks the caller's denied `action` on `arn` allowed by the role's trust policy, and recounts. */
function allowCallerByTrust(outcome: CheckOutcome, action: string, arn: string): void {
  const hits = outcome.results.filter((r) => r.action.toLowerCase() === action.toLowerCase() && r.resource === arn && r.decision !== 'allowed' && r.decision !== 'explicitDeny');
  if (!hits.length) return;
  for (const r of hits) {
    r.decision = 'allowed';
    r.reason = `allowed by the trust policy of ${arn}, which names the caller in its own account (no identity permission needed)`;
  }
  for (const f of outcome.fragments) for (const req of f.requirements) req.decision = worstDecision(req.results.map((x) => x.decision));
  const summary = { required: outcome.results.length, allowed: 0, denied: 0, unknown: 0 };
  for (const r of outcome.results) {
    if (r.decision === 'allowed') summary.allowed++;
    else if (r.decision === 'unknown') summary.unknown++;
    else summary.denied++;
  }
  outcome.summary = summary;
}

/** The principal's trust policy when the evaluation did not bring it: `iam:GetRole` in the simulate mode. */
async function trustPolicyLive(p: PrincipalRequirement & { arn: string }, how: PrincipalEvaluation, warn: (message: string) => void): Promise<PolicyDocument | undefined> {
  if (how.kind !== 'live' || !p.trust?.length) return undefined;
  try {
    return await fetchTrustPolicy({ ...how.call, principalArn: p.arn });
  } catch (error) {
    if (!(AwspermError.is(error) && error.code === 'ACCESS_DENIED')) throw error;
    warn(`iam:GetRole on ${p.arn} was denied: the trust policy of the ${p.via} is not checked`);
    return undefined;
  }
}

/**
 * Checks one principal besides the caller (a CloudFormation service role; a deploy role), evaluated the way the
 * caller was (the same authorization details file, its own policy files, or the same live mode on its ARN), and
 * its trust requirements against its trust policy where that is known. `callerOutcome`: the caller's results, which
 * a trust policy naming the caller directly can allow.
 */
export async function checkPrincipal(p: PrincipalRequirement, how: PrincipalEvaluation, warn: (message: string) => void, callerOutcome?: CheckOutcome): Promise<PrincipalReport> {
  if (!p.arn) throw AwspermError.from('USAGE', { detail: `the ${p.via} has no known ARN, so it cannot be checked` });
  const withArn = { ...p, arn: p.arn };
  let { evaluator, reason, trustPolicy } = onlyAssumed(p) ? await trustOnlyEvaluator(withArn, how) : await principalEvaluator(withArn, how);
  let outcome: CheckOutcome;
  try {
    outcome = await runCheck(p.fragments, evaluator);
  } catch (error) {
    if (!(how.kind === 'live' && how.mode === 'simulate' && how.auto && AwspermError.is(error) && error.code === 'ACCESS_DENIED')) throw error;
    warn(`iam:SimulatePrincipalPolicy on ${p.arn} was denied; falling back to local mode for the ${p.id === 'service-role' ? 'service role' : p.via}`);
    ({ evaluator, reason, trustPolicy } = await principalEvaluator(withArn, { ...how, mode: 'local' }));
    reason = `iam:SimulatePrincipalPolicy on the role was denied: ${reason}`;
    outcome = await runCheck(p.fragments, evaluator);
  }
  trustPolicy ??= await trustPolicyLive(withArn, how, warn);
  if (trustPolicy && p.trust?.length) {
    const trust = trustFragments(withArn, trustPolicy, how, callerOutcome);
    outcome.fragments.push(...trust);
    for (const f of trust) {
      for (const r of f.requirements.flatMap((x) => x.results)) {
        outcome.results.push(r);
        outcome.summary.required++;
        if (r.decision === 'allowed') outcome.summary.allowed++;
        else if (r.decision === 'unknown') outcome.summary.unknown++;
        else outcome.summary.denied++;
      }
    }
  }
  return {
    id: p.id,
    arn: p.arn,
    via: p.via,
    ...(p.from ? { from: p.from } : {}),
    mode: evaluator.mode,
    modeReason: reason,
    subject: evaluator.subject,
    ...outcome,
    ok: outcome.summary.allowed === outcome.summary.required,
  };
}
