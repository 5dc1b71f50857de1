import { AwspermError, type Statement, validatePolicyDocument } from '@awsperm/core';
import { isRecord, parseJson, readTextFile } from '@awsperm/core/kit';
import { expandRegions, UP_REGIONS } from './regions.ts';

/**
 * up.json as awsperm reads it. Field meanings and validation follow Up's `config/*.go` at tag v1.7.1 and the Pro
 * additions at v1.7.0-pro (https://github.com/apex/up/tree/v1.7.1/config).
 */
export interface UpConfig {
  /** The app name; names the function, stack, role, log group and SSM path. */
  name: string;
  /** `server` (default) or `static`. */
  type?: 'server' | 'static';
  /** The AWS profile Up uses (overrides `AWS_PROFILE`). */
  profile?: string;
  /** Region globs as written; Up needs exactly one region after expansion. */
  regions?: string[];
  /** Function settings. */
  lambda?: UpLambda;
  /** Stages by name (custom stages and overrides of the built-in ones). */
  stages?: Record<string, UpStage>;
  /** DNS zones and their records. */
  dns?: Record<string, UpDnsRecord[]>;
  /** Pro: tags for the function and stack resources. */
  tags?: Record<string, string>;
  /** Pro: alert actions. */
  actions?: { name: string; type: 'slack' | 'email' | 'sms' }[];
  /** Pro: alerts. */
  alerts?: { metric: string; action?: string }[];
  /** Other keys (HTTP behaviour, hooks, …), not validated by awsperm. */
  [key: string]: unknown;
}

/** up.json `lambda` (and the per-stage override). */
export interface UpLambda {
  /** An existing IAM role ARN for the function; Up then skips creating its own. */
  role?: string;
  /** Extra statements for the function role's policy. */
  policy?: Statement[];
  /** VPC settings. */
  vpc?: { subnets?: string[]; security_groups?: string[] };
  /** Pro: active warming. */
  warm?: boolean;
  /** Pro: layer version ARNs. */
  layers?: string[];
  /** Pro: API endpoint type. */
  endpoint?: 'edge' | 'regional';
  [key: string]: unknown;
}

/** One stage in up.json. */
export interface UpStage {
  /** Custom domain. */
  domain?: string;
  /** Hosted zone: `true` (default), `false`, or an explicit zone name. */
  zone?: boolean | string;
  /** Function overrides. */
  lambda?: UpLambda;
  [key: string]: unknown;
}

/** One DNS record in up.json `dns`. */
export interface UpDnsRecord {
  name: string;
  type: string;
  value: string[];
  ttl?: number;
}

/** The stages Up always has; `development` is local only (never deployed). */
export const BUILTIN_STAGES: readonly string[] = ['development', 'staging', 'production'];
const RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'NAPTR', 'NS', 'PTR', 'SOA', 'SPF', 'SRV', 'TXT'];
const NAME = /^[a-z][-a-z0-9]*$/;
const STAGE = /^[a-zA-Z0-9_]+$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const LAYER_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:layer:[\w-]+:\d+$/;

type Rec = Record<string, unknown>;

class Validator {
  readonly file: string;
  constructor(file: string) {
    this.file = file;
  }
  fail(path: string, message: string): never {
    throw new AwspermError('PROJECT_CONFIG_INVALID', `${this.file}: ${path}: ${message}`, {
      adapter: '@awsperm/adapter-up',
      hint: 'See https://apex.sh/docs/up/configuration/ for the up.json format.',
    });
  }
  object(path: string, v: unknown): Rec {
    if (!isRecord(v)) this.fail(path, 'must be an object');
    return v;
  }
  string(path: string, v: unknown): string {
    if (typeof v !== 'string' || v === '') this.fail(path, 'must be a non-empty string');
    return v;
  }
  strings(path: string, v: unknown): string[] {
    if (!Array.isArray(v)) this.fail(path, 'must be an array of strings');
    v.forEach((s, i) => {
      this.string(`${path}[${i}]`, s);
    });
    return v as string[];
  }
  boolean(path: string, v: unknown): void {
    if (typeof v !== 'boolean') this.fail(path, 'must be true or false');
  }
  number(path: string, v: unknown): void {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) this.fail(path, 'must be a non-negative number');
  }
  lambda(path: string, v: unknown, pro: { used: boolean }): void {
    const l = this.object(path, v);
    if (l.role !== undefined && !ROLE_ARN.test(this.string(`${path}.role`, l.role))) {
      this.fail(`${path}.role`, `"${String(l.role)}" is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`);
    }
    if (l.memory !== undefined) this.number(`${path}.memory`, l.memory);
    if (l.timeout !== undefined) this.number(`${path}.timeout`, l.timeout);
    if (l.policy !== undefined) {
      if (!Array.isArray(l.policy)) this.fail(`${path}.policy`, 'must be an array of IAM statements');
      if (l.policy.length) validatePolicyDocument({ Version: '2012-10-17', Statement: l.policy }, `${this.file}: ${path}.policy`);
    }
    if (l.vpc !== undefined) {
      const vpc = this.object(`${path}.vpc`, l.vpc);
      if (vpc.subnets !== undefined) this.strings(`${path}.vpc.subnets`, vpc.subnets);
      if (vpc.security_groups !== undefined) this.strings(`${path}.vpc.security_groups`, vpc.security_groups);
    }
    if (l.warm !== undefined) {
      this.boolean(`${path}.warm`, l.warm);
      pro.used = true;
    }
    if (l.warm_count !== undefined) this.number(`${path}.warm_count`, l.warm_count);
    if (l.layers !== undefined) {
      this.strings(`${path}.layers`, l.layers).forEach((arn, i) => {
        if (!LAYER_ARN.test(arn)) this.fail(`${path}.layers[${i}]`, `"${arn}" is not a Lambda layer version ARN`);
      });
      pro.used = true;
    }
    if (l.endpoint !== undefined) {
      if (l.endpoint !== 'edge' && l.endpoint !== 'regional') this.fail(`${path}.endpoint`, 'must be "edge" or "regional"');
      pro.used = true;
    }
  }
}

/** What validation learnt beyond the typed config. */
export interface UpConfigInfo {
  /** The config. */
  config: UpConfig;
  /** The regions after glob expansion (empty when up.json names none). */
  regions: string[];
  /** True when Pro-only keys are used (tags, alerts, actions, warming, layers, endpoint). */
  pro: boolean;
}

/** Validates parsed up.json content the way Up does; throws `PROJECT_CONFIG_INVALID` with Up's reason. */
export function validateUpConfig(json: unknown, file: string): UpConfigInfo {
  const v: Validator = new Validator(file);
  if (!isRecord(json)) v.fail('up.json', 'must hold a JSON object');
  const c = json;
  if (c.name === undefined) v.fail('.name', 'is required');
  const name = v.string('.name', c.name);
  if (!NAME.test(name)) v.fail('.name', `"${name}" is invalid: must start with a lower-case letter and contain only a-z, 0-9 and -`);
  if (c.type !== undefined && c.type !== 'server' && c.type !== 'static') v.fail('.type', 'must be "server" or "static"');
  if (c.profile !== undefined) v.string('.profile', c.profile);
  let regions: string[] = [];
  if (c.regions !== undefined) {
    const written = v.strings('.regions', c.regions);
    regions = expandRegions(written);
    for (const r of regions) {
      if (!UP_REGIONS.includes(r)) v.fail('.regions', `"${r}" is not a region Up supports (${UP_REGIONS.join(', ')})`);
    }
    if (written.length && regions.length === 0) v.fail('.regions', 'the globs match no region Up supports');
    if (regions.length > 1) v.fail('.regions', 'multiple regions is not yet supported, see https://github.com/apex/up/issues/134');
  }
  const pro = { used: false };
  if (c.lambda !== undefined) v.lambda('.lambda', c.lambda, pro);
  if (c.stages !== undefined) {
    const stages = v.object('.stages', c.stages);
    for (const [stageName, raw] of Object.entries(stages)) {
      const path = `.stages.${stageName}`;
      if (!STAGE.test(stageName)) v.fail(path, `stage name "${stageName}" is invalid: use letters, digits and _ only`);
      const s = v.object(path, raw);
      if (s.domain !== undefined) v.string(`${path}.domain`, s.domain);
      if (s.zone !== undefined && typeof s.zone !== 'boolean') v.string(`${path}.zone`, s.zone);
      if (s.lambda !== undefined) v.lambda(`${path}.lambda`, s.lambda, pro);
    }
  }
  if (c.dns !== undefined) {
    for (const [zone, records] of Object.entries(v.object('.dns', c.dns))) {
      if (!Array.isArray(records)) v.fail(`.dns.${zone}`, 'must be an array of records');
      records.forEach((raw, i) => {
        const path = `.dns.${zone}[${i}]`;
        const r = v.object(path, raw);
        v.string(`${path}.name`, r.name);
        if (typeof r.type !== 'string' || !RECORD_TYPES.includes(r.type)) v.fail(`${path}.type`, `must be one of ${RECORD_TYPES.join(', ')}`);
        v.strings(`${path}.value`, r.value);
        if (r.ttl !== undefined) v.number(`${path}.ttl`, r.ttl);
      });
    }
  }
  if (c.tags !== undefined) {
    for (const [k, val] of Object.entries(v.object('.tags', c.tags))) if (typeof val !== 'string') v.fail(`.tags.${k}`, 'must be a string');
    pro.used = true;
  }
  if (c.actions !== undefined) {
    if (!Array.isArray(c.actions)) v.fail('.actions', 'must be an array');
    c.actions.forEach((raw, i) => {
      const a = v.object(`.actions[${i}]`, raw);
      v.string(`.actions[${i}].name`, a.name);
      if (typeof a.type !== 'string' || !['slack', 'email', 'sms'].includes(a.type)) v.fail(`.actions[${i}].type`, 'must be "slack", "email" or "sms"');
    });
    pro.used = true;
  }
  if (c.alerts !== undefined) {
    if (!Array.isArray(c.alerts)) v.fail('.alerts', 'must be an array');
    const actionNames = Array.isArray(c.actions) ? c.actions.map((a) => (a as Rec).name) : [];
    c.alerts.forEach((raw, i) => {
      const a = v.object(`.alerts[${i}]`, raw);
      v.string(`.alerts[${i}].metric`, a.metric);
      if (a.action !== undefined && !actionNames.includes(a.action)) v.fail(`.alerts[${i}].action`, `names no action in .actions: ${JSON.stringify(a.action)}`);
    });
    pro.used = true;
  }
  return { config: c as UpConfig, regions, pro: pro.used };
}

/** Reads and validates `up.json`. */
export async function loadUpConfig(file: string): Promise<UpConfigInfo> {
  return validateUpConfig(parseJson(await readTextFile(file, 'up.json'), file), file);
}
