// Worker runner for sst.config.*: installs `$config` as SST's banner does (the identity function), loads the bundled
// config and calls the default export's config() (v2) or app() (v3) with the input. Runs inside core's isolated
// worker (@awsperm/core/worker); the result goes back as plain data. CommonJS: the worker then never starts Node's ES
// module loader (~5 ms).
'use strict';

exports.default = async function run({ input, load, fail, phase }) {
  globalThis.$config = (x) => x;
  phase('loading the config');
  const mod = await load();
  const exported = mod.default ?? mod;
  if (!exported || typeof exported[input.call] !== 'function') {
    fail(
      input.call === 'config'
        ? 'the default export has no config() function (SST v2 says "The config file is improperly formatted")'
        : 'the default export is not $config({ app, run }) with an app() function',
    );
  }
  phase(`${input.call}()`);
  const result = await exported[input.call](input.input);
  if (typeof result !== 'object' || result === null) fail(`${input.call}() did not return an object`);
  return result;
};
