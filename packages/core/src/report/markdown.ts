import type { Decision } from '../engine/types.ts';
import { describeRequirement, MISSING, notInFix, type ReportWording, summaryLine, unresolvedHint } from './text.ts';
import type { CheckFix, CheckReport, FragmentReport } from './types.ts';

const ICON: Record<Decision, string> = {
  allowed: '✅',
  implicitDeny: '❌',
  explicitDeny: '⛔',
  unknown: '❔',
};

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** Options of {@link renderCheckMarkdown}. @since 0.2.0 */
export interface CheckMarkdownOptions {
  /** A table for every fragment, the passing ones too; by default a passing fragment is one row of a summary table. */
  verbose?: boolean;
  /** @see {@link ReportWording} */
  wording?: ReportWording;
}

/**
 * Renders a check report as GitHub-flavoured markdown, e.g. for a pull-request comment: failing fragments first
 * with their tables, one row per passing fragment, then the fix (the policy to grant, and what a grant cannot help
 * with) for each principal that needs one.
 */
export function renderCheckMarkdown(report: CheckReport, options: CheckMarkdownOptions = {}): string {
  const verbose = options.verbose === true;
  const word = options.wording ?? ((text: string) => text);
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
    ['Mode', `${report.mode} (${word(report.modeReason)})`],
    ['Evaluated for', report.subject],
  ];
  for (const [k, v] of facts) if (v) out.push(`- ${k}: ${cell(v)}`);
  out.push(...fragmentSections(report.fragments, verbose));
  const role = report.serviceRole;
  if (role) {
    out.push('', `### CloudFormation service role \`${role.arn}\``, '');
    out.push(`What CloudFormation creates with the role (${cell(role.from)}). **${summaryLine(role)}**`);
    out.push('', `- Mode: ${cell(`${role.mode} (${word(role.modeReason)})`)}`, `- Evaluated for: ${cell(role.subject)}`);
    out.push(...fragmentSections(role.fragments, verbose));
  }
  for (const p of (report.principals ?? []).filter((x) => !role || x.id !== 'service-role')) {
    out.push('', `### ${cell(p.via)} \`${p.arn}\``, '');
    out.push(`${p.from ? `From ${cell(p.from)}. ` : ''}**${summaryLine(p)}**`);
    out.push('', `- Mode: ${cell(`${p.mode} (${word(p.modeReason)})`)}`, `- Evaluated for: ${cell(p.subject)}`);
    out.push(...fragmentSections(p.fragments, verbose));
  }
  if (report.unresolvedTypes?.length) {
    out.push('', '### Unresolved resource types', '', 'No handler permissions are known for these types, so they were not checked.', '');
    out.push('| | Type | Resources |', '|---|---|---|');
    for (const u of report.unresolvedTypes) out.push(`| ${ICON.unknown} | \`${cell(u.type)}\` | ${cell(u.resources.join(', '))} |`);
    out.push('', word(unresolvedHint(report.mode !== 'offline')));
  }
  if (report.unresolved?.length) {
    out.push('', '### Unresolved', '', 'awsperm has no permission data for these, so they were not checked.', '');
    out.push('| | Kind | Type | Name | Why |', '|---|---|---|---|---|');
    for (const u of report.unresolved) out.push(`| ${ICON.unknown} | ${cell(u.kind)} | \`${cell(u.type)}\` | ${cell(u.name ?? '')} | ${cell(u.reason)} |`);
  }
  out.push(...fixSection(report.fix, 'the caller', word));
  if (role) out.push(...fixSection(role.fix, `the service role \`${role.arn}\``, word));
  for (const p of (report.principals ?? []).filter((x) => !role || x.id !== 'service-role')) out.push(...fixSection(p.fix, `the ${cell(p.via)} \`${p.arn}\``, word));
  return `${out.join('\n')}\n`;
}

function fixSection(fix: CheckFix | undefined, whom: string, word: ReportWording): string[] {
  if (!fix) return [];
  const out = ['', `### Fix for ${whom}`, ''];
  if (fix.policies.length) {
    out.push(`Grant ${whom} ${fix.policies.length === 1 ? 'this policy' : `these ${fix.policies.length} policies`} (\`${word(MISSING)}\` with the same options prints ${fix.policies.length === 1 ? 'it' : 'them'}):`);
    for (const p of fix.policies) out.push('', ...(fix.policies.length > 1 ? [`\`${p.name}\` (${p.size} characters):`, ''] : []), '```json', JSON.stringify(p.document, null, 2), '```');
  }
  if (fix.changes?.length) {
    out.push('', 'No grant can lift these denials; change:', '');
    for (const c of fix.changes) out.push(`- ${ICON.explicitDeny} ${cell(c.message)}`);
  }
  if (fix.unknown) out.push('', notInFix(fix.unknown));
  return out;
}

function fragmentSections(all: FragmentReport[], verbose: boolean): string[] {
  const out: string[] = [];
  const failing = all.filter((f) => f.requirements.some((r) => r.decision !== 'allowed'));
  const passing = all.filter((f) => !failing.includes(f));
  const fragments = verbose ? [...failing, ...passing] : failing;
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
  if (!verbose && passing.length) {
    out.push('', '| | Fragment | Allowed |', '|---|---|---|');
    for (const f of passing) out.push(`| ${ICON.allowed} | \`${f.id}\` — ${cell(f.title)} | ${new Set(f.requirements.flatMap((r) => r.results)).size} |`);
  }
  return out;
}
