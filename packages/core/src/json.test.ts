import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AwspermError } from './errors.ts';
import { findJsonErrorOffset, parseJson, positionAt, readJsonFile, readTextFile } from './json.ts';

const SECRET = 'wJalrXUtnFEMI/K7MDENG';

/** Parses `text` as `file` and returns the JSON_INVALID error it must throw. */
function parseError(text: string, file = 'policy.json'): AwspermError {
  try {
    parseJson(text, file);
  } catch (e) {
    expect(AwspermError.is(e)).toBe(true);
    const err = e as AwspermError;
    expect(err.code).toBe('JSON_INVALID');
    return err;
  }
  throw new Error(`expected parseJson to reject ${JSON.stringify(text)}`);
}

/** Async variant for the file readers. */
async function fileError(promise: Promise<unknown>): Promise<AwspermError> {
  const e = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
  expect(AwspermError.is(e)).toBe(true);
  return e as AwspermError;
}

describe('parseJson: syntax errors name file:line:column', () => {
  it.each([
    ['a trailing comma in an object', '{\n  "a": 1,\n}', 'policy.json:3:1: malformed JSON: expected a double-quoted string'],
    ['a trailing comma in an array', '[1, 2,]', "policy.json:1:7: malformed JSON: expected a value"],
    ['a missing colon', '{"a" 1}', "policy.json:1:6: malformed JSON: expected ':' after a property name"],
    ['an unterminated string', '{"a": "abc', 'policy.json:1:11: malformed JSON: expected a closing double quote'],
    ['an empty file', '', 'policy.json:1:1: malformed JSON: the file is empty'],
    ['a file of white space', '  \n\t', 'policy.json:2:2: malformed JSON: the file is empty'],
    ['garbage after the value', '{"a": 1} x', 'policy.json:1:10: malformed JSON: expected the end of the file'],
    ['a misspelt literal', '{"a":tru}', 'policy.json:1:6: malformed JSON: expected a value'],
    ['a missing comma between properties', '{\n"a": 1\n"b": 2}', "policy.json:3:1: malformed JSON: expected ',' or '}'"],
    ['a bad escape', '["\\x"]', 'policy.json:1:4: malformed JSON: expected a valid escape sequence'],
  ])('%s', (_name, text, message) => {
    const err = parseError(text);
    expect(err.message).toBe(message);
    expect(err.kind).toBe('config');
    expect(err.hint).toBeTruthy();
    expect(err.cause).toBeInstanceOf(SyntaxError);
  });

  it('never echoes file content in the message or hint', () => {
    for (const text of [
      `{"aws_secret_access_key": "${SECRET}",}`,
      `{"aws_secret_access_key": "${SECRET}" "x"}`,
      `{"aws_secret_access_key": ${SECRET}}`,
      `{"k": "${SECRET}`,
      `"${SECRET}" trailing`,
    ]) {
      const err = parseError(text, 'creds.json');
      expect(err.message).toMatch(/^creds\.json:\d+:\d+: malformed JSON: /);
      expect(err.message).not.toContain(SECRET);
      expect(err.message).not.toContain('wJalr');
      expect(err.hint ?? '').not.toContain(SECRET);
    }
  });
});

describe('parseJson: valid input', () => {
  it('parses JSON', () => {
    expect(parseJson('{"a": [1, true, null, "x"]}', 'f.json')).toEqual({ a: [1, true, null, 'x'] });
  });

  it('accepts a UTF-8 byte-order mark', () => {
    expect(parseJson('\uFEFF{"Version": "2012-10-17"}', 'f.json')).toEqual({ Version: '2012-10-17' });
  });

  it('reports positions after a byte-order mark relative to the text after it', () => {
    expect(parseError('\uFEFF{"a":}').message).toBe('policy.json:1:6: malformed JSON: expected a value');
  });
});

describe('findJsonErrorOffset', () => {
  it.each([
    '{}',
    '[]',
    ' {"a": {"b": [1, -2.5e3, 0, "x\\u00e9\\n\\"", true, false, null]}} \r\n',
    '"just a string"',
    '-0.5',
    '\t[ ]\n',
  ])('returns undefined for valid JSON %j', (text) => {
    expect(() => JSON.parse(text)).not.toThrow();
    expect(findJsonErrorOffset(text)).toBeUndefined();
  });

  it('returns the offset and what was expected for invalid JSON', () => {
    expect(findJsonErrorOffset('{"a":tru}')).toEqual({ offset: 5, expected: 'a value' });
    expect(findJsonErrorOffset('')).toEqual({ offset: 0, expected: 'a value, found the end of the file' });
    expect(findJsonErrorOffset('["\\u12G4"]')).toEqual({ offset: 3, expected: 'four hex digits after \\u' });
    expect(findJsonErrorOffset('["a\nb"]')).toEqual({ offset: 3, expected: 'no control character inside a string' });
    expect(findJsonErrorOffset('01')).toEqual({ offset: 1, expected: 'the end of the file' });
    expect(findJsonErrorOffset('{a: 1}')).toEqual({ offset: 1, expected: 'a double-quoted string' });
  });

  it('agrees with JSON.parse on a set of near-miss inputs', () => {
    for (const text of ['[1,]', '{"a":1,}', '[01]', '{"a" : [}', 'nul', '[-]', '1.', '.5', '"\t"', '[1 2]']) {
      expect(() => JSON.parse(text), text).toThrow();
      expect(findJsonErrorOffset(text), text).toBeDefined();
    }
  });
});

describe('positionAt', () => {
  const text = 'ab\ncd\n\nef';

  it('converts offsets to 1-based line and column across several lines', () => {
    expect(positionAt(text, 0)).toEqual({ line: 1, column: 1 });
    expect(positionAt(text, 2)).toEqual({ line: 1, column: 3 });
    expect(positionAt(text, 3)).toEqual({ line: 2, column: 1 });
    expect(positionAt(text, 4)).toEqual({ line: 2, column: 2 });
    expect(positionAt(text, 6)).toEqual({ line: 3, column: 1 });
    expect(positionAt(text, 7)).toEqual({ line: 4, column: 1 });
    expect(positionAt(text, 8)).toEqual({ line: 4, column: 2 });
  });

  it('handles an offset at the end of the text', () => {
    expect(positionAt(text, text.length)).toEqual({ line: 4, column: 3 });
    expect(positionAt('', 0)).toEqual({ line: 1, column: 1 });
  });

  it('counts a CR of a CRLF line ending as part of the line', () => {
    expect(positionAt('a\r\nb', 3)).toEqual({ line: 2, column: 1 });
    expect(positionAt('a\r\nb', 1)).toEqual({ line: 1, column: 2 });
  });
});

describe('readTextFile and readJsonFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'awsperm-json-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a UTF-8 file', async () => {
    const file = join(dir, 'ok.json');
    writeFileSync(file, '{"é": 1}');
    expect(await readTextFile(file)).toBe('{"é": 1}');
    expect(await readJsonFile(file)).toEqual({ é: 1 });
  });

  it('raises FILE_NOT_FOUND for a missing file, naming it and what it was', async () => {
    const file = join(dir, 'missing.json');
    const err = await fileError(readTextFile(file, 'policy file'));
    expect(err.code).toBe('FILE_NOT_FOUND');
    expect(err.kind).toBe('usage');
    expect(err.message).toBe(`policy file not found: ${file}`);
    expect(err.hint).toContain('relative paths');
  });

  it('raises FILE_UNREADABLE for a directory', async () => {
    const err = await fileError(readTextFile(dir));
    expect(err.code).toBe('FILE_UNREADABLE');
    expect(err.message).toBe(`file is a directory, not a file: ${dir}`);
  });

  it('names the file in JSON errors from readJsonFile', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, `{\n  "secret": "${SECRET}"\n  "x": 1\n}`);
    const err = await fileError(readJsonFile(file));
    expect(err.code).toBe('JSON_INVALID');
    expect(err.message).toBe(`${file}:3:3: malformed JSON: expected ',' or '}'`);
    expect(err.message).not.toContain(SECRET);
  });
});
