import { matchesGlob } from '@awsperm/core/kit';

/**
 * The regions Up accepts in up.json, from `platform/aws/regions/regions.go` in apex/up at tag v1.7.1
 * (https://github.com/apex/up/blob/v1.7.1/platform/aws/regions/regions.go).
 */
export const UP_REGIONS: readonly string[] = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ap-east-1',
  'ap-south-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ca-central-1',
  'eu-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-north-1',
  'sa-east-1',
];

/** Up's default region when nothing else names one. */
export const UP_DEFAULT_REGION = 'us-west-2';

/** Expands region globs (`us-*`) against Up's region list, as Up does; a name that is not a glob is kept as is. */
export function expandRegions(patterns: string[]): string[] {
  const out: string[] = [];
  for (const p of patterns) {
    const matched = p.includes('*') ? UP_REGIONS.filter((r) => matchesGlob(p, r)) : [p];
    for (const r of matched) if (!out.includes(r)) out.push(r);
  }
  return out;
}
