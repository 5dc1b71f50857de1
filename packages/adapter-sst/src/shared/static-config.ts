import { readRegularFile } from '@awsperm/core/kit';

const KEYS = ['name', 'home', 'stage', 'region', 'profile'] as const;

/**
 * Reads an `sst.config.*` without running it (`--no-exec`): the first string literal given to each of `name`, `home`,
 * `stage`, `region` and `profile` (v3: `profile` and `region` go to `providers.aws`). A key whose value is not a
 * plain literal (an expression, a template with `${}`) is reported as unknown; nothing else of the config is known.
 */
export function readSstConfigStatically(configFile: string, call: 'config' | 'app'): { value: Record<string, unknown>; unknown: string[] } {
  const source = readRegularFile(configFile, 'source', 'the SST config');
  const found: Record<string, string> = {};
  const unknown: string[] = [];
  for (const key of KEYS) {
    // Linear-time: no nested quantifiers; a literal without `${` interpolation or a line break.
    const literal = new RegExp(`\\b${key}\\s*:\\s*(["'\`])([^"'\`$\\n\\\\]*)\\1`).exec(source);
    if (literal) found[key] = literal[2]!;
    else if (new RegExp(`\\b${key}\\s*:`).test(source)) unknown.push(key);
  }
  if (call === 'config') return { value: found, unknown };
  const { profile, region, ...rest } = found;
  const aws: Record<string, string> = {};
  if (profile !== undefined) aws.profile = profile;
  if (region !== undefined) aws.region = region;
  return { value: { ...rest, ...(Object.keys(aws).length ? { providers: { aws } } : {}) }, unknown: unknown.map((k) => (call === 'app' && (k === 'profile' || k === 'region') ? `providers.aws.${k}` : k)) };
}
