import { type AdapterContext, AwspermError } from '@awsperm/core';
import { readRegularFile } from '@awsperm/core/kit';
import { parseStateExport, type StateResource } from './state.ts';

/**
 * The SSM parameter SST's bootstrap writes, JSON naming the state bucket in `state` (SST
 * `pkg/project/provider/provider.go` `SSM_NAME_BOOTSTRAP`, github.com/sst/sst).
 */
export const SST_BOOTSTRAP_PARAMETER = '/sst/bootstrap';

/** The key of a stage's checkpoint in the state bucket (SST `pkg/project/provider/aws.go` `pathForData("app", …)`). */
export function stateObjectKey(app: string, stage: string): string {
  return `app/${app}/${stage}.json`;
}

/** A stage's deployed resources and where they were read from. */
export interface DeployedState {
  /** The resources (type, URN, name and parent only). */
  resources: StateResource[];
  /** Where they come from: the `--state` file, or `s3://<bucket>/app/<app>/<stage>.json`. */
  from: string;
}

/** The parts of a hook's context {@link deployedState} reads. */
export type DeployedStateContext = Pick<AdapterContext, 'args' | 'aws' | 'log'>;

const ADAPTER = '@awsperm/adapter-sst';

function withFile(error: AwspermError, file: string): AwspermError {
  return new AwspermError(error.code, `${file}: ${error.message}`, { adapter: ADAPTER, ...(error.hint ? { hint: error.hint } : {}), cause: error });
}

/**
 * The deployed resources of an SST v3/v4 stage, which decide what an update or delete needs: from `args.state` (the
 * output of `sst state export`, or the raw checkpoint object) when given, else, in the live modes, from the stage's
 * state in AWS (`ssm:GetParameter` on `/sst/bootstrap` for the state bucket, `s3:GetObject` on the stage's
 * checkpoint). `undefined` when the stage was never deployed (no parameter, no object), offline without `--state`,
 * or when reading was denied (a one-line warning says so). Only types, URNs and names are kept: inputs, outputs and
 * secrets in the state are never read into the result or any message. A bad `--state` file throws
 * (`FILE_NOT_FOUND`, `FILE_UNREADABLE`, `JSON_INVALID`; exit 2) naming the file.
 */
export async function deployedState(ctx: DeployedStateContext, target: { app: string; stage: string }): Promise<DeployedState | undefined> {
  const file = ctx.args.state;
  if (file !== undefined) {
    let text: string;
    try {
      text = readRegularFile(file, 'state', 'state file (the state option)');
    } catch (error) {
      if (AwspermError.is(error)) throw new AwspermError(error.code, error.message, { adapter: ADAPTER, hint: 'Give the output of `sst state export --stage <stage>`.', cause: error });
      throw error;
    }
    try {
      return { resources: parseStateExport(text), from: file };
    } catch (error) {
      if (!AwspermError.is(error)) throw error;
      throw withFile(error, file);
    }
  }
  const aws = ctx.aws;
  if (!aws) return undefined;
  const { app, stage } = target;
  const missed = (what: string): undefined => {
    ctx.log.warn(`could not read the deployed state of stage ${stage} (${what}): resources removed from the config are not checked; give the output of \`sst state export\` (the state option)`);
    return undefined;
  };
  let step = 'ssm:GetParameter';
  try {
    const bootstrap = await aws.getParameter(SST_BOOTSTRAP_PARAMETER);
    if (bootstrap === undefined) {
      ctx.log.debug(`no ${SST_BOOTSTRAP_PARAMETER} parameter: SST was never bootstrapped in this region, so stage ${stage} has no deployed state`);
      return undefined;
    }
    let bucket: unknown;
    try {
      bucket = (JSON.parse(bootstrap) as { state?: unknown } | null)?.state;
    } catch {
      // handled below
    }
    if (typeof bucket !== 'string' || bucket === '') return missed(`${SST_BOOTSTRAP_PARAMETER} names no state bucket`);
    const key = stateObjectKey(app, stage);
    const from = `s3://${bucket}/${key}`;
    step = 's3:GetObject';
    const bytes = await aws.getObject(bucket, key);
    if (bytes === undefined) {
      ctx.log.debug(`no ${from}: stage ${stage} has not been deployed`);
      return undefined;
    }
    try {
      return { resources: parseStateExport(new TextDecoder().decode(bytes)), from };
    } catch (error) {
      if (!AwspermError.is(error)) throw error;
      return missed(`${from}: ${error.message}`);
    }
  } catch (error) {
    if (AwspermError.is(error) && error.code === 'ACCESS_DENIED') return missed(`${step} denied`);
    throw error;
  }
}
