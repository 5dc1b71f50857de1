import type { Decision } from '../engine/types.ts';
import type { CheckReport, CheckResult, FragmentReport, RequirementResult } from './types.ts';
import { plain, type Styles } from './style.ts';

const MARK: Record<Decision, string> = { allowed: '✓', implicitDeny: '✗', explicitDeny: '✗', unknown: '?' };

function mark(decision: Decision, s: Styles): string {
  if (decision === 'allowed') return s.green(MARK[decision]);
  if (decision === 'unknown') return s.yellow(MARK[decision]);
  return s.red(MARK[decision]);
}

// Long explanations (lists of denied actions) continue on indented lines, broken after commas.
function wrap(prefix: string, text: string, width: number): string[] {
  const first = prefix.length + text.length <= width;
  if (first) return [prefix + text];
  const lines: string[] = [];
  let line = prefix;
  for (const word of text.split(' ')) {
    if (line.length + word.length + 1 > width && line.trim() !== '') {
      lines.push(line.trimEnd());
      line = '      ';
    }
    line += `${word} `;
  }
  lines.push(line.trimEnd());
  return lines;
}

/**
 * What to do about unresolved resource types, for every report that lists them: a schema bundle, or (offline) a live
 * check, which asks `cloudformation:DescribeType`.
 */
export function unresolvedHint(online: boolean): string {
  const bundle = "Pass AWS's CloudFormation schema bundle with --cfn-schemas <dir|zip> (CloudformationSchema.zip)";
  return online ? `${bundle}.` : `${bundle}, or run a live check, which asks cloudformation:DescribeType.`;
}

/** How many denied actions of one pattern the text report names. */
const LISTED = 40;

/** One line summarising a requirement: its decision and why. */
export function describeRequirement(req: RequirementResult): string {
  const total = req.results.length;
  const isPattern = req.results.some((r) => r.expandedFrom !== undefined) || total > 1;
  if (!isPattern) return req.results[0]?.reason ?? '';
  const denied = req.results.filter((r) => r.decision !== 'allowed');
  if (denied.length === 0) return `all ${total} matched actions allowed`;
  const byReason = new Map<string, string[]>();
  for (const r of denied) {
    const list = byReason.get(r.reason) ?? [];
    list.push(r.action);
    byReason.set(r.reason, list);
  }
  const deniedCount = denied.filter((r) => r.decision !== 'unknown').length;
  const unknownCount = denied.length - deniedCount;
  const counts = [
    deniedCount ? `${deniedCount} of ${total} matched actions denied` : '',
    unknownCount ? `${unknownCount} of ${total} depend on context` : '',
  ]
    .filter(Boolean)
    .join(', ');
  if (denied.length === total && byReason.size === 1) {
    return `none of the ${total} matched actions is allowed — ${denied[0]!.reason}`;
  }
  // A pattern such as "*" matches thousands of actions: the first few stand for the rest (JSON lists every one).
  const listed = (actions: string[]): string => (actions.length > LISTED ? `${actions.slice(0, LISTED).join(', ')} and ${actions.length - LISTED} more` : actions.join(', '));
  const parts = [...byReason].map(([reason, actions]) => `${reason}: ${listed(actions)}`);
  return `${counts} — ${parts.join('; ')}`;
}

/** A one-line summary of a check (or of its service-role part), as printed last by the text report. */
export function summaryLine(report: Pick<CheckReport, 'summary' | 'ok' | 'unresolvedTypes' | 'unresolved'>): string {
  const { required, allowed, denied, unknown } = report.summary;
  const parts = [`${allowed} allowed`];
  if (denied) parts.push(`${denied} denied`);
  if (unknown) parts.push(`${unknown} depend on context`);
  const verdict = report.ok ? 'OK' : 'NOT OK';
  return `${verdict}: ${required} required action${required === 1 ? '' : 's'} checked — ${parts.join(', ')}${unresolvedSuffix(report)}.`;
}

/** `; 2 resource types unresolved (not checked)` and the like, for summary lines; empty when nothing is unresolved. */
export function unresolvedSuffix(report: Pick<CheckReport, 'unresolvedTypes' | 'unresolved'>): string {
  const types = report.unresolvedTypes?.length ?? 0;
  const items = report.unresolved?.length ?? 0;
  const parts: string[] = [];
  if (types) parts.push(`${types} resource type${types === 1 ? '' : 's'} unresolved`);
  if (items) parts.push(`${items} project item${items === 1 ? '' : 's'} without permission data`);
  return parts.length ? `; ${parts.join(', ')} (not checked)` : '';
}

/** The text lines listing a report's unresolved project requirements (none when there are none). */
export function unresolvedLines(report: Pick<CheckReport, 'unresolved'>, s: Styles = plain): string[] {
  const list = report.unresolved ?? [];
  if (!list.length) return [];
  const lines = ['', `${s.bold('Unresolved')} — no permission data, so not checked:`];
  for (const u of list) lines.push(...wrap(`  ${mark('unknown', s)} ${u.kind} ${u.type}${u.name ? ` "${u.name}"` : ''}  `, u.reason, 110));
  return lines;
}

/** Renders a check report for a terminal: grouped by fragment, denied requirements first, then a summary line. */
export function renderCheckText(report: CheckReport, s: Styles = plain): string {
  const lines: string[] = [];
  const head = [report.tool ? `tool ${report.tool}` : 'ad-hoc check'];
  if (report.toolVersion) head.push(`version ${report.toolVersion}`);
  if (report.stage) head.push(`stage ${report.stage}`);
  if (report.region) head.push(`region ${report.region}`);
  head.push(`${report.policySet} policy`);
  lines.push(s.bold(`awsperm check · ${head.join(' · ')}`));
  lines.push(s.dim(`mode ${report.mode}: ${report.modeReason}`));
  lines.push(s.dim(`evaluated for: ${report.subject}`));
  lines.push(...fragmentLines(report.fragments, s));
  const everything = report.policySet === 'documented' ? report.fragments.filter((f) => f.requirements.some((r) => r.action === '*' && r.resource === '*')) : [];
  if (everything.length) {
    lines.push('');
    const ids = everything.map((f) => f.id).join(', ');
    const note = `"*" on "*" (${ids}) is every action on every resource, not a list of what this app needs; without --feature documented, check lists that (the precise set).`;
    lines.push(...wrap('', `Note: ${note}`, 110));
  }
  if (report.documentedNotNeeded?.length) {
    lines.push('');
    lines.push(...wrap('', `The documented policy also grants what this app does not need: ${report.documentedNotNeeded.join(', ')}`, 110));
  }
  const role = report.serviceRole;
  if (role) {
    lines.push('', s.bold(`CloudFormation service role ${role.arn} (${role.from}): what CloudFormation creates with it`));
    lines.push(s.dim(`mode ${role.mode}: ${role.modeReason}`));
    lines.push(s.dim(`evaluated for: ${role.subject}`));
    lines.push(...fragmentLines(role.fragments, s));
    const callerOk = report.summary.allowed === report.summary.required;
    const callerLine = `caller: ${summaryLine({ summary: report.summary, ok: callerOk })}`;
    const roleLine = `service role: ${summaryLine(role)}`;
    lines.push('', callerOk ? s.green(callerLine) : s.red(callerLine), role.ok ? s.green(roleLine) : s.red(roleLine));
  }
  // Principals besides the caller and the service role (a CDK deploy's bootstrap roles): one section each, then the
  // chain's summary, so the failing link is named.
  const others = (report.principals ?? []).filter((p) => !role || p.id !== 'service-role');
  if (others.length) {
    for (const p of others) {
      lines.push('', s.bold(`${p.via}: ${p.arn}${p.from ? ` (${p.from})` : ''}`));
      lines.push(s.dim(`mode ${p.mode}: ${p.modeReason}`));
      lines.push(s.dim(`evaluated for: ${p.subject}`));
      lines.push(...fragmentLines(p.fragments, s));
    }
    const callerOk = report.summary.allowed === report.summary.required;
    const callerLine = `caller: ${summaryLine({ summary: report.summary, ok: callerOk })}`;
    lines.push('', callerOk ? s.green(callerLine) : s.red(callerLine));
    for (const p of others) {
      const line = `${p.id} (${p.arn}): ${summaryLine(p)}`;
      lines.push(p.ok ? s.green(line) : s.red(line));
    }
  }
  const unresolved = report.unresolvedTypes ?? [];
  if (unresolved.length) {
    lines.push('');
    lines.push(`${s.bold('Unresolved resource types')} — no handler permissions known, so not checked:`);
    for (const u of unresolved) lines.push(...wrap(`  ${mark('unknown', s)} ${u.type}  `, u.resources.join(', '), 110));
    lines.push(s.dim(`  ${unresolvedHint(report.mode !== 'offline')}`));
  }
  lines.push(...unresolvedLines(report, s));
  lines.push('');
  const failing = [...(report.summary.allowed === report.summary.required ? [] : ['caller']), ...others.filter((p) => !p.ok).map((p) => p.id)];
  const chain = `${report.ok ? 'OK' : 'NOT OK'}: the caller and ${others.length} other principal${others.length === 1 ? '' : 's'} checked${failing.length ? `; failing: ${failing.join(', ')}` : ''}${unresolvedSuffix(report)}.`;
  const summary = role ? `${report.ok ? 'OK' : 'NOT OK'}: both principals checked${unresolvedSuffix(report)}.` : others.length ? chain : summaryLine(report);
  lines.push(report.ok ? s.green(summary) : s.red(summary));
  return `${lines.join('\n')}\n`;
}

function fragmentLines(fragments: FragmentReport[], s: Styles): string[] {
  const lines: string[] = [];
  for (const fragment of fragments) {
    lines.push('');
    const src = fragment.source.url ? `${fragment.source.title} <${fragment.source.url}>` : fragment.source.title;
    lines.push(`${s.bold(fragment.id)} — ${fragment.title}`);
    lines.push(s.dim(`  source: ${src}`));
    for (const line of fragment.description?.split('\n') ?? []) lines.push(...wrap('  ', line, 110).map((l) => s.dim(l)));
    const width = Math.min(40, Math.max(...fragment.requirements.map((r) => r.action.length)));
    for (const req of fragment.requirements) {
      const resource = req.resource === '*' ? '' : ` on ${req.resource}`;
      const what = `${req.action.padEnd(width)}${resource}`;
      const why = describeRequirement(req);
      const text = req.decision === 'allowed' ? s.dim(why) : why;
      lines.push(...wrap(`  ${mark(req.decision, s)} ${what}  `, text, 110));
    }
  }
  return lines;
}

/** The concrete results that are not allowed, for callers that list problems. */
export function problems(results: CheckResult[]): CheckResult[] {
  return results.filter((r) => r.decision !== 'allowed');
}
