import { fileURLToPath } from 'node:url';
import { testAdapter } from '@awsperm/core/testing';
import { cdk } from './index.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`../test/fixtures/${name}`, import.meta.url));

testAdapter(cdk(), {
  fixtures: ['multi-stack', 'stage', 'custom-qualifier', 'cli-credentials', 'container', 'cross-account'].map(fixture),
  badFixtures: ['not-synthesized', 'bad-cdk-json'].map(fixture),
});
