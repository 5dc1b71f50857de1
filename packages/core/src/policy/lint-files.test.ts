import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { relative } from 'node:path';
import { mutated, mutatedJson } from '@awsperm/test-utils/fuzz-kit';
import { tempFile } from '@awsperm/test-utils/session';
import * as ajvDraft04 from 'ajv-draft-04';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonValueOffsets, lineColumn, lineStarts } from './json-positions.ts';
import { lintFiles, lintPolicies } from './lint.ts';
import { renderLintSarif } from './lint-sarif.ts';

describe('jsonValueOffsets', () => {
  it('maps every value to its offset, keys escaped as JSON pointers', () => {
    const text = '{ "a": [1, {"b/c": "x"}, []], "d\\u0022": {"e": true}, "a2": null }';
    const offsets = jsonValueOffsets(text);
    const at = (path: string) => text.slice(offsets.get(path)!, offsets.get(path)! + 4);
    expect(at('')).toBe('{ "a');
    expect(at('/a/0')).toBe('1, {');
    expect(at('/a/1/b~1c')).toBe('"x"}');
    expect(at('/a/2')).toBe('[]],');
    expect(at('/d"/e')).toBe('true');
    expect(at('/a2')).toBe('null');
  });
  it('records nothing deeper than a policy needs, without recursion', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const offsets = jsonValueOffsets(deep);
    expect(offsets.size).toBe(11);
  });
  it('converts offsets to 1-based lines and columns', () => {
    const starts = lineStarts('ab\ncd\n\nx');
    expect([0, 1, 3, 6, 7].map((o) => lineColumn(starts, o))).toEqual([
      { line: 1, column: 1 },
      { line: 1, column: 2 },
      { line: 2, column: 1 },
      { line: 3, column: 1 },
      { line: 4, column: 1 },
    ]);
  });
});

const threeBroken = `{
  "Version": "2012-10-17",
  "Statement": [
    { "Sid": "NoResource", "Effect": "Allow", "Action": "s3:GetObject" },
    { "Effect": "Allow", "Action": ["s3:*", "s3:GetObject"], "Resource": "*" },
    { "Sid": "BadEffect", "Effect": "Permit", "Action": "s3:GetObject", "Resource": "*" },
    { "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b", "Extra": 1 }
  ]
}
`;

/** `line:column` of the `nth` occurrence of `needle` in `text`. */
function positionOf(text: string, needle: string, nth = 1): string {
  let at = -1;
  for (let k = 0; k < nth; k++) at = text.indexOf(needle, at + 1);
  expect(at).toBeGreaterThanOrEqual(0);
  const before = text.slice(0, at).split('\n');
  return `${before.length}:${before.at(-1)!.length + 1}`;
}

describe('lintFiles', () => {
  it('reports all three broken statements, and the others, each with file:line:column and Sid', async () => {
    const file = tempFile('three.json', threeBroken);
    const findings = await lintFiles([file]);
    expect(findings.map((f) => `${f.line}:${f.column} ${f.statement} ${f.sid ?? '-'} ${f.code}`)).toEqual([
      `${positionOf(threeBroken, '{ "Sid": "NoResource"')} 1 NoResource invalid-statement`,
      `${positionOf(threeBroken, '"s3:GetObject"', 2)} 2 - redundant-action`,
      `${positionOf(threeBroken, '"Permit"')} 3 BadEffect invalid-statement`,
      `${positionOf(threeBroken, '1 }')} 4 - invalid-statement`,
    ]);
    expect(findings.every((f) => f.file === file)).toBe(true);
    expect(findings.filter((f) => f.invalidInput).length).toBe(3);
  });
  it('a JSON syntax error or a missing file does not stop the other files', async () => {
    const badText = '{\n  "Version": "2012-10-17",\n  "Statement": [ }\n';
    const goodText = JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:GetObjekt', Resource: '*' } });
    const bad = tempFile('bad.json', badText);
    const good = tempFile('good.json', goodText);
    const findings = await lintFiles([bad, '/nonexistent/p.json', good]);
    expect(findings.map((f) => [f.file, f.code, f.line === undefined ? undefined : `${f.line}:${f.column}`])).toEqual([
      [bad, 'json-syntax', positionOf(badText, '}\n')],
      ['/nonexistent/p.json', 'file-unreadable', undefined],
      [good, 'unknown-action', positionOf(goodText, '"s3:GetObjekt"')],
    ]);
    expect(findings[0]!.message).toBe('malformed JSON: expected a value');
  });
  it('locates findings in a list of policies and in the AWS CLI wrapper', async () => {
    const text = JSON.stringify([{ Statement: { Effect: 'Allow', Action: 's3:Nope', Resource: '*' } }, { PolicyVersion: { Document: { Statement: [{ Effect: 'Allow', Action: 'sqs:Nope', Resource: '*' }] } } }], null, 1);
    const findings = await lintFiles([tempFile('list.json', text)]);
    expect(findings.map((f) => `${f.policy.slice(-3)} ${f.statement} ${f.line}:${f.column} ${f.code}`)).toEqual([
      `[0] 1 ${positionOf(text, '"s3:Nope"')} unknown-action`,
      `[1] 1 ${positionOf(text, '"sqs:Nope"')} unknown-action`,
    ]);
  });
});

describe('lint on arbitrary input', () => {
  const seed = { Version: '2012-10-17', Statement: [{ Sid: 'A', Effect: 'Allow', Action: ['s3:GetObject', 's3:*'], Resource: ['arn:aws:s3:::b/*', '*'], Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } } }] };
  const keys = ['Version', 'Statement', 'Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition', 'PolicyVersion', 'Document'];
  it('lintFiles answers with findings for any text, positions inside the text', async () => {
    const file = tempFile('fuzz.json', '');
    await fc.assert(
      fc.asyncProperty(mutatedJson(seed, keys), async (text) => {
        writeFileSync(file, text);
        const lines = text.replace(/^\uFEFF/, '').split('\n');
        for (const f of await lintFiles([file])) {
          if (f.line === undefined) continue;
          expect(f.line).toBeGreaterThanOrEqual(1);
          expect(f.line).toBeLessThanOrEqual(lines.length);
          expect(f.column).toBeGreaterThanOrEqual(1);
          expect(f.column!).toBeLessThanOrEqual(lines[f.line - 1]!.length + 1);
        }
      }),
      { numRuns: 150 },
    );
  });
  it('lintPolicies answers for any value, valid or not', async () => {
    await fc.assert(
      fc.asyncProperty(mutated(seed, keys), async (value) => {
        const findings = await lintPolicies([{ name: 'p.json', document: value as never }]);
        expect(Array.isArray(findings)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

/**
 * The required properties of the SARIF 2.1.0 schema (sarif-schema-2.1.0.json, OASIS) for what awsperm writes:
 * sarifLog {version, runs}, run {tool}, tool {driver}, toolComponent {name}, reportingDescriptor {id},
 * multiformatMessageString {text}, result {message} (+ ruleId/ruleIndex consistency), message {text|id},
 * physicalLocation {artifactLocation|address}, region {startLine ≥ 1, startColumn ≥ 1}, level enum.
 */
function sarifProblems(log: unknown): string[] {
  const problems: string[] = [];
  const need = (ok: boolean, what: string) => {
    if (!ok) problems.push(what);
  };
  const obj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const str = (v: unknown) => typeof v === 'string' && v !== '';
  if (!obj(log)) return ['log is not an object'];
  need(log.version === '2.1.0', 'version is "2.1.0"');
  need(typeof log.$schema === 'string' && /^https?:\/\//.test(log.$schema), '$schema is a URI');
  need(Array.isArray(log.runs) && log.runs.length > 0, 'runs is a non-empty array');
  for (const run of (log.runs as unknown[]) ?? []) {
    if (!obj(run) || !obj(run.tool) || !obj(run.tool.driver)) {
      problems.push('run.tool.driver');
      continue;
    }
    const driver = run.tool.driver;
    need(str(driver.name), 'driver.name');
    need(str(driver.version), 'driver.version');
    need(typeof driver.informationUri === 'string' && URL.canParse(driver.informationUri), 'driver.informationUri is a URI');
    const rules = driver.rules as unknown[];
    need(Array.isArray(rules) && rules.length > 0, 'driver.rules');
    const ids = new Set<string>();
    for (const r of rules ?? []) {
      need(obj(r) && str(r.id), 'rule.id');
      if (!obj(r)) continue;
      need(!ids.has(r.id as string), `rule id ${r.id} unique`);
      ids.add(r.id as string);
      need(obj(r.shortDescription) && str(r.shortDescription.text), `rule ${r.id} shortDescription.text`);
      need(obj(r.help) && str(r.help.text), `rule ${r.id} help.text`);
      if (r.defaultConfiguration !== undefined) need(obj(r.defaultConfiguration) && ['none', 'note', 'warning', 'error'].includes(r.defaultConfiguration.level as string), `rule ${r.id} level`);
    }
    need(Array.isArray(run.results), 'run.results is an array');
    for (const res of (run.results as unknown[]) ?? []) {
      if (!obj(res)) {
        problems.push('result is an object');
        continue;
      }
      need(obj(res.message) && str(res.message.text), 'result.message.text');
      need(str(res.ruleId) && ids.has(res.ruleId as string), `result.ruleId ${res.ruleId} names a rule`);
      if (res.ruleIndex !== undefined) need(obj(rules[res.ruleIndex as number]) && (rules[res.ruleIndex as number] as { id: string }).id === res.ruleId, 'ruleIndex matches ruleId');
      need(['none', 'note', 'warning', 'error'].includes(res.level as string), 'result.level');
      need(Array.isArray(res.locations) && res.locations.length > 0, 'result.locations');
      for (const loc of (res.locations as unknown[]) ?? []) {
        const pl = obj(loc) ? loc.physicalLocation : undefined;
        need(obj(pl) && obj(pl.artifactLocation) && str(pl.artifactLocation.uri), 'physicalLocation.artifactLocation.uri');
        if (!obj(pl) || !obj(pl.artifactLocation)) continue;
        const uri = pl.artifactLocation.uri as string;
        need(URL.canParse(uri, 'file:///base/'), `uri ${uri} is a URI reference`);
        if (pl.region !== undefined) {
          const region = pl.region as Record<string, unknown>;
          need(Number.isInteger(region.startLine) && (region.startLine as number) >= 1, 'region.startLine ≥ 1');
          need(Number.isInteger(region.startColumn) && (region.startColumn as number) >= 1, 'region.startColumn ≥ 1');
        }
      }
    }
  }
  return problems;
}

describe('renderLintSarif', () => {
  it('writes a SARIF 2.1.0 log with the required properties, URIs relative to the directory', async () => {
    const file = tempFile('three.json', threeBroken);
    const findings = await lintFiles([file, '/nonexistent/p.json']);
    const cwd = file.slice(0, file.lastIndexOf('/'));
    const log = JSON.parse(renderLintSarif(findings, { version: '1.2.3', cwd }));
    expect(sarifProblems(log)).toEqual([]);
    const results = log.runs[0].results;
    expect(results).toHaveLength(findings.length);
    expect(results[0]).toMatchObject({
      ruleId: 'invalid-statement',
      level: 'error',
      message: { text: 'statement 1 (Sid "NoResource"): a statement needs exactly one of Resource and NotResource' },
      locations: [{ physicalLocation: { artifactLocation: { uri: relative(cwd, file) }, region: { startLine: 4, startColumn: 5 } } }],
    });
    expect(results.at(-1).locations[0].physicalLocation.artifactLocation.uri).toBe('file:///nonexistent/p.json');
    expect(results.at(-1).locations[0].physicalLocation.region).toBeUndefined();
  });
  it('the structural check catches a log missing required properties', () => {
    const broken = { version: '2.1.0', $schema: 'https://x', runs: [{ tool: { driver: { name: 'awsperm', version: '1', informationUri: 'x y', rules: [{ id: 'a' }] } }, results: [{ ruleId: 'b', level: 'bad', message: {}, locations: [] }] }] };
    expect(sarifProblems(broken)).toEqual([
      'driver.informationUri is a URI',
      'rule a shortDescription.text',
      'rule a help.text',
      'result.message.text',
      'result.ruleId b names a rule',
      'result.level',
      'result.locations',
    ]);
  });
});

describe('renderLintSarif against the SARIF 2.1.0 JSON schema', () => {
  // The schema GitHub code scanning validates uploads with (sarif-2.1.0-rtm.5.json, a draft-04 schema), as
  // microsoft/sarif-js-sdk publishes it in @microsoft/jest-sarif; read from node_modules, not copied. One of its
  // patterns (language) is not a valid Unicode regular expression, hence unicodeRegExp: false. ajv-draft-04 is
  // CommonJS: its class is the default export of its module.exports.
  const schemaFile = createRequire(import.meta.url).resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
  const validate = new ajvDraft04.default.default({ allErrors: true, strict: false, unicodeRegExp: false }).compile(JSON.parse(readFileSync(schemaFile, 'utf8')));
  const problems = (log: unknown) => (validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));

  it('the log of a file with broken statements, a malformed file and a missing file validates', async () => {
    const dir = tempFile('three.json', threeBroken);
    const malformed = tempFile('bad.json', '{ "Version": ');
    const findings = await lintFiles([dir, malformed, '/nonexistent/p.json']);
    expect(findings.length).toBeGreaterThan(4);
    const log = JSON.parse(renderLintSarif(findings, { version: '1.2.3', cwd: dir.slice(0, dir.lastIndexOf('/')) }));
    expect(problems(log)).toEqual([]);
  });
  it('a log with no findings validates, and the schema rejects a broken log (the check can fail)', () => {
    const log = JSON.parse(renderLintSarif([], { version: '1.2.3', cwd: '/' }));
    expect(problems(log)).toEqual([]);
    expect(problems({ ...log, version: '2.0.0' }).length).toBeGreaterThan(0);
    expect(problems({ ...log, runs: [{ ...log.runs[0], results: [{ message: {}, level: 'fatal' }] }] }).length).toBeGreaterThan(0);
  });
});
