import type { Decision } from '../engine/types.ts';
import { describeRequirement, summaryLine, unresolvedHint } from './text.ts';
import type { CheckReport, FragmentReport } from './types.ts';

const ICON: Record<Decision, string> = {
  allowed: '✅',
  implicitDeny: '❌',
  explicitDeny: '⛔',
  unknown: '❔',
};

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** Renders a check report as GitHub-flavoured markdown, e.g. for a pull-request comment. */
export function renderCheckMarkdown(report: CheckReport): string {
  const out: string[] = [];
  out.push(`## awsperm check${report.tool ? `: ${report.tool}` : ''}`);
  out.push('');
  out.push(`**${summaryLine(report)}**`);
  out.push('');
  const facts: [string, string | undefined][] = [
    ['Tool version', report.toolVersion],
    ['Stage', report.stage],
    ['Region', report.region],
    ['Policy set', report.policySet],
    ['Mode', `${report.mode} (${report.modeReason})`],
    ['Evaluated for', report.subject],
  ];
  for (const [k, v] of facts) if (v) out.push(`- ${k}: ${cell(v)}`);
  out.push(...fragmentSections(report.fragments));
  const role = report.serviceRole;
  if (role) {
    out.push('', `### CloudFormation service role \`${role.arn}\``, '');
    out.push(`What CloudFormation creates with the role (${cell(role.from)}). **${summaryLine(role)}**`);
    out.push('', `- Mode: ${cell(`${role.mode} (${role.modeReason})`)}`, `- Evaluated for: ${cell(role.subject)}`);
    out.push(...fragmentSections(role.fragments));
  }
  for (const p of (report.principals ?? []).filter((x) => !role || x.id !== 'service-role')) {
    out.push('', `### ${cell(p.via)} \`${p.arn}\``, '');
    out.push(`${p.from ? `From ${cell(p.from)}. ` : ''}**${summaryLine(p)}**`);
    out.push('', `- Mode: ${cell(`${p.mode} (${p.modeReason})`)}`, `- Evaluated for: ${cell(p.subject)}`);
    out.push(...fragmentSections(p.fragments));
  }
  if (report.unresolvedTypes?.length) {
    out.push('', '### Unresolved resource types', '', 'No handler permissions are known for these types, so they were not checked.', '');
    out.push('| | Type | Resources |', '|---|---|---|');
    for (const u of report.unresolvedTypes) out.push(`| ${ICON.unknown} | \`${cell(u.type)}\` | ${cell(u.resources.join(', '))} |`);
    out.push('', unresolvedHint(report.mode !== 'offline'));
  }
  if (report.unresolved?.length) {
    out.push('', '### Unresolved', '', 'awsperm has no permission data for these, so they were not checked.', '');
    out.push('| | Kind | Type | Name | Why |', '|---|---|---|---|---|');
    for (const u of report.unresolved) out.push(`| ${ICON.unknown} | ${cell(u.kind)} | \`${cell(u.type)}\` | ${cell(u.name ?? '')} | ${cell(u.reason)} |`);
  }
  return `${out.join('\n')}\n`;
}

function fragmentSections(fragments: FragmentReport[]): string[] {
  const out: string[] = [];
  for (const fragment of fragments) {
    out.push('');
    const src = fragment.source.url ? `[${fragment.source.title}](${fragment.source.url})` : fragment.source.title;
    out.push(`### \`${fragment.id}\` — ${cell(fragment.title)}`);
    out.push('');
    out.push(`Source: ${src}`);
    out.push('');
    if (fragment.description) out.push(...fragment.description.split('\n').map((l) => `> ${cell(l)}`), '');
    out.push('| | Action | Resource | Details |');
    out.push('|---|---|---|---|');
    for (const req of fragment.requirements) {
      out.push(`| ${ICON[req.decision]} | \`${req.action}\` | \`${cell(req.resource)}\` | ${cell(describeRequirement(req))} |`);
    }
  }
  return out;
}
