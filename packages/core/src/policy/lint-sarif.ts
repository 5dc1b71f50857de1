import { isAbsolute, relative, resolve, sep } from 'node:path';
import { LINT_RULES, type LintCode, type LintFinding } from './lint.ts';

/** Options of {@link renderLintSarif}. */
export interface LintSarifOptions {
  /** The tool's version (`tool.driver.version`). */
  version: string;
  /** Directory the artifact URIs are relative to (default: the current directory). */
  cwd?: string;
  /** `tool.driver.informationUri`. */
  informationUri?: string;
}

function artifactUri(file: string, cwd: string): string {
  const rel = relative(cwd, resolve(cwd, file));
  // Outside the directory: an absolute file URI; inside it: a relative reference with forward slashes.
  if (rel.startsWith('..') || isAbsolute(rel)) return new URL(`file://${resolve(cwd, file).split(sep).map(encodeURIComponent).join('/')}`).href;
  return rel.split(sep).map(encodeURIComponent).join('/');
}

function where(f: LintFinding): string {
  const policy = /\[(\d+)\]$/.exec(f.policy);
  const parts = [policy ? `policy ${Number(policy[1]) + 1}` : '', f.statement !== undefined ? `statement ${f.statement}${f.sid ? ` (Sid "${f.sid}")` : ''}` : ''];
  const text = parts.filter(Boolean).join(', ');
  return text ? `${text}: ` : '';
}

/**
 * Renders lint findings as a SARIF 2.1.0 log (for GitHub code scanning and other SARIF viewers): one run, the
 * driver `awsperm` with every lint rule, one result per finding located by file, line and column.
 */
export function renderLintSarif(findings: LintFinding[], options: LintSarifOptions): string {
  const cwd = options.cwd ?? process.cwd();
  const codes = Object.keys(LINT_RULES) as LintCode[];
  const log = {
    $schema: 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'awsperm',
            version: options.version,
            informationUri: options.informationUri ?? 'https://www.npmjs.com/package/awsperm',
            rules: codes.map((id) => ({
              id,
              name: id.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase()),
              shortDescription: { text: LINT_RULES[id].title },
              help: { text: LINT_RULES[id].help },
              defaultConfiguration: { level: LINT_RULES[id].severity },
            })),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.code,
          ruleIndex: codes.indexOf(f.code),
          level: f.severity,
          message: { text: `${where(f)}${f.message}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: artifactUri(f.file ?? f.policy.replace(/\[\d+\]$/, ''), cwd) },
                ...(f.line !== undefined ? { region: { startLine: f.line, startColumn: f.column ?? 1 } } : {}),
              },
            },
          ],
        })),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
