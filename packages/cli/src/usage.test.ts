import { cac } from 'cac';
import { describe, expect, it } from 'vitest';
import { addSharedOptions, checkFlags, commandName, didYouMean, rewordCacError, UsageError, unknownCommand } from './usage.ts';

function cli() {
  const c = cac('awsperm');
  c.option('--debug', 'debug');
  c.command('check', '').option('--policy <file>', '').option('--tool <id>', '');
  c.command('whoami', '').option('--profile <name>', '');
  c.command('lint [...files]', '').option('--format <format>', '');
  addSharedOptions(c);
  c.help();
  c.version('0.0.0');
  return c;
}

function thrown(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error('expected a usage error');
}

describe('did you mean', () => {
  it('suggests the nearest name within two edits, or one the input begins', () => {
    expect(didYouMean('chek', ['check', 'whoami', 'policy'])).toBe('check');
    expect(didYouMean('--polcy', ['--policy', '--profile'])).toBe('--policy');
    expect(didYouMean('--least', ['--least-privilege', '--tool'])).toBe('--least-privilege');
    expect(didYouMean('deploy', ['check', 'whoami', 'policy'])).toBeUndefined();
    // Two edits of a two-letter name is any other two-letter name: no suggestion.
    expect(didYouMean('ab', ['up', 'cd'])).toBeUndefined();
  });
});

describe('the command line', () => {
  it('finds the command after options and their values', () => {
    const c = cli();
    expect(commandName(c, ['--debug', 'check'])).toBe('check');
    expect(commandName(c, ['--endpoint-url', 'http://x', 'whoami'])).toBe('whoami');
    expect(commandName(c, ['--', 'check'])).toBeUndefined();
    expect(commandName(c, ['--help'])).toBeUndefined();
  });

  it('names the command an unknown option was given to, the nearest option, and the commands that take it', () => {
    const c = cli();
    const check = c.commands.find((x) => x.name === 'check');
    const lint = c.commands.find((x) => x.name === 'lint');
    expect(thrown(() => checkFlags(c, check, ['check', '--polcy', 'p.json'])).message).toBe('unknown option `--polcy` for `check`; did you mean `--policy`?');
    const e = thrown(() => checkFlags(c, lint, ['lint', '--endpoint-url=http://x', 'p.json']));
    expect(e.message).toBe('unknown option `--endpoint-url` for `lint`');
    expect(e.hint).toBe("`--endpoint-url` is an option of check, whoami. Run 'awsperm help lint' for its options.");
    expect(thrown(() => checkFlags(c, check, ['check', '-hx'])).message).toBe('unknown option `-x` for `check`');
    // Negations, values after `=`, and anything after `--` pass.
    expect(() => checkFlags(c, check, ['check', '--no-color', '--color', '--policy=p.json', '-h', '--', '--whatever'])).not.toThrow();
    expect(() => checkFlags(c, check, ['check', '--timeout', '-1'])).not.toThrow();
  });

  it('unknown commands and cac’s own errors read like every awsperm message', () => {
    const c = cli();
    expect(unknownCommand(c, 'whoam').message).toBe('unknown command `whoam`; did you mean `whoami`?');
    expect(rewordCacError(c, 'Unused args: `a`, `b`').message).toBe('unexpected arguments `a`, `b`');
    expect(rewordCacError(c, 'Unknown option `--x`').message).toBe('unknown option `--x`');
  });
});
