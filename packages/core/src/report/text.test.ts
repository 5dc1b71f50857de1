import { describe, expect, it } from 'vitest';
import { expandAction } from '../catalog.ts';
import { runCheck } from '../check.ts';
import { createPolicyEvaluator } from '../evaluators/static.ts';
import type { PolicyFragment, Statement } from '../policy/types.ts';
import { renderCheckJson } from './json.ts';
import { renderCheckMarkdown } from './markdown.ts';
import { colors, shouldColor } from './style.ts';
import { buildFix } from '../session/fix.ts';
import { describeRequirement, problems, renderCheckText, summaryLine, visibleLength } from './text.ts';
import type { CheckReport } from './types.ts';

const fragments: PolicyFragment[] = [
  {
    id: 'up.documented',
    title: 'Up documented policy',
    source: { title: 'Up documentation: AWS Credentials', url: 'https://apex.sh/docs/up/credentials/' },
    statements: [
      { Effect: 'Allow', Action: ['s3:GetObject', 'acm:*', 'iam:PassRole'], Resource: '*' },
      { Effect: 'Allow', Action: 'logs:GetLogEvents', Resource: 'arn:aws:logs:*:*:log-group:/aws/lambda/app*' },
    ],
  },
];

const policy: Statement[] = [
  { Effect: 'Allow', Action: ['s3:GetObject', 'acm:Describe*', 'acm:List*', 'acm:Get*', 'logs:*'], Resource: '*' },
  { Effect: 'Deny', Action: 'iam:PassRole', Resource: '*' },
];

/** A CheckReport as the CLI assembles it from runCheck's outcome. */
async function report(statements: Statement[] = policy): Promise<CheckReport> {
  const evaluator = createPolicyEvaluator(
    { identity: [{ name: 'deployer.json', document: { Version: '2012-10-17', Statement: statements } }] },
    { mode: 'offline', subject: 'policy files: deployer.json' },
  );
  const outcome = await runCheck(fragments, evaluator);
  return {
    schemaVersion: 1,
    tool: 'up',
    toolVersion: '1.7.0',
    stage: 'production',
    region: 'eu-west-1',
    credentials: null,
    identity: null,
    mode: 'offline',
    modeReason: '--policy was given',
    subject: evaluator.subject,
    policySet: 'documented',
    ...outcome,
    ok: outcome.summary.denied === 0 && outcome.summary.unknown === 0,
  };
}

/**
 * The requirement entries of the text report: each line starting with a mark, joined with the indented lines that
 * continue it when a long explanation is wrapped.
 */
function requirementLines(text: string): string[] {
  const entries: string[] = [];
  for (const line of text.split('\n')) {
    if (/^ {2}[✓✗?] /.test(line)) entries.push(line);
    else if (/^ {6}\S/.test(line) && entries.length) entries[entries.length - 1] += ` ${line.trim()}`;
  }
  return entries;
}

describe('renderCheckText', () => {
  it('starts with one header line (tool, stage, region, mode); --verbose adds how and for whom, and the sources', async () => {
    const r = await report();
    const text = renderCheckText(r);
    expect(text.split('\n')[0]).toBe('awsperm check · tool up 1.7.0 · stage production · region eu-west-1 · mode offline');
    expect(text).not.toContain('--policy was given');
    expect(text).not.toContain('source:');
    expect(text).toContain('✗ up.documented — Up documented policy');
    const [head, mode, subject, set] = renderCheckText(r, undefined, { verbose: true }).split('\n');
    expect(head).toBe('awsperm check · tool up 1.7.0 · stage production · region eu-west-1 · mode offline');
    expect(mode).toBe('mode offline: --policy was given');
    expect(subject).toBe('evaluated for: policy files: deployer.json');
    expect(set).toBe('policy set: documented');
    expect(renderCheckText(r, undefined, { verbose: true })).toContain('  source: Up documentation: AWS Credentials <https://apex.sh/docs/up/credentials/>');
  });

  it('names the account when the identity is known', async () => {
    const r = { ...(await report()), identity: { account: '111122223333', arn: 'arn:aws:iam::111122223333:user/ci' } };
    expect(renderCheckText(r).split('\n')[0]).toContain(' · account 111122223333 · region eu-west-1 · ');
  });

  it('lists only the failing requirements, and counts the allowed ones; --verbose lists them all, denied first', async () => {
    const r = await report();
    const brief = requirementLines(renderCheckText(r));
    expect(brief.map((l) => l.slice(2, 3))).toEqual(['✗', '✗']);
    expect(brief[0]).toContain('iam:PassRole');
    expect(brief[0]).toContain('explicitly denied by statement 2 of deployer.json');
    // Counted over concrete actions: those the partly allowed acm:* matches too.
    expect(renderCheckText(r)).toContain(`    … and ${r.summary.allowed} allowed (the verbose option lists them)`);
    expect(r.summary.allowed).toBeGreaterThan(2);
    const lines = requirementLines(renderCheckText(r, undefined, { verbose: true }));
    expect(lines).toHaveLength(4);
    expect(lines.map((l) => l.slice(2, 3))).toEqual(['✗', '✗', '✓', '✓']);
    expect(lines[1]).toContain('acm:*');
    expect(lines[2]).toContain('s3:GetObject');
    expect(lines[3]).toContain('logs:GetLogEvents');
    expect(lines[3]).toContain('  on arn:aws:logs:*:*:log-group:/aws/lambda/app*  ');
  });

  it('lists the first 10 failing requirements of a fragment and counts the rest; --verbose lists every one', async () => {
    const many: PolicyFragment = {
      id: 'tool.roles',
      title: 'roles',
      source: { title: 'test' },
      statements: [{ Effect: 'Allow', Action: ['iam:GetRole', 'iam:CreateRole', 'iam:TagRole', 'iam:DeleteRole'], Resource: ['a', 'b', 'c', 'd', 'e'].map((n) => `arn:aws:iam::111122223333:role/${n}`) }],
    };
    const evaluator = createPolicyEvaluator({ identity: [{ name: 'p.json', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetRole', Resource: '*' }] } }] }, { mode: 'offline', subject: 'p.json' });
    const r = { ...(await report()), ...(await runCheck([many], evaluator)), ok: false };
    const brief = renderCheckText(r);
    expect(requirementLines(brief)).toHaveLength(10);
    expect(brief).toContain('    … and 5 more not allowed, 5 allowed (the verbose option lists them)');
    expect(requirementLines(renderCheckText(r, undefined, { verbose: true }))).toHaveLength(20);
  });

  it('aligns the reasons of rows with and without a resource', async () => {
    const lines = requirementLines(renderCheckText(await report(), undefined, { verbose: true }));
    const s3 = lines.find((l) => l.includes('s3:GetObject'))!;
    const logs = lines.find((l) => l.includes('logs:GetLogEvents'))!;
    expect(s3.indexOf('allowed by')).toBe(logs.indexOf('allowed by'));
    const passRole = lines.find((l) => l.includes('iam:PassRole'))!;
    expect(passRole.indexOf('explicitly denied')).toBe(logs.indexOf('allowed by'));
  });

  it('says how many of a wildcard requirement’s actions are denied, and which', async () => {
    const acm = await expandAction('acm:*');
    const denied = acm.filter((a) => !/^acm:(Describe|List|Get)/.test(a));
    expect(denied.length).toBeGreaterThan(0);
    const line = requirementLines(renderCheckText(await report())).find((l) => l.includes('acm:*'))!;
    expect(line).toContain(`${denied.length} of ${acm.length} matched actions denied`);
    expect(line).toContain(`no statement in the identity policies allows it: ${denied.join(', ')}`);
    expect(line).not.toContain('acm:DescribeCertificate');
  });

  it('says so when none of a wildcard requirement’s actions is allowed, for a single reason', async () => {
    const acm = await expandAction('acm:*');
    const line = requirementLines(renderCheckText(await report([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }]))).find((l) =>
      l.includes('acm:*'),
    )!;
    expect(line.startsWith('  ✗ acm:*')).toBe(true);
    expect(line).toContain(`${acm.length}`);
    expect(line).toContain('no statement in the identity policies allows it');
  });

  it('never wraps without a width (piped output): one line per requirement', async () => {
    const text = renderCheckText(await report());
    const acm = text.split('\n').find((l) => l.includes('acm:*'))!;
    expect(acm.length).toBeGreaterThan(200);
    expect(text.split('\n').filter((l) => /^ {4,}\S/.test(l) && !l.includes('…'))).toEqual([]);
  });

  it('wraps to a width, continuing under the reason column, colour codes not counted', async () => {
    for (const width of [80, 110]) {
      for (const styles of [undefined, colors]) {
        const text = renderCheckText(await report(), styles, { width });
        const lines = text.split('\n');
        const continuation = lines.filter((l) => /^ {6,}\S/.test(l));
        expect(continuation.length).toBeGreaterThan(0);
        for (const line of lines) expect(visibleLength(line), line).toBeLessThanOrEqual(width);
        // The acm:* row continues under its reason column.
        const first = lines.findIndex((l) => l.includes('acm:*'));
        const plainFirst = lines[first]!.replace(/\u001b\[[0-9;]*m/g, '');
        expect(lines[first + 1]!.match(/^ */)![0].length).toBe(plainFirst.search(/\d+ of \d+ matched actions denied/));
      }
    }
    // Narrower than the columns: the resource and the reason go below the action.
    const narrow = renderCheckText(await report(), colors, { width: 56, verbose: true }).split('\n');
    for (const line of narrow) expect(visibleLength(line), line).toBeLessThanOrEqual(56);
    expect(narrow.map((l) => l.replace(/\u001b\[[0-9;]*m/g, ''))).toContain('      on arn:aws:logs:*:*:log-group:/aws/lambda/app*');
    // Coloured, some line is longer than the width in bytes: the codes were not counted.
    const coloured = renderCheckText(await report(), colors, { width: 80 }).split('\n');
    expect(coloured.some((l) => l.length > 80)).toBe(true);
  });

  it('ends with an NOT OK summary line with the counts', async () => {
    const r = await report();
    const text = renderCheckText(r);
    const acmCount = (await expandAction('acm:*')).length;
    const lines = text.trimEnd().split('\n');
    expect(lines.at(-1)).toBe(summaryLine(r));
    expect(lines.at(-1)).toBe(
      `NOT OK: ${acmCount + 3} required actions checked — ${r.summary.allowed} allowed, ${r.summary.denied} denied.`,
    );
    expect(r.summary.allowed + r.summary.denied).toBe(acmCount + 3);
  });

  it('says OK with one line per passing fragment; --verbose says "all N matched actions allowed"', async () => {
    const r = await report([{ Effect: 'Allow', Action: '*', Resource: '*' }]);
    const text = renderCheckText(r);
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^OK: \d+ required actions checked — \d+ allowed\.$/);
    expect(text).toContain(`\n✓ up.documented  ${r.summary.required} allowed\n`);
    expect(requirementLines(text)).toEqual([]);
    const verbose = renderCheckText(r, undefined, { verbose: true });
    expect(verbose).toMatch(/all \d+ matched actions allowed/);
    expect(requirementLines(verbose).every((l) => l.startsWith('  ✓'))).toBe(true);
  });

  it('prints the fix: the policy to grant as IAM takes it, and the statement a grant cannot lift', async () => {
    const r = await report();
    const fix = await buildFix(fragments, r, 'awsperm-up-missing');
    const text = renderCheckText({ ...r, ...(fix ? { fix } : {}) });
    const lines = text.split('\n');
    const start = lines.findIndex((l) => l.startsWith('Fix: grant the caller this policy'));
    expect(start).toBeGreaterThan(0);
    const end = lines.findIndex((l, i) => i > start && l === '}');
    const document = JSON.parse(lines.slice(start + 1, end + 1).join('\n'));
    expect(document).toEqual(fix!.policies[0]!.document);
    expect(JSON.stringify(document)).not.toContain('iam:PassRole');
    expect(text).toContain('Also: no grant to the caller can lift this denial; change:');
    expect(text).toContain('  ✗ statement 2 of deployer.json denies iam:PassRole: narrow or remove it');
    expect(lines.at(-2)).toBe(summaryLine(r));
  });

  it('colours only when given colour styles', async () => {
    const r = await report();
    expect(renderCheckText(r)).not.toContain('\u001b[');
    const coloured = renderCheckText(r, colors);
    expect(coloured).toContain('\u001b[31m✗\u001b[39m');
    expect(coloured).toContain(`\u001b[31m${summaryLine(r)}\u001b[39m`);
  });
});

describe('renderCheckText: "*" on "*" in a documented set', () => {
  const placeholder: PolicyFragment = {
    id: 'tool.placeholder',
    title: 'the docs\' placeholder for the app\'s resources',
    source: { title: 'docs' },
    statements: [{ Effect: 'Allow', Action: ['*'], Resource: ['*'] }],
  };
  const build = async (policySet: CheckReport['policySet']): Promise<CheckReport> => {
    const evaluator = createPolicyEvaluator(
      { identity: [{ name: 'deployer.json', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] } }] },
      { mode: 'offline', subject: 'policy files: deployer.json' },
    );
    const outcome = await runCheck([placeholder], evaluator);
    return { ...(await report()), policySet, ...outcome, ok: false };
  };

  it('a note names the fragment that asks for every action on every resource; the precise set gets none', async () => {
    const text = renderCheckText(await build('documented'));
    const note = text.split('\n').find((l) => l.startsWith('Note:'))!;
    expect(note).toContain('"*" on "*" (tool.placeholder) is every action on every resource');
    expect(renderCheckText(await build('precise'))).not.toContain('Note:');
  });

  it('names the first 40 denied actions of a pattern that matches thousands, and counts the rest', async () => {
    const r = await build('documented');
    const denied = r.results.filter((x) => x.decision !== 'allowed');
    expect(denied.length).toBeGreaterThan(1000);
    const line = requirementLines(renderCheckText(r)).find((l) => l.startsWith('  ✗ *'))!;
    expect(line).toContain(`${denied[39]!.action} and ${denied.length - 40} more`);
    expect(line).not.toContain(`${denied[40]!.action},`);
    expect(renderCheckText(r).split('\n').length).toBeLessThan(40);
  });
});

describe('summaryLine and describeRequirement', () => {
  it('mentions context-dependent actions and the singular form', async () => {
    const r = await report();
    r.summary = { required: 1, allowed: 0, denied: 0, unknown: 1 };
    r.ok = false;
    expect(summaryLine(r)).toBe('NOT OK: 1 required action checked — 0 allowed, 1 depend on context.');
  });

  it('gives a concrete requirement its own reason', async () => {
    const r = await report();
    const s3 = r.fragments[0]!.requirements.find((q) => q.action === 's3:GetObject')!;
    expect(describeRequirement(s3)).toBe('allowed by statement 1 of deployer.json');
  });

  it('problems() returns the results that are not allowed', async () => {
    const r = await report();
    expect(problems(r.results).map((p) => p.decision)).not.toContain('allowed');
    expect(problems(r.results)).toHaveLength(r.summary.denied + r.summary.unknown);
  });
});

describe('renderCheckMarkdown', () => {
  it('renders a heading, the summary, the facts and a table per fragment', async () => {
    const r = await report();
    const md = renderCheckMarkdown(r);
    expect(md.startsWith('## awsperm check: up\n')).toBe(true);
    expect(md).toContain(`**${summaryLine(r)}**`);
    expect(md).toContain('- Mode: offline (--policy was given)');
    expect(md).toContain('### `up.documented` — Up documented policy');
    expect(md).toContain('Source: [Up documentation: AWS Credentials](https://apex.sh/docs/up/credentials/)');
    expect(md).toContain('| | Action | Resource | Details |\n|---|---|---|---|\n');
    const rows = md.split('\n').filter((l) => /^\| (✅|❌|⛔|❔) \|/.test(l));
    expect(rows).toHaveLength(4);
    expect(rows[0]).toMatch(/^\| ⛔ \| `iam:PassRole` \| `\*` \|/);
    expect(rows.at(-1)).toMatch(/^\| ✅ \| `logs:GetLogEvents` \|/);
  });

  it('lists a passing fragment as one row of a table, and every requirement with verbose', async () => {
    const r = await report([{ Effect: 'Allow', Action: '*', Resource: '*' }]);
    const md = renderCheckMarkdown(r);
    expect(md).toContain(`| ✅ | \`up.documented\` — Up documented policy | ${r.summary.required} |`);
    expect(md).not.toContain('| | Action | Resource | Details |');
    expect(renderCheckMarkdown(r, { verbose: true })).toContain('| | Action | Resource | Details |');
  });

  it('escapes pipes inside cells', async () => {
    const r = await report();
    r.fragments[0]!.title = 'a | b';
    expect(renderCheckMarkdown(r)).toContain('a \\| b');
  });
});

describe('renderCheckJson', () => {
  it('is valid JSON with schemaVersion 1, flat results, and fragments reduced to id, title and source', async () => {
    const r = await report();
    const text = renderCheckJson(r);
    expect(text.endsWith('\n')).toBe(true);
    const json = JSON.parse(text);
    expect(json.schemaVersion).toBe(1);
    expect(json.ok).toBe(false);
    expect(json.summary).toEqual(r.summary);
    expect(json.results).toHaveLength(r.results.length);
    expect(json.fragments).toEqual([
      { id: 'up.documented', title: 'Up documented policy', source: { title: 'Up documentation: AWS Credentials', url: 'https://apex.sh/docs/up/credentials/' } },
    ]);
    expect(text).not.toContain('"requirements"');
  });

  it('does not alter the report it renders', async () => {
    const r = await report();
    renderCheckJson(r);
    expect(r.fragments[0]!.requirements.length).toBe(4);
  });
});

describe('shouldColor', () => {
  it('follows NO_COLOR, FORCE_COLOR and the TTY', () => {
    expect(shouldColor({ isTTY: true }, {})).toBe(true);
    expect(shouldColor({ isTTY: false }, {})).toBe(false);
    expect(shouldColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(shouldColor({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(shouldColor({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(shouldColor({ isTTY: true }, { FORCE_COLOR: '0' })).toBe(false);
    expect(shouldColor({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
  });
});
