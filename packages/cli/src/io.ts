import type { GlobalOptions, OptionReader } from './options.ts';

/** What a command gets: its options and where to write. Commands never call process.exit. */
export interface CommandContext {
  /** The command's options. */
  options: OptionReader;
  /** Options every command has. */
  global: GlobalOptions;
  /** The environment awsperm runs with. */
  env: Readonly<Record<string, string | undefined>>;
  /** Writes a warning or progress line to stderr. */
  warn(message: string): void;
  /** Writes an informational line to stderr (not a warning: e.g. the size of each printed policy). */
  note(message: string): void;
}

/** What a command returns: the result text for stdout and the exit code. */
export interface CommandResult {
  stdout: string;
  exitCode: number;
}
