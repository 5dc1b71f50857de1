import { createInterface } from 'node:readline/promises';
import {
  AwspermError,
  callAdapter,
  colors,
  type CredentialExplanation,
  type CredentialRules,
  CredentialsError,
  explainCredentials,
  expectedAccount,
  loadConfig,
  genericCredentialRules,
  type Identity,
  plain,
  type ToolProject,
} from '@awsperm/core';
import { resolveTool } from '../adapters.ts';
import { ExitCode } from '../exit-codes.ts';
import type { CommandContext, CommandResult } from '../io.ts';

const FORMATS = ['text', 'json'] as const;

/** The `whoami` JSON contract (SPEC §3). */
interface WhoamiJson {
  schemaVersion: 1;
  tool?: string;
  stage?: string;
  region: string | null;
  credentials: Pick<CredentialExplanation, 'source' | 'profile' | 'accessKeyId' | 'expiration' | 'chain' | 'warnings'> & {
    selectedProfile: CredentialExplanation['selectedProfile'];
    rules: string;
  };
  identity: Identity | null;
  expectedAccount?: string;
  ok: boolean;
}

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

function toJson(explanation: CredentialExplanation, identity: Identity | null, tool: string | undefined, stage: string | undefined): WhoamiJson {
  return {
    schemaVersion: 1,
    ...(tool ? { tool } : {}),
    ...(stage ? { stage } : {}),
    region: explanation.region,
    credentials: {
      rules: explanation.rules,
      source: explanation.source,
      profile: explanation.profile,
      selectedProfile: explanation.selectedProfile,
      accessKeyId: explanation.accessKeyId,
      ...(explanation.expiration ? { expiration: explanation.expiration } : {}),
      chain: explanation.chain,
      warnings: explanation.warnings,
    },
    identity,
    ok: identity !== null,
  };
}

function renderText(json: WhoamiJson, color: boolean): string {
  const s = color ? colors : plain;
  const c = json.credentials;
  const lines: string[] = [];
  const row = (label: string, value: string): void => {
    lines.push(`${label.padEnd(12)} ${value}`);
  };
  if (json.expectedAccount && json.identity && json.identity.account !== json.expectedAccount) {
    row('WRONG', s.red(`account ${json.identity.account}; this stage deploys to ${json.expectedAccount}`));
  }
  if (json.identity) {
    row('identity', s.bold(json.identity.arn));
    if (json.identity.principalArn !== json.identity.arn) row('principal', `${json.identity.principalArn}${json.identity.derived ? ' (derived)' : ''}`);
    row('account', json.identity.account);
  }
  row('source', `${c.source ?? 'none'}${c.profile ? ` (profile '${c.profile}')` : ''}`);
  row('profile', `${c.selectedProfile.name} — ${c.selectedProfile.reason}`);
  if (c.accessKeyId) row('key', c.accessKeyId);
  if (c.expiration) row('expires', c.expiration);
  row('region', json.region ?? 'none');
  row('rules', c.rules);
  lines.push('', 'chain:');
  for (const step of c.chain) lines.push(`  ${step.outcome.padEnd(9)} ${step.provider}: ${step.detail}`);
  if (c.warnings.length) {
    lines.push('', 'warnings:');
    for (const w of c.warnings) lines.push(`  ! ${w}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `awsperm whoami`: which credentials the tool would use, why, and who that is (SPEC §3). */
export default async function whoami(ctx: CommandContext): Promise<CommandResult> {
  const { options } = ctx;
  const format = options.choice('format', FORMATS, 'text');
  const cwd = options.directory('cwd');
  const toolFlag = options.string('tool');
  const stage = options.string('stage');
  const region = options.string('region');
  const profile = options.string('profile');
  const mfaCode = options.string('mfa-code');

  let rules: CredentialRules | undefined;
  let tool: string | undefined;
  let project: ToolProject | undefined;
  try {
    const { adapter, detection } = await resolveTool(toolFlag, cwd);
    tool = adapter.tool;
    project = await callAdapter(adapter, 'loadProject', () =>
      adapter.loadProject({ cwd, detection, env: ctx.env, ...(stage ? { stage } : {}), ...(region ? { region } : {}) }),
    );
    const loaded = project;
    if (adapter.credentialRules) {
      rules = await callAdapter(adapter, 'credentialRules', () =>
        adapter.credentialRules!({ project: loaded, env: ctx.env, ...(region ? { region } : {}), ...(profile ? { profile } : {}) }),
      );
    }
  } catch (error) {
    // Without --tool, no detected project means the generic rules.
    if (toolFlag !== undefined || !(AwspermError.is(error) && error.code === 'TOOL_NOT_DETECTED')) throw error;
  }
  rules ??= genericCredentialRules(ctx.env, { ...(profile ? { profile } : {}), ...(region ? { region } : {}) });

  const mfaPrompt = ttyMfaPrompt();
  const report = await explainCredentials(rules, {
    env: ctx.env,
    ...(ctx.global.endpointUrl ? { endpointUrl: ctx.global.endpointUrl } : {}),
    ...(mfaCode ? { mfaCode } : {}),
    ...(mfaPrompt ? { mfaPrompt } : {}),
    ...(region ? { region } : {}),
    ...(ctx.global.debug ? { debug: (line: string) => ctx.warn(line) } : {}),
  }).catch((error: unknown) => {
    if (error instanceof CredentialsError && error.explanation && ctx.global.debug) {
      for (const step of error.explanation.chain) ctx.warn(`${step.outcome} ${step.provider}: ${step.detail}`);
    }
    throw error;
  });
  const json = toJson(report.credentials, report.identity, tool, project?.stage ?? stage);
  const { config } = await loadConfig(cwd);
  const expected = expectedAccount(config, project?.stage ?? stage);
  if (expected) {
    json.expectedAccount = expected;
    if (json.identity && json.identity.account !== expected) {
      json.ok = false;
      ctx.warn(
        `wrong account: these credentials belong to account ${json.identity.account}, but stage ${project?.stage ?? stage ?? '(any)'} deploys to ${expected}`,
      );
    }
  }
  if (format === 'text') for (const w of json.credentials.warnings) ctx.warn(w);
  const stdout = format === 'json' ? `${JSON.stringify(json, null, 2)}\n` : renderText(json, ctx.global.color);
  return { stdout, exitCode: json.ok ? ExitCode.OK : ExitCode.PROBLEM };
}
