#!/usr/bin/env node
// One SST v3 app discovery as the adapter runs it: bundle sst.config.ts and its infra files, run app() and run() in
// the isolated worker with the recording stand-ins, and get the inventory back. Used by bench/run.mjs (a process of
// its own, compared with `node -e 0`); prints the number of components found.
import { discoverSstApp } from '../packages/adapter-sst/dist/index.js';

const config = new URL('./fixtures/sst-v3-large/sst.config.ts', import.meta.url).pathname;
const inventory = await discoverSstApp(config, { stage: 'dev', env: {} });
if (inventory.components.length < 30) {
  console.error(`bench: expected 30 components, found ${inventory.components.length}`);
  process.exit(2);
}
console.log(inventory.components.length);
