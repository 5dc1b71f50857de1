import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AwspermError } from '../errors.ts';
import { isRecord } from '../json.ts';
import type { HandlerOperation, HandlerPermissions } from './types.ts';

/** The handler operations, in the order awsperm writes them. */
export const HANDLER_OPERATIONS: readonly HandlerOperation[] = ['create', 'read', 'update', 'delete', 'list'];

/** What awsperm takes from one CloudFormation resource provider schema. */
export interface SchemaHandlers {
  /** The schema's `typeName`, e.g. `AWS::S3::Bucket`. */
  typeName: string;
  /** The declared permissions per handler, normalised; `undefined` when the schema declares no handlers. */
  handlers: HandlerPermissions | undefined;
  /** Strings in the handler lists that are not IAM actions (dropped from `handlers`). */
  skipped: string[];
}

/** One schema of a bundle, with the file (or archive entry) it came from. */
export interface BundleSchema extends SchemaHandlers {
  /** The file path, or `archive.zip!entry.json` for an entry of a zip archive. */
  file: string;
}

/** A schema bundle read by {@link readSchemaBundle}: its schemas keyed by `typeName`. */
export interface SchemaBundle {
  /** The path given. */
  path: string;
  /** The schemas, keyed by `typeName`. */
  schemas: Map<string, BundleSchema>;
}

const ACTION = /^([A-Za-z0-9-]+):([A-Za-z0-9*?]+)$/;

/**
 * Normalises a handler permission list: trims each entry, lower-cases the service prefix, drops empties and
 * duplicates (case-insensitively), sorts. Entries that are not of the form `service:Action` go to `skipped`.
 */
export function normaliseActions(list: readonly unknown[]): { actions: string[]; skipped: string[] } {
  const byKey = new Map<string, string>();
  const skipped: string[] = [];
  for (const raw of list) {
    if (typeof raw !== 'string') {
      skipped.push(String(raw));
      continue;
    }
    const trimmed = raw.trim();
    if (trimmed === '') continue;
    const m = ACTION.exec(trimmed);
    if (!m) {
      skipped.push(trimmed);
      continue;
    }
    const action = `${m[1]!.toLowerCase()}:${m[2]!}`;
    const key = action.toLowerCase();
    if (!byKey.has(key)) byKey.set(key, action);
  }
  return { actions: [...byKey.values()].sort(compareActions), skipped };
}

/** Orders actions case-insensitively by code point: the order of every handler list awsperm writes. */
export function compareActions(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function invalid(file: string, what: string): AwspermError {
  return AwspermError.from('CFN_SCHEMA_INVALID', { file, detail: what, remedy: 'bundle' });
}

/**
 * Reads what awsperm needs from one resource provider schema (its text): the `typeName` and the `handlers`'
 * permission lists. A schema without `handlers` has `handlers: undefined`. Throws `CFN_SCHEMA_INVALID` naming `file`
 * when the text is not a JSON object or has no `typeName`, or a handler's `permissions` is not a list.
 */
export function parseSchema(text: string, file: string): SchemaHandlers {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw invalid(file, `not a JSON resource schema (${(error as Error).message})`);
  }
  if (!isRecord(doc)) throw invalid(file, 'not a resource schema: the JSON is not an object');
  const typeName = Object.hasOwn(doc, 'typeName') ? doc.typeName : undefined;
  if (typeof typeName !== 'string' || typeName.trim() === '') {
    throw invalid(file, 'not a resource schema: it has no "typeName"');
  }
  const raw = Object.hasOwn(doc, 'handlers') ? doc.handlers : undefined;
  if (raw === undefined || raw === null) return { typeName: typeName.trim(), handlers: undefined, skipped: [] };
  if (!isRecord(raw)) throw invalid(file, `"handlers" of ${typeName.trim()} is not an object`);
  const handlers: HandlerPermissions = {};
  const skipped: string[] = [];
  let any = false;
  for (const op of HANDLER_OPERATIONS) {
    const handler = Object.hasOwn(raw, op) ? raw[op] : undefined;
    if (handler === undefined) continue;
    if (!isRecord(handler)) throw invalid(file, `"handlers.${op}" of ${typeName.trim()} is not an object`);
    const permissions = Object.hasOwn(handler, 'permissions') ? handler.permissions : [];
    if (!Array.isArray(permissions)) throw invalid(file, `"handlers.${op}.permissions" of ${typeName.trim()} is not a list`);
    const n = normaliseActions(permissions);
    handlers[op] = n.actions;
    skipped.push(...n.skipped);
    any = true;
  }
  return { typeName: typeName.trim(), handlers: any ? handlers : undefined, skipped };
}

function isZip(bytes: Uint8Array): boolean {
  // Local file header, or the end-of-central-directory record of an empty archive.
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && ((bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6));
}

function add(schemas: Map<string, BundleSchema>, schema: BundleSchema): void {
  const existing = schemas.get(schema.typeName);
  if (existing) {
    throw AwspermError.from('CFN_SCHEMA_INVALID', { detail: `two schemas for ${schema.typeName}: ${existing.file} and ${schema.file}`, remedy: 'one-region' });
  }
  schemas.set(schema.typeName, schema);
}

async function readZip(path: string, bytes: Uint8Array, schemas: Map<string, BundleSchema>): Promise<void> {
  const { unzipSync } = await import('fflate');
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, { filter: (f) => f.name.toLowerCase().endsWith('.json') });
  } catch (error) {
    throw AwspermError.from('CFN_SCHEMA_INVALID', { file: path, detail: `not a readable zip archive (${(error as Error).message})`, remedy: 'download' });
  }
  const decoder = new TextDecoder('utf-8');
  for (const name of Object.keys(entries).sort()) {
    const file = `${path}!${name}`;
    add(schemas, { ...parseSchema(decoder.decode(entries[name]), file), file });
  }
}

async function readDirectory(path: string, schemas: Map<string, BundleSchema>): Promise<void> {
  const names = (await readdir(path, { recursive: true })).filter((n) => n.toLowerCase().endsWith('.json')).sort();
  for (const name of names) {
    const file = join(path, name);
    if (!(await stat(file)).isFile()) continue;
    add(schemas, { ...parseSchema(await readFile(file, 'utf8'), file), file });
  }
}

/**
 * Reads a CloudFormation schema bundle: the `CloudformationSchema.zip` AWS publishes per region, a directory of
 * schema JSON files (any names, any depth: each is keyed by its `typeName`), or one schema JSON file. Only files
 * ending in `.json` are read. Throws `FILE_NOT_FOUND` for a missing path and `CFN_SCHEMA_INVALID` naming the file
 * for anything else that is not a bundle.
 */
export async function readSchemaBundle(path: string): Promise<SchemaBundle> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch {
    throw AwspermError.from(
      'FILE_NOT_FOUND',
      { what: 'CloudFormation schema bundle', file: path, option: 'cfnSchemas' },
      { hint: 'Give the path of CloudformationSchema.zip or of a directory of CloudFormation resource schemas.' },
    );
  }
  const schemas = new Map<string, BundleSchema>();
  try {
    if (info.isDirectory()) {
      await readDirectory(path, schemas);
    } else {
      // A FIFO would block the read, a device never end it; AWS's bundle is a few MiB.
      if (!info.isFile() || info.size > 64 * 1024 * 1024) {
        throw AwspermError.from('CFN_SCHEMA_INVALID', { file: path, detail: 'not a regular file of at most 64 MiB', remedy: 'bundle' });
      }
      const bytes = new Uint8Array(await readFile(path));
      if (isZip(bytes)) await readZip(path, bytes, schemas);
      else if (/^\s*\{/.test(new TextDecoder().decode(bytes.subarray(0, 64)))) {
        add(schemas, { ...parseSchema(new TextDecoder().decode(bytes), path), file: path });
      } else {
        throw AwspermError.from('CFN_SCHEMA_INVALID', { file: path, detail: 'not a zip archive, a directory or a schema JSON file', remedy: 'bundle' });
      }
    }
  } catch (error) {
    if (AwspermError.is(error)) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw AwspermError.from('FILE_UNREADABLE', { what: 'CloudFormation schema bundle', file: path, reason: 'error', errno: code, option: 'cfnSchemas' }, { cause: error });
  }
  return { path, schemas };
}

