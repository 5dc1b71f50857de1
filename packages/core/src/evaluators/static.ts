import type { Evaluator } from '../check.ts';
import { evaluate, type PrincipalPolicies } from '../engine/evaluate.ts';

/**
 * An evaluator over policies already in hand: awsperm's own engine, no AWS call. Used by the offline mode and,
 * once the policies are fetched, by the local mode.
 */
export function createPolicyEvaluator(
  policies: PrincipalPolicies,
  options: { mode: 'offline' | 'local'; subject: string },
): Evaluator {
  return {
    mode: options.mode,
    subject: options.subject,
    async evaluate(requests) {
      return requests.map((r) => evaluate(r, policies));
    },
  };
}
