import { fileURLToPath } from 'node:url';
import { testAdapter } from '@awsperm/core/testing';
import serverless from './index.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`../test/fixtures/${name}`, import.meta.url));

testAdapter(serverless(), {
  fixtures: ['minimal', 'custom-bucket'].map(fixture),
  badFixtures: ['bad-yaml', 'no-service'].map(fixture),
});
