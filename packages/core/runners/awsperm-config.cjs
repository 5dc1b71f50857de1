// Worker runner for awsperm.config.{js,mjs,cjs,ts}: loads the bundled config and returns its default export
// (or the module namespace) as data. Runs inside core's isolated worker (src/worker/host.ts). CommonJS: the worker
// then never starts Node's ES module loader.
'use strict';

exports.default = async function run({ load, phase }) {
  phase('loading the config');
  const mod = await load();
  phase('reading the config');
  const value = mod.default ?? mod;
  return typeof value === 'function' ? await value() : value;
};
