// The command line checked like a compiler checks its input: unknown commands and options are usage errors with a
// "did you mean", each command takes only the options it uses, and the help shows exactly those. Loaded on every run
// (help, typos): it imports nothing but types, so that --help never loads core.
import type { CAC, Command } from 'cac';

/** An option several commands share: its cac name and description. */
type SharedOption = readonly [rawName: string, description: string];

const SHARED = {
  aws: [
    ['--endpoint-url <url>', 'Send AWS API calls to this endpoint (also AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_STS/_IAM/_CLOUDFORMATION/_SSM/_S3)'],
    ['--timeout <seconds>', 'Give up on AWS after this many seconds, retries included (default: 30)'],
  ],
  exec: [['--no-exec', 'Never run project code (sst.config.*, awsperm.config.*): read configs statically, report the rest as unknown']],
  color: [['--no-color', 'Plain output without colours (also NO_COLOR)']],
} as const satisfies Record<string, readonly SharedOption[]>;

/** Which shared options each command takes (`--debug` and `--help` every command takes). */
const USES: Readonly<Record<string, readonly (keyof typeof SHARED)[]>> = {
  check: ['aws', 'exec', 'color'],
  whoami: ['aws', 'exec', 'color'],
  policy: ['aws', 'exec'],
  adapters: ['exec'],
};

/** Adds to each command the shared options it uses, after its own. */
export function addSharedOptions(cli: CAC): void {
  for (const command of cli.commands) {
    for (const group of USES[command.name] ?? []) {
      for (const [raw, description] of SHARED[group]) command.option(raw, description);
    }
  }
}

/** A usage error of the command line (exit 2): a message and what to do, both awsperm's own text. */
export class UsageError extends Error {
  readonly hint: string;
  constructor(message: string, hint: string) {
    super(message);
    this.name = 'UsageError';
    this.hint = hint;
  }
}

/** The edit distance of two short strings. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/** The known name closest to `name` (at most two edits, fewer than half its length), or one it begins. */
export function didYouMean(name: string, known: readonly string[]): string | undefined {
  let best: { name: string; d: number } | undefined;
  const lower = name.toLowerCase();
  for (const k of known) {
    const d = distance(lower, k.toLowerCase());
    if (d <= 2 && d * 2 < Math.max(k.length, 2) && (!best || d < best.d)) best = { name: k, d };
  }
  if (best) return best.name;
  const stem = lower.replace(/^-+/, '');
  return stem.length >= 3 ? known.find((k) => k.replace(/^-+/, '').startsWith(stem)) : undefined;
}

const suggestion = (near: string | undefined): string => (near ? `; did you mean \`${near}\`?` : '');

/** The error for a command name no command has. */
export function unknownCommand(cli: CAC, name: string): UsageError {
  const near = didYouMean(name, cli.commands.map((c) => c.name));
  return new UsageError(`unknown command \`${name}\`${suggestion(near)}`, "Run 'awsperm help' for the list of commands.");
}

/** The first argument of `argv` that is neither an option nor an option's value (the command's name), if any. */
export function commandName(cli: CAC, argv: readonly string[]): string | undefined {
  const valued = new Set(
    [cli.globalCommand, ...cli.commands].flatMap((c) => c.options.filter((o) => o.rawName.includes('<')).flatMap((o) => spellings(o.rawName))),
  );
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return undefined;
    if (!arg.startsWith('-') || arg === '-') return arg;
    if (valued.has(arg)) i++;
  }
  return undefined;
}

/** The flags an option is given with: `--no-color` also as `--color`, `-h, --help` as both. */
function spellings(rawName: string): string[] {
  const out: string[] = [];
  for (const part of rawName.replace(/[<[].*$/, '').split(',')) {
    const flag = part.trim();
    if (!flag) continue;
    out.push(flag);
    if (flag.startsWith('--no-')) out.push(`--${flag.slice(5)}`);
  }
  return out;
}

/** The flags `command` takes (its own, the shared ones it uses, and cac's global `--help`/`--debug`/`--version`). */
function flagsOf(cli: CAC, command: Command | undefined): string[] {
  const own = command ? command.options : [];
  const global = cli.globalCommand.options.filter((o) => command === undefined || o.name !== 'version');
  return [...own, ...global].flatMap((o) => spellings(o.rawName));
}

/**
 * Throws a {@link UsageError} for the first flag of `argv` (up to `--`) that `command` (the top level when
 * undefined) does not take, naming the command, the nearest flag it does take, or the commands that take it.
 */
export function checkFlags(cli: CAC, command: Command | undefined, argv: readonly string[]): void {
  const known = new Set(flagsOf(cli, command));
  const where = command ? ` for \`${command.name}\`` : '';
  const help = command ? `Run 'awsperm help ${command.name}' for its options.` : "Run 'awsperm help' for usage.";
  for (const arg of argv) {
    if (arg === '--') break;
    if (!arg.startsWith('-') || arg === '-' || /^-\d/.test(arg)) continue;
    const flags = arg.startsWith('--') ? [arg.split('=', 1)[0]!] : [...arg.slice(1).split('=', 1)[0]!].map((c) => `-${c}`);
    for (const flag of flags) {
      if (known.has(flag)) continue;
      const near = didYouMean(flag, [...known].filter((k) => k.startsWith('--')));
      const others = cli.commands.filter((c) => c !== command && flagsOf(cli, c).includes(flag)).map((c) => c.name);
      const hint = others.length ? `\`${flag}\` is an option of ${others.join(', ')}. ${help}` : help;
      throw new UsageError(`unknown option \`${flag}\`${where}${suggestion(near)}`, hint);
    }
  }
}

/** cac's own usage errors in awsperm's words (lower case, as every awsperm message). */
export function rewordCacError(cli: CAC, message: string): UsageError {
  const name = cli.matchedCommandName;
  const help = name ? `Run 'awsperm help ${name}' for usage.` : "Run 'awsperm help' for usage.";
  const unused = /^Unused args: (.*)$/.exec(message);
  if (unused) return new UsageError(`unexpected argument${unused[1]!.includes(',') ? 's' : ''} ${unused[1]}${name ? ` for \`${name}\`` : ''}`, help);
  return new UsageError(message.charAt(0).toLowerCase() + message.slice(1), help);
}

interface HelpSection {
  title?: string;
  body: string;
}

/** cac's descriptions of its own options, in awsperm's voice. */
const OWN: Readonly<Record<string, string>> = { help: 'Show this help', version: 'Show the version' };

/** The rows of an options table, aligned, without cac's "(default: …)" (each description says its default). */
function optionRows(options: readonly Command['options'][number][]): string {
  const width = Math.max(...options.map((o) => o.rawName.length));
  return options.map((o) => `  ${o.rawName.padEnd(width)}  ${OWN[o.name] ?? o.description}`.trimEnd()).join('\n');
}

/**
 * Rewrites cac's help sections: the overview points to `awsperm help <command>`; a command lists its own options then
 * `--debug` and `--help` (no `--version`, no options of other commands); examples are indented and prefixed with `$`.
 */
export function helpSections(cli: CAC): (sections: HelpSection[]) => HelpSection[] {
  return (sections) => {
    const command = cli.matchedCommand;
    const out: HelpSection[] = [];
    for (const section of sections) {
      if (section.title?.startsWith('For more info')) {
        out.push({ body: "Run 'awsperm help <command>' (or 'awsperm <command> --help') for a command's options and examples." });
      } else if (section.title === 'Options') {
        const global = cli.globalCommand.options.filter((o) => command === undefined || o.name !== 'version');
        out.push({ title: 'Options', body: optionRows([...(command?.options ?? []), ...global]) });
      } else if (section.title === 'Examples') {
        out.push({ title: 'Examples', body: section.body.split('\n').map((l) => `  $ ${l}`).join('\n') });
      } else {
        out.push(section);
      }
    }
    return out;
  };
}
