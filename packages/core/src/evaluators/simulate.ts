import type { ContextEntry, EvaluationResult as SimResult, SimulatePrincipalPolicyCommandOutput } from '@aws-sdk/client-iam';
import type { Deadline } from '../aws/deadline.ts';
import { type AwsClientOptions, clientOptionsOf, createIamClient, readPolicyJson } from '../aws/read-only.ts';
import type { Evaluator } from '../check.ts';
import { awsErrorCode, classifyFailure, failureOptions, withoutSdkNotes } from '../credentials/failure.ts';

import type { EvaluationRequest, EvaluationResult } from '../engine/types.ts';
import { AwspermError } from '../errors.ts';
import type { MatchedStatement } from '../report/types.ts';
import { buildRequestContext, contextKeyType, mergeContext, type PrincipalFacts } from '../request-context.ts';

/** The simulation's retries: throttling is what a burst of simulations meets, so backoff is adaptive. */
const SIMULATE_RETRIES = { maxAttempts: 6, retryMode: 'adaptive' } as const;

/**
 * Options of {@link createSimulateEvaluator}: the AWS options (`region` is sent as `aws:RequestedRegion`; throttling
 * is retried with the SDK's adaptive backoff, 6 attempts by default) and the principal.
 */
export interface SimulateOptions extends AwsClientOptions {
  /** The principal: a user or role ARN, or an assumed-role session ARN (mapped to its role). */
  principalArn: string;
  /** Actions per request (default 100). */
  batchSize?: number;
  /**
   * What awsperm knows of the principal, sent as its context keys (`aws:PrincipalArn`, `aws:PrincipalAccount`,
   * `aws:PrincipalType`, `aws:username`, `aws:userid`): the simulation does not fill them itself.
   */
  principal?: PrincipalFacts;
}

/**
 * The ContextEntries of one simulation call: HTTPS, the region, the principal's keys, then the requests' own
 * context (the tool's and the user's), each typed as the simulation API wants.
 */
export function contextEntries(region: string | undefined, principal?: PrincipalFacts, own?: EvaluationRequest['context']): ContextEntry[] {
  // The time keys are the simulation's own (it evaluates at its current time), unless the request gives them.
  const facts = buildRequestContext({ ...(region ? { region } : {}), ...(principal ? { principal } : {}) });
  const base = Object.fromEntries(Object.entries(facts).filter(([k]) => !/^aws:(currenttime|epochtime)$/i.test(k)));
  const entries: ContextEntry[] = [];
  for (const [key, value] of Object.entries(mergeContext(base, own))) {
    if (value === null) continue;
    const values = typeof value === 'string' ? [value] : [...value];
    const type = contextKeyType(key, values);
    const list = typeof value !== 'string';
    entries.push({ ContextKeyName: key, ContextKeyType: (list ? `${type}List` : type) as ContextEntry['ContextKeyType'], ContextKeyValues: values });
  }
  return entries;
}

/** Maps one `SimulatePrincipalPolicy` result to awsperm's decision. */
export function mapSimulationResult(r: SimResult): EvaluationResult {
  const raw = r.EvalDecision;
  const matched: MatchedStatement[] = (r.MatchedStatements ?? []).map((m) => {
    const ref: MatchedStatement = {
      policy: m.SourcePolicyId ?? '(unnamed policy)',
      statementIndex: -1,
      effect: raw === 'explicitDeny' ? 'Deny' : 'Allow',
    };
    if (m.SourcePolicyType) ref.sourcePolicyType = m.SourcePolicyType;
    if (/boundary/i.test(m.SourcePolicyType ?? '')) ref.boundary = true;
    if (m.StartPosition?.Line !== undefined) ref.position = { line: m.StartPosition.Line, column: m.StartPosition.Column ?? 0 };
    return ref;
  });
  const missing = r.MissingContextValues ?? [];
  const policies = [...new Set(matched.filter((m) => !m.boundary).map((m) => m.policy))];
  const boundaryDenied = r.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary === false;
  const scpDenied = r.OrganizationsDecisionDetail?.AllowedByOrganizations === false;
  if (raw === 'explicitDeny') {
    return { decision: 'explicitDeny', matched, reason: `explicitly denied by ${policies.join(', ') || 'a policy'} (simulated)` };
  }
  if (missing.length && raw !== 'allowed') {
    return {
      decision: 'unknown',
      matched,
      reason: `depends on context the simulation lacked: ${missing.join(', ')}`,
      contextKeys: [...missing],
    };
  }
  if (raw === 'allowed') {
    return { decision: 'allowed', matched, reason: `allowed by ${policies.join(', ') || 'a policy'} (simulated)` };
  }
  if (boundaryDenied) {
    const boundary = matched.find((m) => m.boundary)?.policy;
    return {
      decision: 'implicitDeny',
      matched,
      reason: `denied by the permission boundary${boundary ? ` ${boundary}` : ''}: it does not allow this action (simulated)`,
      deniedByBoundary: true,
      deniedBy: { kind: 'boundary', ...(boundary ? { policy: boundary } : {}) },
    };
  }
  if (scpDenied) {
    return { decision: 'implicitDeny', matched, reason: 'denied by an SCP (Organizations service control policy; simulated)', deniedBy: { kind: 'scp' } };
  }
  return { decision: 'implicitDeny', matched, reason: 'no policy allows it (simulated)' };
}

/**
 * The simulate mode: `iam:SimulatePrincipalPolicy` on the principal. Concrete actions are grouped by resource and
 * sent in batches; every page is read (`IsTruncated`/`Marker`); throttling is retried with the SDK's adaptive
 * backoff. A denied simulation is an `ACCESS_DENIED` error (the auto mode falls back to local on it).
 */
export function createSimulateEvaluator(options: SimulateOptions): Evaluator {
  return {
    mode: 'simulate',
    subject: options.principalArn,
    async evaluate(requests: EvaluationRequest[]): Promise<EvaluationResult[]> {
      const { SimulatePrincipalPolicyCommand } = await import('@aws-sdk/client-iam');
      const iam = await createIamClient(clientOptionsOf(options, SIMULATE_RETRIES));
      // One group per resource and request context: a call carries one resource and one set of ContextEntries.
      const byResource = new Map<string, number[]>();
      requests.forEach((r, i) => {
        const key = `${r.resource}\u0000${r.context ? JSON.stringify(Object.entries(r.context).sort(([a], [b]) => (a < b ? -1 : 1))) : ''}`;
        const list = byResource.get(key) ?? [];
        list.push(i);
        byResource.set(key, list);
      });
      const results: (EvaluationResult | undefined)[] = new Array(requests.length);
      const size = options.batchSize ?? 100;
      try {
        for (const indexes of byResource.values()) {
          const { resource, context } = requests[indexes[0]!]!;
          const entries = contextEntries(options.region ?? undefined, options.principal, context);
          for (let start = 0; start < indexes.length; start += size) {
            const batch = indexes.slice(start, start + size);
            const answers = new Map<string, SimResult>();
            let marker: string | undefined;
            do {
              let out: SimulatePrincipalPolicyCommandOutput;
              try {
                out = await iam.send(
                  new SimulatePrincipalPolicyCommand({
                    PolicySourceArn: options.principalArn,
                    ActionNames: batch.map((i) => requests[i]!.action),
                    ...(resource === '*' ? {} : { ResourceArns: [resource] }),
                    ContextEntries: entries,
                    ...(marker ? { Marker: marker } : {}),
                  }),
                );
              } catch (error) {
                throw simulateFailure(error, options.principalArn, options.deadline);
              }
              for (const r of out.EvaluationResults ?? []) if (r.EvalActionName) answers.set(r.EvalActionName.toLowerCase(), r);
              marker = out.IsTruncated ? out.Marker : undefined;
            } while (marker);
            for (const i of batch) {
              const answer = answers.get(requests[i]!.action.toLowerCase());
              if (!answer) {
                throw new AwspermError('AWS_RESPONSE_INVALID', `iam:SimulatePrincipalPolicy returned no result for ${requests[i]!.action}`, {
                  hint: 'Retry; if it persists, use the local mode.',
                  data: { operation: 'iam:SimulatePrincipalPolicy', detail: `no result for ${requests[i]!.action}`, reason: 'no-result' },
                });
              }
              results[i] = mapSimulationResult(answer);
            }
          }
        }
      } finally {
        iam.destroy();
      }
      return results as EvaluationResult[];
    },
  };
}

function simulateFailure(error: unknown, principal: string, deadline: Deadline | undefined): AwspermError {
  if (AwspermError.is(error)) return withoutSdkNotes(error);
  const code = deadline?.signal.aborted ? undefined : awsErrorCode(error);
  if (code && /AccessDenied|UnauthorizedOperation|NotAuthorized/i.test(code)) {
    return AwspermError.from(
      'ACCESS_DENIED',
      { operation: 'iam:SimulatePrincipalPolicy', awsCode: code, grant: 'read-policy', readPolicy: readPolicyJson() },
      { cause: error },
    );
  }
  if (code === 'NoSuchEntity') {
    return AwspermError.from('PRINCIPAL_GONE', { operation: 'iam:SimulatePrincipalPolicy', principal }, { cause: error });
  }
  const c = classifyFailure(error, 'iam:SimulatePrincipalPolicy', { deadline });
  return new AwspermError(c.code, c.message, { ...failureOptions(c), cause: error });
}
