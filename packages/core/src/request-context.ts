import type { RequestContext } from './engine/conditions.ts';

/** What awsperm knows about the principal making the requests. */
export interface PrincipalFacts {
  /** The principal's ARN (user or role). */
  arn: string;
  /** `user` or `role`. */
  type: 'user' | 'role';
  /** The unique id (AIDA… for users, AROA… for roles). */
  userId?: string;
  /** The principal's tags. */
  tags?: Record<string, string>;
}

/**
 * Builds the request context awsperm can vouch for: the requested region, HTTPS (AWS SDKs always use it), the
 * current time, and — when the principal is known — its ARN, account, type, user name and id, and tags. Keys not
 * set here stay unknown, so conditions on them make decisions depend on context.
 */
export function buildRequestContext(options: { region?: string; principal?: PrincipalFacts; now?: Date }): RequestContext {
  const now = options.now ?? new Date();
  const context: Record<string, string | string[] | null> = {
    'aws:SecureTransport': 'true',
    'aws:CurrentTime': now.toISOString(),
    'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
  };
  if (options.region) context['aws:RequestedRegion'] = options.region;
  const p = options.principal;
  if (p) {
    context['aws:PrincipalArn'] = p.arn;
    const account = p.arn.split(':')[4];
    if (account) context['aws:PrincipalAccount'] = account;
    context['aws:PrincipalType'] = p.type === 'user' ? 'User' : 'AssumedRole';
    if (p.type === 'user') context['aws:username'] = p.arn.slice(p.arn.lastIndexOf('/') + 1);
    else context['aws:username'] = null;
    if (p.userId) context['aws:userid'] = p.userId;
    // Tags are complete for the principal: a tag it lacks is known to be absent.
    for (const [k, v] of Object.entries(p.tags ?? {})) context[`aws:PrincipalTag/${k}`] = v;
    if (p.tags) context['aws:PrincipalTagKeys'] = Object.keys(p.tags);
  }
  return context;
}
