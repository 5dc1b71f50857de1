import { describe, expect, it } from 'vitest';
import type { PolicyFragment, Statement } from '../policy/types.ts';
import { unneededActions } from './requirements.ts';

const fragment = (id: string, ...statements: Statement[]): PolicyFragment => ({ id, title: id, source: { title: 'test' }, statements });
const allow = (Action: string | string[], Resource: string | string[] = '*'): Statement => ({ Effect: 'Allow', Action, Resource });

describe('unneededActions: the documented patterns that grant nothing the precise set needs', () => {
  it('a service wildcard the precise set uses is needed; one it does not use is not', async () => {
    const documented = [fragment('doc', allow(['lambda:*', 'dynamodb:*', 's3:GetObject', 'ssm:GetParametersByPath']))];
    const precise = [fragment('precise', allow(['lambda:CreateFunction', 's3:GetObject']))];
    expect(await unneededActions(documented, precise)).toEqual(['dynamodb:*', 'ssm:GetParametersByPath']);
  });

  it('"*" on "*" (a placeholder or AdministratorAccess) is never reported while anything is needed', async () => {
    const documented = [fragment('placeholder', allow(['*'])), fragment('live', allow(['appsync:EventConnect']))];
    expect(await unneededActions(documented, [fragment('precise', allow('s3:PutObject'))])).toEqual(['appsync:EventConnect']);
    expect(await unneededActions([fragment('admin', allow('*'))], [fragment('precise', allow('iam:PassRole'))])).toEqual([]);
  });

  it('a wildcard in the precise set stands for every action it matches (case does not matter)', async () => {
    const documented = [fragment('doc', allow(['ec2:DescribeVpcs', 'EC2:describesubnets', 'ec2:CreateVpc', 'rds:*']))];
    const precise = [fragment('precise', allow('ec2:Describe*'))];
    expect(await unneededActions(documented, precise)).toEqual(['ec2:CreateVpc', 'rds:*']);
  });

  it('a precise "*" needs everything; Deny statements and repeated patterns count once or not at all', async () => {
    expect(await unneededActions([fragment('doc', allow('rds:*'))], [fragment('precise', allow('*'))])).toEqual([]);
    const documented = [fragment('a', allow('rds:*')), fragment('b', allow('rds:*'), { Effect: 'Deny', Action: 'iam:*', Resource: '*' })];
    const precise = [fragment('precise', allow('s3:GetObject'), { Effect: 'Deny', Action: 'rds:CreateDBInstance', Resource: '*' })];
    expect(await unneededActions(documented, precise)).toEqual(['rds:*']);
  });
});
