import type { OnlineSchemaOptions } from './describe-type.ts';
import { overlayFor } from './overlay.ts';
import type { SchemaBundle } from './schemas.ts';
import type { HandlerResolver, ResourceTypePermissions } from './types.ts';

/** Options of {@link createHandlerResolver}. */
export interface HandlerResolverOptions {
  /**
   * `--cfn-schemas` paths: AWS's `CloudformationSchema.zip`, a directory of schema JSON files, or one schema file.
   * Read once, on the first {@link HandlerResolver.resolve} call; bad input throws `CFN_SCHEMA_INVALID` (exit 2).
   */
  schemaBundles?: readonly string[];
  /** Look types nothing local knows up with `cloudformation:DescribeType` (read-only, cached). Omit to stay offline. */
  online?: OnlineSchemaOptions;
  /** Receives one line per problem that leaves types unresolved, e.g. DescribeType denied. */
  onWarning?: (message: string) => void;
}

/**
 * Creates the resolver of CloudFormation handler permissions. For each type, the first source that knows it wins:
 *
 * 1. a `--cfn-schemas` bundle whose schema for the type declares handlers: the user chose it, and it is newer and
 *    region-specific, so it overrides the builtin table;
 * 2. awsperm's builtin table (derived from AWS's registry schemas, loaded only when needed);
 * 3. awsperm's hand-written overlay for legacy types without handler lists, and custom resources (`Custom::*`);
 * 4. online, `cloudformation:DescribeType`, only for the types none of the above knows (cached per region and type).
 *
 * A type no source resolves is absent from the result map; the caller reports it as unresolved.
 */
export function createHandlerResolver(options: HandlerResolverOptions = {}): HandlerResolver {
  let bundles: Promise<SchemaBundle[]> | undefined;
  const warn = options.onWarning ?? (() => undefined);
  const loadBundles = (): Promise<SchemaBundle[]> => {
    bundles ??= (async () => {
      const paths = options.schemaBundles ?? [];
      if (paths.length === 0) return [];
      const { readSchemaBundle } = await import('./schemas.ts');
      const read: SchemaBundle[] = [];
      for (const path of paths) read.push(await readSchemaBundle(path));
      return read;
    })();
    return bundles;
  };

  return {
    async resolve(types) {
      const result = new Map<string, ResourceTypePermissions>();
      const wanted = [...new Set(types)];
      if (wanted.length === 0) return result;
      const [loaded, { BUILTIN_HANDLER_PERMISSIONS }] = await Promise.all([loadBundles(), import('./handler-permissions.ts')]);
      const left: string[] = [];
      for (const type of wanted) {
        const fromBundle = loaded.map((b) => ({ path: b.path, schema: b.schemas.get(type) })).find((b) => b.schema?.handlers);
        if (fromBundle?.schema?.handlers) {
          result.set(type, {
            type,
            handlers: fromBundle.schema.handlers,
            source: { kind: 'schema-bundle', title: `CloudFormation schema ${type} from the schema bundle ${fromBundle.path}`, url: fromBundle.schema.file },
          });
          continue;
        }
        const builtin = BUILTIN_HANDLER_PERMISSIONS.get(type);
        if (builtin) {
          result.set(type, {
            type,
            handlers: builtin.handlers,
            source: { kind: 'builtin', title: `AWS CloudFormation registry schema ${type} (awsperm's table)`, url: builtin.url },
          });
          continue;
        }
        const overlay = overlayFor(type);
        if (overlay) {
          result.set(type, { type, handlers: overlay.handlers, source: { kind: 'overlay', title: overlay.title, url: overlay.url } });
          continue;
        }
        left.push(type);
      }
      if (left.length > 0 && options.online) {
        const { describeTypes } = await import('./describe-type.ts');
        const found = await describeTypes(left, options.online, warn);
        for (const [type, schema] of found) {
          if (!schema.handlers) continue;
          const when = schema.versionId ? `version ${schema.versionId}` : `fetched ${schema.fetchedAt}`;
          result.set(type, {
            type,
            handlers: schema.handlers,
            source: {
              kind: 'describe-type',
              title: `cloudformation:DescribeType ${type} in ${schema.region} (${when}${schema.cached ? ', cached' : ''})`,
            },
          });
        }
      }
      return result;
    },
  };
}
