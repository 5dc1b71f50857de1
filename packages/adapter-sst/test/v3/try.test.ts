import { test } from 'vitest';
import { readFileSync } from 'node:fs';
import { appRequirements } from '../../src/v3/index.ts';
import { discoverFixture, FIXTURES } from './load.ts';
const apps = ['api-function','vpc-function','queue-topic','cron-bus','router-static','nextjs-app','cluster-service','databases','aurora','email-auth','realtime-chat','raw-resources','infra-imports','stage-conditional','unknown-component'];
test('try', async () => {
  for (const app of apps) {
    const version = JSON.parse(readFileSync(new URL(`${app}/package.json`, FIXTURES), 'utf8')).dependencies.sst;
    const inv = await discoverFixture(app, { stage: 'production' });
    const r = appRequirements(inv, { sstVersion: version, app: inv.app.name, stage: 'production' });
    const acts = new Set(r.fragments.flatMap(f => f.statements.flatMap(s => s.Action)));
    const star = r.fragments.flatMap(f => f.statements.filter(s => s.Resource === '*').flatMap(s => s.Action));
    console.log(app, version, 'frags', r.fragments.map(f=>f.id).join(','), 'actions', acts.size, '\n  unresolved', JSON.stringify(r.unresolved), '\n  outside', JSON.stringify(r.outsideAws), '\n  star', [...new Set(star)].join(' '));
  }
});
