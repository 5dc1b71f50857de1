/**
 * The CloudFormation handler operations a resource provider schema declares permissions for. Deploying a stack runs
 * `create` (new resources), `update` (changed ones) and `delete` (removed ones, and a rollback).
 */
export type HandlerOperation = 'create' | 'read' | 'update' | 'delete' | 'list';

/** The IAM actions each handler of one resource type needs, as `service:Action` strings. */
export type HandlerPermissions = Partial<Record<HandlerOperation, readonly string[]>>;

/** Where a resource type's handler permissions come from. */
export interface HandlerSource {
  /**
   * `builtin`: awsperm's own table (derived from AWS's published registry schemas);
   * `overlay`: awsperm's hand-written entries for legacy types whose schemas declare no handlers;
   * `schema-bundle`: a schema read from `--cfn-schemas`; `describe-type`: `cloudformation:DescribeType` (cached).
   */
  kind: 'builtin' | 'overlay' | 'schema-bundle' | 'describe-type';
  /** Human description of the source, e.g. "AWS CloudFormation registry schema AWS::S3::Bucket". */
  title: string;
  /** A public URL or a file path for the source, when there is one. */
  url?: string;
}

/** The handler permissions of one CloudFormation resource type, with their source. */
export interface ResourceTypePermissions {
  /** The resource type, e.g. `AWS::S3::Bucket`. */
  type: string;
  /** The actions per handler. */
  handlers: HandlerPermissions;
  /** Where they come from. */
  source: HandlerSource;
}

/** Looks up handler permissions for resource types; see `createHandlerResolver`. */
export interface HandlerResolver {
  /**
   * Resolves the given types (each once, online look-ups concurrently). Types that no source knows are absent from
   * the map: the caller reports them as unresolved, never ignores them.
   */
  resolve(types: readonly string[]): Promise<Map<string, ResourceTypePermissions>>;
}
