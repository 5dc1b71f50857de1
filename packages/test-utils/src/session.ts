// Helpers for tests that run awsperm's commands in process (the session API) or spawned: temporary inputs, a clean
// environment, and the check that a failure prints as the CLI prints it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';

/** Writes `content` to a new temporary file named `name` and returns its path. */
export function tempFile(name: string, content: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'awsperm-test-')), name);
  writeFileSync(file, content);
  return file;
}

/** A policy document (JSON text) holding `statements`. */
export function policyDoc(...statements: object[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/** A clean environment: PATH, an empty temporary HOME, instance metadata disabled; nothing else of the machine's. */
export function sessionEnv(): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: mkdtempSync(join(tmpdir(), 'awsperm-home-')), AWS_EC2_METADATA_DISABLED: 'true' };
}

/** What an awsperm error shows: its message and hint, and its kind (which decides the exit code). */
interface PrintableError {
  message: string;
  hint?: string | undefined;
  kind: string;
}

/**
 * The error `run` failed with (asserted by `is`, e.g. `AwspermError.is`), and its text as the CLI prints it (message,
 * then the hint), asserted to be one or two lines.
 */
export async function failureOf<E extends PrintableError>(run: Promise<unknown>, is: (value: unknown) => value is E): Promise<{ error: E; text: string }> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(is(error), String(error)).toBe(true);
  const e = error as E;
  const text = `${e.message}${e.hint ? `\n  ${e.hint}` : ''}`;
  expect(text.trim().split('\n').length).toBeLessThanOrEqual(2);
  return { error: e, text };
}
