import { fileURLToPath } from 'node:url';
import { testAdapter } from '@awsperm/core/testing';
import { sst } from './index.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`../test/fixtures/${name}`, import.meta.url));

testAdapter(sst({ username: 'tester', timeoutMs: 500 }), {
  fixtures: [
    'json-project',
    'ts-project',
    'v1-basic',
    'v1-personal-stage',
    'v1-json-stage',
    'v2-stage-profile',
    'v2-env-stage',
    'v2-monorepo/packages/web',
    'v3-stage-profile',
    'v3-env-stage',
    'v3-monorepo/packages/app',
    'v3-old',
    'v1-dotenv',
    'v1-monorepo',
    'v2-dotenv-profile',
  ].map(fixture),
  badFixtures: ['v1-no-name', 'v1v2-ambiguous', 'v2-throws', 'v3-throws', 'v3-version-mismatch', 'v3-no-home', 'v3-infinite', 'v1-bad-json'].map(fixture),
});
