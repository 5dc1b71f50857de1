import { extname } from 'node:path';
import { AwspermError } from '../errors.ts';
import { isRecord, parseJson, readTextFile } from '../json.ts';
import type { CfnTemplate } from './types.ts';
import { cfnYamlTags } from './yaml-tags.ts';

const TYPE_FORM = /^[A-Za-z0-9]+(::[A-Za-z0-9_@.-]+)+$/;
const TEMPLATE_HINT =
  'A CloudFormation template is a JSON or YAML mapping with a Resources section of at least one resource, each with a Type.';

function invalid(file: string, message: string, hint = TEMPLATE_HINT): never {
  throw AwspermError.from('TEMPLATE_INVALID', { file, detail: message }, { hint });
}

// Names from the file go into messages quoted and cut short: a template is not a secret store, but it is not ours.
function quote(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}…` : value);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'a mapping' : `a ${typeof value}`;
}

// The YAML library is loaded only when a YAML template is read: importing it costs more than Node's own start-up.
async function parseYaml(text: string, file: string): Promise<unknown> {
  const { parseDocument } = await import('yaml');
  const doc = parseDocument(text, { customTags: cfnYamlTags(), prettyErrors: true, uniqueKeys: true, version: '1.2' });
  const problem = doc.errors[0] ?? doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
  if (problem) {
    const at = problem.linePos?.[0];
    const where = at ? `${file}:${at.line}:${at.col}` : file;
    // The library's message quotes the offending lines after " at line …"; only the reason is kept.
    const reason = problem.message.split(/ at line \d+/)[0]!.split('\n')[0]!.replace(/^Unresolved tag/, 'unknown tag');
    throw AwspermError.from(
      'TEMPLATE_INVALID',
      { file: where, detail: `malformed YAML: ${reason}` },
      { hint: 'Fix the YAML at that position; CloudFormation short forms (!Ref, !GetAtt, !Sub, …) are understood.' },
    );
  }
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (cause) {
    throw AwspermError.from('TEMPLATE_INVALID', { file, detail: `malformed YAML: ${(cause as Error).message.split('\n')[0]}` }, { cause });
  }
}

/** True when the text should be read as JSON: a `.json` file, or one whose first non-blank character is `{`. */
function looksLikeJson(text: string, file: string): boolean {
  return extname(file).toLowerCase() === '.json' || /^\s*\{/.test(text);
}

/**
 * Checks that a parsed value is a CloudFormation template: a mapping whose `Resources` holds at least one resource,
 * each a mapping with a `Type`. Throws `TEMPLATE_INVALID` naming the file and the problem.
 */
export function validateTemplate(value: unknown, file: string): CfnTemplate {
  if (!isRecord(value)) invalid(file, `not a CloudFormation template: the document is ${describe(value)}, not a mapping`);
  const resources = value.Resources;
  if (resources === undefined) invalid(file, 'not a CloudFormation template: it has no Resources section');
  if (!isRecord(resources)) invalid(file, `Resources must be a mapping of logical ids to resources, not ${describe(resources)}`);
  const ids = Object.keys(resources);
  if (ids.length === 0) invalid(file, 'Resources is empty; a template needs at least one resource');
  for (const id of ids) {
    const resource = resources[id];
    if (!isRecord(resource)) invalid(file, `resource ${quote(id)} must be a mapping, not ${describe(resource)}`);
    const type = resource.Type;
    if (typeof type !== 'string') invalid(file, `resource ${quote(id)} has no Type`);
    if (!TYPE_FORM.test(type)) invalid(file, `resource ${quote(id)} has Type ${quote(type)}, not of the form AWS::Service::Resource`);
    for (const key of ['Properties', 'Metadata'] as const) {
      if (resource[key] !== undefined && resource[key] !== null && !isRecord(resource[key])) {
        invalid(file, `resource ${quote(id)}: ${key} must be a mapping, not ${describe(resource[key])}`);
      }
    }
  }
  return value as CfnTemplate;
}

/**
 * Parses a CloudFormation template from text: JSON (`.json`, or text starting with `{`) or YAML with the short-form
 * intrinsic tags. Syntax errors name `file:line:column` and never echo the file's content.
 */
export async function parseTemplate(text: string, file: string): Promise<CfnTemplate> {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') invalid(file, 'the file is empty');
  let value: unknown;
  if (looksLikeJson(body, file)) {
    try {
      value = parseJson(body, file);
    } catch (error) {
      if (AwspermError.is(error)) {
        const json = AwspermError.is(error, 'JSON_INVALID') ? error.data : undefined;
        throw new AwspermError('TEMPLATE_INVALID', error.message, {
          ...(error.hint ? { hint: error.hint } : {}),
          ...(json ? { data: { file: json.where, detail: `malformed JSON: ${json.detail}` } } : {}),
          cause: error,
        });
      }
      throw error;
    }
  } else {
    value = await parseYaml(body, file);
  }
  return validateTemplate(value, file);
}

/** Reads and parses a template file with {@link parseTemplate}. */
export async function readTemplateFile(file: string, what = 'template'): Promise<CfnTemplate> {
  return parseTemplate(await readTextFile(file, what), file);
}
