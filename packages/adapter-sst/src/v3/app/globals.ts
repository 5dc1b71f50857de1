import { COMPONENTS_3, COMPONENTS_4 } from '../data/components.ts';
import type { ComponentEntry } from '../data/types.ts';
import { type AppInventory, type ComponentRecord, emptyInventory, type MethodCall, type Recorded } from './inventory.ts';

/** What the discovery is run for. */
export interface DiscoveryContext {
  /** The stage whose resources are wanted (`$app.stage`). */
  stage: string;
  /** The app's name when already known (from `app()`); `app()`'s own answer wins. */
  name?: string;
}

/** Installed stand-ins: the recorder behind them and a way to remove them again. */
export interface InstalledGlobals {
  /** Fills `$app` from `app()`'s answer and adds the namespaces of the providers it lists. */
  setApp(app: Record<string, unknown>): void;
  /** The inventory recorded so far (a JSON-serialisable copy). */
  inventory(): AppInventory;
  /** Removes every global this installed and restores what was there before. */
  uninstall(): void;
}

const OUTPUT = Symbol.for('awsperm.sst.output');
const COMPONENT = Symbol.for('awsperm.sst.component');
const TYPE = Symbol.for('awsperm.sst.type');

/** Options recorded with their values whatever the component's table says (they decide resources for most). */
const DECISIVE = new Set(['url', 'vpc', 'link', 'domain', 'transform', 'nat', 'permissions', 'role', 'image', 'python', 'loadBalancer', 'public', 'cluster', 'stream', 'triggers', 'logging', 'concurrency', 'retries', 'bastion', 'az', 'proxy', 'dev', 'edge', 'routes', 'router', 'cdn', 'versioning', 'access', 'cors', 'warm', 'server', 'instance', 'engine', 'dns', 'scaling', 'containers', 'capacity', 'storage', 'volume']);
/** Options never recorded by value: they hold user data (environment values may be secrets). */
const OPAQUE = new Set(['environment', 'secrets', 'password', 'value', 'placeholder']);
/** Provider aliases installed before the config is evaluated, so that top-level code may use them. */
const DEFAULT_PROVIDERS = ['cloudflare', 'vercel', 'random', 'tls', 'command', 'docker', 'dockerbuild', 'github', 'planetscale', 'neon', 'supabase', 'stripe', 'auth0', 'datadog', 'upstash', 'mongodbatlas', 'awsx', 'awsnative'];
/** Providers that create AWS resources but have no data here: unresolved, not outside AWS. */
const AWS_PROVIDERS = new Set(['awsx', 'awsnative']);

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

/**
 * The Pulumi type token of `aws.<module>.<Class>`, derived as Pulumi does: `aws:<module>/<lowerFirst(Class)>:<Class>`
 * (`aws.s3.BucketV2` → `aws:s3/bucketV2:BucketV2`); a top-level function lives in module `index`.
 */
export function pulumiToken(module: string, name: string): string {
  return `aws:${module}/${lowerFirst(name)}:${name}`;
}

/** Every `sst.*` component of the tables (both release families), with the instance methods each has. */
function knownComponents(): Map<string, { entry: ComponentEntry; methods: Set<string>; statics: Set<string> }> {
  const out = new Map<string, { entry: ComponentEntry; methods: Set<string>; statics: Set<string> }>();
  for (const table of [COMPONENTS_3, COMPONENTS_4]) {
    for (const [key, entry] of Object.entries(table)) {
      if (!key.startsWith('sst.') || key.endsWith('.v1') || key === 'sst.aws.dns') continue;
      const known = out.get(key) ?? { entry, methods: new Set<string>(), statics: new Set<string>() };
      for (const m of entry.methods) (m.static ? known.statics : known.methods).add(m.name);
      out.set(key, known);
    }
  }
  return out;
}

// biome-ignore lint/suspicious/noExplicitAny: the stand-ins mimic dynamic Pulumi objects; every value is a Proxy.
type Any = any;

/**
 * Installs on `target` (default `globalThis`) everything SST injects into `sst.config.ts` — `$config`, `sst`, `aws`,
 * `$app`, `$dev`, `$cli`, `$interpolate`, `$output`, `$resolve`, `$concat`, `$jsonParse`, `$jsonStringify`, `$util`,
 * `$asset`, `$transform`, `$linkable`, `$secrets`, `$apply` and other providers' namespaces — as recording stand-ins.
 * Install before the config module is evaluated: its top-level code may use them. Outputs are inert values that
 * can be chained, interpolated, awaited and `.apply`-ed.
 */
export function installSstGlobals(ctx: DiscoveryContext, target: Record<string, unknown> = globalThis as Any): InstalledGlobals {
  const inv = emptyInventory(ctx.name ?? '', ctx.stage);
  const known = knownComponents();
  const identities = new WeakMap<object, Recorded>();

  // --- Outputs -------------------------------------------------------------------------------------------------
  const output = (desc: string, value?: { v: unknown }, onCall?: (args: unknown[]) => void): Any => {
    const fn = function output() {};
    const proxy: Any = new Proxy(fn, {
      get(_t, key) {
        if (key === OUTPUT) return desc;
        if (key === 'then' || key === Symbol.iterator || key === Symbol.asyncIterator) return undefined;
        if (key === 'apply') return (cb: (v: unknown) => unknown) => applyOutput(desc, value, cb);
        if (key === Symbol.toPrimitive || key === 'toString' || key === 'valueOf' || key === 'toJSON') return () => `{${desc}}`;
        if (typeof key === 'symbol') return undefined;
        if (value && value.v !== null && typeof value.v === 'object' && key in (value.v as object)) {
          return output(`${desc}.${key}`, { v: (value.v as Record<string, unknown>)[key] });
        }
        return output(`${desc}.${key}`);
      },
      apply: (_t, _this, args) => {
        onCall?.(args);
        return output(`${desc}()`);
      },
      construct: () => output(`new ${desc}`),
      set: () => true,
      has: () => false,
    });
    identities.set(proxy, { $output: desc });
    return proxy;
  };
  const applyOutput = (desc: string, value: { v: unknown } | undefined, cb: (v: unknown) => unknown): Any => {
    // The callback may create resources (SST apps do), so it runs; with an unknown value it gets an inert output.
    try {
      const r = cb(value ? value.v : output(desc));
      if (r && typeof (r as Any).then === 'function') (r as Promise<unknown>).catch(() => {});
    } catch {
      // An unknown value cannot satisfy every callback; what it would compute is unknown anyway.
    }
    return output(`${desc}.apply()`);
  };
  const isOutput = (v: unknown): boolean => (typeof v === 'function' || typeof v === 'object') && v !== null && (v as Any)[OUTPUT] !== undefined;
  const toOutput = (v: unknown): Any => (isOutput(v) ? v : output('value', { v }));
  const all = (list: unknown): Any => {
    const values = Array.isArray(list) ? list : list && typeof list === 'object' ? Object.values(list) : [list];
    return values.some(isOutput) ? output('all') : output('all', { v: list });
  };
  const interpolate = (strings: TemplateStringsArray | string, ..._args: unknown[]): Any => output(`interpolate ${Array.isArray(strings) ? strings.join('…') : String(strings)}`);

  // --- Recording -----------------------------------------------------------------------------------------------
  const record = (value: unknown, depth = 0): Recorded => {
    if (value === undefined || value === null) return null;
    if (typeof value === 'string') return value.length > 200 ? `${value.slice(0, 200)}…` : value;
    if (typeof value === 'number' || typeof value === 'boolean') return value;
    if (typeof value === 'function' || typeof value === 'object') {
      const id = identities.get(value as object);
      if (id !== undefined) return id;
      if (typeof value === 'function') {
        // The worker's stand-ins for packages turn into a marker string starting with NUL (no function source does):
        // kept as that string, the worker drops the value and reports it as unknown instead of '[function]'.
        let text = '';
        try {
          text = String(value);
        } catch {}
        return text.startsWith('\u0000') ? text : '[function]';
      }
    }
    if (typeof value !== 'object') return String(value);
    if (depth > 4) return true;
    if (Array.isArray(value)) return value.slice(0, 50).map((v) => record(v, depth + 1));
    const out: Record<string, Recorded> = {};
    for (const k of Object.keys(value).slice(0, 50)) out[k] = OPAQUE.has(k) ? true : record((value as Record<string, unknown>)[k], depth + 1);
    return out;
  };
  const recordOptions = (args: unknown, options: Set<string>): Record<string, Recorded> => {
    const out: Record<string, Recorded> = {};
    if (!args || typeof args !== 'object' || isOutput(args)) return out;
    for (const [k, v] of Object.entries(args)) {
      if (v === undefined) continue;
      out[k] = OPAQUE.has(k) ? true : options.has(k) || DECISIVE.has(k) ? record(v) : true;
    }
    return out;
  };

  const instance = (type: string, name: string, methods: Set<string>, rec?: ComponentRecord): Any => {
    const base = output(`${type}(${name})`);
    const proxy: Any = new Proxy(function component() {}, {
      get(_t, key) {
        if (key === COMPONENT) return { type, name };
        if (key === 'then' || typeof key === 'symbol') return undefined;
        if (rec && methods.has(key)) {
          return (...args: unknown[]) => {
            rec.calls.push({ method: key, args: args.map((a) => record(a)) });
            return output(`${name}.${key}()`);
          };
        }
        if (key === 'getSSTLink') return () => ({ properties: {}, include: [] });
        // A method the table does not list: recorded, so that requirements can say it has no data.
        if (rec) return output(`${name}.${key}`, undefined, (args) => rec.calls.push({ method: key, args: args.map((a) => record(a)) }));
        return base[key];
      },
      set: () => true,
    });
    identities.set(proxy, { $component: type, name });
    return proxy;
  };

  const componentClass = (type: string, data?: { entry: ComponentEntry; methods: Set<string>; statics: Set<string> }): Any => {
    const options = new Set(data?.entry.options ?? []);
    const Stand = function (this: unknown, name: unknown, args?: unknown) {
      const n = String(name);
      if (!data) {
        inv.unresolved.push({ kind: 'component', type, name: n });
        return instance(type, n, new Set());
      }
      const rec: ComponentRecord = { type, name: n, options: recordOptions(args, options), calls: [] };
      inv.components.push(rec);
      return instance(type, n, data.methods, rec);
    } as Any;
    Object.defineProperty(Stand, 'name', { value: type.split('.').pop() });
    const statics: Record<string, unknown> = {
      [TYPE]: type,
      get: (name: unknown) => {
        inv.lookups.push({ kind: 'get', type, name: String(name) });
        if (!data) return instance(type, String(name), new Set());
        // A looked-up component creates nothing, but its methods do (`sst.aws.Bus.get(…).subscribe(…)`).
        const rec: ComponentRecord = { type, name: String(name), options: {}, calls: [], ref: true };
        inv.components.push(rec);
        return instance(type, String(name), data.methods, rec);
      },
    };
    return new Proxy(Stand, {
      get(t, key) {
        if (key in statics) return statics[key as string];
        if (key === 'prototype' || key === 'name' || key === 'length') return (t as Any)[key];
        if (typeof key === 'symbol') return undefined;
        return (...args: unknown[]) => {
          const call: MethodCall = { method: key, args: args.map((a) => record(a)) };
          if (data?.statics.has(key) || (data && !data.entry.noAws)) inv.staticCalls.push({ type, call });
          return output(`${type}.${key}()`);
        };
      },
    });
  };

  // `sst.aws.*` and the provider-independent components.
  const classes = new Map<string, Any>();
  const sstClass = (type: string): Any => {
    let c = classes.get(type);
    if (!c) {
      c = componentClass(type, known.get(type));
      classes.set(type, c);
    }
    return c;
  };
  const outsideNamespace = (provider: string, prefix: string): Any =>
    new Proxy(function ns() {}, {
      get(_t, key) {
        if (typeof key === 'symbol' || key === 'then') return undefined;
        const type = `${prefix}.${key}`;
        if (/^[A-Z]/.test(key)) {
          return new Proxy(function outside() {}, {
            construct(_c, args) {
              inv.outsideAws.push({ provider, type, name: args[0] === undefined ? undefined : String(args[0]) });
              return output(`${type}(${String(args[0])})`);
            },
            get(_c, k) {
              if (k === 'get') return (name: unknown) => output(`${type}.get(${String(name)})`);
              return typeof k === 'symbol' ? undefined : output(`${type}.${String(k)}`);
            },
            apply: () => output(`${type}()`),
          });
        }
        if (key === 'dns') return (args?: unknown) => ({ $dns: provider, args: record(args) });
        return outsideNamespace(provider, type);
      },
      apply: () => output(`${prefix}()`),
    });
  const sstAws = new Proxy(
    {},
    {
      get(_t, key) {
        if (typeof key === 'symbol' || key === 'then') return undefined;
        if (key === 'dns') return (args?: unknown) => ({ $dns: 'aws', args: record(args) });
        if (/^[a-z]/.test(key)) return (args?: unknown) => ({ $helper: `sst.aws.${key}`, args: record(args) });
        return sstClass(`sst.aws.${key}`);
      },
    },
  );
  const sstX = new Proxy({}, { get: (_t, key) => (typeof key === 'symbol' ? undefined : sstClass(`sst.x.${key}`)) });
  const sst = new Proxy(
    {},
    {
      get(_t, key) {
        if (typeof key === 'symbol' || key === 'then') return undefined;
        if (key === 'aws') return sstAws;
        if (key === 'x') return sstX;
        if (key === 'Resource') return output('sst.Resource');
        if (key === 'Secret') return secretClass;
        if (/^[A-Z]/.test(key)) return sstClass(`sst.${key}`);
        return outsideNamespace(`sst.${key}`, `sst.${key}`);
      },
    },
  );
  const secretClass = new Proxy(function Secret() {}, {
    construct(_c, args) {
      const name = String(args[0]);
      inv.components.push({ type: 'sst.Secret', name, options: { placeholder: args[1] !== undefined }, calls: [] });
      const base = instance('sst.Secret', name, new Set());
      return base;
    },
    get: (_c, k) => (k === TYPE ? 'sst.Secret' : typeof k === 'symbol' ? undefined : output(`sst.Secret.${String(k)}`)),
  });

  // `aws.*`: raw Pulumi resources by token, functions as invokes.
  const awsModule = (module: string): Any =>
    new Proxy(
      {},
      {
        get(_t, key) {
          if (typeof key === 'symbol' || key === 'then') return undefined;
          if (/^[A-Z]/.test(key)) return awsClass(module, key);
          if (/^get[A-Z]/.test(key)) {
            const fname = key.replace(/Output$/, '');
            return () => {
              inv.lookups.push({ kind: 'invoke', type: `aws:${module}/${fname}:${fname}` });
              const o = output(`aws.${module}.${key}()`);
              return key.endsWith('Output') ? o : Promise.resolve(o);
            };
          }
          return module === 'index' ? awsModule(key) : output(`aws.${module}.${key}`);
        },
      },
    );
  const awsClass = (module: string, name: string): Any => {
    const token = module === 'index' && name === 'Provider' ? 'pulumi:providers:aws' : pulumiToken(module, name);
    return new Proxy(function resource() {}, {
      construct(_c, args) {
        const n = String(args[0]);
        inv.resources.push({ token, name: n });
        const o = output(`${token}(${n})`);
        identities.set(o, { $resource: token, name: n });
        return o;
      },
      get(_c, k) {
        if (k === TYPE) return token;
        if (k === 'get') {
          return (n: unknown) => {
            inv.lookups.push({ kind: 'get', type: token, name: String(n) });
            return output(`${token}.get(${String(n)})`);
          };
        }
        return typeof k === 'symbol' ? undefined : output(`aws.${module}.${name}.${String(k)}`);
      },
      apply: () => output(`aws.${module}.${name}()`),
    });
  };
  const aws = awsModule('index');

  const typeOf = (cls: unknown): string => {
    const t = cls && (typeof cls === 'function' || typeof cls === 'object') ? (cls as Any)[TYPE] : undefined;
    return typeof t === 'string' ? t : 'unknown';
  };
  const assetClass = (kind: string): Any =>
    class {
      readonly $asset: string;
      constructor(input: unknown) {
        this.$asset = `${kind}:${typeof input === 'string' ? input : 'value'}`;
      }
    };
  // `class X extends $util.ComponentResource { constructor(name) { super("my:Type", name, {}) } }`: a plain base.
  const ComponentResource = class {
    registerOutputs(): void {}
  };
  const util = new Proxy(
    {
      output: toOutput,
      all,
      interpolate,
      concat: (...parts: unknown[]) => output(`concat ${parts.length}`),
      jsonStringify: () => output('jsonStringify'),
      jsonParse: () => output('jsonParse'),
      secret: toOutput,
      unsecret: toOutput,
      isSecret: () => false,
      ComponentResource,
      CustomResource: ComponentResource,
      Resource: ComponentResource,
      Config: class {
        get(): undefined {
          return undefined;
        }
        require(key: string): Any {
          return output(`config.${key}`);
        }
        getSecret(): undefined {
          return undefined;
        }
        requireSecret(key: string): Any {
          return output(`config.${key}`);
        }
      },
      getStack: () => ctx.stage,
      getProject: () => inv.app.name,
      getOrganization: () => 'organization',
      asset: { FileAsset: assetClass('file'), FileArchive: assetClass('archive'), StringAsset: assetClass('string'), AssetArchive: assetClass('archive'), RemoteAsset: assetClass('remote') },
    } as Record<string, unknown>,
    { get: (t, k) => (k in t ? t[k as string] : typeof k === 'symbol' ? undefined : output(`$util.${String(k)}`)) },
  );

  const app: Record<string, unknown> = { name: inv.app.name, stage: ctx.stage, removal: 'retain', providers: {}, protect: false, home: 'aws' };
  const globals: Record<string, unknown> = {
    $config: (c: unknown) => c,
    sst,
    aws,
    $app: app,
    $dev: false,
    $cli: { command: 'deploy', dev: false, paths: { home: '', root: '', work: '', platform: '' }, state: { version: {} } },
    $interpolate: interpolate,
    $output: toOutput,
    $resolve: all,
    $apply: (v: unknown, cb: (x: unknown) => unknown) => toOutput(v).apply(cb),
    $concat: (...parts: unknown[]) => output(`concat ${parts.length}`),
    $jsonParse: () => output('jsonParse'),
    $jsonStringify: () => output('jsonStringify'),
    $util: util,
    $asset: (path: unknown) => ({ $asset: String(path) }),
    $transform: (cls: unknown) => {
      inv.transforms.push(typeOf(cls));
    },
    $linkable: () => {},
    $secrets: {},
  };
  // Providers that create AWS resources without data here (awsx, aws-native): their classes are unresolved.
  const unresolvedNamespace = (prefix: string): Any =>
    new Proxy(function ns() {}, {
      get(_t, key) {
        if (typeof key === 'symbol' || key === 'then') return undefined;
        const type = `${prefix}.${key}`;
        if (!/^[A-Z]/.test(key)) return unresolvedNamespace(type);
        return new Proxy(function unresolved() {}, {
          construct(_c, args) {
            inv.unresolved.push({ kind: 'provider', type, name: String(args[0]) });
            return output(`${type}(${String(args[0])})`);
          },
          get: (_c, k) => (typeof k === 'symbol' ? undefined : output(`${type}.${String(k)}`)),
        });
      },
      apply: () => output(`${prefix}()`),
    });
  const providerNamespace = (alias: string): Any => (AWS_PROVIDERS.has(alias) ? unresolvedNamespace(alias) : outsideNamespace(alias, alias));
  for (const alias of DEFAULT_PROVIDERS) globals[alias] = providerNamespace(alias);

  const saved = new Map<string, PropertyDescriptor | undefined>();
  const put = (key: string, value: unknown): void => {
    if (!saved.has(key)) saved.set(key, Object.getOwnPropertyDescriptor(target, key));
    Object.defineProperty(target, key, { value, configurable: true, writable: true, enumerable: false });
  };
  for (const [k, v] of Object.entries(globals)) put(k, v);

  return {
    setApp(answer) {
      if (typeof answer.name === 'string') inv.app.name = answer.name;
      app['name'] = inv.app.name;
      for (const key of ['removal', 'protect', 'home'] as const) {
        const v = answer[key];
        if (typeof v === 'string' || typeof v === 'boolean') {
          app[key] = v;
          (inv.app as Record<string, unknown>)[key] = v;
        }
      }
      const providers = answer.providers && typeof answer.providers === 'object' ? Object.keys(answer.providers) : [];
      app['providers'] = answer.providers ?? {};
      inv.app.providers = providers;
      for (const p of providers) {
        const alias = p.replace(/@sst-provider\/|@|\/|pulumi/g, '').replace(/-/g, '');
        if (alias && alias !== 'aws' && !(alias in globals)) {
          globals[alias] = providerNamespace(alias);
          put(alias, globals[alias]);
        }
      }
    },
    inventory: () => JSON.parse(JSON.stringify(inv)) as AppInventory,
    uninstall() {
      for (const [k, d] of saved) {
        if (d) Object.defineProperty(target, k, d);
        else delete target[k];
      }
      saved.clear();
    },
  };
}

/** The part of a loaded `sst.config.ts` module the discovery uses: its default export. */
export interface SstConfigModule {
  /** `$config({ app, run })`. */
  default?: { app?: (input: { stage: string }) => unknown; run?: () => unknown };
}

/**
 * Discovers what an SST v3/v4 app creates for one stage: installs the stand-ins (unless `installed` is given, as
 * when the worker installed them before evaluating the module), awaits `app({ stage })` then `run()`, and returns
 * the JSON inventory. Pure input → JSON output, so it runs in a separate process. Without `phase`, rejects with the
 * error `app()` or `run()` threw, its message prefixed with which of the two; with `phase` (the worker's), names
 * each step through it instead and rethrows the project's error as it is, for the worker to report with file and line.
 */
export async function discoverApp(mod: SstConfigModule, ctx: DiscoveryContext, installed?: InstalledGlobals, phase?: (name: string) => void): Promise<AppInventory> {
  const globals = installed ?? installSstGlobals(ctx);
  const step = async <T>(where: string, fn: () => T | Promise<T>): Promise<T> => {
    phase?.(where);
    try {
      return await fn();
    } catch (e) {
      throw phase ? e : prefixed(where, e);
    }
  };
  try {
    const config = mod.default;
    if (!config || typeof config.run !== 'function') throw new Error('sst.config.ts has no default export with a run() function');
    const answer: unknown = typeof config.app === 'function' ? await step('app()', () => config.app!({ stage: ctx.stage })) : {};
    globals.setApp(answer && typeof answer === 'object' ? (answer as Record<string, unknown>) : {});
    await step('run()', () => config.run!());
    return globals.inventory();
  } finally {
    if (!installed) globals.uninstall();
  }
}

function prefixed(where: string, e: unknown): Error {
  const message = e instanceof Error ? e.message : String(e);
  const err = new Error(`${where} threw: ${message}`, { cause: e });
  if (e instanceof Error && e.stack) err.stack = `${err.message}\n${e.stack.split('\n').slice(1).join('\n')}`;
  return err;
}
