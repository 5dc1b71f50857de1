import {
  type AwspermAdapter,
  callAdapter,
  colors,
  type CredentialExplanation,
  type Identity,
  loadConfig,
  plain,
  type ToolProject,
} from '@awsperm/core';
import { resolveTool } from '../adapters.ts';
import { accountGuard, type CredentialsJson, credentialRulesFor, credentialsJson, isToolNotDetected, resolveCaller } from '../credentials.ts';
import { ExitCode } from '../exit-codes.ts';
import type { CommandContext, CommandResult } from '../io.ts';
import { configOptions, execFlag } from '../exec.ts';

const FORMATS = ['text', 'json'] as const;

/** The `whoami` JSON contract (SPEC §3). */
interface WhoamiJson {
  schemaVersion: 1;
  tool?: string;
  stage?: string;
  region: string | null;
  credentials: CredentialsJson;
  identity: Identity | null;
  expectedAccount?: string;
  ok: boolean;
}

function toJson(explanation: CredentialExplanation, identity: Identity | null, tool: string | undefined, stage: string | undefined): WhoamiJson {
  return {
    schemaVersion: 1,
    ...(tool ? { tool } : {}),
    ...(stage ? { stage } : {}),
    region: explanation.region,
    credentials: credentialsJson(explanation),
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
  if (json.stage) row('stage', json.stage);
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

  let adapter: AwspermAdapter | undefined;
  let tool: string | undefined;
  let project: ToolProject | undefined;
  try {
    const resolved = await resolveTool(toolFlag, cwd);
    adapter = resolved.adapter;
    tool = adapter.tool;
    const found = adapter;
    project = await callAdapter(found, 'loadProject', () =>
      found.loadProject({ cwd, detection: resolved.detection, env: ctx.env, ...execFlag(ctx, undefined), ...(stage ? { stage } : {}), ...(region ? { region } : {}), ...(profile ? { profile } : {}) }),
    );
  } catch (error) {
    // Without --tool, no detected project means the generic rules.
    if (toolFlag !== undefined || !isToolNotDetected(error)) throw error;
  }
  const rules = await credentialRulesFor(ctx, adapter, project, { region, profile });
  const report = await resolveCaller(ctx, rules, project, { region, mfaCode });
  const json = toJson(report.credentials, report.identity, tool, project?.stage ?? stage);
  const { config } = await loadConfig(cwd, configOptions(ctx));
  const guard = accountGuard(ctx, config, json.identity, project?.stage ?? stage);
  if (guard.expected) json.expectedAccount = guard.expected;
  if (guard.wrong) json.ok = false;
  if (format === 'text') for (const w of json.credentials.warnings) ctx.warn(w);
  const stdout = format === 'json' ? `${JSON.stringify(json, null, 2)}\n` : renderText(json, ctx.global.color);
  return { stdout, exitCode: json.ok ? ExitCode.OK : ExitCode.PROBLEM };
}
