import type { DescribeTypeCommandOutput } from '@aws-sdk/client-cloudformation';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { type AwsClientOptions, clientOptionsOf, createCloudFormationClient } from '../aws/read-only.ts';
import type { Env } from '../credentials/types.ts';
import { AwspermError } from '../errors.ts';
import { sdkMessage, withoutSdkNotes } from '../credentials/failure.ts';
import { isRecord } from '../json.ts';
import { HANDLER_OPERATIONS, normaliseActions, parseSchema, type SchemaHandlers } from './schemas.ts';
import type { HandlerPermissions } from './types.ts';

/** Where the answers of `cloudformation:DescribeType` are cached, and for how long. */
export interface SchemaCacheOptions {
  /** The cache directory; default `$XDG_CACHE_HOME/awsperm/cfn-schemas`, else `~/.cache/awsperm/cfn-schemas`. */
  cacheDir?: string;
  /** How long a cached schema is used before it is asked for again; default 7 days. */
  cacheMaxAgeMs?: number;
}

/**
 * How to reach `cloudformation:DescribeType` ({@link AwsClientOptions}), and where to cache what it returns. A name
 * kept for the `@awsperm/core/cloudformation` API.
 */
export type OnlineSchemaOptions = AwsClientOptions & SchemaCacheOptions;

/** One type's handlers as `DescribeType` returned them (or the cache kept them). */
export interface OnlineSchema {
  /** The type. */
  typeName: string;
  /** The region asked. */
  region: string;
  /** The declared handler permissions; `undefined` when the schema declares none. */
  handlers: HandlerPermissions | undefined;
  /** The type's default version id, when AWS gave one. */
  versionId?: string;
  /** When the type was last updated in the registry, ISO 8601, when AWS gave it. */
  lastUpdated?: string;
  /** When awsperm fetched it, ISO 8601. */
  fetchedAt: string;
  /** True when it came from the cache. */
  cached: boolean;
}

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;
const TYPE_NAME = /^[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+$/;
const REGION = /^[a-z0-9-]+$/;
const CONCURRENCY = 4;

/** The default cache directory for DescribeType results. */
export function defaultSchemaCacheDir(env: Env): string {
  const base = env.XDG_CACHE_HOME?.trim() ? env.XDG_CACHE_HOME : join(env.HOME?.trim() ? env.HOME : homedir(), '.cache');
  return join(base, 'awsperm', 'cfn-schemas');
}

function cacheFile(dir: string, region: string, type: string): string {
  return join(dir, region, `${type.replaceAll('::', '_')}.json`);
}

function readHandlers(value: unknown): HandlerPermissions | undefined {
  if (!isRecord(value)) return undefined;
  const handlers: HandlerPermissions = {};
  for (const op of HANDLER_OPERATIONS) {
    const list = Object.hasOwn(value, op) ? value[op] : undefined;
    if (Array.isArray(list)) handlers[op] = normaliseActions(list).actions;
  }
  return handlers;
}

async function readCache(file: string, type: string, region: string, maxAgeMs: number): Promise<OnlineSchema | undefined> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
  if (!isRecord(doc) || doc.typeName !== type || doc.region !== region || typeof doc.fetchedAt !== 'string') return undefined;
  const fetched = Date.parse(doc.fetchedAt);
  if (!Number.isFinite(fetched) || Date.now() - fetched > maxAgeMs || fetched > Date.now() + 60_000) return undefined;
  return {
    typeName: type,
    region,
    handlers: doc.handlers === null ? undefined : readHandlers(doc.handlers),
    ...(typeof doc.versionId === 'string' ? { versionId: doc.versionId } : {}),
    ...(typeof doc.lastUpdated === 'string' ? { lastUpdated: doc.lastUpdated } : {}),
    fetchedAt: doc.fetchedAt,
    cached: true,
  };
}

async function writeCache(file: string, schema: OnlineSchema): Promise<void> {
  // Only public registry data: the type, region, version, times and handler lists. Never credentials or account data.
  const doc = {
    typeName: schema.typeName,
    region: schema.region,
    versionId: schema.versionId ?? null,
    lastUpdated: schema.lastUpdated ?? null,
    fetchedAt: schema.fetchedAt,
    handlers: schema.handlers ?? null,
  };
  await mkdir(join(file, '..'), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(doc, null, 2)}\n`);
  await rename(tmp, file);
}

function errorName(error: unknown): string {
  if (typeof error !== 'object' || error === null) return '';
  const e = error as { name?: unknown; code?: unknown };
  // Node's network errors are plain Errors with a code (ECONNREFUSED); the SDK's carry the AWS error code as name.
  return String(e.name === 'Error' && typeof e.code === 'string' ? e.code : (e.name ?? ''));
}

/**
 * Looks resource types up with `cloudformation:DescribeType` (`Type=RESOURCE`), caching each answer per region and
 * type. Types it cannot resolve are absent from the result. A type the registry does not know is simply absent; a
 * failed call (denied, bad credentials, unreachable, still throttled after the retries) stops further calls and is
 * reported once through `warn`; a schema awsperm cannot read is reported per type.
 */
export async function describeTypes(
  types: readonly string[],
  options: AwsClientOptions & SchemaCacheOptions,
  warn: (message: string) => void,
): Promise<Map<string, OnlineSchema>> {
  const result = new Map<string, OnlineSchema>();
  const region = options.region || 'us-east-1';
  const cacheDir = options.cacheDir ?? defaultSchemaCacheDir(options.env);
  const maxAge = options.cacheMaxAgeMs ?? WEEK_MS;
  const cacheable = REGION.test(region);
  const wanted = [...new Set(types)].filter((t) => TYPE_NAME.test(t));
  const toAsk: string[] = [];
  for (const type of wanted) {
    const hit = cacheable ? await readCache(cacheFile(cacheDir, region, type), type, region, maxAge) : undefined;
    if (hit) result.set(type, hit);
    else toAsk.push(type);
  }
  if (toAsk.length === 0) return result;

  const { DescribeTypeCommand } = await import('@aws-sdk/client-cloudformation');
  const client = await createCloudFormationClient(clientOptionsOf({ ...options, region }, { maxAttempts: 3 }));
  let stopped: string | undefined;
  let unresolvedByStop = 0;
  const queue = [...toAsk];
  const worker = async (): Promise<void> => {
    for (let type = queue.shift(); type !== undefined; type = queue.shift()) {
      if (stopped) {
        unresolvedByStop++;
        continue;
      }
      let out: DescribeTypeCommandOutput;
      try {
        out = await client.send(new DescribeTypeCommand({ Type: 'RESOURCE', TypeName: type }));
      } catch (error) {
        const name = errorName(error);
        if (name === 'TypeNotFoundException') continue;
        // Denied, bad credentials, unreachable, throttled past the retries: the next call would fail alike.
        const detail = AwspermError.is(error) ? withoutSdkNotes(error).message : sdkMessage(error);
        stopped ??= `cloudformation:DescribeType failed (${name || 'error'}: ${detail})`;
        unresolvedByStop++;
        continue;
      }
      let parsed: SchemaHandlers;
      try {
        if (typeof out.Schema !== 'string') throw new Error(`cloudformation:DescribeType ${type}: the response has no Schema`);
        parsed = parseSchema(out.Schema, `cloudformation:DescribeType ${type}`);
      } catch (error) {
        warn(`${(error as Error).message}; the type is unresolved`);
        continue;
      }
      const schema: OnlineSchema = {
        typeName: type,
        region,
        handlers: parsed.handlers,
        ...(out.DefaultVersionId ? { versionId: out.DefaultVersionId } : {}),
        ...(out.LastUpdated ? { lastUpdated: out.LastUpdated.toISOString() } : {}),
        fetchedAt: new Date().toISOString(),
        cached: false,
      };
      result.set(type, schema);
      if (cacheable) await writeCache(cacheFile(cacheDir, region, type), schema).catch(() => undefined);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, toAsk.length) }, worker));
  } finally {
    client.destroy();
  }
  if (stopped) {
    const n = unresolvedByStop;
    warn(`${stopped}; ${n} resource type${n === 1 ? '' : 's'} left unresolved. Grant cloudformation:DescribeType (read-only) or give AWS's schema bundle (the cfnSchemas option).`);
  }
  return result;
}
