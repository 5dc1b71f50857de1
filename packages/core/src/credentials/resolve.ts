import { deadlineClientConfig } from '../aws/deadline.ts';
import { credentialExchangeGuard } from '../aws/read-only.ts';
import { endpointFor } from './endpoints.ts';
import { firstEnv, maskAccessKeyId, redact, withProcessEnv } from './env.ts';
import { type ClassifiedFailure, CredentialsError, classifyFailure, sdkMessage } from './failure.ts';
import { mergedProfile, permissionWarning, profileChain, readProfileFiles } from './files.ts';
import { statRegularFile } from '../files.ts';
import { AwspermError } from '../errors.ts';
import type {
  AwsCredentials,
  ProfileFiles,
  ChainStep,
  CredentialExplanation,
  CredentialLink,
  CredentialRules,
  CredentialSource,
  EnvKeyNames,
  LinkKind,
  ResolvedCredentials,
  ResolveOptions,
  RulesContext,
} from './types.ts';
import { redactSecrets } from '../sanitize.ts';
import { ChainError, chainNeedsBoundedResolution, DeadlinePassed, resolveBoundedChain, withinDeadline } from './chain.ts';
import { CredentialProcessError, runCredentialProcess } from './process.ts';
import { ssoRefreshRefusal } from './sso-guard.ts';

/** The SDK's own variable names for environment keys. */
export const SDK_ENV_NAMES: EnvKeyNames = {
  accessKeyId: ['AWS_ACCESS_KEY_ID'],
  secretAccessKey: ['AWS_SECRET_ACCESS_KEY'],
  sessionToken: ['AWS_SESSION_TOKEN'],
};

/** The SDK provider name shown in the chain for each link kind. */
export const PROVIDER_NAMES: Readonly<Record<LinkKind, string>> = {
  env: 'fromEnv',
  sso: 'fromSSO',
  ini: 'fromIni',
  'credentials-file': 'credentials file (static keys only)',
  process: 'fromProcess',
  'token-file': 'fromTokenFile',
  container: 'fromContainerMetadata',
  'instance-metadata': 'fromInstanceMetadata',
};

/** Messages by which the SDK's providers say "nothing configured for me" (as opposed to "configured but broken"). */
const NOTHING_CONFIGURED = [
  /Could not resolve credentials using profile/,
  /did not contain credential_process/,
  /could not be found in shared credentials file/,
  /Web identity configuration not specified/,
  /Unable to find environment variable credentials/,
  /is not configured with SSO credentials/,
  /Instance Metadata Service access disabled/,
];

type Sdk = typeof import('@aws-sdk/credential-providers');

interface Attempt {
  credentials: AwsCredentials & { $source?: Record<string, string> };
  detail: string;
  source: CredentialSource;
  profile: string | null;
}

/** Secrets and key ids present in the environment and the shared files, for redaction of messages. */
function knownSecrets(ctx: RulesContext): { secrets: string[]; ids: string[] } {
  const secrets: string[] = [];
  const ids: string[] = [];
  for (const name of ['AWS_SECRET_ACCESS_KEY', 'AWS_SECRET_KEY', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN']) {
    const v = ctx.env[name];
    if (v) secrets.push(v);
  }
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_ACCESS_KEY']) {
    const v = ctx.env[name];
    if (v) ids.push(v);
  }
  for (const section of [...Object.values(ctx.files.credentials), ...Object.values(ctx.files.config)]) {
    if (section.aws_secret_access_key) secrets.push(section.aws_secret_access_key);
    if (section.aws_session_token) secrets.push(section.aws_session_token);
    if (section.aws_access_key_id) ids.push(section.aws_access_key_id);
  }
  return { secrets, ids };
}

/** The region from the rules' region order, and where it came from. */
export function resolveRegion(rules: CredentialRules, ctx: RulesContext): { region: string | null; from: string | null } {
  for (const step of rules.region) {
    if (step.kind === 'value' && step.value) return { region: step.value, from: step.label };
    if (step.kind === 'env' && ctx.env[step.name]) return { region: ctx.env[step.name]!, from: step.name };
    if (step.kind === 'profile') {
      const name = step.name ?? ctx.profile.name;
      const r = ctx.files.credentials[name]?.region ?? ctx.files.config[name]?.region;
      if (r) return { region: r, from: `profile '${name}'` };
    }
    if (step.kind === 'default') return { region: step.value, from: 'default' };
  }
  return { region: null, from: null };
}

/** Maps the SDK's `$source` attribution of a `fromIni` result to awsperm's source names. */
function iniSource($source: Record<string, string> | undefined, ctx: RulesContext, profile: string): CredentialSource {
  const keys = Object.keys($source ?? {});
  const has = (prefix: string): boolean => keys.some((k) => k.startsWith(prefix));
  if (has('CREDENTIALS_STS_ASSUME_ROLE_WEB_ID') || has('CREDENTIALS_PROFILE_STS_WEB_ID_TOKEN')) return 'web-identity';
  if (has('CREDENTIALS_STS_ASSUME_ROLE') || has('CREDENTIALS_PROFILE_SOURCE_PROFILE')) return 'assume-role';
  if (has('CREDENTIALS_PROFILE_SSO') || has('CREDENTIALS_SSO')) return 'sso';
  if (has('CREDENTIALS_PROFILE_PROCESS') || has('CREDENTIALS_PROCESS')) return 'process';
  return ctx.files.credentials[profile]?.aws_access_key_id ? 'shared-credentials-file' : 'config-file';
}

function describeIni(source: CredentialSource, ctx: RulesContext, profile: string): string {
  const data = mergedProfile(ctx.files, profile) ?? {};
  switch (source) {
    case 'assume-role':
      return `assumed ${data.role_arn ?? 'a role'} from profile '${profile}' (${data.source_profile ? `source_profile '${data.source_profile}'` : `credential_source ${data.credential_source ?? '?'}`})`;
    case 'sso':
      return `SSO credentials of profile '${profile}'`;
    case 'process':
      return `credential_process of profile '${profile}'`;
    case 'web-identity':
      return `web identity token of profile '${profile}'`;
    case 'shared-credentials-file':
      return `static keys of profile '${profile}' in ${ctx.paths.credentials}`;
    default:
      return `static keys of profile '${profile}' in ${ctx.paths.config}`;
  }
}

function isProviderError(error: unknown): error is Error & { tryNextLink: boolean } {
  return error instanceof Error && typeof (error as { tryNextLink?: unknown }).tryNextLink === 'boolean';
}

/**
 * Resolves credentials as `rules` say, with the AWS SDK's own providers, and explains the outcome. Throws a
 * {@link CredentialsError} (exit 3 kinds) when the tool would find no usable credentials; its message names the
 * link at fault and never holds a secret.
 */
export async function resolveCredentials(rules: CredentialRules, options: ResolveOptions): Promise<ResolvedCredentials> {
  const env = options.env;
  const files = await readProfileFiles(rules.paths);
  const ctx: RulesContext = { env, profile: rules.profile, files, paths: rules.paths };
  const { secrets, ids } = knownSecrets(ctx);
  // Known secrets, then secret-shaped fields (a helper's or the SDK's output may hold keys awsperm never saw).
  const clean = (text: string): string => redactSecrets(redact(text, secrets, ids));
  const warnings = [...(rules.warnings?.(ctx) ?? [])];
  // Only a file holding secrets is worth a warning: a config of regions and role ARNs readable by others is the norm.
  for (const [path, sections] of [
    [rules.paths.credentials, files.credentials],
    [rules.paths.config, files.config],
  ] as const) {
    const secret = Object.values(sections).some((section) => section.aws_secret_access_key || section.aws_session_token);
    const w = secret ? permissionWarning(path) : undefined;
    if (w) warnings.push(w);
  }
  const { region, from: regionFrom } = resolveRegion(rules, ctx);
  const stsEndpoint = endpointFor('sts', env, options.endpointUrl);
  const explanation: CredentialExplanation = {
    rules: rules.id,
    source: null,
    profile: null,
    selectedProfile: rules.profile,
    accessKeyId: null,
    chain: [],
    warnings,
    region,
    regionFrom,
    files: rules.paths,
  };
  const debugLines: string[] = [];
  const log = (...args: unknown[]): void => {
    const line = clean(args.map(String).join(' '));
    debugLines.push(line);
    options.debug?.(line);
  };
  const logger = { debug: log, info: log, warn: log, error: log, trace: log };
  const mfaCodeProvider =
    options.mfaCode !== undefined
      ? async (): Promise<string> => options.mfaCode!
      : options.mfaPrompt;

  const sdk: Sdk = await import('@aws-sdk/credential-providers');
  // The STS and SSO clients the providers make get the run's deadline: abort signal, bounded retries.
  const bounded = () => deadlineClientConfig(options.deadline, { maxAttempts: 2 });
  const profile = rules.profile.name;
  const shared = { profile, filepath: rules.paths.credentials, configFilepath: rules.paths.config, ignoreCache: true, logger };

  // Before the SDK may refresh an SSO token (a write), awsperm stops with the `aws sso login` hint.
  const refuseSsoRefresh = (): void => {
    const refusal = ssoRefreshRefusal(files, profile, env);
    if (refusal) throw new SsoRefreshRefused(refusal.message, refusal.hint);
  };

  const run = async (link: CredentialLink): Promise<Attempt | undefined> => {
    switch (link.kind) {
      case 'env': {
        const names = link.envNames ?? SDK_ENV_NAMES;
        const id = firstEnv(env, names.accessKeyId);
        const secret = firstEnv(env, names.secretAccessKey);
        if (!id || !secret) return undefined;
        const token = firstEnv(env, names.sessionToken);
        // fromEnv reads the SDK's variable names from process.env; present the tool's names under them.
        const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY, token: process.env.AWS_SESSION_TOKEN };
        process.env.AWS_ACCESS_KEY_ID = id.value;
        process.env.AWS_SECRET_ACCESS_KEY = secret.value;
        if (token) process.env.AWS_SESSION_TOKEN = token.value;
        else delete process.env.AWS_SESSION_TOKEN;
        try {
          const credentials = await sdk.fromEnv({ logger })();
          return { credentials, detail: `${id.name} and ${secret.name}${token ? ` (+ ${token.name})` : ''}`, source: 'environment', profile: null };
        } finally {
          for (const [k, v] of [
            ['AWS_ACCESS_KEY_ID', saved.id],
            ['AWS_SECRET_ACCESS_KEY', saved.secret],
            ['AWS_SESSION_TOKEN', saved.token],
          ] as const) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
          }
        }
      }
      case 'credentials-file': {
        const section = Object.hasOwn(files.credentials, profile) ? files.credentials[profile] : undefined;
        if (!section) throw new NothingHere(`no section [${profile}] in ${rules.paths.credentials}`);
        if (!section.aws_access_key_id || !section.aws_secret_access_key) {
          throw new NothingHere(`section [${profile}] of ${rules.paths.credentials} has no aws_access_key_id/aws_secret_access_key`);
        }
        const credentials: AwsCredentials = {
          accessKeyId: section.aws_access_key_id,
          secretAccessKey: section.aws_secret_access_key,
          ...(section.aws_session_token ? { sessionToken: section.aws_session_token } : {}),
        };
        return { credentials, detail: `static keys of profile '${profile}' in ${rules.paths.credentials}`, source: 'shared-credentials-file', profile };
      }
      case 'ini': {
        refuseSsoRefresh();
        // The SDK says only "Could not resolve credentials using profile: [x]", which reads as "nothing configured";
        // a source_profile naming a profile that does not exist is a broken chain, and awsperm says which.
        const broken = missingSourceProfile(files, profile);
        if (broken) {
          throw new BrokenChain(
            `profile '${broken.from}' has source_profile '${broken.missing}', which is in neither ${rules.paths.config} nor ${rules.paths.credentials}`,
            `Add a profile '${broken.missing}' with credentials, or point source_profile of profile '${broken.from}' at one that exists.`,
          );
        }
        for (const name of profileChain(files, profile)) {
          const tokenFile = mergedProfile(files, name)?.web_identity_token_file;
          if (tokenFile) checkTokenFile(tokenFile, `web_identity_token_file of profile '${name}'`);
        }
        const iniInit = (name: string) =>
          ({
            ...shared,
            profile: name,
            ...(mfaCodeProvider ? { mfaCodeProvider } : {}),
            clientConfig: { ...(stsEndpoint ? { endpoint: stsEndpoint } : {}) },
            clientPlugins: [credentialExchangeGuard],
            parentClientConfig: { region: region ?? 'us-east-1' },
          }) as Parameters<Sdk['fromIni']>[0] & { clientConfig: Record<string, unknown> };
        if (chainNeedsBoundedResolution(files, profile)) {
          // fromIni would run a credential_process with the SDK's unbounded exec (its stderr in the error) and
          // credential sources with their own timeouts: the same resolution, every step bounded by --timeout.
          const credentials = await resolveBoundedChain(profile, {
            files,
            env,
            deadline: options.deadline,
            region: region ?? 'us-east-1',
            mfaCodeProvider,
            delegate: async (name) => {
              const init = iniInit(name);
              Object.assign(init.clientConfig, await bounded());
              return sdk.fromIni(init)();
            },
            assumeRole: async (source, params, stsRegion) => {
              const { STSClient, AssumeRoleCommand } = await import('@aws-sdk/client-sts');
              const client = new STSClient({ region: stsRegion, credentials: source, ...(stsEndpoint ? { endpoint: stsEndpoint } : {}), ...(await bounded()) });
              client.middlewareStack.use(credentialExchangeGuard as Parameters<typeof client.middlewareStack.use>[0]);
              try {
                const out = await client.send(new AssumeRoleCommand(params));
                const c = out.Credentials;
                if (!c?.AccessKeyId || !c.SecretAccessKey) throw new ChainError(`sts:AssumeRole of ${params.RoleArn} returned no credentials`);
                const accountId = /^arn:[^:]+:sts::(\d{12}):/.exec(out.AssumedRoleUser?.Arn ?? '')?.[1];
                return {
                  accessKeyId: c.AccessKeyId,
                  secretAccessKey: c.SecretAccessKey,
                  ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
                  ...(c.Expiration ? { expiration: c.Expiration } : {}),
                  ...(accountId ? { accountId } : {}),
                };
              } finally {
                client.destroy();
              }
            },
            credentialSource: async (kind, name) => {
              const ms = (): number => Math.max(1, Math.min(1000, options.deadline?.remainingMs() ?? 1000));
              const bound = <T>(work: Promise<T>): Promise<T> =>
                withinDeadline(work, options.deadline, `profile '${name}': credential_source ${kind} did not answer within ${options.deadline?.seconds ?? 0} s (the timeout option)`);
              switch (kind) {
                case 'Environment':
                  return sdk.fromEnv({ logger })();
                case 'Ec2InstanceMetadata':
                  return bound(sdk.fromInstanceMetadata({ logger, timeout: ms(), maxRetries: 0 })());
                case 'EcsContainer':
                  // As the SDK's chain: the HTTP provider, then the container metadata one when the first has nothing.
                  return bound(
                    sdk.fromHttp({ logger, timeout: ms(), maxRetries: 0 })().catch((e: unknown) => {
                      if (isProviderError(e) && e.tryNextLink) return sdk.fromContainerMetadata({ logger, timeout: ms(), maxRetries: 0 })();
                      throw e;
                    }),
                  );
                default:
                  throw new ChainError(`profile '${name}': unsupported credential_source '${kind}' (expected EcsContainer, Ec2InstanceMetadata or Environment)`);
              }
            },
          });
          const own = mergedProfile(files, profile) ?? {};
          const source: CredentialSource = own.role_arn && (own.source_profile || own.credential_source) ? 'assume-role' : 'process';
          return { credentials, detail: describeIni(source, ctx, profile), source, profile };
        }
        const init = iniInit(profile);
        Object.assign(init.clientConfig, await bounded());
        const credentials = await sdk.fromIni(init)();
        const source = iniSource((credentials as { $source?: Record<string, string> }).$source, ctx, profile);
        return { credentials, detail: describeIni(source, ctx, profile), source, profile };
      }
      case 'sso': {
        refuseSsoRefresh();
        const credentials = await sdk.fromSSO({ ...shared, clientConfig: await bounded() } as Parameters<Sdk['fromSSO']>[0])();
        return { credentials, detail: `SSO credentials of profile '${profile}'`, source: 'sso', profile };
      }
      case 'process': {
        // awsperm's own runner, not the SDK's: bounded by --timeout, its output capped, its stderr never shown.
        const command = mergedProfile(files, profile)?.credential_process;
        if (!command) throw new NothingHere(`profile '${profile}' has no credential_process`);
        const credentials = await runCredentialProcess(command, options.deadline, env);
        return { credentials, detail: `credential_process of profile '${profile}'`, source: 'process', profile };
      }
      case 'token-file': {
        if (env.AWS_WEB_IDENTITY_TOKEN_FILE) checkTokenFile(env.AWS_WEB_IDENTITY_TOKEN_FILE, 'AWS_WEB_IDENTITY_TOKEN_FILE');
        const credentials = await sdk.fromTokenFile({
          logger,
          clientConfig: { ...(stsEndpoint ? { endpoint: stsEndpoint } : {}), region: region ?? 'us-east-1', ...(await bounded()) },
          clientPlugins: [credentialExchangeGuard],
        } as Parameters<Sdk['fromTokenFile']>[0])();
        return { credentials, detail: `AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN ${env.AWS_ROLE_ARN ?? ''}`.trim(), source: 'web-identity', profile: null };
      }
      case 'container': {
        // Each request of these providers has its own timeout, which knows nothing of --timeout: bounded as a whole.
        const credentials = await withinDeadline(
          sdk.fromContainerMetadata({ logger, timeout: 1000, maxRetries: 0 })(),
          options.deadline,
          `the container credentials endpoint did not answer within ${options.deadline?.seconds ?? 0} s (the timeout option)`,
        );
        return { credentials, detail: 'the container credentials endpoint', source: 'container', profile: null };
      }
      case 'instance-metadata': {
        const credentials = await withinDeadline(
          sdk.fromInstanceMetadata({ logger, timeout: 1000, maxRetries: 0 })(),
          options.deadline,
          `the EC2 instance metadata service did not answer within ${options.deadline?.seconds ?? 0} s (the timeout option)`,
        );
        return { credentials, detail: 'the EC2 instance metadata service', source: 'instance-metadata', profile: null };
      }
    }
  };

  const fail = (code: ConstructorParameters<typeof CredentialsError>[0], message: string, hint: string | undefined, cause?: unknown, data?: ClassifiedFailure['data']): never => {
    throw new CredentialsError(code, clean(message), {
      ...(hint ? { hint: clean(hint) } : {}),
      ...(data !== undefined ? { data } : {}),
      explanation,
      ...(cause !== undefined ? { cause: sanitizeCause(cause, clean) } : {}),
    });
  };

  let brokenHint: string | undefined;
  const winner = await withProcessEnv(env, async (): Promise<Attempt | undefined> => {
    for (let i = 0; i < rules.chain.length; i++) {
      const link = rules.chain[i]!;
      const provider = PROVIDER_NAMES[link.kind];
      const step = (outcome: ChainStep['outcome'], detail: string): void => {
        explanation.chain.push({ provider, outcome, detail: clean(detail) });
      };
      if (link.skip) {
        step('skipped', link.skip);
        continue;
      }
      const guard = link.guard?.(ctx);
      if (guard?.action === 'skip') {
        step('skipped', guard.detail);
        continue;
      }
      if (guard?.action === 'fail') {
        step('failed', guard.detail);
        fail('CREDENTIALS_UNSUPPORTED', guard.detail, guard.hint);
      }
      try {
        const attempt = await run(link);
        if (!attempt) {
          step('none', link.kind === 'env' ? `${(link.envNames ?? SDK_ENV_NAMES).accessKeyId.join('/')} and secret not both set` : 'nothing configured');
          continue;
        }
        step('used', attempt.detail);
        for (const later of rules.chain.slice(i + 1)) {
          explanation.chain.push({ provider: PROVIDER_NAMES[later.kind], outcome: 'not-tried', detail: 'an earlier link produced credentials' });
        }
        return attempt;
      } catch (error) {
        if (error instanceof NothingHere) {
          step('none', error.message);
          continue;
        }
        if (error instanceof BrokenChain) {
          step('failed', error.message);
          brokenHint ??= error.hint;
          continue;
        }
        if (error instanceof SsoRefreshRefused) {
          step('failed', error.message);
          fail('SSO_TOKEN_EXPIRED', error.message, error.hint);
        }
        if (error instanceof CredentialProcessError) {
          const via = error.sourceProfile ? ` (source profile '${error.sourceProfile}')` : '';
          step('failed', `${via.trim()} ${error.message}`.trim());
          fail(/did not finish/.test(error.message) ? 'TIMEOUT' : 'CREDENTIALS_UNAVAILABLE', `profile '${profile}'${via}: ${error.message}`, 'Run the credential_process command yourself to see its output; awsperm never prints it.');
        }
        if (error instanceof DeadlinePassed) {
          step('failed', error.message);
          fail('TIMEOUT', error.message, 'Check the instance or container credentials endpoint, or allow longer (the timeout option).');
        }
        const message = sdkMessage(error);
        const nothing = NOTHING_CONFIGURED.some((re) => re.test(message));
        step(nothing ? 'none' : 'failed', message);
        if (!isProviderError(error) || !error.tryNextLink) {
          const c = classifyFailure(error, provider, { profile, deadline: options.deadline, ...(stsEndpoint ? { endpoint: stsEndpoint } : {}) });
          fail(c.code, c.message, c.hint, error, c.data);
        }
      }
    }
    return undefined;
  });

  if (!winner) {
    const failed = explanation.chain.find((s) => s.outcome === 'failed');
    const exists = mergedProfile(files, profile) !== undefined;
    if (failed) {
      const sso = classifyFailure(new Error(failed.detail), failed.provider, { profile });
      if (sso.code === 'SSO_TOKEN_EXPIRED' || sso.code === 'MFA_REQUIRED') fail(sso.code, sso.message, sso.hint, undefined, sso.data);
      fail('CREDENTIALS_UNAVAILABLE', `no usable AWS credentials: ${failed.provider}: ${failed.detail}`, brokenHint ?? rules.noCredentialsHint);
    }
    if (rules.profile.explicit && !exists) {
      fail(
        'CREDENTIALS_UNAVAILABLE',
        `profile '${profile}' (${rules.profile.reason}) is not in ${rules.paths.credentials} or ${rules.paths.config}, and no other source has credentials`,
        `Add the profile, or select another one; ${rules.noCredentialsHint}`,
      );
    }
    fail('CREDENTIALS_UNAVAILABLE', `no AWS credentials found (${rules.toolName} tried ${explanation.chain.map((s) => s.provider).join(', ')})`, rules.noCredentialsHint);
  }

  const attempt = winner!;
  explanation.source = attempt.source;
  explanation.profile = attempt.profile;
  explanation.accessKeyId = maskAccessKeyId(attempt.credentials.accessKeyId);
  const expiration = attempt.credentials.expiration;
  if (expiration) {
    explanation.expiration = expiration.toISOString();
    const minutes = Math.round((expiration.getTime() - (options.now ?? new Date()).getTime()) / 60_000);
    if (minutes < 15) warnings.push(`the session ${minutes <= 0 ? 'has expired' : `expires in ${minutes} minute${minutes === 1 ? '' : 's'}`} (${explanation.expiration})`);
  }
  const credentials: AwsCredentials = {
    accessKeyId: attempt.credentials.accessKeyId,
    secretAccessKey: attempt.credentials.secretAccessKey,
    ...(attempt.credentials.sessionToken ? { sessionToken: attempt.credentials.sessionToken } : {}),
    ...(expiration ? { expiration } : {}),
    ...(attempt.credentials.accountId ? { accountId: attempt.credentials.accountId } : {}),
  };
  const result = { explanation } as ResolvedCredentials;
  Object.defineProperty(result, 'credentials', { value: credentials, enumerable: false });
  return result;
}

/**
 * Refuses a web identity token file that exists but is not a regular file within the config size limit: the SDK
 * reads it with a synchronous `readFileSync`, which on a FIFO blocks the whole process past any deadline. A missing
 * file is left to the SDK's own error.
 */
function checkTokenFile(path: string, from: string): void {
  try {
    statRegularFile(path, 'config', `the web identity token file (${from})`);
  } catch (error) {
    if (AwspermError.is(error) && error.code === 'FILE_NOT_FOUND') return;
    throw error;
  }
}

/** A profile of the chain whose `source_profile` names no profile of the shared files, if any. */
function missingSourceProfile(files: ProfileFiles, profile: string): { from: string; missing: string } | undefined {
  const chain = profileChain(files, profile);
  for (const name of chain) {
    const data = mergedProfile(files, name);
    const source = data?.role_arn ? data.source_profile : undefined;
    if (source !== undefined && mergedProfile(files, source) === undefined) return { from: name, missing: source };
  }
  return undefined;
}

/** Thrown by the shared-files link when a `source_profile` names a profile that does not exist. */
class BrokenChain extends Error {
  readonly hint: string;
  constructor(message: string, hint: string) {
    super(message);
    this.hint = hint;
  }
}

/** Thrown by awsperm's own links for "nothing configured here". */
class NothingHere extends Error {}

/** Thrown before the SDK would refresh an SSO token. */
class SsoRefreshRefused extends Error {
  readonly hint: string;
  constructor(message: string, hint: string) {
    super(message);
    this.hint = hint;
  }
}

/** A copy of an SDK error safe to keep as a `cause`: name, message (redacted), AWS code; no request/response data. */
function sanitizeCause(error: unknown, clean: (text: string) => string): Error {
  const e = new Error(clean(error instanceof Error ? error.message : String(error)));
  e.name = error instanceof Error ? error.name : 'Error';
  if (error instanceof Error && error.stack) e.stack = clean(error.stack);
  return e;
}

/**
 * The region `rules` resolve to with `env` and the shared files, without resolving credentials (no SDK, no network):
 * what a run that needs no credentials (`policy`, offline `check`) scopes ARNs with.
 */
export async function rulesRegion(rules: CredentialRules, env: RulesContext['env']): Promise<{ region: string | null; from: string | null }> {
  const files = await readProfileFiles(rules.paths);
  return resolveRegion(rules, { env, profile: rules.profile, files, paths: rules.paths });
}
