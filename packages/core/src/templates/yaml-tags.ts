import type { CollectionTag, ScalarTag, YAMLMap, YAMLSeq } from 'yaml';

/**
 * The CloudFormation functions that have a YAML short form `!Name` for `Fn::Name`
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html).
 * `!Ref`, `!Condition` and `!GetAtt` are special-cased in {@link cfnYamlTags}.
 */
const FN_TAGS = [
  'And',
  'Base64',
  'Cidr',
  'Contains',
  'EachMemberEquals',
  'EachMemberIn',
  'Equals',
  'FindInMap',
  'ForEach',
  'GetAZs',
  'If',
  'ImportValue',
  'Join',
  'Length',
  'Not',
  'Or',
  'RefAll',
  'Select',
  'Split',
  'Sub',
  'ToJsonString',
  'Transform',
  'ValueOf',
  'ValueOfAll',
] as const;

type Wrap = (value: unknown) => unknown;

function toJs(node: YAMLMap | YAMLSeq): unknown {
  return node.toJSON();
}

// One tag per node kind: a function may be applied to a scalar (`!Sub 'x'`), a sequence (`!Sub [x, {}]`) or a
// mapping (`!Transform {Name: x}`).
function tagsFor(tag: string, wrap: Wrap): Array<ScalarTag | CollectionTag> {
  return [
    { tag, resolve: (str: string) => wrap(str) } as ScalarTag,
    { tag, collection: 'seq', resolve: (seq) => wrap(toJs(seq as YAMLSeq)) } as CollectionTag,
    { tag, collection: 'map', resolve: (map) => wrap(toJs(map as YAMLMap)) } as CollectionTag,
  ];
}

function getAtt(value: unknown): unknown {
  if (typeof value !== 'string') return { 'Fn::GetAtt': value };
  const dot = value.indexOf('.');
  // `!GetAtt Resource.Attribute.With.Dots`: the logical id has no dots, the attribute may.
  return { 'Fn::GetAtt': dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
}

/**
 * Custom tags for the `yaml` library that turn CloudFormation's short-form intrinsic functions into their long
 * form, as CloudFormation itself does: `!Ref x` → `{ Ref: x }`, `!GetAtt a.b` → `{ "Fn::GetAtt": ["a", "b"] }`,
 * `!Condition c` → `{ Condition: c }`, `!Sub …` → `{ "Fn::Sub": … }`.
 */
export function cfnYamlTags(): Array<ScalarTag | CollectionTag> {
  return [
    ...tagsFor('!Ref', (v) => ({ Ref: v })),
    ...tagsFor('!Condition', (v) => ({ Condition: v })),
    ...tagsFor('!GetAtt', getAtt),
    ...FN_TAGS.flatMap((name) => tagsFor(`!${name}`, (v) => ({ [`Fn::${name}`]: v }))),
  ];
}
