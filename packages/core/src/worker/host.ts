/** The file name stack traces give the CommonJS bundle (the worker's `run.ts` reads error locations by it). */
export const BUNDLE_FILENAME = 'awsperm-project-bundle.cjs';

/**
 * The worker's entry, run with `node --eval` as CommonJS (Node's ES module loader costs a worker ~10 ms more to
 * start, and a project needs it only for top-level await): no file to read or to leave behind. It loads the runner
 * (awsperm's own module, CommonJS or ES, named on the command line, through `require`), reads one JSON request from stdin (nonce,
 * runner path, input, environment, bundled project code and its format), sets the environment, installs the
 * stand-in for stubbed packages, and calls the runner's default export with `{ input, load, fail, phase, provide }`
 * (`provide` registers what some packages stand for instead of an inert stand-in). `load()` runs the bundle: a
 * CommonJS bundle as a script with `vm` (in strict mode, as the ES modules it was made from), an ES module bundle
 * through `import()`. The result is turned into plain JSON (bounded in depth and size, cycles refused) and written to
 * stdout after the nonce, so that nothing the project prints can pass for the result. It writes one byte when it is
 * up (the parent's clock starts then) and a nonce-framed line at each phase, so a timeout names the phase.
 * Everything it needs is captured before project code runs.
 */
export const HOST_SOURCE: string = String.raw`
const { readSync, writeSync } = require('node:fs');
const { Script } = require('node:vm');
const write = writeSync;
const exit = process.exit.bind(process);
const stringify = JSON.stringify;
const pause = new Int32Array(new SharedArrayBuffer(4));
write(1, '');
// The runner loads while the request is on its way; one with top-level await needs import().
const preloaded = process.argv[1];
const requireRunner = (file) => {
  try {
    return Promise.resolve({ m: require(file) });
  } catch (e) {
    if (e && (e.code === 'ERR_REQUIRE_ASYNC_MODULE' || e.code === 'ERR_REQUIRE_ESM')) return import(file).then((m) => ({ m }), (e2) => ({ e: e2 }));
    return Promise.resolve({ e });
  }
};
const runnerLoad = preloaded ? requireRunner(preloaded) : undefined;
const chunks = [];
const buffer = Buffer.alloc(65536);
for (;;) {
  let n;
  try {
    n = readSync(0, buffer, 0, buffer.length, null);
  } catch (e) {
    // A non-blocking stdin: wait a millisecond without spinning.
    if (e && e.code === 'EAGAIN') { Atomics.wait(pause, 0, 0, 1); continue; }
    if (e && e.code === 'EOF') break;
    throw e;
  }
  if (n === 0) break;
  chunks.push(Buffer.from(buffer.subarray(0, n)));
}
// A prepared worker that was never used reads end-of-input when awsperm exits.
if (chunks.length === 0) exit(0);
const req = JSON.parse(Buffer.concat(chunks).toString('utf8'));
// The run's environment replaces the start-up one before anything else runs.
for (const k of Object.keys(process.env)) delete process.env[k];
for (const [k, v] of Object.entries(req.env ?? {})) if (typeof v === 'string') process.env[k] = v;
const nonce = req.nonce;
const progress = (p) => write(1, '\n' + nonce + 'P' + stringify(String(p)) + '\n');
const send = (msg) => { write(1, '\n' + nonce + stringify(msg) + '\n'); exit(0); };
const stubbed = new Set();
const MARK = '\u0000awsperm-unknown:';
const inerts = new WeakMap();
function inert(name, names) {
  const target = function stub() {};
  const own = new Set(names);
  const proxy = new Proxy(target, {
    ownKeys: () => [...new Set([...Reflect.ownKeys(target), ...own])],
    getOwnPropertyDescriptor: (t, key) => own.has(key) && !Reflect.getOwnPropertyDescriptor(t, key) ? { value: proxy, enumerable: true, configurable: true, writable: true } : Reflect.getOwnPropertyDescriptor(t, key),
    get(_t, key) {
      if (key === 'then') return undefined;
      if (key === Symbol.toPrimitive || key === 'toString' || key === 'valueOf') return () => MARK + name + '\u0000';
      if (key === Symbol.iterator) return function* empty() {};
      if (key === '__esModule') return false;
      return proxy;
    },
    apply: () => proxy,
    construct: () => proxy,
    has: () => true,
  });
  inerts.set(proxy, name);
  return proxy;
}
Object.defineProperty(globalThis, '__awspermStub', { value: (name, names = []) => { stubbed.add(name); return inert(name, names); } });
let provider;
Object.defineProperty(globalThis, '__awspermProvided', { value: (name) => (provider ? provider(name) : undefined) });
const unknown = [];
function plain(value, path, depth, seen, budget) {
  if (budget.n++ > 100000) throw new Error('the returned value is too large (more than 100,000 values)');
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string') {
    const i = value.indexOf(MARK);
    if (i >= 0) { unknown.push({ path, package: value.slice(i + MARK.length).split('\u0000')[0] }); return undefined; }
    return value;
  }
  if (typeof value === 'bigint') return String(value);
  if (typeof value === 'function') {
    if (inerts.has(value)) { unknown.push({ path, package: inerts.get(value) }); }
    return undefined;
  }
  if (typeof value !== 'object') return undefined;
  if (depth > 64) throw new Error('the returned value is nested more than 64 levels deep at ' + path);
  if (seen.has(value)) throw new Error('the returned value is cyclic at ' + path);
  seen.add(value);
  let out;
  if (Array.isArray(value)) {
    out = [];
    const n = value.length;
    if (n > 100000) throw new Error('an array of the returned value is too long at ' + path);
    for (let i = 0; i < n; i++) { const v = plain(value[i], path + '[' + i + ']', depth + 1, seen, budget); out.push(v === undefined ? null : v); }
  } else {
    out = {};
    for (const key of Object.keys(value)) {
      const v = plain(value[key], path + '.' + key, depth + 1, seen, budget);
      if (v !== undefined) Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
    }
  }
  seen.delete(value);
  return out;
}
function describe(error) {
  try {
    if (typeof error === 'object' && error !== null && 'message' in error) {
      return { message: String(error.name ?? 'Error') + ': ' + String(error.message), stack: typeof error.stack === 'string' ? error.stack.slice(Math.max(0, error.stack.indexOf('\n    at ')), 20000 + Math.max(0, error.stack.indexOf('\n    at '))) : '' };
    }
    return { message: 'threw ' + String(error), stack: '' };
  } catch {
    return { message: 'threw a value that cannot be described', stack: '' };
  }
}
const code = req.code;
const BUNDLE_FILE = ${JSON.stringify(BUNDLE_FILENAME)};
function runCommonJs(text) {
  const module = { exports: {} };
  const fn = new Script('(function (exports, module) {"use strict";\n' + text + '\n})', { filename: BUNDLE_FILE, lineOffset: -1 }).runInThisContext();
  fn.call(module.exports, module.exports, module);
  return module.exports;
}
const load = async () => {
  if (code === undefined) throw new Error('no project code given');
  if (req.format === 'cjs') return runCommonJs(code);
  return import('data:text/javascript;base64,' + Buffer.from(code).toString('base64'));
};
class RunnerError extends Error {}
let phase = 'loading the runner';
(async () => { try {
  const loaded = await (req.runner === preloaded ? runnerLoad : requireRunner(req.runner));
  if ('e' in loaded) throw loaded.e;
  const runner = loaded.m;
  phase = 'running';
  const result = await runner.default({
    input: req.input,
    load,
    fail: (message) => { throw new RunnerError(message); },
    phase: (p) => { phase = p; progress(p); },
    provide: (fn) => { provider = typeof fn === 'function' ? fn : undefined; },
  });
  const p = phase;
  phase = 'reading the result';
  const value = plain(result, '', 0, new Set(), { n: 0 });
  send({ ok: true, value: value === undefined ? null : value, stubbed: [...stubbed], unknown, phase: p });
} catch (error) {
  if (error instanceof RunnerError) send({ ok: false, runner: true, message: error.message, stubbed: [...stubbed] });
  const d = describe(error);
  send({ ok: false, phase, message: d.message, stack: d.stack, stubbed: [...stubbed] });
} })();
`;
