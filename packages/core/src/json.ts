import { AwspermError } from './errors.ts';
import { INPUT_LIMITS, type InputKind, readRegularFile } from './files.ts';

/** True for a JSON object (not null, not an array): the shape every config and policy reader checks first. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A position in a text file, 1-based. */
export interface TextPosition {
  line: number;
  column: number;
}

/** Converts a character offset into a 1-based line and column. */
export function positionAt(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Finds the offset of the first JSON syntax error in `text`, or `undefined` when it is valid.
 * Used only after `JSON.parse` failed: V8's messages do not always carry a position, and some echo the input,
 * which must never reach the user (a file may hold secrets).
 */
export function findJsonErrorOffset(text: string): { offset: number; expected: string } | undefined {
  let i = 0;
  const n = text.length;
  const ws = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  class Fail {
    readonly offset: number;
    readonly expected: string;
    constructor(offset: number, expected: string) {
      this.offset = offset;
      this.expected = expected;
    }
  }
  const fail = (expected: string): never => {
    throw new Fail(i, expected);
  };
  const str = () => {
    if (text[i] !== '"') fail('a double-quoted string');
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return;
      }
      if (c < 32) fail('no control character inside a string');
      if (c === 92) {
        i++;
        const e = text[i];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('four hex digits after \\u');
          i += 5;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) fail('a valid escape sequence');
      }
      i++;
    }
    fail('a closing double quote');
  };
  const num = () => {
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '' || m[0] === '-') fail('a value');
    i += m![0].length;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        str();
        ws();
        if (text[i] !== ':') fail("':' after a property name");
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail("',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail("',' or ']'");
      }
    }
    if (c === '"') {
      str();
      return;
    }
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      num();
      return;
    }
    fail(i >= n ? 'a value, found the end of the file' : 'a value');
  };
  try {
    value();
    ws();
    if (i < n) fail('the end of the file');
    return undefined;
  } catch (e) {
    if (e instanceof Fail) return { offset: e.offset, expected: e.expected };
    throw e;
  }
}

/**
 * Parses JSON text. On a syntax error throws `JSON_INVALID` naming the file, line and column, without echoing
 * any of the file's content.
 */
export function parseJson(text: string, file: string): unknown {
  // A UTF-8 byte-order mark is common in files written on Windows; JSON.parse rejects it.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(body);
  } catch (cause) {
    const found = findJsonErrorOffset(body);
    const at = found ? positionAt(body, found.offset) : undefined;
    const where = at ? `${file}:${at.line}:${at.column}` : file;
    const detail = body.trim() === '' ? 'the file is empty' : found ? `expected ${found.expected}` : 'invalid JSON';
    throw AwspermError.from('JSON_INVALID', { where, detail }, { cause });
  }
}

/**
 * Reads a UTF-8 text file, turning "no such file" and similar into one-line {@link AwspermError}s; `kind` picks the
 * size limit of `INPUT_LIMITS`.
 */
export async function readTextFile(file: string, what = 'file', kind: InputKind = 'template'): Promise<string> {
  // Loaded here, not at start-up: node:fs/promises brings ~20 internal modules (readline, watchers), ~1 ms of every
  // command that loads core, and most never read a file this way.
  const { readFile, stat } = process.getBuiltinModule('node:fs/promises');
  try {
    // Regular files only, within the largest input limit: a FIFO would block, /dev/zero would exhaust memory.
    const st = await stat(file);
    if ((!st.isFile() && !st.isDirectory()) || st.size > INPUT_LIMITS[kind]) return readRegularFile(file, kind, what);
    return await readFile(file, 'utf8');
  } catch (cause) {
    // readRegularFile's own errors already say why (a FIFO, a device, too large): rewrapping them lost the reason.
    if (AwspermError.is(cause)) throw cause;
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw AwspermError.from('FILE_NOT_FOUND', { what, file }, { hint: 'Check the path; relative paths are resolved from the current directory.', cause });
    }
    if (code === 'EISDIR') {
      throw AwspermError.from('FILE_UNREADABLE', { what, file, reason: 'directory' }, { cause });
    }
    throw AwspermError.from('FILE_UNREADABLE', { what, file, reason: 'error', ...(code ? { errno: code } : {}) }, { cause });
  }
}

/** Reads and parses a JSON file with {@link readTextFile} and {@link parseJson}. */
export async function readJsonFile(file: string, what = 'file', kind: InputKind = 'template'): Promise<unknown> {
  return parseJson(await readTextFile(file, what, kind), file);
}
