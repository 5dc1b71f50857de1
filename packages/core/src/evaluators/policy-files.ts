import { AwspermError } from '../errors.ts';
import { isRecord, readJsonFile } from '../json.ts';
import { validatePolicyDocument } from '../policy/document.ts';
import type { NamedPolicy } from '../policy/types.ts';


/**
 * Reads policy documents from files given with `--policy`. A file holds one policy document, a JSON array of
 * them, or the output of `aws iam get-policy-version` / `get-role-policy` / `get-user-policy`.
 * Each document is validated; errors name the file and statement.
 */
export async function loadPolicyFiles(files: string[]): Promise<NamedPolicy[]> {
  const loaded = await Promise.all(
    files.map(async (file) => {
      const json = await readJsonFile(file, 'policy file', 'policy');
      return policiesInFile(json, file);
    }),
  );
  return loaded.flat();
}

/** Extracts and validates the policy documents of one parsed policy file. */
export function policiesInFile(json: unknown, file: string): NamedPolicy[] {
  if (Array.isArray(json)) {
    if (json.length === 0) {
      throw AwspermError.from('POLICY_INVALID', { where: file, detail: 'the file holds an empty list of policies' });
    }
    return json.map((doc, i) => ({
      name: `${file}[${i}]`,
      document: validatePolicyDocument(unwrap(doc), `${file}[${i}]`),
    }));
  }
  return [{ name: file, document: validatePolicyDocument(unwrap(json), file) }];
}

// Accept the JSON the AWS CLI prints for single policies, so users can pipe it straight in.
function unwrap(json: unknown): unknown {
  if (!isRecord(json)) return json;
  if (isRecord(json.PolicyVersion) && json.PolicyVersion.Document !== undefined) return decode(json.PolicyVersion.Document);
  if (json.PolicyDocument !== undefined && json.Statement === undefined) return decode(json.PolicyDocument);
  return json;
}

/** Decodes a policy document as IAM's API returns it (URL-encoded JSON) or as the AWS CLI prints it (an object). */
export function decode(document: unknown): unknown {
  if (typeof document !== 'string') return document;
  let text = document;
  try {
    text = decodeURIComponent(document);
  } catch {
    // Not URL-encoded: take it as it is.
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw AwspermError.from('POLICY_INVALID', { detail: 'a policy document embedded as a string is not valid JSON' }, { cause });
  }
}
