import {
  AwspermError,
  buildRequestContext,
  createLocalEvaluator,
  createPolicyEvaluator,
  createSimulateEvaluator,
  type Evaluator,
  loadAuthorizationDetails,
  loadPolicyFiles,
  type PrincipalCallOptions,
  runCheck,
  type ServiceRoleReport,
  type ServiceRoleSet,
} from '@awsperm/core';
import { usage } from './options.ts';

/** How the caller was evaluated, so that the service role is evaluated the same way. */
export type RoleEvaluation =
  | { kind: 'details'; file: string; region?: string | undefined }
  | { kind: 'policies'; rolePolicyFiles: string[]; region?: string | undefined }
  | { kind: 'live'; mode: 'simulate' | 'local'; call: PrincipalCallOptions; /** `--mode auto`: a denied simulation falls back to local. */ auto: boolean };

/** Refuses `--role-arn` when the adapter did not take it (the tool deploys without a CloudFormation service role). */
export function validateRoleArnFlag(roleArn: string | undefined, role: ServiceRoleSet | undefined, tool: string): void {
  if (roleArn && !role) usage(`--role-arn: ${tool} deploys without a CloudFormation service role`, 'Drop --role-arn.');
}

/**
 * Checks `--role-policy` against the project: it goes with `--policy`, and only when the project deploys through a
 * CloudFormation service role (whose requirements then have to be evaluated against something).
 */
export function validateRolePolicyFlags(role: ServiceRoleSet | undefined, flags: { policyFiles: string[]; rolePolicyFiles: string[]; details?: string | undefined }): void {
  const { policyFiles, rolePolicyFiles, details } = flags;
  if (rolePolicyFiles.length && details) {
    usage('give --role-policy with --policy; with --authorization-details the service role is looked up in the same file');
  }
  if (rolePolicyFiles.length && !policyFiles.length) usage('--role-policy goes with --policy (the caller’s policies)');
  if (rolePolicyFiles.length && !role) {
    usage('--role-policy: this project deploys without a CloudFormation service role', 'Drop --role-policy, or pass the role with --role-arn (SST v1).');
  }
  if (role && policyFiles.length && !rolePolicyFiles.length) {
    usage(
      `this project deploys through the CloudFormation service role ${role.arn} (${role.from}); --policy gives only the caller's policies`,
      "Give the role's policy documents with --role-policy <file> (repeatable), or use --authorization-details.",
    );
  }
}

async function roleEvaluator(role: ServiceRoleSet, how: RoleEvaluation): Promise<{ evaluator: Evaluator; reason: string }> {
  if (how.kind === 'details') {
    let found: Awaited<ReturnType<typeof loadAuthorizationDetails>>;
    try {
      found = await loadAuthorizationDetails(how.file, role.arn);
    } catch (error) {
      if (AwspermError.is(error) && error.code === 'PRINCIPAL_NOT_FOUND') {
        throw new AwspermError('PRINCIPAL_NOT_FOUND', `${how.file}: no role ${role.arn}, the CloudFormation service role (${role.from})`, {
          hint: 'Export the authorization details of the account that holds the role, or check the role ARN.',
          cause: error,
        });
      }
      throw error;
    }
    const context = buildRequestContext({
      ...(how.region ? { region: how.region } : {}),
      principal: { arn: found.arn, type: found.type, tags: found.tags, ...(found.userId ? { userId: found.userId } : {}) },
    });
    return {
      evaluator: createPolicyEvaluator(found.policies, { mode: 'offline', subject: `${found.arn} (from ${how.file})`, context }),
      reason: 'the role’s policies from the account authorization details',
    };
  }
  if (how.kind === 'policies') {
    const policies = await loadPolicyFiles(how.rolePolicyFiles);
    const context = buildRequestContext({ ...(how.region ? { region: how.region } : {}), principal: { arn: role.arn, type: 'role', tags: {} } });
    return {
      evaluator: createPolicyEvaluator({ identity: policies }, { mode: 'offline', subject: `policies ${how.rolePolicyFiles.join(', ')}`, context }),
      reason: 'role policy files given (--role-policy)',
    };
  }
  const call = { ...how.call, principalArn: role.arn };
  if (how.mode === 'local') {
    return { evaluator: await createLocalEvaluator(call), reason: 'fetched the role’s policies and evaluated them with awsperm’s engine' };
  }
  return { evaluator: createSimulateEvaluator(call), reason: 'asked IAM with iam:SimulatePrincipalPolicy on the role' };
}

/**
 * The second principal of a check: the CloudFormation service role a tool deploys through, evaluated the way the
 * caller was (the same authorization details file, `--role-policy` files, or the same live mode on the role ARN).
 */
export async function checkServiceRole(role: ServiceRoleSet, how: RoleEvaluation, warn: (message: string) => void): Promise<ServiceRoleReport> {
  let { evaluator, reason } = await roleEvaluator(role, how);
  let outcome: Awaited<ReturnType<typeof runCheck>>;
  try {
    outcome = await runCheck(role.fragments, evaluator);
  } catch (error) {
    if (!(how.kind === 'live' && how.mode === 'simulate' && how.auto && AwspermError.is(error) && error.code === 'ACCESS_DENIED')) throw error;
    warn(`iam:SimulatePrincipalPolicy on ${role.arn} was denied; falling back to local mode for the service role`);
    ({ evaluator, reason } = await roleEvaluator(role, { ...how, mode: 'local' }));
    reason = `iam:SimulatePrincipalPolicy on the role was denied: ${reason}`;
    outcome = await runCheck(role.fragments, evaluator);
  }
  return {
    arn: role.arn,
    from: role.from,
    mode: evaluator.mode,
    modeReason: reason,
    subject: evaluator.subject,
    ...outcome,
    ok: outcome.summary.allowed === outcome.summary.required,
  };
}
