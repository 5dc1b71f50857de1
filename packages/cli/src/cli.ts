import { cac } from 'cac';
import type { AwspermError } from '@awsperm/core';
import { ExitCode, exitCodeFor } from './exit-codes.ts';
import type { CommandContext, CommandResult } from './io.ts';
import { addSharedOptions, checkFlags, commandName, didYouMean, helpSections, rewordCacError, UsageError, unknownCommand } from './usage.ts';

declare const __AWSPERM_VERSION__: string;

const argv = process.argv.slice(2);

// Libraries' own notices (the AWS SDK's Node-version warning, deprecations) never reach the user raw; --debug
// shows them.
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (argv.includes('--debug')) process.stderr.write(`awsperm: debug: ${warning.name}: ${warning.message}\n`);
});

// A closed pipe (`awsperm check … | head`) is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
const cli = cac('awsperm');

// Options every command takes; the ones only some commands take are in usage.ts (addSharedOptions).
cli.option('--debug', 'Show stack traces and internal detail on errors');

const checkDetails = `Checks the tool's required permissions (or ad-hoc --action values) against a principal's policies and
  reports each action: allowed, implicitly denied (nothing allows it), explicitly denied (by which statement),
  or unknown (depends on request context). Wildcard requirements such as acm:* are expanded with the IAM
  action catalogue and pass only when every matched action is allowed.

  Modes: offline when --policy or --authorization-details is given; otherwise auto asks IAM with
  iam:SimulatePrincipalPolicy on the principal behind the credentials, falls back to local (fetching its
  policies read-only and evaluating them) when that is denied, and says which ran. --mode forces one.

  Two principals: when the project deploys through a CloudFormation service role (SST v1 --role-arn, given
  here as --role-arn; SST v2 cdk.cloudFormationExecutionRole), the caller is checked for CloudFormation,
  iam:PassRole on the role and asset access, and the role, separately, for what CloudFormation creates with
  it. The role is evaluated like the caller: looked up in the same --authorization-details file, read from
  --role-policy files next to --policy, or simulated / fetched by its ARN in the live modes (the read
  permissions below then cover the role's ARN too).

  awsperm only makes read-only calls; the least it needs on the principal is:
  ${JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['iam:SimulatePrincipalPolicy'], Resource: '*' },
      {
        Effect: 'Allow',
        Action: [
          'iam:GetUser', 'iam:GetRole', 'iam:GetPolicy', 'iam:GetPolicyVersion', 'iam:GetUserPolicy', 'iam:GetGroupPolicy',
          'iam:GetRolePolicy', 'iam:ListUserPolicies', 'iam:ListAttachedUserPolicies', 'iam:ListGroupsForUser',
          'iam:ListGroupPolicies', 'iam:ListAttachedGroupPolicies', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies',
        ],
        Resource: '*',
      },
      { Effect: 'Allow', Action: ['iam:GetAccountAuthorizationDetails'], Resource: '*' },
      { Effect: 'Allow', Action: ['cloudformation:DescribeType'], Resource: '*' },
      { Effect: 'Allow', Action: ['ssm:GetParameter', 's3:GetObject'], Resource: '*' },
    ],
  })}
  (cloudformation:DescribeType only for template resource types awsperm's table does not know; ssm:GetParameter and
  s3:GetObject only for tools whose deployed state awsperm reads, SST v3/v4: the /sst/bootstrap parameter and the
  stage's state object. sts:GetCallerIdentity needs no permission. The local mode reads the principal's policies with
  iam:GetAccountAuthorizationDetails in one or two requests; that call reads the whole account's IAM, so it may be left
  out: the local mode then reads the principal's policies one by one with the iam:Get*/List* calls above. Nothing
  else is ever called: see the README's "Security" section.)

  Templates: --template reads a CloudFormation template (JSON or YAML), a cdk.out, or a directory holding one
  (repeatable); with --tool sst, SST's own cdk.out is read when --template is not given. Every resource needs
  its type's CloudFormation handler permissions (create, update and delete; narrow with --operations), iam:PassRole
  on the roles it hands to services, and asset publishing for a cdk.out. Names the template fixes scope ARNs.
  Handler permissions come from awsperm's table, --cfn-schemas, and in live modes cloudformation:DescribeType;
  a resource type none of them knows is listed as unresolved and makes the check fail (exit 1).
  Without --tool, --template checks the templates alone.

  SST v3/v4 apps: with --tool sst, the app's own resources are required too. awsperm runs app() and run() of
  sst.config.ts for the stage in an isolated worker (no credentials, no writes, bounded), with stand-ins that
  record every component, method call and raw aws.* resource, and maps each to the IAM actions of its create,
  update and delete, scoped to <app>-<stage>-…; each component is a fragment sst.app.<Name>. What awsperm has no
  data for (an unknown component, say) is listed as unresolved and makes the check fail (exit 1); --no-exec runs
  nothing and leaves the app's resources unresolved. A run() that throws or never finishes exits 2.

  Deployed state: what an update or a delete needs depends on what is deployed. For SST v3/v4, --state takes
  the output of \`sst state export --stage <stage>\`; in live modes awsperm reads the stage's state itself
  (ssm:GetParameter /sst/bootstrap, s3:GetObject on the state object) and warns when it cannot. Only resource
  types and names are read from it, never inputs, outputs or secrets.

  Exit codes: 0 all allowed · 1 something denied or unknown, something unresolved, or the wrong account ·
  2 usage/config error · 3 could not find out`;

cli
  .command('check', "Check that a principal has every permission a deploy needs")
  .usage(`check [options]\n\n${checkDetails}`)
  .option('--tool <id>', 'Deploy tool: up, sst, cdk (detected from --cwd when omitted)')
  .option('--cwd <dir>', 'Project directory (default: current directory)')
  .option('--stage <name>', 'Stage to check')
  .option('--region <id>', 'AWS region to assume')
  .option('--profile <name>', 'AWS profile to select')
  .option('--mfa-code <code>', 'MFA code for a profile with mfa_serial (prompted on a TTY otherwise)')
  .option('--mode <mode>', 'Evaluation mode: auto, simulate, local, offline (default: auto)')
  .option('--policy <file>', 'Policy document JSON file (repeatable); implies offline mode')
  .option('--authorization-details <file>', "Output of 'aws iam get-account-authorization-details'; needs --principal")
  .option('--principal <arn>', 'User, role or assumed-role ARN to pick from --authorization-details')
  .option('--role-arn <arn>', 'CloudFormation service role the tool deploys through (SST v1 --role-arn); checked as a second principal')
  .option('--role-policy <file>', "The service role's policy documents (repeatable), with --policy")
  .option('--action <actions>', 'Check these actions instead of a tool (comma-separated, repeatable)')
  .option('--resource <arn>', 'Resource for --action (default: *)')
  .option('--feature <name>', "Switch on a tool feature (repeatable); 'documented' checks the tool's documented policy")
  .option('--template <path>', 'CloudFormation template (JSON/YAML), cdk.out, or a directory with one (repeatable)')
  .option('--operations <ops>', 'Handler operations to require: create,update,delete (default), read, list')
  .option('--cfn-schemas <path>', "AWS's CloudFormation schema bundle (CloudformationSchema.zip or its unzipped directory) for types awsperm does not know")
  .option('--state <file>', "The tool's deployed state: the output of 'sst state export --stage <stage>' (live modes read it from AWS)")
  .option('--stack <pattern>', 'CDK: stacks to check, as cdk deploy selects them (Prod/*; repeatable; default every stack)')
  .option('--context <key=value>', 'Request context for policy conditions, e.g. aws:SourceIp=203.0.113.7 (repeatable; lists a,b; wins over what awsperm fills in)')
  .option('--format <format>', 'Output: text, json, markdown (default: text)')
  .option('--verbose', 'List every requirement, allowed ones too, and how the permissions were evaluated')
  .example('awsperm check --tool up --policy deployer.json')
  .example('awsperm check --action s3:GetObject --resource arn:aws:s3:::bucket/key --policy policy.json')
  .example('awsperm check --authorization-details details.json --principal arn:aws:iam::123456789012:user/ci')
  .example('awsperm check --template cdk.out --policy deployer.json --operations create,update')
  .example('awsperm check --tool sst --role-arn arn:aws:iam::123456789012:role/cfn --policy caller.json --role-policy cfn-role.json')
  .example('awsperm check --tool up --policy deployer.json --context aws:SourceIp=203.0.113.7 --context aws:MultiFactorAuthPresent=true')
  .action((options) => run('check', options));

cli
  .command('whoami', 'Show which AWS credentials the tool would use, why, and who that is')
  .usage(
    'whoami [options]\n\n  Resolves credentials exactly as the tool (and its version) would — the chain as tried, the winning source,\n  the profile and why — then asks STS who that is and checks the account against the awsperm config.\n  Secrets are never printed; the key id is masked.\n\n  Exit codes: 0 identity found (right account) · 1 wrong account · 2 usage/config error · 3 no usable credentials',
  )
  .option('--tool <id>', 'Deploy tool: up, sst, cdk (detected from --cwd when omitted; generic SDK rules when none)')
  .option('--cwd <dir>', 'Project directory (default: current directory)')
  .option('--stage <name>', 'Stage (selects the expected account)')
  .option('--profile <name>', 'AWS profile to select')
  .option('--region <id>', 'AWS region')
  .option('--mfa-code <code>', 'MFA code for a profile with mfa_serial (prompted on a TTY otherwise)')
  .option('--format <format>', 'Output: text, json (default: text)')
  .example('awsperm whoami --tool up --format json')
  .action((options) => run('whoami', options));

cli
  .command('policy', "Print the IAM policy a tool needs, ready to grant")
  .usage(`policy [options]

  Prints the policy to grant: the tool's policy (documented, or --least-privilege) plus what its synthesized
  templates need (--template, or SST's own cdk.out), merged and deduplicated. Actions are minimised: a list
  collapses to a wildcard (s3:Put*, sqs:*) only when the wildcard matches no action in awsperm's IAM action
  catalogue beyond those needed (--no-minimize keeps every action). Output over IAM's 6,144-character
  managed-policy limit is split into several policies; each part's size is printed on stderr.
  Resource types with unknown permissions are listed on stderr and in the JSON output (unresolvedTypes).
  For SST v3/v4, --least-privilege adds what the app's own resources need (run() runs in an isolated worker;
  see check --help): one fragment per component; what awsperm has no data for is listed on stderr and in the
  JSON output (unresolved), its permissions missing from the policy. --state (the output of \`sst state export --stage <stage>\`) adds what updating and deleting the
  deployed resources needs; policy makes no AWS call, so without it only the config's resources count.

  --missing prints only what a check of the principal (--policy, --authorization-details, or the live
  credentials, as check evaluates them) finds implicitly denied: each principal's fix. Denials no grant can lift
  (an explicit Deny, a permission boundary, an SCP) are named on stderr. --format document prints the policy
  document itself, for aws iam create-policy --policy-document file://…; several parts need --out-dir <dir>.

  Exit codes: 0 policy printed · 1 with --missing, a grant alone cannot make the check pass · 2 usage/config error`)
  .option('--tool <id>', 'Deploy tool: up, sst, cdk (detected from --cwd when omitted; none with --template alone)')
  .option('--cwd <dir>', 'Project directory (default: current directory)')
  .option('--stage <name>', 'Stage')
  .option('--region <id>', 'AWS region the ARNs are scoped to (default: the tool\'s, e.g. the profile\'s region)')
  .option('--profile <name>', 'AWS profile to select (its region scopes the ARNs)')
  .option('--feature <name>', 'Switch on a tool feature (repeatable)')
  .option('--least-privilege', 'The precise policy scoped to this app instead of the documented one')
  .option('--template <path>', 'CloudFormation template (JSON/YAML), cdk.out, or a directory with one (repeatable)')
  .option('--operations <ops>', 'Handler operations to require: create,update,delete (default), read, list')
  .option('--cfn-schemas <path>', "AWS's CloudFormation schema bundle (CloudformationSchema.zip or its unzipped directory) for types awsperm does not know")
  .option('--no-minimize', 'Keep every action as listed instead of collapsing to wildcards')
  .option('--role-arn <arn>', 'CloudFormation service role the tool deploys through (SST v1 --role-arn); its policy is printed separately')
  .option('--state <file>', "The tool's deployed state, for updates and deletes: the output of 'sst state export --stage <stage>'")
  .option('--stack <pattern>', 'CDK: stacks to include, as cdk deploy selects them (Prod/*; repeatable; default every stack)')
  .option('--missing', 'Only what a check of the principal finds missing (with --policy, --authorization-details, or live credentials)')
  .option('--policy <file>', 'With --missing: the caller\'s policy documents (repeatable)')
  .option('--role-policy <file>', 'With --missing and --policy: the service role\'s policy documents (repeatable)')
  .option('--authorization-details <file>', "With --missing: output of 'aws iam get-account-authorization-details'; needs --principal")
  .option('--principal <arn>', 'With --missing: the user or role to pick from --authorization-details')
  .option('--mode <mode>', 'With --missing: evaluation mode, as for check (default: auto)')
  .option('--mfa-code <code>', 'With --missing in a live mode: MFA code for a profile with mfa_serial')
  .option('--format <format>', 'Output: json, document (the IAM policy document alone), terraform, cloudformation (default: json)')
  .option('--out-dir <dir>', 'With --format document: write each policy to <dir>/<name>.json and print the paths')
  .example('awsperm policy --tool up --format terraform')
  .example('awsperm policy --missing --policy deployer.json --format document > missing.json')
  .example('awsperm policy --tool sst --least-privilege --format cloudformation')
  .example('awsperm policy --template cdk.out --operations create,update --no-minimize')
  .action((options) => run('policy', options));

cli
  .command('lint [...files]', 'Lint IAM policy files: unknown actions, bad ARNs, sizes, redundancy')
  .usage(
    'lint <policy-file>... [--format text|json|sarif]\n\n  Every finding of every file: file:line:column, the statement (numbered from 1, in text and JSON) and its Sid.\n\n  Exit codes: 0 no errors (warnings allowed) · 1 errors found · 2 an unreadable, malformed or invalid policy file (after linting every file)',
  )
  .option('--format <format>', 'Output: text, json, sarif (SARIF 2.1.0, for code scanning) (default: text)')
  .example('awsperm lint policy.json')
  .example('awsperm lint policies/*.json --format sarif > awsperm.sarif')
  .action((files: string[], options) => run('lint', options, files));

cli
  .command('adapters', 'List the tool adapters awsperm knows')
  .option('--cwd <dir>', 'Project directory to discover adapters in (default: .)')
  .option('--format <format>', 'Output: text, json (default: text)')
  .action((options) => run('adapters', options));

cli
  .command('help [command]', "Show a command's options and examples (or this overview)")
  .action((name: string | undefined) => showHelp(name));

addSharedOptions(cli);
cli.help(helpSections(cli));
cli.version(__AWSPERM_VERSION__);

/** `awsperm help [<command>]`: the help of that command, as `<command> --help` prints it. */
function showHelp(name: string | undefined): void {
  if (name === undefined || name === 'help') {
    cli.unsetMatchedCommand();
    cli.outputHelp();
    return;
  }
  const command = cli.commands.find((c) => c.name === name);
  if (!command) throw unknownCommand(cli, name);
  cli.matchedCommand = command;
  cli.matchedCommandName = name;
  cli.outputHelp();
}

type CommandModule = { default: (ctx: CommandContext, args: string[]) => Promise<CommandResult> };
const commands: Record<string, () => Promise<CommandModule>> = {
  check: () => import('./commands/check.ts'),
  policy: () => import('./commands/policy.ts'),
  adapters: () => import('./commands/adapters.ts'),
  lint: () => import('./commands/lint.ts'),
  whoami: () => import('./commands/whoami.ts'),
};

let pending: Promise<void> | undefined;

function run(name: string, parsed: Record<string, unknown>, args: string[] = []): void {
  pending = (async () => {
    // Core (and the option reader, which uses it) is imported here, not at the top, so that --help and --version
    // never load it.
    const [{ DEFAULT_TIMEOUT_SECONDS, shouldColor }, { redactSecrets, terminalSafe }, { OptionReader, timeoutSeconds }, { cliWording }] = await Promise.all([
      import('@awsperm/core'),
      import('@awsperm/core/kit'),
      import('./options.ts'),
      import('./remedies.ts'),
    ]);
    // awsperm's own messages can list a policy; text from project files was already cut to 400 characters.
    safe = (text, max = 4000) => terminalSafe(redactSecrets(text, process.env), max);
    const options = new OptionReader(argv, parsed, didYouMean);
    const global = {
      debug: options.flag('debug'),
      color: parsed.color !== false && shouldColor(process.stdout, process.env),
      ...(options.string('endpoint-url') ? { endpointUrl: options.string('endpoint-url')! } : {}),
      timeout: timeoutSeconds(options.string('timeout'), DEFAULT_TIMEOUT_SECONDS),
      ...(parsed.exec === false ? { exec: false } : {}),
    };
    const ctx: CommandContext = {
      options,
      global,
      env: process.env,
      warn: (message) => process.stderr.write(`awsperm: warning: ${safe(cliWording(message))}\n`),
      note: (message) => process.stderr.write(`awsperm: ${safe(cliWording(message))}\n`),
    };
    const command = await commands[name]!();
    const result = await command.default(ctx, args);
    process.stdout.write(result.stdout);
    process.exitCode = result.exitCode;
    exitWhenFlushed();
  })();
}

/**
 * Ends the process once stdout and stderr have flushed: the answer is out, and letting Node drain its event loop
 * (the pipes of the worker and esbuild's service closing) and tear its heap down costs every command a few ms.
 * `exit` handlers still run (a waiting worker is killed there).
 */
function exitWhenFlushed(): void {
  let pending = 2;
  const done = (): void => {
    if (--pending === 0) process.exit();
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

/**
 * Text for the terminal: secrets of the environment redacted, control characters escaped, cut with "…" (core's
 * redactSecrets and terminalSafe, once core is loaded; before that, nothing but awsperm's own text is printed).
 */
let safe = (text: string, _max?: number): string => text;

/** The errors of a credential chain that found nothing usable: whoami prints the chain as tried with them. */
const CHAIN_FAILURES = new Set(['CREDENTIALS_UNAVAILABLE', 'CREDENTIALS_INVALID', 'CREDENTIALS_UNSUPPORTED', 'MFA_REQUIRED', 'SSO_TOKEN_EXPIRED']);

async function fail(error: unknown): Promise<void> {
  const debug = argv.includes('--debug');
  const e = error as Partial<AwspermError> & Error;
  if (e && e.name === 'AwspermError' && typeof e.kind === 'string') {
    // Loaded only here and by commands: --help and usage errors never need it.
    const { cliWording, hintFor, isThirdPartyAdapter } = await import('./remedies.ts');
    process.stderr.write(`awsperm: ${safe(cliWording(e.message))}\n`);
    // Core's hints speak the library's terms; the CLI names its own flags.
    const hint = hintFor(e as AwspermError);
    if (hint) process.stderr.write(`  ${safe(hint)}\n`);
    // A third-party adapter's error says where it came from; the first-party ones are awsperm's own.
    if (isThirdPartyAdapter(e.adapter) && !e.message.includes(e.adapter)) {
      process.stderr.write(`  (raised by the adapter ${safe(e.adapter)})\n`);
    }
    // whoami is asked "which credentials, and why": when none work (or AWS rejects them), the chain as tried says why.
    const chain = (e as { explanation?: { chain?: { outcome: string; provider: string; detail: string }[] } }).explanation?.chain?.filter((s) => s.outcome !== 'not-tried');
    if (cli.matchedCommandName === 'whoami' && chain?.length && CHAIN_FAILURES.has(e.code ?? '')) {
      process.stderr.write(`  the credential chain as tried:\n${chain.map((s) => `    ${s.outcome.padEnd(8)} ${safe(s.provider)}: ${safe(cliWording(s.detail))}\n`).join('')}`);
    }
    if (debug && e.stack) process.stderr.write(`${safe(e.stack, 20_000).replaceAll('\\n', '\n')}\n`);
    process.exitCode = exitCodeFor(e.kind);
    return;
  }
  if (e instanceof UsageError || (e && e.name === 'CACError')) {
    const usage = e instanceof UsageError ? e : rewordCacError(cli, e.message);
    process.stderr.write(`awsperm: ${usage.message}\n  ${usage.hint}\n`);
    process.exitCode = ExitCode.USAGE;
    return;
  }
  process.stderr.write(`awsperm: internal error: ${safe(e?.message ?? String(error))}\n`);
  process.stderr.write(debug && e?.stack ? `${safe(e.stack, 20_000).replaceAll('\\n', '\n')}\n` : '  This is a bug in awsperm; rerun with --debug and report it.\n');
  process.exitCode = ExitCode.INTERNAL;
}

// No top-level await: the CLI is built as CommonJS (scripts/bundle.mjs says why).
async function main(): Promise<void> {
  try {
    // Unknown options and commands are found before cac prints any help: `check --polcy --help` is a typo to report.
    const first = commandName(cli, argv);
    const named = first === undefined ? undefined : cli.commands.find((c) => c.isMatched(first));
    if (first !== undefined && !named) throw unknownCommand(cli, first);
    checkFlags(cli, named, argv);
    cli.parse(['node', 'awsperm', ...argv], { run: false });
    if (!cli.matchedCommand && !cli.options.help && !cli.options.version) cli.outputHelp();
    else cli.runMatchedCommand();
    if (pending) await pending;
  } catch (error) {
    await fail(error);
  }
}
void main();
