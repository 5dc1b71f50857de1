// SST v3/v4 app permissions end to end through core's session API, as `awsperm policy --tool sst --least-privilege`
// and `awsperm check --tool sst` run them: the project is loaded, app() and run() run in the isolated worker, and the
// app's resources become requirements next to SST's bootstrap.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CheckReport, check, type PolicyReport, policy, renderCheckText } from '@awsperm/core';
import { afterAll, describe, expect, test } from 'vitest';
import { sst } from '../../src/index.ts';
import { FIXTURES } from './load.ts';

const HOME = mkdtempSync(join(tmpdir(), 'awsperm-sst-session-'));
afterAll(() => rmSync(HOME, { recursive: true, force: true }));
const ENV = { HOME, AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: join(HOME, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(HOME, 'credentials') };
const cwd = (app: string): string => fileURLToPath(new URL(app, FIXTURES));
const base = (app: string, stage: string) => ({ cwd: cwd(app), tool: 'sst', stage, env: ENV, adapters: [sst({ username: 'tester' })] });

type Doc = { Statement: { Effect: string; Action: string | string[]; Resource: string | string[]; Condition?: Record<string, Record<string, string | string[]>> }[] };
const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const statements = (r: PolicyReport) => r.policies.flatMap((p) => (p.document as Doc).Statement);
/** Whether the printed policy allows `action` (a minimised pattern such as `lambda:CreateFunction*` counts). */
function allows(r: PolicyReport, action: string, resourcePart?: string): boolean {
  return statements(r).some(
    (s) =>
      list(s.Action).some((a) => new RegExp(`^${a.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i').test(action)) &&
      (!resourcePart || list(s.Resource).some((x) => x.includes(resourcePart))),
  );
}

async function leastPrivilege(app: string, stage = 'dev'): Promise<PolicyReport> {
  return policy({ ...base(app, stage), leastPrivilege: true, region: 'eu-west-1' });
}

function policyFile(doc: unknown): string {
  const file = join(mkdtempSync(join(HOME, 'p-')), 'policy.json');
  writeFileSync(file, JSON.stringify(doc));
  return file;
}
const ALLOW_ALL_BUT = (...actions: string[]) => policyFile({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: '*', Resource: '*' },
    { Effect: 'Deny', Action: actions, Resource: '*' },
  ],
});

/** Per fixture: actions the printed least-privilege policy must allow (with a part of the resource, when SST fixes the name). */
const EXPECTED: Record<string, [string, string?][]> = {
  'api-function': [['lambda:CreateFunction', ':function:notes-api-dev-'], ['lambda:CreateFunctionUrlConfig', ':function:notes-api-dev-'], ['iam:PassRole', ':role/notes-api-dev-'], ['dynamodb:CreateTable', ':table/notes-api-dev-'], ['apigateway:POST'], ['lambda:DeleteFunction'], ['lambda:UpdateFunctionCode']],
  'vpc-function': [['ec2:CreateNatGateway'], ['ec2:CreateVpc'], ['s3:CreateBucket', 'photo-lab-dev-'], ['s3:PutBucketNotification'], ['ec2:DeleteNatGateway']],
  'queue-topic': [['sqs:CreateQueue', ':order-flow-dev-'], ['sns:CreateTopic', ':order-flow-dev-'], ['events:PutRule'], ['sqs:DeleteQueue']],
  'cron-bus': [['scheduler:CreateSchedule'], ['events:CreateEventBus'], ['scheduler:DeleteSchedule']],
  'router-static': [['cloudfront:CreateDistribution'], ['acm:RequestCertificate'], ['cloudfront:DeleteDistribution']],
  'nextjs-app': [['cloudfront:CreateDistribution'], ['lambda:CreateFunction'], ['cloudfront:CreateInvalidation']],
  'cluster-service': [['ecs:CreateService', ':service/chat-backend-dev-'], ['ecs:CreateCluster'], ['elasticloadbalancing:CreateLoadBalancer'], ['ecr:PutImage', 'repository/sst-asset'], ['ecs:DeleteService']],
  databases: [['rds:CreateDBInstance', ':db:crm-dev-'], ['elasticache:CreateReplicationGroup'], ['rds:DeleteDBInstance']],
  aurora: [['rds:CreateDBCluster'], ['rds:CreateDBInstance'], ['rds:DeleteDBCluster']],
  'email-auth': [['ses:CreateEmailIdentity'], ['cognito-idp:CreateUserPool'], ['cognito-idp:CreateUserPoolClient'], ['cognito-idp:DeleteUserPool']],
  'realtime-chat': [['iot:CreateAuthorizer'], ['iot:CreateTopicRule'], ['iot:DeleteTopicRule']],
  'raw-resources': [['s3:CreateBucket'], ['iam:CreateRole'], ['lambda:CreateFunction'], ['ssm:PutParameter']],
  'infra-imports': [['dynamodb:CreateTable'], ['s3:CreateBucket'], ['apigateway:POST']],
  'stage-conditional': [['sqs:CreateQueue', ':tenant-portal-dev-'], ['s3:CreateBucket', 'tenant-portal-dev-']],
};

describe('policy --tool sst --least-privilege for SST v3/v4 apps', () => {
  test.each(Object.keys(EXPECTED))('%s: the create, update and delete actions of what the app makes, scoped, no "*" action', async (app) => {
    const report = await leastPrivilege(app);
    expect(report.kind).toBe('precise');
    const ids = report.fragments.map((f) => f.id);
    expect(ids.slice(0, 2)).toEqual(['sst.v3-bootstrap', 'sst.v3-state']);
    expect(ids.some((id) => id.startsWith('sst.app.'))).toBe(true);
    for (const [action, part] of EXPECTED[app]!) expect(allows(report, action, part), `${app}: ${action}${part ? ` on …${part}…` : ''}`).toBe(true);
    for (const s of statements(report)) {
      for (const a of list(s.Action)) {
        expect(a).not.toBe('*');
        expect(a, 'no service-wide wildcard').not.toMatch(/:\*$/);
      }
    }
    // PassRole is always to a named service.
    for (const s of statements(report).filter((x) => list(x.Action).includes('iam:PassRole'))) expect(s.Condition?.['StringEquals']?.['iam:PassedToService']).toBeDefined();
    expect(report.unresolved ?? []).toEqual(app === 'raw-resources' ? [expect.objectContaining({ type: 'aws:gamelift/fleet:Fleet' })] : []);
  });

  test('the policy is split to fit IAM: every part under the managed-policy limit', async () => {
    const report = await leastPrivilege('cluster-service');
    for (const p of report.policies) expect(p.size).toBeLessThanOrEqual(6144);
  });
});

describe('check --tool sst for SST v3/v4 apps', () => {
  const offline = (app: string, stage: string, file: string): Promise<CheckReport> => check({ ...base(app, stage), policy: [file] });

  test('a policy lacking dynamodb:CreateTable fails for the app with a table, naming the component, and passes for one without', async () => {
    const file = ALLOW_ALL_BUT('dynamodb:CreateTable');
    const withTable = await offline('api-function', 'dev', file);
    expect(withTable.ok).toBe(false);
    const denied = withTable.fragments.flatMap((f) => f.requirements.filter((r) => r.decision !== 'allowed').map((r) => `${f.id} ${r.action}`));
    expect(denied).toEqual(['sst.app.Notes dynamodb:CreateTable']);
    expect(withTable.fragments.find((f) => f.id === 'sst.app.Notes')?.title).toContain('sst.aws.Dynamo');
    expect(renderCheckText(withTable)).toMatch(/sst\.app\.Notes — sst\.aws\.Dynamo "Notes"/);
    const without = await offline('queue-topic', 'dev', file);
    expect(without.ok).toBe(true);
    expect(without.summary.denied).toBe(0);
  });

  test('a production-only resource is required only with --stage production', async () => {
    const file = ALLOW_ALL_BUT('dynamodb:CreateTable');
    expect((await offline('stage-conditional', 'dev', file)).ok).toBe(true);
    const prod = await offline('stage-conditional', 'production', file);
    expect(prod.ok).toBe(false);
    expect(prod.fragments.filter((f) => f.requirements.some((r) => r.decision !== 'allowed')).map((f) => f.id)).toEqual(['sst.app.AuditLog']);
  });

  test('an app using an unknown component is not OK and lists it, even with every action allowed', async () => {
    const report = await offline('unknown-component', 'dev', ALLOW_ALL_BUT('gamelift:Nothing'));
    expect(report.summary.denied).toBe(0);
    expect(report.ok).toBe(false);
    expect(report.unresolved).toEqual([
      { kind: 'component', type: 'sst.aws.QuantumLedger', name: 'Ledger', reason: 'unknown component: no data' },
      expect.objectContaining({ kind: 'method', type: 'sst.aws.Queue.teleport', name: 'Inbox' }),
    ]);
    const text = renderCheckText(report);
    expect(text).toContain('component sst.aws.QuantumLedger "Ledger"');
    expect(text.trim().split('\n').at(-1)).toMatch(/^NOT OK: .*2 project items without permission data \(not checked\)\.$/);
  });

  test('--no-exec: nothing runs, and the app’s resources are unresolved rather than silently absent', async () => {
    const report = await check({ ...base('api-function', 'dev'), exec: false, policy: [ALLOW_ALL_BUT('gamelift:Nothing')] });
    expect(report.ok).toBe(false);
    expect(report.unresolved).toEqual([expect.objectContaining({ kind: 'app', type: 'run()' })]);
    expect(report.fragments.map((f) => f.id)).toEqual(['sst.v3-bootstrap', 'sst.v3-state']);
  });

  test('other providers are reported as outside AWS, not counted', async () => {
    const report = await offline('raw-resources', 'dev', ALLOW_ALL_BUT('gamelift:Nothing'));
    expect(report.warnings).toContainEqual(expect.stringMatching(/cloudflare\.DnsRecord "Apex"\) is outside AWS: not checked/));
  });

  test('a run() that throws is exit-2 material: a config error with file and line', async () => {
    await expect(check({ ...base('throws', 'dev'), policy: [ALLOW_ALL_BUT('x:Y')] })).rejects.toMatchObject({
      code: 'PROJECT_CONFIG_INVALID',
      message: expect.stringMatching(/throws\/sst\.config\.ts:\d+: run\(\) threw: Error: missing STRIPE_KEY for this stage/),
    });
  });
});
