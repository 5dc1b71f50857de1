import { AwspermError, parseJson, readTextFile } from '@awsperm/core';

/**
 * The parts of `up.json` awsperm reads. Field meanings follow Up's `config/config.go` at tag v1.7.1
 * (https://github.com/apex/up/blob/v1.7.1/config/config.go).
 */
export interface UpConfig {
  /** The app name; names the function, stack, role and log group. */
  name: string;
  /** The AWS profile Up uses (overrides `AWS_PROFILE`). */
  profile?: string;
  /** Region globs; Up needs exactly one region after expansion. */
  regions?: string[];
  /** Everything else in the file, unvalidated for now. */
  [key: string]: unknown;
}

const NAME = /^[a-z][-a-z0-9]*$/;

function invalid(file: string, message: string): never {
  throw new AwspermError('PROJECT_CONFIG_INVALID', `${file}: ${message}`, {
    adapter: '@awsperm/adapter-up',
    hint: 'See https://apex.sh/docs/up/configuration/ for the up.json format.',
  });
}

/** Validates parsed up.json content the way Up does for the keys awsperm uses. */
export function validateUpConfig(json: unknown, file: string): UpConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) invalid(file, 'up.json must hold a JSON object');
  const config = json as Record<string, unknown>;
  if (config.name === undefined) invalid(file, '.name: is required');
  if (typeof config.name !== 'string') invalid(file, '.name: must be a string');
  if (!NAME.test(config.name)) {
    invalid(file, `.name: "${config.name}" is invalid: must start with a lower-case letter and contain only a-z, 0-9 and -`);
  }
  if (config.profile !== undefined && (typeof config.profile !== 'string' || config.profile === '')) {
    invalid(file, '.profile: must be a non-empty string');
  }
  if (config.regions !== undefined) {
    if (!Array.isArray(config.regions) || !config.regions.every((r) => typeof r === 'string' && r !== '')) {
      invalid(file, '.regions: must be an array of region names');
    }
  }
  return config as UpConfig;
}

/** Reads and validates `up.json`. */
export async function loadUpConfig(file: string): Promise<UpConfig> {
  return validateUpConfig(parseJson(await readTextFile(file, 'up.json'), file), file);
}
