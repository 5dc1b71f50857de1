import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AwspermError } from '../errors.ts';
import { parseTemplate } from './parse.ts';

/** The TEMPLATE_INVALID error `parseTemplate` must throw for `text`. */
async function parseError(text: string, file = 'stack.yaml'): Promise<AwspermError> {
  try {
    await parseTemplate(text, file);
  } catch (e) {
    expect(AwspermError.is(e), String(e)).toBe(true);
    expect((e as AwspermError).code).toBe('TEMPLATE_INVALID');
    return e as AwspermError;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

const props = async (yaml: string): Promise<Record<string, unknown>> =>
  (await parseTemplate(`Resources:\n  R:\n    Type: AWS::S3::Bucket\n    Properties:\n${yaml}`, 't.yaml')).Resources.R!.Properties!;

describe('parseTemplate: YAML short forms', () => {
  it('turns every short-form tag into its long form', async () => {
    const p = await props(
      [
        '      Ref: !Ref Name',
        '      AttDot: !GetAtt Fn.Arn',
        '      AttDots: !GetAtt Db.Endpoint.Address',
        '      AttList: [!GetAtt [Fn, Arn]]',
        "      SubStr: !Sub '${AWS::StackName}-b'",
        "      SubList: !Sub ['${a}', {a: !Ref B}]",
        "      Join: !Join [',', [!Ref A, !Select [0, !GetAZs '']]]",
        '      If: !If [C, !Base64 {"Fn::Sub": x}, !Ref AWS::NoValue]',
        '      Logic: !And [!Equals [a, b], !Or [!Not [!Condition C], !Condition D]]',
        '      Cidr: !Cidr [!GetAtt V.CidrBlock, 6, 8]',
        "      Map: !FindInMap [M, !Ref 'AWS::Region', k]",
        '      Import: {"Fn::ImportValue": !Sub x}',
        '      Split: !Split [",", !ImportValue y]',
        '      Transform: !Transform {Name: AWS::Include, Parameters: {Location: s3://b/k}}',
      ].join('\n'),
    );
    expect(p).toEqual({
      Ref: { Ref: 'Name' },
      AttDot: { 'Fn::GetAtt': ['Fn', 'Arn'] },
      AttDots: { 'Fn::GetAtt': ['Db', 'Endpoint.Address'] },
      AttList: [{ 'Fn::GetAtt': ['Fn', 'Arn'] }],
      SubStr: { 'Fn::Sub': '${AWS::StackName}-b' },
      SubList: { 'Fn::Sub': ['${a}', { a: { Ref: 'B' } }] },
      Join: { 'Fn::Join': [',', [{ Ref: 'A' }, { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] }]] },
      If: { 'Fn::If': ['C', { 'Fn::Base64': { 'Fn::Sub': 'x' } }, { Ref: 'AWS::NoValue' }] },
      Logic: { 'Fn::And': [{ 'Fn::Equals': ['a', 'b'] }, { 'Fn::Or': [{ 'Fn::Not': [{ Condition: 'C' }] }, { Condition: 'D' }] }] },
      Cidr: { 'Fn::Cidr': [{ 'Fn::GetAtt': ['V', 'CidrBlock'] }, 6, 8] },
      Map: { 'Fn::FindInMap': ['M', { Ref: 'AWS::Region' }, 'k'] },
      Import: { 'Fn::ImportValue': { 'Fn::Sub': 'x' } },
      Split: { 'Fn::Split': [',', { 'Fn::ImportValue': 'y' }] },
      Transform: { 'Fn::Transform': { Name: 'AWS::Include', Parameters: { Location: 's3://b/k' } } },
    });
  });

  it('reads JSON templates, with or without a .json extension, and a byte-order mark', async () => {
    const text = '\ufeff{"Resources": {"T": {"Type": "AWS::SQS::Queue"}}}';
    expect((await parseTemplate(text, 'a.json')).Resources.T!.Type).toBe('AWS::SQS::Queue');
    expect((await parseTemplate(text, 'a.template')).Resources.T!.Type).toBe('AWS::SQS::Queue');
  });
});

describe('parseTemplate: bad input', () => {
  it('names file:line:column for malformed YAML and JSON, without echoing the content', async () => {
    const yaml = await parseError('Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties: [wJalrXUtnFEMI,\n');
    expect(yaml.message).toMatch(/^stack\.yaml:\d+:\d+: malformed YAML: /);
    expect(yaml.message).not.toContain('wJalrXUtnFEMI');
    const json = await parseError('{"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {"Secret": "wJalrXUtnFEMI"', 'stack.json');
    expect(json.message).toMatch(/^stack\.json:1:\d+: malformed JSON: /);
    expect(json.message).not.toContain('wJalrXUtnFEMI');
  });
  it('rejects unknown tags, duplicate keys and an empty file', async () => {
    expect((await parseError('Resources:\n  B:\n    Type: !Foo x\n')).message).toBe('stack.yaml:3:11: malformed YAML: unknown tag: !Foo');
    expect((await parseError('Resources:\n  A: {Type: AWS::S3::Bucket}\n  A: {Type: AWS::S3::Bucket}\n')).message).toMatch(/stack\.yaml:3:3: malformed YAML: Map keys must be unique/);
    expect((await parseError('  \n')).message).toBe('stack.yaml: the file is empty');
  });
  it('rejects documents that are not templates', async () => {
    expect((await parseError('- 1\n')).message).toMatch(/not a CloudFormation template: the document is a list/);
    expect((await parseError('AWSTemplateFormatVersion: "2010-09-09"\n')).message).toMatch(/not a CloudFormation template: it has no Resources section/);
    expect((await parseError('Resources: {}\n')).message).toMatch(/Resources is empty/);
    expect((await parseError('Resources:\n  A: 1\n')).message).toMatch(/resource "A" must be a mapping/);
    expect((await parseError('Resources:\n  A: {Properties: {}}\n')).message).toMatch(/resource "A" has no Type/);
    expect((await parseError('Resources:\n  A: {Type: bucket}\n')).message).toMatch(/resource "A" has Type "bucket", not of the form/);
    expect((await parseError('Resources:\n  A: {Type: AWS::S3::Bucket, Properties: [1]}\n')).message).toMatch(/Properties must be a mapping/);
  });
});

describe('parseTemplate: fuzz (fast-check)', () => {
  const RUNS = { seed: 4242, numRuns: 400 };
  /** Parses and allows only AwspermError; returns whether the prototype of plain objects stayed clean. */
  const survive = async (text: string, file: string): Promise<void> => {
    try {
      await parseTemplate(text, file);
    } catch (e) {
      if (!AwspermError.is(e)) throw e;
      expect(e.message.split('\n')).toHaveLength(1);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  };

  const valid = [
    'Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Role: !GetAtt Role.Arn\n      Code: {ZipFile: !Sub "x-${AWS::Region}"}\n',
    '{"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": {"Fn::Join": ["-", ["a", {"Ref": "AWS::AccountId"}]]}}}}}',
  ];

  it('random text never crashes with anything but AwspermError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), fc.constantFrom('t.yaml', 't.json'), (text, file) => survive(text, file)),
      RUNS,
    );
  });

  it('mutated templates (characters replaced, inserted, cut) never crash', async () => {
    const mutation = fc.tuple(fc.constantFrom(...valid), fc.nat(), fc.nat({ max: 20 }), fc.string({ maxLength: 8 }));
    await fc.assert(
      fc.asyncProperty(mutation, fc.constantFrom('t.yaml', 't.json'), ([base, at, cut, insert], file) => {
        const i = at % (base.length + 1);
        return survive(base.slice(0, i) + insert + base.slice(i + cut), file);
      }),
      RUNS,
    );
  });

  it('__proto__, constructor and prototype keys stay plain data and pollute nothing', async () => {
    const key = fc.constantFrom('__proto__', 'constructor', 'prototype', 'Resources', 'Type', 'polluted');
    await fc.assert(
      fc.asyncProperty(key, key, fc.boolean(), (a, b, asJson) => {
        const text = asJson
          ? `{"Resources": {"${a}": {"Type": "AWS::S3::Bucket", "Properties": {"${b}": {"polluted": true}}}}, "${b}": {"polluted": true}}`
          : `Resources:\n  ${a}:\n    Type: AWS::S3::Bucket\n    Properties:\n      ${b}: {polluted: true}\n${b}:\n  polluted: true\n`;
        return survive(text, asJson ? 't.json' : 't.yaml');
      }),
      RUNS,
    );
    const t = await parseTemplate('Resources:\n  __proto__:\n    Type: AWS::S3::Bucket\n', 't.yaml');
    expect(Object.keys(t.Resources)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(t.Resources)).toBe(Object.prototype);
  });

  it('alias bombs end in an error, not a hang', async () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 9; i++) lines.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`);
    const started = Date.now();
    await expect(parseTemplate(`${lines.join('\n')}\nResources: {A: {Type: AWS::S3::Bucket}}\n`, 'bomb.yaml')).rejects.toThrow(/malformed YAML/);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
