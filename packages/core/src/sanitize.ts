import { redact } from './credentials/env.ts';

/** The longest message awsperm prints from text it did not write (project files, configs, AWS). */
export const MAX_MESSAGE_CHARS = 400;

const SECRET_NAME = /SECRET|TOKEN|PASSWORD|PASSWD|PRIVATE_KEY|CREDENTIAL|SESSION_KEY|API_KEY|ACCESS_KEY/i;

// Shapes of AWS secrets that may appear in helper output or thrown values without being in the environment.
const SECRET_SHAPES: readonly RegExp[] = [
  /("?(?:SecretAccessKey|aws_secret_access_key|secretAccessKey|SessionToken|aws_session_token|sessionToken)"?\s*[:=]\s*"?)[^\s",}]+/g,
  /\b(?:ASIA|AKIA)[A-Z0-9]{16}\b/g,
];

/** The names of environment variables whose values are treated as secrets: AWS keys and anything named like one. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/**
 * Removes secrets from `text`: the values of every secret-named variable of `env` (at least 4 characters), AWS
 * access key ids, and `SecretAccessKey`/`SessionToken` fields in JSON or INI form.
 */
export function redactSecrets(text: string, env: Readonly<Record<string, string | undefined>> = {}): string {
  const values: string[] = [];
  for (const [k, v] of Object.entries(env)) if (v && isSecretName(k)) values.push(v);
  // Longest first, so that a value containing another is replaced whole.
  values.sort((a, b) => b.length - a.length);
  let out = redact(text, values);
  for (const shape of SECRET_SHAPES) {
    out = out.replace(shape, (m, prefix: string | undefined) => (typeof prefix === 'string' && prefix !== m ? `${prefix}[redacted]` : '[redacted]'));
  }
  return out;
}

function escapeChar(c: string): string {
  const code = c.codePointAt(0)!;
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\t') return '\\t';
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

// C0 and C1 controls, DEL, and the bidirectional overrides that reorder what a terminal shows.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Makes text from outside awsperm safe for a terminal line: control characters (ANSI/OSC escapes, newlines,
 * bidirectional overrides) escaped as `\xNN`, and cut at `max` characters with "…".
 */
export function terminalSafe(text: string, max: number = MAX_MESSAGE_CHARS): string {
  const cut = text.length > max * 2 ? text.slice(0, max * 2) : text;
  const escaped = cut.replace(CONTROL, escapeChar);
  return escaped.length > max || cut.length < text.length ? `${escaped.slice(0, max - 1)}…` : escaped;
}
