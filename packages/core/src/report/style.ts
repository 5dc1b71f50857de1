/** Text styles for terminal output. */
export interface Styles {
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const wrap = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;

/** ANSI colours. */
export const colors: Styles = {
  red: wrap(31, 39),
  green: wrap(32, 39),
  yellow: wrap(33, 39),
  dim: wrap(2, 22),
  bold: wrap(1, 22),
};

const id = (text: string) => text;

/** No styling at all. */
export const plain: Styles = { red: id, green: id, yellow: id, dim: id, bold: id };

/**
 * Whether to colour output for a stream: only on a TTY, never with `NO_COLOR` set (https://no-color.org), always
 * with `FORCE_COLOR` set to something other than `0`.
 */
export function shouldColor(stream: { isTTY?: boolean }, env: Readonly<Record<string, string | undefined>>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0';
  return stream.isTTY === true && env.TERM !== 'dumb';
}
