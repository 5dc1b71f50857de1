import { AwspermError, type PolicyFragment } from '@awsperm/core';
import { featureConditions, fillPlaceholders, fragmentFromTemplate, selectTemplates } from '@awsperm/core/kit';
import { documentedPolicy } from './policies/documented.ts';
import { UP_PRECISE_FRAGMENTS, type UpCondition } from './policies/precise.ts';
import { UP_DEFAULT_REGION, UP_REGIONS } from './regions.ts';
import type { UpConfigInfo, UpLambda } from './up-json.ts';

/** The `--feature` names the Up adapter understands. */
export const UP_FEATURES: Record<string, string> = {
  documented: "check Up's documented policy instead of the precise one",
  logs: 'up logs',
  metrics: 'up metrics',
  domains: 'up domains (list, check, buy)',
  prune: 'up prune',
  'stack-delete': 'up stack delete',
  env: 'Up Pro: up env',
};

/**
 * The region Up deploys to: `--region`, then up.json `regions`, then `AWS_REGION`, then `AWS_DEFAULT_REGION`,
 * then the effective profile's region (`profileRegion`, read from the shared files by the caller), then
 * `us-west-2` (apex/up v1.7.1 `config/config.go` defaultRegions and the root `--region` flag).
 */
export function upRegion(
  info: UpConfigInfo,
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  profileRegion?: string,
): string {
  if (flag) {
    if (!UP_REGIONS.includes(flag)) {
      throw new AwspermError('PROJECT_CONFIG_INVALID', `the region option: "${flag}" is not a region Up supports`, {
        adapter: '@awsperm/adapter-up',
        hint: `Up supports ${UP_REGIONS.join(', ')}.`,
      });
    }
    return flag;
  }
  return info.regions[0] || env.AWS_REGION || env.AWS_DEFAULT_REGION || profileRegion || UP_DEFAULT_REGION;
}

function lambdas(info: UpConfigInfo): UpLambda[] {
  const out: UpLambda[] = [];
  if (info.config.lambda) out.push(info.config.lambda);
  for (const stage of Object.values(info.config.stages ?? {})) if (stage.lambda) out.push(stage.lambda);
  return out;
}

/** Which precise-fragment conditions hold for this up.json and these features. */
export function upConditions(info: UpConfigInfo, features: string[]): Set<UpCondition> {
  const c = info.config;
  const all = lambdas(info);
  const stages = Object.values(c.stages ?? {});
  const hasDomain = stages.some((s) => s.domain !== undefined);
  const set = new Set<UpCondition>(['always']);
  if (!c.lambda?.role) set.add('roleBootstrap');
  if (hasDomain) set.add('domain');
  if (stages.some((s) => s.domain !== undefined && s.zone !== false) || Object.keys(c.dns ?? {}).length) set.add('zones');
  if (all.some((l) => l.vpc !== undefined)) set.add('vpc');
  if (info.pro) set.add('pro');
  if (c.tags && Object.keys(c.tags).length) set.add('tags');
  if (all.some((l) => l.layers?.length)) set.add('layers');
  if (c.alerts?.length) set.add('alerts');
  if (all.some((l) => l.warm)) set.add('warm');
  for (const c of featureConditions<UpCondition>(features)) set.add(c);
  return set;
}

/**
 * Up's precise policy for this app: the fragments whose conditions hold, with resources scoped to the app name,
 * account (`*` when unknown) and region.
 */
export function upPreciseFragments(
  info: UpConfigInfo,
  options: { region: string; account?: string; features: string[] },
): PolicyFragment[] {
  const conditions = upConditions(info, options.features);
  const vars = { name: info.config.name, account: options.account ?? '*', region: options.region };
  const roles = [
    ...new Set(lambdas(info).map((l) => l.role).filter((r): r is string => r !== undefined)),
  ];
  if (!info.config.lambda?.role) roles.unshift(fillPlaceholders('arn:aws:iam::{account}:role/{name}-function', vars));
  const layers = [...new Set(lambdas(info).flatMap((l) => l.layers ?? []))];
  const resource = (x: string): string[] => (x === '{functionRoles}' ? roles : x === '{layers}' ? layers : [fillPlaceholders(x, vars)]);
  return selectTemplates(UP_PRECISE_FRAGMENTS, conditions).map((t) => fragmentFromTemplate(t, { resource }));
}

/** Up's documented policy fragment (the seed's list). */
export function upDocumentedFragments(): PolicyFragment[] {
  return [documentedPolicy];
}
