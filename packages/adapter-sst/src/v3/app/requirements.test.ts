import { describe, expect, test } from 'vitest';
import { COMPONENTS_3, COMPONENTS_4 } from '../data/components.ts';
import { discoverApp } from './globals.ts';
import { appRequirements, namePrefix, sstFamily } from './requirements.ts';

// biome-ignore lint/suspicious/noExplicitAny: the config below runs against the dynamic stand-ins.
const sst = (): any => (globalThis as any).sst;

describe('appRequirements over every component of the tables', () => {
  for (const [version, table] of [['3.17.25', COMPONENTS_3], ['4.17.0', COMPONENTS_4]] as const) {
    test(`SST ${version}: each exported sst.aws component with default options yields scoped fragments and nothing unresolved`, async () => {
      const names = Object.keys(table).filter((k) => k.startsWith('sst.aws.') && !k.endsWith('.v1') && k !== 'sst.aws.dns');
      expect(names.length).toBeGreaterThan(40);
      const inv = await discoverApp(
        {
          default: {
            app: () => ({ name: 'every', home: 'aws' }),
            run: () => {
              for (const n of names) new (sst().aws[n.slice('sst.aws.'.length)])(n.slice('sst.aws.'.length), {});
            },
          },
        },
        { stage: 'dev' },
      );
      expect(inv.components).toHaveLength(names.length);
      const started = performance.now();
      const req = appRequirements(inv, { sstVersion: version, app: 'every', stage: 'dev', account: '111122223333', region: 'eu-central-1' });
      expect(performance.now() - started).toBeLessThan(2000);
      expect(req.unresolved).toEqual([]);
      expect(req.fragments.length).toBeGreaterThan(35);
      for (const f of req.fragments) {
        for (const s of f.statements) {
          const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
          expect(actions.every((a) => a && !a.endsWith(':*') && a !== '*'), `${f.id}: ${actions.join(' ')}`).toBe(true);
        }
      }
    });
  }

  test('names are scoped to <app>-<stage>-, or to the app initial for long names SST truncates', async () => {
    expect(namePrefix('notes', 'dev')).toEqual({ prefix: 'notes-dev-', lower: 'notes-dev-', truncated: false });
    expect(namePrefix('Acme-Customer-Portal-Backend', 'production')).toEqual({ prefix: 'A*-production-', lower: 'a*-production-', truncated: true });
    const inv = await discoverApp({ default: { app: () => ({ name: 'acme-customer-portal-backend' }), run: () => void new (sst().aws.Queue)('Jobs') } }, { stage: 'production' });
    const req = appRequirements(inv, { sstVersion: '3.17.25', app: inv.app.name, stage: 'production', account: '111122223333', region: 'eu-west-1' });
    const create = req.fragments.flatMap((f) => f.statements).find((s) => (s.Action as string[]).includes('sqs:CreateQueue'));
    expect(create?.Resource).toBe('arn:aws:sqs:eu-west-1:111122223333:a*-production-*');
    expect(req.warnings).toEqual(['"acme-customer-portal-backend-production" is long: SST shortens the app name in resource names, so ARNs are scoped to "a*-production-*"']);
  });

  test('the release family follows the SST major', () => {
    expect(sstFamily('3.0.1')).toBe('3');
    expect(sstFamily('^3.17.25')).toBe('3');
    expect(sstFamily('4.17.0')).toBe('4');
    expect(sstFamily('5.0.0')).toBe('4');
    expect(() => sstFamily('2.49.0')).toThrow('not a v3/v4 release');
    expect(() => sstFamily('latest')).toThrow('not a v3/v4 release');
  });
});

describe('request context of the app fragments (issue 17)', () => {
  test("a Function's create and tag calls carry SST's default tags; the PassRole its receiving service", async () => {
    const inv = await discoverApp({ default: { app: () => ({ name: 'ctx', home: 'aws' }), run: () => new (sst().aws.Function)('Api', { handler: 'index.handler' }) } }, { stage: 'dev' });
    const req = appRequirements(inv, { sstVersion: '3.17.25', app: 'ctx', stage: 'dev', account: '111122223333', region: 'eu-central-1' });
    const fn = req.fragments.find((f) => f.id === 'sst.app.Api');
    expect(fn).toBeDefined();
    const [ctx] = fn!.context ?? [];
    expect(ctx!.values).toEqual({ 'aws:RequestTag/sst:app': 'ctx', 'aws:RequestTag/sst:stage': 'dev', 'aws:TagKeys': ['sst:app', 'sst:stage'] });
    expect(ctx!.actions).toContain('lambda:CreateFunction');
    expect(ctx!.actions).toContain('lambda:TagResource');
    expect(ctx!.actions!.every((a) => /:(Create|Tag|AddTags)/.test(a))).toBe(true);
    const pass = fn!.statements.find((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]).includes('iam:PassRole'));
    expect(pass?.Condition).toEqual({ StringEquals: { 'iam:PassedToService': ['lambda.amazonaws.com'] } });
  });
});
