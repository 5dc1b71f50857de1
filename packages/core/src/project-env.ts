/**
 * Variables that send awsperm's AWS traffic or credentials elsewhere, or run a command: endpoints, CA bundles,
 * proxies, shared config/credentials files (which can hold `credential_process`), container and instance metadata
 * endpoints, web-identity token files. A project file (`.env*`) must never set them: only the user's real
 * environment or command line may.
 */
const REDIRECT = [
  /^AWS_ENDPOINT_URL(_.+)?$/,
  /^AWS_CA_BUNDLE$/,
  /^NODE_EXTRA_CA_CERTS$/,
  /^(HTTPS?|ALL|NO)_PROXY$/i,
  /^AWS_CONFIG_FILE$/,
  /^AWS_SHARED_CREDENTIALS_FILE$/,
  /^AWS_CONTAINER_CREDENTIALS_(FULL|RELATIVE)_URI$/,
  /^AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE)?$/,
  /^AWS_EC2_METADATA_SERVICE_ENDPOINT(_MODE)?$/,
  /^AWS_EC2_METADATA_DISABLED$/,
  /^AWS_WEB_IDENTITY_TOKEN_FILE$/,
  /^AWS_ROLE_ARN$/,
  /^AWS_SSO_/,
  /^AWS_USE_(FIPS|DUALSTACK)_ENDPOINT$/,
  /^AWS_STS_REGIONAL_ENDPOINTS$/,
  /^NODE_OPTIONS$/,
  /^NODE_TLS_REJECT_UNAUTHORIZED$/,
  /^SSL_CERT_(FILE|DIR)$/,
];

/** Whether a variable may redirect awsperm's AWS traffic or credentials (see the list in the source). */
export function isRedirectVariable(name: string): boolean {
  return REDIRECT.some((r) => r.test(name));
}

/**
 * Splits the variables a project's files would add (`ToolProject.env`) into those awsperm applies and the
 * redirecting ones it ignores ({@link isRedirectVariable}); the warning to print names each ignored variable.
 */
export function screenProjectEnv(fromFiles: Readonly<Record<string, string>>): { env: Record<string, string>; ignored: string[] } {
  const env: Record<string, string> = {};
  const ignored: string[] = [];
  for (const [k, v] of Object.entries(fromFiles)) {
    if (isRedirectVariable(k)) ignored.push(k);
    else env[k] = v;
  }
  return { env, ignored };
}

/** The warning for variables {@link screenProjectEnv} ignored. */
export function ignoredVariablesWarning(ignored: readonly string[]): string {
  return `ignored ${ignored.join(', ')} from the project's files: endpoints, CA bundles, proxies and credential files are taken only from the real environment or the command line`;
}
