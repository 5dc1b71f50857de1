import { type SeededUser, seedUser } from './harness.ts';

/**
 * Seeds moto for the live check tests: role /ci/Deployer with permission boundary DeployBoundary (no
 * lambda:DeleteFunction), managed policy LambdaAll (v1 s3:GetObject, default v2 lambda:*, v3 "*") attached and an
 * inline logs policy; user deployer-user with an inline sqs policy, in group devs (inline lambda:*, LambdaAll).
 */
export async function seedLiveCheckFixtures(endpoint: string): Promise<{ caller: SeededUser; roleArn: string }> {
  const sdk = await import('@aws-sdk/client-iam');
  const doc = (Action: string | string[]) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action, Resource: '*' }] });
  const iam = new sdk.IAMClient({ region: 'us-east-1', endpoint: endpoint, credentials: { accessKeyId: 'AKIAMOTOSEED00000000', secretAccessKey: 's' }, maxAttempts: 1 });
  const lambda = await iam.send(new sdk.CreatePolicyCommand({ PolicyName: 'LambdaAll', PolicyDocument: doc('s3:GetObject') }));
  await iam.send(new sdk.CreatePolicyVersionCommand({ PolicyArn: lambda.Policy!.Arn!, PolicyDocument: doc('lambda:*'), SetAsDefault: true }));
  await iam.send(new sdk.CreatePolicyVersionCommand({ PolicyArn: lambda.Policy!.Arn!, PolicyDocument: doc('*'), SetAsDefault: false }));
  const boundary = await iam.send(
    new sdk.CreatePolicyCommand({ PolicyName: 'DeployBoundary', PolicyDocument: doc(['lambda:GetFunction', 'lambda:CreateFunction', 'lambda:UpdateFunctionCode', 'logs:*']) }),
  );
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'sts:AssumeRole' }] });
  const role = await iam.send(
    new sdk.CreateRoleCommand({ RoleName: 'Deployer', Path: '/ci/', AssumeRolePolicyDocument: trust, PermissionsBoundary: boundary.Policy!.Arn! }),
  );
  const roleArn = role.Role!.Arn!;
  await iam.send(new sdk.AttachRolePolicyCommand({ RoleName: 'Deployer', PolicyArn: lambda.Policy!.Arn! }));
  await iam.send(new sdk.PutRolePolicyCommand({ RoleName: 'Deployer', PolicyName: 'logs', PolicyDocument: doc('logs:CreateLogGroup') }));
  // A user with an inline policy and a group granting lambda:*.
  const caller = await seedUser(endpoint, 'deployer-user', JSON.parse(doc('sqs:SendMessage')));
  await iam.send(new sdk.CreateGroupCommand({ GroupName: 'devs' }));
  await iam.send(new sdk.AddUserToGroupCommand({ GroupName: 'devs', UserName: 'deployer-user' }));
  await iam.send(new sdk.PutGroupPolicyCommand({ GroupName: 'devs', PolicyName: 'devs-lambda', PolicyDocument: doc('lambda:*') }));
  await iam.send(new sdk.AttachGroupPolicyCommand({ GroupName: 'devs', PolicyArn: lambda.Policy!.Arn! }));
  iam.destroy();
  return { caller, roleArn };
}
