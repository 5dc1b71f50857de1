import { AwspermError } from '@awsperm/core';
import { parseJson, readRegularFile } from '@awsperm/core/kit';
import type { EnvLayer } from '../shared/env-files.ts';
import { detectionWarnings, firstOf, invalid, type LoadSstInput, layerFields, personalStage, projectBase, roleArnOf, type SstProjectInfo, str } from '../shared/project.ts';

function readSstJson(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readRegularFile(file, 'project', 'sst.json');
  } catch (error) {
    if (AwspermError.is(error) && error.code !== 'FILE_NOT_FOUND') throw invalid(file, error.message.replace(/: [^:]*$/, ''));
    throw invalid(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`);
  }
  // core's parser gives the line and column; V8's own message can echo the file's content, which may hold secrets.
  const parsed = parseJson(text, file);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid(file, 'must be a JSON object');
  const json = parsed as Record<string, unknown>;
  if (!str(json.name)) throw invalid(file, '"name" is required (the SST v1 CLI exits without it)', 'Add "name": "<app>" to sst.json.');
  for (const key of ['region', 'stage', 'main', 'ssmPrefix']) {
    if (json[key] !== undefined && typeof json[key] !== 'string') throw invalid(file, `"${key}" must be a string`);
  }
  return json;
}

/**
 * Loads an SST v1 project (`sst.json`) for a stage as SST v1 does (sst/sst v1.18.4 packages/cli/bin/scripts.mjs
 * `getStage`): `--stage`, the deprecated `sst.json` `stage`, `.sst/stage`, else a prompt; no dotenv file decides
 * anything; the CloudFormation service role is `--role-arn`.
 */
export async function loadV1Project(input: LoadSstInput): Promise<SstProjectInfo> {
  const d = input.detection;
  const layer: EnvLayer = { env: { ...input.env }, files: [] };
  const warnings = detectionWarnings(d);
  const base = projectBase(d, false);
  const json = readSstJson(d.configFile);
  const { stage, stageFrom } = firstOf(
    [
      [input.stage, '--stage'],
      [str(json.stage), 'sst.json "stage" (deprecated)'],
      [() => personalStage(d.root), '.sst/stage'],
    ],
    'none: SST v1 would prompt (it does not read SST_STAGE)',
  );
  if (!input.stage && input.env.SST_STAGE) warnings.push(`SST v1 ignores SST_STAGE ('${input.env.SST_STAGE}'); give the stage as SST's --stage flag (the stage option)`);
  const info: SstProjectInfo = {
    ...base,
    app: json.name as string,
    stageFrom,
    ...layerFields(layer, input.env),
    warnings,
    raw: json,
  };
  if (stage) info.stage = stage;
  if (str(json.region)) info.configRegion = json.region as string;
  info.bootstrapBucket = 'sstbootstrap-*';
  if (input.roleArn) {
    info.cloudFormationRole = roleArnOf(input.roleArn, input.roleArnFrom ?? '--role-arn');
    info.cloudFormationRoleFrom = input.roleArnFrom ?? '--role-arn';
  }
  return info;
}
