import type { PrincipalRequirement } from '../adapter.ts';
import { type CheckOutcome, type Evaluator, runCheck } from '../check.ts';
import { AwspermError } from '../errors.ts';
import { loadAuthorizationDetails } from '../evaluators/authorization-details.ts';
import { createLocalEvaluator, type LocalOptions } from '../evaluators/local.ts';
import { loadPolicyFiles } from '../evaluators/policy-files.ts';
import { createSimulateEvaluator } from '../evaluators/simulate.ts';
import { createPolicyEvaluator } from '../evaluators/static.ts';
import type { PrincipalReport } from '../report/types.ts';
import { buildRequestContext } from '../request-context.ts';

/** How the caller was evaluated, so that the other principals are evaluated the same way. */
export type PrincipalEvaluation =
  | { kind: 'details'; file: string; region?: string | undefined }
  | { kind: 'policies'; files: Map<string, string[]>; region?: string | undefined }
  | { kind: 'live'; mode: 'simulate' | 'local'; call: LocalOptions; /** auto mode: a denied simulation falls back to local. */ auto: boolean };

/**
 * Maps `rolePolicy` entries (`<file>`, or `<principal-arn>=<file>`) to the principals they belong to; a bare file
 * belongs to the only principal with an ARN.
 */
export function rolePolicyFiles(entries: string[], principals: PrincipalRequirement[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const withArn = principals.filter((p) => p.arn);
  for (const entry of entries) {
    const eq = entry.startsWith('arn:') ? entry.indexOf('=') : -1;
    let id: string;
    let file: string;
    if (eq > 0) {
      const arn = entry.slice(0, eq);
      const p = withArn.find((x) => x.arn === arn);
      if (!p) {
        throw AwspermError.from('USAGE', {
          detail: `--role-policy ${entry}: ${arn} is none of the principals this deploy acts as (${withArn.map((x) => x.arn).join(', ') || 'none'})`,
          option: 'rolePolicy',
        });
      }
      id = p.id;
      file = entry.slice(eq + 1);
    } else {
      if (withArn.length !== 1) {
        throw AwspermError.from(
          'USAGE',
          { detail: `--role-policy ${entry}: this deploy acts as ${withArn.length} principals besides the caller; say whose policy it is`, option: 'rolePolicy' },
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

async function principalEvaluator(p: PrincipalRequirement & { arn: string }, how: PrincipalEvaluation): Promise<{ evaluator: Evaluator; reason: string }> {
  if (how.kind === 'details') {
    let found: Awaited<ReturnType<typeof loadAuthorizationDetails>>;
    try {
      found = await loadAuthorizationDetails(how.file, p.arn);
    } catch (error) {
      if (AwspermError.is(error) && error.code === 'PRINCIPAL_NOT_FOUND') {
        throw AwspermError.from('PRINCIPAL_NOT_FOUND', { file: how.file, principal: p.arn, via: p.via }, { cause: error });
      }
      throw error;
    }
    const context = buildRequestContext({
      ...(how.region ? { region: how.region } : {}),
      principal: { arn: found.arn, type: found.type, tags: found.tags, ...(found.userId ? { userId: found.userId } : {}) },
    });
    return {
      evaluator: createPolicyEvaluator(found.policies, { mode: 'offline', subject: `${found.arn} (from ${how.file})`, context }),
      reason: 'the role’s policies from the account authorization details',
    };
  }
  if (how.kind === 'policies') {
    const files = how.files.get(p.id) ?? [];
    const policies = await loadPolicyFiles(files);
    const context = buildRequestContext({ ...(how.region ? { region: how.region } : {}), principal: { arn: p.arn, type: 'role', tags: {} } });
    return {
      evaluator: createPolicyEvaluator({ identity: policies }, { mode: 'offline', subject: `policies ${files.join(', ')}`, context }),
      reason: 'role policy files given (--role-policy)',
    };
  }
  const call = { ...how.call, principalArn: p.arn };
  if (how.mode === 'local') {
    return { evaluator: await createLocalEvaluator(call), reason: 'fetched the role’s policies and evaluated them with awsperm’s engine' };
  }
  return { evaluator: createSimulateEvaluator({ ...call, principal: { arn: p.arn, type: 'role' } }), reason: 'asked IAM with iam:SimulatePrincipalPolicy on the role' };
}

/**
 * Checks one principal besides the caller (a CloudFormation service role; a deploy role), evaluated the way the
 * caller was (the same authorization details file, its own policy files, or the same live mode on its ARN).
 */
export async function checkPrincipal(p: PrincipalRequirement, how: PrincipalEvaluation, warn: (message: string) => void): Promise<PrincipalReport> {
  if (!p.arn) throw AwspermError.from('USAGE', { detail: `the ${p.via} has no known ARN, so it cannot be checked` });
  const withArn = { ...p, arn: p.arn };
  let { evaluator, reason } = await principalEvaluator(withArn, how);
  let outcome: CheckOutcome;
  try {
    outcome = await runCheck(p.fragments, evaluator);
  } catch (error) {
    if (!(how.kind === 'live' && how.mode === 'simulate' && how.auto && AwspermError.is(error) && error.code === 'ACCESS_DENIED')) throw error;
    warn(`iam:SimulatePrincipalPolicy on ${p.arn} was denied; falling back to local mode for the ${p.id === 'service-role' ? 'service role' : p.via}`);
    ({ evaluator, reason } = await principalEvaluator(withArn, { ...how, mode: 'local' }));
    reason = `iam:SimulatePrincipalPolicy on the role was denied: ${reason}`;
    outcome = await runCheck(p.fragments, evaluator);
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
