import type { Decision } from '../engine/types.ts';
import type { CheckFix, CheckReport, CheckResult, FragmentReport, PrincipalEvaluation, RequirementResult } from './types.ts';
import { plain, type Styles } from './style.ts';

const MARK: Record<Decision, string> = { allowed: '✓', implicitDeny: '✗', explicitDeny: '✗', unknown: '?' };

function mark(decision: Decision, s: Styles): string {
  if (decision === 'allowed') return s.green(MARK[decision]);
  if (decision === 'unknown') return s.yellow(MARK[decision]);
  return s.red(MARK[decision]);
}

// ANSI colour codes take no columns: widths are measured without them.
const ANSI = /\u001b\[[0-9;]*m/g;

/** The columns a string takes on a terminal (ANSI colour codes not counted). */
export function visibleLength(text: string): number {
  return text.replace(ANSI, '').length;
}

/**
 * Lays `text` out after `prefix`: on one line without a `width` (piped output is never wrapped); with one, broken at
 * spaces onto lines that continue at `indent`, each within `width` columns when its words allow. `style` colours
 * each line's part of the text on its own, so that a colour never spans a line break.
 */
function wrap(prefix: string, text: string, width: number | undefined, indent = '      ', style: (t: string) => string = (t) => t): string[] {
  if (width === undefined || visibleLength(prefix) + text.length <= width) return [prefix + style(text)];
  const lines: string[] = [];
  let head = prefix;
  let line = '';
  for (const word of text.split(' ')) {
    // Not even the first word fits after the prefix (a long resource): the text starts on the next line.
    if (line === '' && head === prefix && visibleLength(head) + word.length > width && visibleLength(indent) < visibleLength(prefix)) {
      lines.push(head.trimEnd());
      head = indent;
    }
    if (line !== '' && visibleLength(head) + line.length + 1 + word.length > width) {
      lines.push(head + style(line));
      head = indent;
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  lines.push(head + style(line));
  return lines;
}

/**
 * What to do about unresolved resource types, for every report that lists them: a schema bundle, or (offline) a live
 * check, which asks `cloudformation:DescribeType`.
 */
export function unresolvedHint(online: boolean): string {
  const bundle = "Pass AWS's CloudFormation schema bundle with the cfnSchemas option <dir|zip> (CloudformationSchema.zip)";
  return online ? `${bundle}.` : `${bundle}, or run a live check, which asks cloudformation:DescribeType.`;
}

/**
 * Rewords awsperm's own prose in a report (its remedies and `modeReason`s), which name a session option as "the
 * `name` option" (a value as `the name option "value"`) and the missing-policy call as `policy({ missing: true })`,
 * for another interface: the CLI passes one that names its flags and commands. Text from the project (titles,
 * sources, ARNs) is left as it is. @since 0.2.0
 */
export type ReportWording = (text: string) => string;
type Wording = ReportWording;
const same: Wording = (text) => text;

/** The call that gives the missing policy alone, as report prose names it (see {@link ReportWording}). */
export const MISSING = 'policy({ missing: true })';

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
export function unresolvedLines(report: Pick<CheckReport, 'unresolved'>, s: Styles = plain, width?: number): string[] {
  const list = report.unresolved ?? [];
  if (!list.length) return [];
  const lines = ['', `${s.bold('Unresolved')} — no permission data, so not checked:`];
  for (const u of list) lines.push(...wrap(`  ${mark('unknown', s)} ${u.kind} ${u.type}${u.name ? ` "${u.name}"` : ''}  `, u.reason, width));
  return lines;
}

/** Options of {@link renderCheckText}. @since 0.2.0 */
export interface CheckTextOptions {
  /**
   * List every requirement (the allowed ones too) with each fragment's source, and say how the permissions were
   * evaluated; by default failures are listed and a fragment that passes is one line.
   */
  verbose?: boolean;
  /** Wrap to this many columns (a terminal's width); without it no line is wrapped (output to a pipe or a file). */
  width?: number;
  /** @see {@link ReportWording} */
  wording?: ReportWording;
}

const id = (t: string): string => t;

/** How many failing requirements of one fragment the report lists without `verbose`. */
const FAILING_ROWS = 10;

function accountOf(report: CheckReport): string | undefined {
  const identity = report.identity as { account?: unknown } | null;
  if (identity && typeof identity.account === 'string') return identity.account;
  return report.expectedAccount;
}

/** The concrete results of a fragment, each once (requirements of one fragment may share them). */
function resultsOf(fragment: FragmentReport): CheckResult[] {
  return [...new Set(fragment.requirements.flatMap((r) => r.results))];
}

function requirementRows(reqs: RequirementResult[], s: Styles, width: number | undefined): string[] {
  const lines: string[] = [];
  const actionWidth = Math.min(40, Math.max(0, ...reqs.map((r) => r.action.length)));
  const on = (r: RequirementResult) => (r.resource === '*' ? '' : `on ${r.resource}`);
  // A resource column only when some row has one; rows without one keep the reason in the same column.
  const resourceWidth = reqs.some((r) => r.resource !== '*') ? Math.min(60, Math.max(...reqs.map((r) => on(r).length))) : -1;
  for (const req of reqs) {
    const what = `${req.action.padEnd(actionWidth)}${resourceWidth >= 0 ? `  ${on(req).padEnd(resourceWidth)}` : ''}`;
    const prefix = `  ${mark(req.decision, s)} ${what}  `;
    const column = visibleLength(prefix);
    const style = req.decision === 'allowed' ? s.dim : id;
    if (width !== undefined && column > width - 10) {
      // Too narrow for the columns: the action alone, then the resource and the reason below it.
      lines.push(`  ${mark(req.decision, s)} ${req.action}`);
      lines.push(...wrap(`      ${on(req) ? `${on(req)}  ` : ''}`, describeRequirement(req), width, '      ', style));
      continue;
    }
    const indent = width !== undefined && column <= width - 30 ? ' '.repeat(column) : '      ';
    lines.push(...wrap(prefix, describeRequirement(req), width, indent, style));
  }
  return lines;
}

function fragmentDetail(fragment: FragmentReport, s: Styles, verbose: boolean, width: number | undefined, word: Wording): string[] {
  const decision = worst(fragment.requirements.map((r) => r.decision));
  const lines = wrap(`${mark(decision, s)} ${s.bold(fragment.id)} — `, fragment.title, width, '    ');
  if (verbose) {
    const src = fragment.source.url ? `${fragment.source.title} <${fragment.source.url}>` : fragment.source.title;
    lines.push(...wrap('  ', `source: ${src}`, width, '    ', s.dim));
    for (const line of fragment.description?.split('\n') ?? []) lines.push(...wrap('  ', line, width, '    ', s.dim));
  }
  const failing = fragment.requirements.filter((r) => r.decision !== 'allowed');
  // A fragment can fail on dozens of ARNs (every role of a CDK bootstrap): the first few stand for the rest, which
  // --verbose, the JSON and the fix's policy all list.
  const shown = verbose ? fragment.requirements : failing.slice(0, FAILING_ROWS);
  lines.push(...requirementRows(shown, s, width));
  const allowed = resultsOf(fragment).filter((r) => r.decision === 'allowed').length;
  const more = failing.length - shown.length;
  if (!verbose && (allowed || more > 0)) {
    const parts = [...(more > 0 ? [`${more} more not allowed`] : []), ...(allowed ? [`${allowed} allowed`] : [])];
    lines.push(s.dim(`    … and ${parts.join(', ')} (${word('the verbose option')} lists them)`));
  }
  return lines;
}

/** A principal's fragments, failures first: each failing fragment with what fails, then a line per passing one. */
function fragmentBlocks(fragments: FragmentReport[], s: Styles, verbose: boolean, width: number | undefined, word: Wording): string[] {
  const failing = fragments.filter((f) => f.requirements.some((r) => r.decision !== 'allowed'));
  const passing = fragments.filter((f) => !failing.includes(f));
  const lines: string[] = [];
  for (const f of failing) lines.push('', ...fragmentDetail(f, s, verbose, width, word));
  if (verbose) {
    for (const f of passing) lines.push('', ...fragmentDetail(f, s, verbose, width, word));
  } else if (passing.length) {
    lines.push('');
    const idWidth = Math.max(...passing.map((f) => f.id.length));
    const counts = passing.map((f) => String(resultsOf(f).length));
    const countWidth = Math.max(...counts.map((c) => c.length));
    passing.forEach((f, i) => {
      lines.push(`${mark('allowed', s)} ${f.id.padEnd(idWidth)}  ${counts[i]!.padStart(countWidth)} allowed`);
    });
  }
  return lines;
}

function evaluationLines(p: Pick<PrincipalEvaluation, 'mode' | 'modeReason' | 'subject'>, s: Styles, width: number | undefined, word: Wording): string[] {
  return [...wrap('', `mode ${p.mode}: ${word(p.modeReason)}`, width, '  ', s.dim), ...wrap('', `evaluated for: ${p.subject}`, width, '  ', s.dim)];
}

/** The fix of one principal: the policy to grant, printed as IAM takes it, and the statements a grant cannot help with. */
/** The sentence for the requirements left out of a fix because they depend on request context (`of <whom>` when given). */
export function notInFix(unknown: number, whom?: string): string {
  const one = unknown === 1;
  return `${unknown} requirement${one ? '' : 's'}${whom ? ` of ${whom}` : ''} depend${one ? 's' : ''} on request context and ${one ? 'is' : 'are'} not in the fix.`;
}

function fixLines(fix: CheckFix | undefined, whom: string, s: Styles, width: number | undefined, word: Wording): string[] {
  if (!fix) return [];
  const lines: string[] = [];
  const n = fix.policies.length;
  if (n) {
    const what = n === 1 ? 'this policy' : `these ${n} policies`;
    lines.push('', ...wrap(`${s.bold('Fix:')} `, word(`grant ${whom} ${what} (${MISSING} with the same options prints ${n === 1 ? 'it' : 'them'} alone):`), width));
    // The document as IAM takes it, never wrapped: it is meant to be copied.
    for (const p of fix.policies) {
      if (n > 1) lines.push(s.dim(`${p.name} (${p.size} characters):`));
      lines.push(...JSON.stringify(p.document, null, 2).split('\n'));
    }
  }
  if (fix.changes?.length) {
    lines.push('', ...wrap(`${s.bold(n ? 'Also' : 'Fix')}: `, `no grant to ${whom} can lift ${fix.changes.length === 1 ? 'this denial' : 'these denials'}; change:`, width));
    for (const c of fix.changes) lines.push(...wrap(`  ${mark('explicitDeny', s)} `, c.message, width, '    '));
  }
  if (fix.unknown) {
    lines.push(...wrap('', notInFix(fix.unknown, whom), width, '  ', s.dim));
  }
  return lines;
}

/**
 * Renders a check report for a terminal, failures first: a header line (tool, stage, account, region, mode); each
 * failing fragment with what fails and why (the statement that denied it); one line per fragment that passes; the
 * same for every other principal; the fix (the policy to grant, and what a grant cannot help with); then a summary
 * line. `verbose` lists every requirement as well; `width` wraps long lines.
 */
export function renderCheckText(report: CheckReport, s: Styles = plain, options: CheckTextOptions = {}): string {
  const verbose = options.verbose === true;
  const word = options.wording ?? same;
  const width = options.width !== undefined && options.width >= 40 ? options.width : undefined;
  const lines: string[] = [];
  const head = [report.tool ? `tool ${report.tool}${report.toolVersion ? ` ${report.toolVersion}` : ''}` : report.policySet === 'template' ? 'templates' : 'ad-hoc actions'];
  if (report.stage) head.push(`stage ${report.stage}`);
  const account = accountOf(report);
  if (account) head.push(`account ${account}`);
  if (report.region) head.push(`region ${report.region}`);
  head.push(`mode ${report.mode}`);
  lines.push(...wrap('', `awsperm check · ${head.join(' · ')}`, width, '  ', s.bold));
  if (verbose) lines.push(...evaluationLines(report, s, width, word), ...wrap('', `policy set: ${report.policySet}`, width, '  ', s.dim));

  const role = report.serviceRole;
  // Principals besides the caller and the service role (a CDK deploy's bootstrap roles): one section each.
  const others = (report.principals ?? []).filter((p) => !role || p.id !== 'service-role');
  const sections: { title: string; whom: string; p: PrincipalEvaluation }[] = [
    ...(role ? [{ title: `CloudFormation service role ${role.arn} (${role.from}): what CloudFormation creates with it`, whom: `the service role ${role.arn}`, p: role }] : []),
    ...others.map((p) => ({ title: `${p.via}: ${p.arn}${p.from ? ` (${p.from})` : ''}`, whom: `the ${p.via.replace(/ \(.*\)$/, '')} ${p.arn}`, p })),
  ];
  if (sections.length) lines.push('', ...wrap(`${mark(callerOk(report) ? 'allowed' : 'implicitDeny', s)} `, s.bold(`the caller: ${report.subject}`), width, '    '));
  lines.push(...fragmentBlocks(report.fragments, s, verbose, width, word));
  for (const { title, p } of sections) {
    lines.push('', '', ...wrap(`${mark(p.ok ? 'allowed' : 'implicitDeny', s)} `, s.bold(title), width, '    '));
    if (verbose) lines.push(...evaluationLines(p, s, width, word));
    lines.push(...fragmentBlocks(p.fragments, s, verbose, width, word));
  }

  const unresolved = report.unresolvedTypes ?? [];
  if (unresolved.length) {
    lines.push('');
    lines.push(`${s.bold('Unresolved resource types')} — no handler permissions known, so not checked:`);
    for (const u of unresolved) lines.push(...wrap(`  ${mark('unknown', s)} ${u.type}  `, u.resources.join(', '), width));
    lines.push(...wrap('  ', word(unresolvedHint(report.mode !== 'offline')), width, '  ', s.dim));
  }
  lines.push(...unresolvedLines(report, s, width));
  const everything = report.policySet === 'documented' ? report.fragments.filter((f) => f.requirements.some((r) => r.action === '*' && r.resource === '*')) : [];
  if (everything.length) {
    const ids = everything.map((f) => f.id).join(', ');
    const note = `"*" on "*" (${ids}) is every action on every resource, not a list of what this app needs; without the feature option "documented", check lists that (the precise set).`;
    lines.push('', ...wrap('', `Note: ${word(note)}`, width));
  }
  if (verbose && report.documentedNotNeeded?.length) {
    lines.push('', ...wrap('', `The documented policy also grants what this app does not need: ${report.documentedNotNeeded.join(', ')}`, width));
  }

  lines.push(...fixLines(report.fix, 'the caller', s, width, word));
  for (const { whom, p } of sections) lines.push(...fixLines(p.fix, whom, s, width, word));

  lines.push('');
  const verdict = (text: string, ok: boolean) => lines.push(...wrap('', text, width, '  ', ok ? s.green : s.red));
  if (sections.length) {
    verdict(`caller: ${summaryLine({ summary: report.summary, ok: callerOk(report) })}`, callerOk(report));
    if (role) verdict(`service role: ${summaryLine(role)}`, role.ok);
    for (const p of others) verdict(`${p.id} (${p.arn}): ${summaryLine(p)}`, p.ok);
  }
  const failing = [...(callerOk(report) ? [] : ['caller']), ...others.filter((p) => !p.ok).map((p) => p.id)];
  const chain = `${report.ok ? 'OK' : 'NOT OK'}: the caller and ${others.length} other principal${others.length === 1 ? '' : 's'} checked${failing.length ? `; failing: ${failing.join(', ')}` : ''}${unresolvedSuffix(report)}.`;
  const summary = role && !others.length ? `${report.ok ? 'OK' : 'NOT OK'}: both principals checked${unresolvedSuffix(report)}.` : others.length ? chain : summaryLine(report);
  verdict(summary, report.ok);
  return `${lines.join('\n')}\n`;
}

function callerOk(report: CheckReport): boolean {
  return report.summary.allowed === report.summary.required;
}

function worst(decisions: Decision[]): Decision {
  const order: Decision[] = ['explicitDeny', 'implicitDeny', 'unknown'];
  return order.find((d) => decisions.includes(d)) ?? 'allowed';
}

/** The concrete results that are not allowed, for callers that list problems. */
export function problems(results: CheckResult[]): CheckResult[] {
  return results.filter((r) => r.decision !== 'allowed');
}
