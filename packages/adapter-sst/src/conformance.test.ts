import { fileURLToPath } from 'node:url';
import { testAdapter } from '@awsperm/core/testing';
import { sst } from './index.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`../test/fixtures/${name}`, import.meta.url));

// The SST adapter does not evaluate sst.config.* yet, so no project fails to load: there are no bad fixtures.
testAdapter(sst(), { fixtures: ['json-project', 'ts-project'].map(fixture) });
