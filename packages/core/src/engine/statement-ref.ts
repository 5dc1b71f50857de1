import type { StatementRef } from './types.ts';

/** A statement as a reason names it: `statement 2 (Sid "Deploy") of deployer.json` (numbered from 1). */
export function describeRef(ref: Pick<StatementRef, 'policy' | 'statementIndex' | 'sid'>): string {
  return `statement ${ref.statementIndex + 1}${ref.sid ? ` (Sid "${ref.sid}")` : ''} of ${ref.policy}`;
}
