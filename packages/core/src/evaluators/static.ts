import type { Evaluator } from '../check.ts';
import type { RequestContext } from '../engine/conditions.ts';
import { evaluate, type PrincipalPolicies } from '../engine/evaluate.ts';
import { mergeContext } from '../request-context.ts';

/**
 * An evaluator over policies already in hand: awsperm's own engine, no AWS call. Used by the offline mode and,
 * once the policies are fetched, by the local mode.
 */
export function createPolicyEvaluator(
  policies: PrincipalPolicies,
  options: { mode: 'offline' | 'local'; subject: string; context?: RequestContext },
): Evaluator {
  return {
    mode: options.mode,
    subject: options.subject,
    async evaluate(requests) {
      return requests.map((r) => evaluate(r, policies, r.context ? mergeContext(options.context, r.context) : options.context));
    },
  };
}
