import { createInterface } from 'node:readline/promises';
import {
  AwspermError,
  type AwspermAdapter,
  callAdapter,
  type CredentialExplanation,
  type CredentialReport,
  type CredentialRules,
  CredentialsError,
  expectedAccount,
  explainCredentials,
  genericCredentialRules,
  ignoredVariablesWarning,
  type Identity,
  type LoadedConfig,
  type RequestCounter,
  screenProjectEnv,
  type ToolProject,
} from '@awsperm/core';
import type { CommandContext } from './io.ts';

/** The `credentials` block of the whoami and check JSON (SPEC §3). */
export type CredentialsJson = Pick<CredentialExplanation, 'source' | 'profile' | 'accessKeyId' | 'expiration' | 'chain' | 'warnings'> & {
  selectedProfile: CredentialExplanation['selectedProfile'];
  rules: string;
};

/** Asks for an MFA code on the terminal (stderr), only when stdin and stderr are TTYs. */
function ttyMfaPrompt(): ((serial: string) => Promise<string>) | undefined {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return undefined;
  return async (serial) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return (await rl.question(`MFA code for ${serial}: `)).trim();
    } finally {
      rl.close();
    }
  };
}

/**
 * The environment the tool resolves credentials and region with: the process environment overlaid by what the
 * tool's project adds (`ToolProject.env`, e.g. SST's `.env` files).
 */
export function toolEnv(env: CommandContext['env'], project: ToolProject | undefined): CommandContext['env'] {
  // Whatever the adapter reports, endpoints, CA bundles, proxies and credential files from project files never apply.
  return project?.env ? { ...env, ...screenProjectEnv(project.env).env } : env;
}

/** The credential rules: the adapter's when it has them, else the generic SDK chain. */
export async function credentialRulesFor(
  ctx: CommandContext,
  adapter: AwspermAdapter | undefined,
  project: ToolProject | undefined,
  flags: { region?: string | undefined; profile?: string | undefined },
): Promise<CredentialRules> {
  const { region, profile } = flags;
  if (adapter?.credentialRules && project) {
    const rules = adapter.credentialRules;
    return callAdapter(adapter, 'credentialRules', () =>
      rules({ project, env: toolEnv(ctx.env, project), ...(region ? { region } : {}), ...(profile ? { profile } : {}) }),
    );
  }
  return genericCredentialRules(ctx.env, { ...(profile ? { profile } : {}), ...(region ? { region } : {}) });
}

/**
 * Resolves credentials by `rules` and identifies the caller; `--debug` shows the chain as tried on failure. The tool's
 * project (when there is one) is required so that what it adds to the environment reaches the SDK's providers.
 */
export async function resolveCaller(
  ctx: CommandContext,
  rules: CredentialRules,
  project: ToolProject | undefined,
  flags: { region?: string | undefined; mfaCode?: string | undefined; counter?: RequestCounter },
): Promise<CredentialReport> {
  const mfaPrompt = ttyMfaPrompt();
  const ignored = project?.env ? screenProjectEnv(project.env).ignored : [];
  if (ignored.length) ctx.warn(ignoredVariablesWarning(ignored));
  return explainCredentials(rules, {
    env: toolEnv(ctx.env, project),
    ...(ctx.global.endpointUrl ? { endpointUrl: ctx.global.endpointUrl } : {}),
    ...(flags.mfaCode ? { mfaCode: flags.mfaCode } : {}),
    ...(mfaPrompt ? { mfaPrompt } : {}),
    ...(flags.region ? { region: flags.region } : {}),
    ...(flags.counter ? { counter: flags.counter } : {}),
    ...(ctx.global.deadline ? { deadline: ctx.global.deadline } : {}),
    ...(ctx.global.debug ? { debug: (line: string) => ctx.warn(line) } : {}),
  }).catch((error: unknown) => {
    if (error instanceof CredentialsError && error.explanation && ctx.global.debug) {
      for (const step of error.explanation.chain) ctx.warn(`${step.outcome} ${step.provider}: ${step.detail}`);
    }
    throw error;
  });
}

/** The `credentials` JSON block of an explanation. */
export function credentialsJson(explanation: CredentialExplanation): CredentialsJson {
  return {
    rules: explanation.rules,
    source: explanation.source,
    profile: explanation.profile,
    selectedProfile: explanation.selectedProfile,
    accessKeyId: explanation.accessKeyId,
    ...(explanation.expiration ? { expiration: explanation.expiration } : {}),
    chain: explanation.chain,
    warnings: explanation.warnings,
  };
}

/**
 * The account guard: the expected account for the stage from the awsperm config; warns naming both accounts when
 * the identity is in another one.
 */
export function accountGuard(
  ctx: CommandContext,
  config: LoadedConfig['config'],
  identity: Identity | null,
  stage: string | undefined,
): { expected?: string; wrong: boolean } {
  const expected = expectedAccount(config, stage);
  if (!expected) return { wrong: false };
  const wrong = identity !== null && identity.account !== expected;
  if (wrong) {
    ctx.warn(`wrong account: these credentials belong to account ${identity.account}, but stage ${stage ?? '(any)'} deploys to ${expected}`);
  }
  return { expected, wrong };
}

/** True for a TOOL_NOT_DETECTED error (no project: the generic rules apply). */
export function isToolNotDetected(error: unknown): boolean {
  return AwspermError.is(error) && error.code === 'TOOL_NOT_DETECTED';
}
