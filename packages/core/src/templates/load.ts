import { stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { AwspermError } from '../errors.ts';
import { readCloudAssembly, readNestedStacks } from './cdk-assembly.ts';
import { readTemplateFile } from './parse.ts';
import type { LoadedTemplates, TemplateStack } from './types.ts';

async function kindOf(path: string): Promise<'file' | 'dir' | undefined> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? 'dir' : 'file';
  } catch {
    return undefined;
  }
}

/** The stack name a template file stands for: its file name without `.template` and the extension. */
export function stackNameOf(file: string): string {
  return basename(file).replace(/\.(json|ya?ml|template)$/i, '').replace(/\.template$/i, '') || basename(file);
}

/**
 * What a `--template` path is: a template file, a cloud assembly (`cdk.out`, or its `manifest.json`), or a
 * directory holding a `cdk.out`. Throws `FILE_NOT_FOUND` or `TEMPLATE_INVALID` for anything else.
 */
export async function classifyTemplatePath(path: string): Promise<{ kind: 'template' | 'assembly'; path: string }> {
  const abs = resolve(path);
  const kind = await kindOf(abs);
  if (!kind) {
    throw AwspermError.from(
      'FILE_NOT_FOUND',
      { what: 'template', file: path, option: 'template' },
      { hint: 'Pass a template file (JSON or YAML), a cdk.out directory, or a directory that contains one.' },
    );
  }
  if (kind === 'file') return basename(abs) === 'manifest.json' ? { kind: 'assembly', path: dirname(abs) } : { kind: 'template', path: abs };
  if ((await kindOf(join(abs, 'manifest.json'))) === 'file') return { kind: 'assembly', path: abs };
  if ((await kindOf(join(abs, 'cdk.out', 'manifest.json'))) === 'file') return { kind: 'assembly', path: join(abs, 'cdk.out') };
  throw new AwspermError('TEMPLATE_INVALID', `${path} is a directory, but neither a cdk.out (no manifest.json) nor one that contains cdk.out`, {
    hint: 'Pass a template file, a cdk.out directory, or synthesize the app first (cdk synth / sst build).',
    data: { file: path, detail: 'a directory, but neither a cdk.out (no manifest.json) nor one that contains cdk.out' },
  });
}

/**
 * Reads templates from paths (`--template`, or a tool's template locations): template files, `cdk.out` cloud
 * assemblies with their nested stacks and asset manifests. A stack read twice (the same file) counts once.
 */
export async function loadTemplates(paths: readonly string[]): Promise<LoadedTemplates> {
  const out: LoadedTemplates = { stacks: [], assets: [], warnings: [] };
  const seen = new Set<string>();
  const add = (stacks: TemplateStack[]) => {
    for (const s of stacks) {
      if (seen.has(s.file)) continue;
      seen.add(s.file);
      out.stacks.push(s);
    }
  };
  for (const path of paths) {
    const found = await classifyTemplatePath(path);
    if (found.kind === 'assembly') {
      const assembly = await readCloudAssembly(found.path, out.warnings);
      add(assembly.stacks);
      for (const a of assembly.assets) if (!out.assets.some((b) => b.file === a.file && b.stack === a.stack)) out.assets.push(a);
    } else {
      const stack: TemplateStack = { name: stackNameOf(found.path), file: found.path, template: await readTemplateFile(found.path), environment: {} };
      add([stack, ...(await readNestedStacks(stack, dirname(found.path), out.warnings))]);
    }
  }
  return out;
}
