import { fileURLToPath } from 'node:url';
import { testAdapter } from '@awsperm/core/testing';
import { up } from './index.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`../test/fixtures/${name}`, import.meta.url));

testAdapter(up(), {
  fixtures: ['minimal', 'custom-domain', 'pro'].map(fixture),
  badFixtures: ['bad-regions', 'multi-region'].map(fixture),
});
