import { test } from 'vitest';
import { appRequirements } from '../../src/v3/index.ts';
import { discoverFixture } from './load.ts';
test('try', async () => { const inv = await discoverFixture('api-function', { stage: 'production' }); const r = appRequirements(inv, { sstVersion: '3.17.25', app: inv.app.name, stage: 'production', account: '123456789012', region: 'eu-west-1' }); console.log(JSON.stringify(r, null, 1)); });
