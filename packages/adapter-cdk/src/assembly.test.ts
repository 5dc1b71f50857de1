import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AwspermError, type AdapterAws } from '@awsperm/core';
import { readAssembly } from './assembly.ts';
import { bootstrapVersionFindings } from './bootstrap-version.ts';
import { cdkRequirements, fill, resolveEnvironment } from './requirements.ts';
import { selectStacks } from './select.ts';

const out = (name: string, dir = 'cdk.out'): string => fileURLToPath(new URL(`../test/fixtures/${name}/${dir}`, import.meta.url));
const log = { warnings: [] as string[], warn(m: string) { this.warnings.push(m); }, debug() {} };

describe('the cloud assembly as the CDK CLI reads it', () => {
  it('reads stages as nested assemblies, with hierarchical ids, stack names, environments and dependencies', async () => {
    const a = await readAssembly(out('stage', 'build/cdk.out'));
    expect(a.stacks.map((s) => s.displayName)).toEqual(['Beta/Data', 'Beta/Api', 'Prod/Data', 'Prod/Api']);
    const api = a.stacks.find((s) => s.displayName === 'Prod/Api')!;
    expect(api.stackName).toBe('Prod-Api');
    expect(api.environment).toEqual({ account: '111111111111', region: 'us-east-1' });
    expect(api.dependencies).toEqual(['Prod/Data']);
    expect(api.requiresBootstrapVersion).toBe(6);
    expect(api.bootstrapVersionParameter).toBe('/cdk-bootstrap/hnb659fds/version');
    expect(api.files.map((f) => f.assumeRoleArn)).toEqual([
      'arn:${AWS::Partition}:iam::111111111111:role/cdk-hnb659fds-file-publishing-role-111111111111-us-east-1',
      'arn:${AWS::Partition}:iam::111111111111:role/cdk-hnb659fds-file-publishing-role-111111111111-us-east-1',
    ]);
  });

  it('selects stacks as cdk deploy does: stage paths, and what they depend on', async () => {
    const { stacks } = await readAssembly(out('stage', 'build/cdk.out'));
    expect(selectStacks(stacks, ['Prod/*']).map((s) => s.displayName)).toEqual(['Prod/Data', 'Prod/Api']);
    expect(selectStacks(stacks, ['*/Api']).map((s) => s.displayName)).toEqual(['Beta/Data', 'Beta/Api', 'Prod/Data', 'Prod/Api']);
    expect(selectStacks(stacks, ['Beta/Data']).map((s) => s.displayName)).toEqual(['Beta/Data']);
    expect(selectStacks(stacks, ['**']).length).toBe(4);
    expect(() => selectStacks(stacks, ['Prod'])).toThrow(/no stack matches/);
  });

  it('fills ${AWS::…} from the stack environment, or the run’s scope for env-agnostic stacks', async () => {
    const { stacks } = await readAssembly(out('custom-qualifier'));
    const s = stacks[0]!;
    expect(s.environment).toEqual({});
    const env = resolveEnvironment(s, { account: '333333333333', region: 'cn-north-1' });
    expect(fill(s.deployRoleArn!, env)).toBe('arn:aws-cn:iam::333333333333:role/cdk-team42-deploy-role-333333333333-cn-north-1');
    const unknown = cdkRequirements({ assembly: { dir: out('custom-qualifier'), stacks }, stacks, scope: {} });
    // Without an account the role ARNs hold a wildcard account (the adapter warns): the roles are still named.
    expect(unknown.principals!.map((p) => p.arn)).toContain('arn:aws:iam::*:role/cdk-team42-deploy-role-*-*');
    expect(unknown.principals!.every((p) => p.trust?.length)).toBe(true);
  });

  it('CliCredentialsStackSynthesizer: no principal, the caller deploys and publishes itself', async () => {
    const a = await readAssembly(out('cli-credentials'));
    expect(a.stacks[0]!.synthesizer).toBe('cli-credentials');
    const req = cdkRequirements({ assembly: a, stacks: a.stacks, scope: {} });
    expect(req.principals).toEqual([]);
    expect(req.sources).toEqual([{ kind: 'cloudformation', paths: [a.dir], missingHint: 'run `cdk synth` first' }]);
    const actions = req.fragments.flatMap((f) => f.statements.flatMap((s) => s.Action as string[]));
    expect(actions).toContain('cloudformation:CreateChangeSet');
    expect(actions).toContain('s3:PutObject');
    expect(actions).not.toContain('sts:AssumeRole');
  });

  it('the deploy role: change sets on each stack, iam:PassRole of the execution role to CloudFormation, the staged template, the version parameter', async () => {
    const a = await readAssembly(out('multi-stack'));
    const req = cdkRequirements({ assembly: a, stacks: a.stacks, scope: {} });
    const deploy = req.principals!.find((p) => p.id === 'cdk-deploy-role')!;
    const rows = deploy.fragments.flatMap((f) => f.statements.flatMap((st) => (st.Action as string[]).flatMap((x) => (st.Resource as string[]).map((r) => `${x} ${r}`))));
    const stack = (n: string) => `arn:aws:cloudformation:eu-west-1:111111111111:stack/${n}/*`;
    for (const n of ['DataStack', 'ApiStack', 'WebStack']) {
      for (const x of ['cloudformation:CreateChangeSet', 'cloudformation:ExecuteChangeSet', 'cloudformation:DescribeStacks']) expect(rows).toContain(`${x} ${stack(n)}`);
    }
    expect(rows).toContain('iam:PassRole arn:aws:iam::111111111111:role/cdk-hnb659fds-cfn-exec-role-111111111111-eu-west-1');
    expect(rows).toContain('s3:GetObject arn:aws:s3:::cdk-hnb659fds-assets-111111111111-eu-west-1/6f30d2fd56e240dad50ad5d926dd7d22eb9fe3d59714389fb187cdc67f37b1ff.json');
    expect(rows).toContain('ssm:GetParameters arn:aws:ssm:eu-west-1:111111111111:parameter/cdk-bootstrap/hnb659fds/version');
    expect(deploy.fragments[0]!.context).toEqual(
      expect.arrayContaining([{ actions: ['iam:PassRole'], values: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } }, { values: { 'aws:ResourceAccount': '111111111111' } }]),
    );
    // The execution role creates the resources from the templates (a core source) and reads the staged files.
    const exec = req.principals!.find((p) => p.id === 'cdk-exec-role')!;
    expect(exec.sources).toEqual([{ kind: 'cloudformation', paths: [a.dir], missingHint: 'run `cdk synth` first' }]);
    expect(exec.fragments.flatMap((f) => f.statements.flatMap((st) => st.Action as string[]))).toEqual(['s3:GetObject']);
    // The lookup role is only assumed.
    expect(req.principals!.find((p) => p.id === 'cdk-lookup-role')).toMatchObject({ fragments: [], trust: [{ by: 'caller' }] });
  });

  it('LegacyStackSynthesizer (no roles, no asset manifest in the stack’s properties): the caller does everything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'awsperm-cdk-legacy-'));
    try {
      cpSync(out('cli-credentials'), dir, { recursive: true });
      const file = join(dir, 'manifest.json');
      const manifest = JSON.parse(readFileSync(file, 'utf8'));
      const artifacts = manifest.artifacts as Record<string, { type: string; properties: Record<string, unknown>; dependencies?: string[] }>;
      for (const [id, art] of Object.entries(artifacts)) {
        if (art.type === 'cdk:asset-manifest') delete artifacts[id];
        else if (art.type === 'aws:cloudformation:stack') {
          art.properties = { templateFile: art.properties.templateFile };
          delete art.dependencies;
        }
      }
      writeFileSync(file, JSON.stringify(manifest));
      const a = await readAssembly(dir);
      expect(a.stacks[0]!.synthesizer).toBe('cli-credentials');
      expect(a.stacks[0]!.deployRoleArn).toBeUndefined();
      const req = cdkRequirements({ assembly: a, stacks: a.stacks, scope: {} });
      expect(req.principals).toEqual([]);
      expect(req.fragments.map((f) => f.id)).toEqual(['cdk.deploy-stacks']);
      expect(req.sources).toEqual([{ kind: 'cloudformation', paths: [a.dir], missingHint: 'run `cdk synth` first' }]);
      const actions = req.fragments.flatMap((f) => f.statements.flatMap((st) => st.Action as string[]));
      expect(actions).toContain('cloudformation:CreateChangeSet');
      expect(actions).not.toContain('sts:AssumeRole');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a cross-account app has one role of each kind per environment, each with its own stacks', async () => {
    const a = await readAssembly(out('cross-account'));
    const req = cdkRequirements({ assembly: a, stacks: a.stacks, scope: {} });
    const exec = req.principals!.filter((p) => p.id.startsWith('cdk-exec-role'));
    expect(exec.map((p) => p.arn)).toEqual([
      'arn:aws:iam::111111111111:role/cdk-hnb659fds-cfn-exec-role-111111111111-eu-west-1',
      'arn:aws:iam::222222222222:role/cdk-hnb659fds-cfn-exec-role-222222222222-eu-central-1',
    ]);
    expect(exec.map((p) => p.sources![0]!.paths.map((x) => x.split('/').pop()))).toEqual([['ToolsStack.template.json'], ['ProdStack.template.json']]);
  });

  it('container assets: the image-publishing role pushes to the bootstrap repository', async () => {
    const a = await readAssembly(out('container'));
    const req = cdkRequirements({ assembly: a, stacks: a.stacks, scope: {} });
    const image = req.principals!.find((p) => p.id === 'cdk-image-publishing-role')!;
    const resources = image.fragments.flatMap((f) => f.statements.flatMap((s) => s.Resource as string[]));
    expect(resources).toContain('arn:aws:ecr:eu-west-1:111111111111:repository/cdk-hnb659fds-container-assets-111111111111-eu-west-1');
    expect(req.fragments.find((f) => f.id === 'cdk.assume-image-publishing-role')).toBeDefined();
  });
});

describe('the bootstrap version, read with ssm:GetParameter in live modes', () => {
  const aws = (values: Record<string, string | Error>): AdapterAws => ({
    async getParameter(name) {
      const v = values[name];
      if (v instanceof Error) throw v;
      return v;
    },
    async getObject() {
      return undefined;
    },
  });
  const scope = { account: '111111111111', region: 'eu-west-1' };

  it('an older bootstrap than the stacks require names both versions; a missing one says to bootstrap', async () => {
    const { stacks } = await readAssembly(out('multi-stack'));
    const older = await bootstrapVersionFindings(stacks, scope, aws({ '/cdk-bootstrap/hnb659fds/version': '5' }), log);
    expect(older).toHaveLength(1);
    expect(older[0]!.reason).toMatch(/bootstrap version 5, older than version 6/);
    expect(await bootstrapVersionFindings(stacks, scope, aws({ '/cdk-bootstrap/hnb659fds/version': '32' }), log)).toEqual([]);
    const none = await bootstrapVersionFindings(stacks, scope, aws({}), log);
    expect(none[0]!.reason).toMatch(/not bootstrapped/);
  });

  it('a read that fails is reported as not checked (kind bootstrap), not thrown; a timeout still ends the run', async () => {
    const { stacks } = await readAssembly(out('multi-stack'));
    const denied = await bootstrapVersionFindings(stacks, scope, aws({ '/cdk-bootstrap/hnb659fds/version': new AwspermError('ACCESS_DENIED', 'ssm:GetParameter was denied') }), log);
    expect(denied).toEqual([{ kind: 'bootstrap', type: 'CDKToolkit', name: '/cdk-bootstrap/hnb659fds/version', reason: expect.stringMatching(/could not be read \(ssm:GetParameter was denied\).*require bootstrap version 6: not checked/) }]);
    const network = await bootstrapVersionFindings(stacks, scope, aws({ '/cdk-bootstrap/hnb659fds/version': new AwspermError('NETWORK', 'ssm:GetParameter: connection refused') }), log);
    expect(network[0]!.reason).toMatch(/ssm:GetParameter failed \(ssm:GetParameter: connection refused\)/);
    const plain = await bootstrapVersionFindings(stacks, scope, aws({ '/cdk-bootstrap/hnb659fds/version': new Error('socket hang up') }), log);
    expect(plain[0]!.kind).toBe('bootstrap');
    await expect(bootstrapVersionFindings(stacks, scope, aws({ '/cdk-bootstrap/hnb659fds/version': new AwspermError('TIMEOUT', 'out of time') }), log)).rejects.toThrow(/out of time/);
  });

  it('other environments are not read with the run’s credentials', async () => {
    const { stacks } = await readAssembly(out('cross-account'));
    const found = await bootstrapVersionFindings(stacks, scope, aws({ '/cdk-bootstrap/hnb659fds/version': '5' }), log);
    expect(found.map((f) => f.reason)).toEqual([expect.stringMatching(/ToolsStack require/)]);
  });
});
