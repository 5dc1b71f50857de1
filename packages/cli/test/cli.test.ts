import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPolicyJson } from '@awsperm/core/kit';
import { awsperm, policy, root, tempFile } from './helpers.ts';

const example = join(root, 'examples/up-app');
const fixtures = join(root, 'packages/cli/test/fixtures');
const examplePolicy = (name: string) => join(example, 'policies', name);

// The seed's list: Up's "AWS Credentials" page, policy statement 1 (37 actions) and the API Gateway statement.
const seedActions = readFileSync(join(root, 'packages/cli/test/fixtures/up-documented-actions.txt'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter(Boolean);

/** Asserts an error run: the exit code, a short message without a stack trace, and nothing on stdout. */
function expectError(result: ReturnType<typeof awsperm>, code: number, pattern: RegExp): void {
  expect(result.code).toBe(code);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
}

// What the commands compute is tested in process through the session API: Up in packages/adapter-up/test/commands.test.ts,
// ad-hoc actions, authorization details and bad policy input in packages/core/test/commands.test.ts. This file keeps
// what only a process shows: exit codes, stdout/stderr, flag parsing, short errors without a stack trace, --help.

describe('awsperm policy --tool up', () => {
  it("prints Up's documented policy as JSON on stdout, exit 0", () => {
    const r = awsperm(['policy', '--tool', 'up', '--cwd', example, '--format', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.tool).toBe('up');
    expect(out.policies[0].document.Statement[0].Action).toEqual(seedActions);
  });

  it('prints Terraform and CloudFormation', () => {
    const tf = awsperm(['policy', '--tool', 'up', '--cwd', example, '--format', 'terraform']);
    expect(tf.code).toBe(0);
    expect(tf.stdout).toMatch(/resource "aws_iam_policy" "awsperm-up-hello-api-documented" \{/);
    expect(tf.stdout).toContain('jsonencode(');
    const cfn = awsperm(['policy', '--tool', 'up', '--cwd', example, '--format', 'cloudformation']);
    expect(cfn.code).toBe(0);
    expect(cfn.stdout).toContain('Type: AWS::IAM::ManagedPolicy');
    expect(cfn.stdout).toContain('"route53domains:*"');
  });

  it('prints the precise policy of another adapter too (SST)', () => {
    const r = awsperm(['policy', '--tool', 'sst', '--cwd', join(fixtures, 'both-tools'), '--least-privilege']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).kind).toBe('precise');
  });
});

describe('awsperm check --tool up (offline)', () => {
  it('passes with an AdministratorAccess-like policy', () => {
    const r = awsperm(['check', '--tool', 'up', '--cwd', example, '--feature', 'documented', '--policy', examplePolicy('administrator.json'), '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).ok).toBe(true);
  });

  it('reports an explicit deny of iam:PassRole with the statement that denied it', () => {
    const r = awsperm(['check', '--tool', 'up', '--cwd', example, '--feature', 'documented', '--policy', examplePolicy('no-passrole.json'), '--format', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).results.find((x: { action: string }) => x.action === 'iam:PassRole').decision).toBe('explicitDeny');
  });

  it('renders markdown', () => {
    const r = awsperm(['check', '--cwd', example, '--feature', 'documented', '--policy', examplePolicy('no-passrole.json'), '--format', 'markdown']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^## awsperm check: up/);
    expect(r.stdout).toMatch(/\| ⛔ \| `iam:PassRole` \| `\*` \|/);
  });
});

describe('awsperm check --action (ad hoc)', () => {
  it('accepts comma-separated and repeated --action', () => {
    const file = tempFile('p.json', policy({ Effect: 'Allow', Action: 's3:*', Resource: '*' }));
    const r = awsperm(['check', '--action', 's3:GetObject,s3:PutObject', '--action', 'sqs:SendMessage', '--policy', file, '--format', 'json']);
    const report = JSON.parse(r.stdout);
    expect(report.results.map((x: { action: string; decision: string }) => `${x.action}=${x.decision}`)).toEqual([
      's3:GetObject=allowed',
      's3:PutObject=allowed',
      'sqs:SendMessage=implicitDeny',
    ]);
    expect(r.code).toBe(1);
  });

  it('warns about an action missing from the catalogue but still checks it', () => {
    const file = tempFile('p.json', policy({ Effect: 'Allow', Action: 's3:*', Resource: '*' }));
    const r = awsperm(['check', '--action', 's3:GetObjekt', '--policy', file]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/s3:GetObjekt is not in the IAM action catalogue/);
  });
});

describe('bad input', () => {
  const good = examplePolicy('administrator.json');
  const cases: [string, string[], number, RegExp][] = [
    ['malformed JSON policy', ['check', '--action', 's3:GetObject', '--policy', tempFile('bad.json', '{\n  "Version": "2012-10-17",\n  "Statement": [ { "Effect": "Allow", } ]\n}\n')], 2, /bad\.json:3:\d+: malformed JSON/],
    ['unknown flag', ['check', '--polcy', good], 2, /^awsperm: unknown option `--polcy` for `check`; did you mean `--policy`\?\n/],
    ['unknown command', ['chekc'], 2, /^awsperm: unknown command `chekc`; did you mean `check`\?\n/],
    ['unknown tool', ['check', '--tool', 'serverless', '--policy', good], 2, /unknown tool "serverless"/],
    ['empty action list', ['check', '--action', ',', '--policy', good], 2, /--action has an empty entry/],
    ['action without a value', ['check', '--action', '--policy', good], 2, /option `--action <actions>` value is missing/],
    ['bad format', ['check', '--action', 's3:GetObject', '--policy', good, '--format', 'yaml'], 2, /--format must be one of text, json, markdown/],
    ['two tools detected', ['check', '--cwd', join(fixtures, 'both-tools'), '--policy', good], 2, /several tools detected/],
    ['invalid up.json name', ['check', '--cwd', join(fixtures, 'bad-up-name'), '--policy', good], 2, /\.name: "Hello_API" is invalid/],
    ['authorization details without principal', ['check', '--action', 's3:GetObject', '--authorization-details', join(fixtures, 'authorization-details.json')], 2, /needs --principal/],
    ['no policy input and no credentials', ['check', '--action', 's3:GetObject'], 3, /credentials/i],
  ];
  it.each(cases)('%s → a short message', (_name, args, code, pattern) => {
    expectError(awsperm(args), code, pattern);
  });

  it("prints the CLI's flags in the hints core words without them", () => {
    const none = awsperm(['check', '--cwd', join(fixtures, 'empty'), '--policy', good]);
    expect(none.stderr).toMatch(/\n {2}Pass --tool \(.*\) and --cwd <project dir>, or check ad-hoc actions with --action\.\n/);
    const two = awsperm(['check', '--cwd', join(fixtures, 'both-tools'), '--policy', good]);
    expect(two.stderr).toMatch(/\n {2}Choose one with --tool\.\n/);
    const principal = awsperm(['check', '--action', 's3:GetObject', '--authorization-details', join(fixtures, 'authorization-details.json'), '--principal', 'arn:aws:iam::123456789012:user/nobody']);
    expect(principal.stderr).toMatch(/pass one of their ARNs with --principal\./);
  });

  it('never echoes file content in a JSON error', () => {
    const file = tempFile('secret.json', '{"aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" oops}');
    const r = awsperm(['check', '--action', 's3:GetObject', '--policy', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('wJalrXUtnFEMI');
  });

  it('shows a stack trace only with --debug', () => {
    const r = awsperm(['check', '--action', 's3:GetObject', '--policy', '/nonexistent.json', '--debug']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});

describe('awsperm config file', () => {
  function projectWith(config: string): string {
    const dir = join(tempFile('package.json', '{"name":"app"}'), '..');
    writeFileSync(join(dir, 'up.json'), '{ "name": "cfg-app", "regions": ["eu-west-1"] }');
    writeFileSync(join(dir, '.awspermrc.json'), config);
    return dir;
  }
  it('rejects an invalid config with exit 2 naming the file and key', () => {
    const dir = projectWith('{ "acounts": {} }');
    expectError(awsperm(['check', '--cwd', dir, '--policy', examplePolicy('administrator.json')]), 2, /\.awspermrc\.json: unknown key "acounts"/);
  });
});

describe('awsperm check --context', () => {
  const ipPolicy = () =>
    tempFile(
      'ctx.json',
      policy({ Effect: 'Allow', NotAction: 'iam:PassRole', Resource: '*' }, { Effect: 'Allow', Action: 'iam:PassRole', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }),
    );
  it('names the key a decision depends on and the --context that decides it; --context decides it both ways', () => {
    const file = ipPolicy();
    const r = awsperm(['check', '--cwd', example, '--policy', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/iam:PassRole .*depends on context/);
    expect(r.stderr).toMatch(/decide them with --context aws:SourceIp=<value>/);
    expect(awsperm(['check', '--cwd', example, '--policy', file, '--context', 'aws:SourceIp=203.0.113.9']).code).toBe(0);
    const outside = awsperm(['check', '--cwd', example, '--policy', file, '--context', 'aws:SourceIp=198.51.100.1', '--format', 'json']);
    expect(outside.code).toBe(1);
    expect(JSON.parse(outside.stdout).results.find((x: { action: string }) => x.action === 'iam:PassRole').decision).toBe('implicitDeny');
  });
  it('exits 2 on a value of the wrong type or a missing =', () => {
    expectError(awsperm(['check', '--cwd', example, '--policy', ipPolicy(), '--context', 'aws:SourceIp=home']), 2, /request context aws:SourceIp: expected an IP address or CIDR .*got "home"\n.*--context/);
    expectError(awsperm(['check', '--cwd', example, '--policy', ipPolicy(), '--context', 'aws:SourceIp']), 2, /request context "aws:SourceIp": expected key=value/);
  });
});

describe('awsperm lint', () => {
  it('reports s3:GetObjekt and foo:* and exits 1', () => {
    const file = tempFile('p.json', policy({ Effect: 'Allow', Action: ['s3:GetObjekt', 'foo:*'], Resource: '*' }));
    const r = awsperm(['lint', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/statement 1: error: unknown action "s3:GetObjekt" \(did you mean s3:GetObject\?\)/);
    expect(r.stdout).toMatch(/statement 1: error: unknown service prefix "foo" in "foo:\*"/);
    expect(r.stdout).toMatch(/^2 errors, 0 warnings in 1 file$/m);
    const json = JSON.parse(awsperm(['lint', file, '--format', 'json']).stdout);
    expect(json.summary).toEqual({ errors: 2, warnings: 0 });
    expect(json.ok).toBe(false);
  });
  it('exits 0 on warnings only', () => {
    const file = tempFile('p.json', policy({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }));
    const r = awsperm(['lint', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/warning: Allow with NotAction/);
  });
  it('exits 2 without files; a malformed file is a finding, the other files are still linted, then exit 2', () => {
    expectError(awsperm(['lint']), 2, /lint needs at least one policy file/);
    const good = tempFile('good.json', policy({ Effect: 'Allow', Action: 's3:GetObjekt', Resource: '*' }));
    const r = awsperm(['lint', tempFile('bad.json', '{'), good]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/bad\.json:1:2: error: malformed JSON: expected a double-quoted string \[json-syntax\]/);
    expect(r.stdout).toMatch(/good\.json:\d+:\d+: statement 1: error: unknown action "s3:GetObjekt"/);
  });
  it('reports all three broken statements of a file with line, column and Sid; SARIF 2.1.0 locates them', () => {
    const text = JSON.stringify(
      {
        Version: '2012-10-17',
        Statement: [
          { Sid: 'One', Effect: 'Allow', Action: 's3:GetObject' },
          { Effect: 'Allow', Action: ['s3:*', 's3:GetObject'], Resource: 'arn:aws:s3:us-east-1::b' },
          { Sid: 'Three', Effect: 'Permit', Action: 's3:GetObject', Resource: '*' },
          { Effect: 'Allow', NotAction: 'iam:*', Resource: '*', Extra: true },
        ],
      },
      null,
      2,
    );
    const file = tempFile('three.json', text);
    const r = awsperm(['lint', file]);
    expect(r.code).toBe(2);
    const lines = r.stdout.trim().split('\n');
    expect(lines.filter((l) => l.includes('[invalid-statement]')).map((l) => l.replace(/^.*three\.json:\d+:\d+: /, '').replace(/: error: .*/, ''))).toEqual([
      'statement 1 (Sid "One")',
      'statement 3 (Sid "Three")',
      'statement 4',
    ]);
    expect(r.stdout).toMatch(/three\.json:\d+:\d+: statement 2: warning: "s3:GetObject" is already covered by "s3:\*" in the same Action \[redundant-action\]/);
    expect(r.stdout).toMatch(/statement 2: error: .*S3 bucket and object ARNs have neither.* \[s3-arn-region-account\]/);
    const sarif = JSON.parse(awsperm(['lint', file, '--format', 'sarif'], { cwd: file.slice(0, file.lastIndexOf('/')) }).stdout);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].tool.driver).toMatchObject({ name: 'awsperm', version: expect.any(String), informationUri: expect.stringMatching(/^https:/) });
    const invalid = sarif.runs[0].results.filter((x: { ruleId: string }) => x.ruleId === 'invalid-statement');
    expect(invalid).toHaveLength(3);
    // Statement 1 lacks a Resource: the finding points at the statement's opening brace.
    const before = text.slice(0, text.indexOf('{', text.indexOf('"Statement"'))).split('\n');
    const at = { startLine: before.length, startColumn: before.at(-1)!.length + 1 };
    expect(invalid[0].locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'three.json' }, region: at });
    const json = JSON.parse(awsperm(['lint', file, '--format', 'json']).stdout);
    expect(json.findings[0]).toMatchObject({ file, policy: file, statement: 1, sid: 'One', line: at.startLine, column: at.startColumn, code: 'invalid-statement', invalidInput: true });
  });
});

describe('the command line checked like a compiler', () => {
  it.each([
    [['chek'], /^awsperm: unknown command `chek`; did you mean `check`\?\n {2}Run 'awsperm help' for the list of commands\.\n$/],
    [['polcy', '--tool', 'up'], /^awsperm: unknown command `polcy`; did you mean `policy`\?\n/],
    [['deploy'], /^awsperm: unknown command `deploy`\n/],
    [['help', 'chek'], /^awsperm: unknown command `chek`; did you mean `check`\?\n/],
    [['check', '--polcy', 'p.json'], /^awsperm: unknown option `--polcy` for `check`; did you mean `--policy`\?\n {2}Run 'awsperm help check' for its options\.\n$/],
    [['policy', '--least-privlege'], /^awsperm: unknown option `--least-privlege` for `policy`; did you mean `--least-privilege`\?\n/],
    [['check', '--no-colr'], /^awsperm: unknown option `--no-colr` for `check`; did you mean `--no-color`\?\n/],
    [['whoami', '--policy', 'p.json'], /^awsperm: unknown option `--policy` for `whoami`\n {2}`--policy` is an option of check, policy\. Run 'awsperm help whoami' for its options\.\n$/],
    [['lint', '--endpoint-url', 'http://127.0.0.1:1', 'p.json'], /^awsperm: unknown option `--endpoint-url` for `lint`\n {2}`--endpoint-url` is an option of check, whoami, policy\./],
    [['lint', '--no-exec', 'p.json'], /^awsperm: unknown option `--no-exec` for `lint`\n/],
    [['check', '--polcy', 'p.json', '--help'], /^awsperm: unknown option `--polcy` for `check`/],
    [['check', '-x'], /^awsperm: unknown option `-x` for `check`\n/],
    [['check', 'up'], /^awsperm: unexpected argument `up` for `check`\n {2}Run 'awsperm help check' for usage\.\n$/],
    [['check', '--action', 's3:GetObject', '--format', 'jsn'], /^awsperm: option --format must be one of text, json, markdown; got "jsn"; did you mean "json"\?\n$/],
    [['check', '--action', 's3:GetObject', '--mode', 'simulte'], /; did you mean "simulate"\?\n$/],
    [['check', '--tool', 'up', '--region', 'mars-1', '--cwd', 'examples/up-app', '--policy', 'examples/up-app/policies/administrator.json'], /^awsperm: .*--region: "mars-1" is not a region Up supports\n/],
  ])('%j → exit 2 with one message and what to do', (args, pattern) => {
    const r = awsperm(args);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(pattern);
  });

  it('an option value that looks like a command is not one, and options may come before the command', () => {
    const file = tempFile('p.json', policy({ Effect: 'Allow', Action: 's3:*', Resource: '*' }));
    const r = awsperm(['--no-color', 'check', '--resource', 'check', '--action', 's3:GetObject', '--policy', file, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(awsperm(['--debug', 'lint', file]).code).toBe(0);
  });

  it('`awsperm help <command>` prints what `<command> --help` prints; `awsperm help` the overview', () => {
    for (const name of ['check', 'whoami', 'policy', 'lint', 'adapters']) {
      const r = awsperm(['help', name]);
      expect(r.code, name).toBe(0);
      expect(r.stdout, name).toBe(awsperm([name, '--help']).stdout);
      if (name !== 'adapters') expect(r.stdout, name).toMatch(new RegExp(`^ {2}\\$ awsperm ${name} `, 'm'));
    }
    const overview = awsperm(['help']);
    expect(overview.code).toBe(0);
    expect(overview.stdout).toBe(awsperm(['--help']).stdout);
    expect(overview.stdout).toMatch(/^ {2}help \[command\] +Show a command's options/m);
    expect(overview.stdout).toContain("Run 'awsperm help <command>'");
  });

  /** The option names a help text lists. */
  const listed = (help: string): string[] => [...help.matchAll(/^ {2}(?:-\w, )?(--[a-z-]+)/gm)].map((m) => m[1]!);

  it('each command lists only the options it takes, negations without "(default: true)", examples after `$`', () => {
    const help = Object.fromEntries(['check', 'whoami', 'policy', 'lint', 'adapters'].map((n) => [n, awsperm([n, '--help']).stdout]));
    for (const [name, text] of Object.entries(help)) {
      expect(text, name).not.toMatch(/\(default: (true|false)\)/);
      expect(text, name).not.toMatch(/ +$/m);
      expect(text, name).not.toContain('--version');
      expect(listed(text), name).toEqual(expect.arrayContaining(['--debug', '--help']));
      const examples = text.split('Examples:\n')[1];
      if (examples) for (const line of examples.trimEnd().split('\n')) expect(line, name).toMatch(/^ {2}\$ awsperm /);
    }
    expect(listed(help.lint!)).toEqual(['--format', '--debug', '--help']);
    expect(listed(help.adapters!)).toEqual(['--cwd', '--format', '--no-exec', '--debug', '--help']);
    expect(listed(help.check!)).toEqual(expect.arrayContaining(['--policy', '--endpoint-url', '--timeout', '--no-exec', '--no-color']));
    expect(listed(help.whoami!)).toEqual(expect.arrayContaining(['--endpoint-url', '--timeout', '--no-exec', '--no-color']));
    expect(listed(help.whoami!)).not.toContain('--policy');
    expect(listed(help.policy!)).toEqual(expect.arrayContaining(['--no-minimize', '--no-exec']));
    expect(listed(help.policy!)).not.toContain('--no-color');
    expect(help.policy).toMatch(/^ {2}--no-minimize +Keep every action as listed instead of collapsing to wildcards$/m);
    // Every listed option is accepted by its command (no option shown that the parser would refuse).
    const overview = awsperm(['--help']).stdout;
    expect(listed(overview)).toEqual(['--debug', '--help', '--version']);
    expect(overview).toMatch(/^ {2}-h, --help +Show this help$/m);
  });
});

describe('help and version', () => {
  it('--help lists the commands and exits 0', () => {
    const r = awsperm(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/check\s+Check that a principal has every permission/);
    expect(r.stdout).toMatch(/policy\s+Print the IAM policy/);
  });
  it('check --help explains exit codes and options', () => {
    const r = awsperm(['check', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--authorization-details <file>');
    expect(r.stdout).toMatch(/Exit codes: 0 all allowed/);
  });
  it('check --help prints the same read permissions as the allow-list core enforces', () => {
    const r = awsperm(['check', '--help']);
    const line = r.stdout.split('\n').find((l) => l.trim().startsWith('{"Version"'));
    const printed = JSON.parse(line!.trim()) as { Statement: { Action: string[] }[] };
    const enforced = JSON.parse(readPolicyJson()) as { Statement: { Action: string[] }[] };
    expect(printed.Statement.flatMap((s) => s.Action).sort()).toEqual(enforced.Statement.flatMap((s) => s.Action).sort());
  });
  it('--version prints the package version', () => {
    const r = awsperm(['--version']);
    const { version } = JSON.parse(readFileSync(join(root, 'packages/cli/package.json'), 'utf8'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`awsperm/${version}`);
  });
  it('adapters lists up, cdk and sst', () => {
    const r = awsperm(['adapters', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).adapters.map((a: { tool: string }) => a.tool)).toEqual(['up', 'cdk', 'sst']);
  });
});
