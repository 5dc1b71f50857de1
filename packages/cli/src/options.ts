import { resolve } from 'node:path';
import { AwspermError } from '@awsperm/core';

/** Options every command accepts. */
export interface GlobalOptions {
  /** Show stack traces and internal detail. */
  debug: boolean;
  /** Colour output (false with `--no-color` or `NO_COLOR`). */
  color: boolean;
  /** `--endpoint-url`. */
  endpointUrl?: string;
  /** `--timeout`, seconds: the bound on the run's AWS conversation (its clock starts with the first AWS client). */
  timeout: number;
  /** False with `--no-exec`: no project code runs (configs read statically). */
  exec?: boolean;
}

/** The value of `--timeout <seconds>`: a positive number of seconds, or a usage error. */
export function timeoutSeconds(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
    usage(`option --timeout must be a positive number of seconds; got "${value}"`, 'For example --timeout 60.');
  }
  return seconds;
}

/**
 * Reads the raw string values of an option from argv. cac (through mri) turns numeric-looking values into
 * numbers, which would turn stage `007` into `7` or drop an account id's leading zero; awsperm reads the raw text.
 */
export function rawValues(argv: readonly string[], name: string): string[] {
  const flag = `--${name}`;
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    if (arg === flag) {
      const next = argv[i + 1];
      if (next !== undefined) out.push(next);
      i++;
    } else if (arg.startsWith(`${flag}=`)) {
      out.push(arg.slice(flag.length + 1));
    }
  }
  return out;
}

/** Typed access to the options of one command, with validation that names the flag at fault. */
export class OptionReader {
  readonly argv: readonly string[];
  readonly parsed: Record<string, unknown>;
  /** The nearest of some names to a value that is none of them (the CLI's "did you mean"). */
  readonly suggest: (value: string, names: readonly string[]) => string | undefined;

  constructor(argv: readonly string[], parsed: Record<string, unknown>, suggest: OptionReader['suggest'] = () => undefined) {
    this.argv = argv;
    this.parsed = parsed;
    this.suggest = suggest;
  }

  /** All values of a repeatable string option (`--policy a --policy b`). */
  list(name: string, camel: string = camelCase(name)): string[] {
    if (this.parsed[camel] === undefined) return [];
    const values = rawValues(this.argv, name);
    for (const v of values) {
      if (v === '' || v.startsWith('--')) usage(`option --${name} needs a value`);
    }
    if (values.length === 0) usage(`option --${name} needs a value`);
    return values;
  }

  /** A single-valued string option; repeated use is an error. */
  string(name: string, camel: string = camelCase(name)): string | undefined {
    const values = this.list(name, camel);
    if (values.length > 1) usage(`option --${name} was given ${values.length} times; give it once`);
    return values[0];
  }

  /** A comma-separated, repeatable option (`--action a,b --action c`). */
  commaList(name: string): string[] {
    return this.list(name).flatMap((v) => v.split(',').map((s) => s.trim()));
  }

  /** An option limited to some values. */
  choice<T extends string>(name: string, choices: readonly T[], fallback: T): T {
    const value = this.string(name);
    if (value === undefined) return fallback;
    if (!(choices as readonly string[]).includes(value)) {
      const near = this.suggest(value, choices);
      usage(`option --${name} must be one of ${choices.join(', ')}; got "${value}"${near ? `; did you mean "${near}"?` : ''}`);
    }
    return value as T;
  }

  /** A directory option resolved against the current directory. */
  directory(name: string): string {
    return resolve(this.string(name) ?? '.');
  }

  /** A boolean flag. */
  flag(name: string, camel: string = camelCase(name)): boolean {
    return this.parsed[camel] === true;
  }
}

function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Throws a usage error (exit 2). */
export function usage(message: string, hint?: string): never {
  throw new AwspermError('USAGE', message, hint ? { hint } : {});
}
