/** A JSON value as the discovery records it: option values with outputs, components and functions as markers. */
export type Recorded = string | number | boolean | null | Recorded[] | { [key: string]: Recorded };

/** A method called on a component (`api.route(...)`, `queue.subscribe(...)`). */
export interface MethodCall {
  /** Method name. */
  method: string;
  /** The call's arguments, recorded like options. */
  args: Recorded[];
}

/** One `sst.*` component the app constructs. */
export interface ComponentRecord {
  /** `sst.aws.Function`, `sst.Secret`, `sst.x.DevCommand`, … */
  type: string;
  /** The component's name (first constructor argument). */
  name: string;
  /** The options that decide what it creates, recorded; other options are recorded as `true` (present). */
  options: Record<string, Recorded>;
  /** Methods called on it that create resources. */
  calls: MethodCall[];
  /** True for a component looked up with `.get()`: it creates nothing itself, only its method calls do. */
  ref?: true;
}

/** A raw Pulumi resource the app constructs directly (`new aws.s3.BucketV2(...)`). */
export interface RawResource {
  /** The Pulumi type token, `aws:s3/bucketV2:BucketV2`. */
  token: string;
  /** Its name. */
  name: string;
}

/** A read of something that exists: a component's or resource's `.get()`, or a provider function (`aws.getRegionOutput`). */
export interface Lookup {
  /** `get` for `.get()` reads, `invoke` for provider functions. */
  kind: 'get' | 'invoke';
  /** The component type (`sst.aws.Vpc`) or Pulumi token. */
  type: string;
  /** The name given to `.get()`, when there is one. */
  name?: string;
}

/** Something the discovery met but has no data for. */
export interface UnresolvedThing {
  /** What it is. */
  kind: 'component' | 'method' | 'resource' | 'provider' | 'namespace';
  /** `sst.aws.Foo`, `sst.aws.Queue.fooBar`, a token, a provider name. */
  type: string;
  /** The name, when it has one. */
  name?: string;
}

/** A resource of another provider (cloudflare, vercel, random, …): reported, not counted for AWS. */
export interface OutsideAws {
  /** The provider alias (`cloudflare`) or `sst.cloudflare`. */
  provider: string;
  /** The class (`cloudflare.DnsRecord`, `sst.cloudflare.Worker`). */
  type: string;
  /** Its name. */
  name?: string;
}

/** What the discovery found for one stage: JSON-serialisable, the worker's answer. */
export interface AppInventory {
  /** The app's name and the stage discovered. */
  app: { name: string; stage: string; removal?: string; protect?: boolean; home?: string; providers: string[] };
  /** The `sst.*` components, in construction order. */
  components: ComponentRecord[];
  /** Static component methods called (`sst.aws.Queue.subscribe(arn, …)`): recorded like components, `name` empty. */
  staticCalls: { type: string; call: MethodCall }[];
  /** Raw `aws.*` resources. */
  resources: RawResource[];
  /** `.get()` reads and provider functions. */
  lookups: Lookup[];
  /** `$transform(Class, …)` targets: transforms may change what is created, and are not followed. */
  transforms: string[];
  /** What has no data. */
  unresolved: UnresolvedThing[];
  /** Other providers' resources. */
  outsideAws: OutsideAws[];
}

/** An inventory with nothing found yet, for an app name (possibly not yet known: `''`) and a stage. */
export function emptyInventory(name: string, stage: string): AppInventory {
  return { app: { name, stage, providers: [] }, components: [], staticCalls: [], resources: [], lookups: [], transforms: [], unresolved: [], outsideAws: [] };
}
