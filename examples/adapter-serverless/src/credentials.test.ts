import { describe, expect, it } from 'vitest';
import { serverlessCredentialRules } from './credentials.ts';

const pick = (input: Parameters<typeof serverlessCredentialRules>[0]) => {
  const rules = serverlessCredentialRules(input);
  const env = rules.chain.find((l) => l.kind === 'env');
  return { profile: `${rules.profile.name} (${rules.profile.reason})`, keys: env?.envNames?.accessKeyId[0] ?? null };
};
const keys = (prefix: string) => ({ [`${prefix}_ACCESS_KEY_ID`]: 'AKIA', [`${prefix}_SECRET_ACCESS_KEY`]: 's' });

describe('Serverless Framework credential precedence', () => {
  it('--aws-profile beats everything', () => {
    const env = { AWS_PROFILE: 'p', AWS_PROD_PROFILE: 'sp', ...keys('AWS'), ...keys('AWS_PROD') };
    expect(pick({ env, stage: 'prod', awsProfile: 'cli', providerProfile: 'yml' })).toEqual({ profile: 'cli (--aws-profile)', keys: null });
  });
  it('then AWS_<STAGE>_PROFILE, then the stage keys', () => {
    expect(pick({ env: { AWS_PROD_PROFILE: 'sp', AWS_PROFILE: 'p', ...keys('AWS_PROD') }, stage: 'prod' }).profile).toBe('sp (AWS_PROD_PROFILE)');
    expect(pick({ env: { AWS_PROFILE: 'p', ...keys('AWS_PROD') }, stage: 'prod' }).keys).toBe('AWS_PROD_ACCESS_KEY_ID');
  });
  it('then AWS_PROFILE, then AWS_ACCESS_KEY_ID, then provider.profile, then the default profile', () => {
    expect(pick({ env: { AWS_PROFILE: 'p', ...keys('AWS') }, stage: 'dev', providerProfile: 'yml' }).profile).toBe('p (AWS_PROFILE)');
    expect(pick({ env: keys('AWS'), stage: 'dev', providerProfile: 'yml' }).keys).toBe('AWS_ACCESS_KEY_ID');
    expect(pick({ env: {}, stage: 'dev', providerProfile: 'yml' })).toEqual({ profile: 'yml (serverless.yml provider.profile)', keys: null });
    expect(pick({ env: {}, stage: 'dev' })).toEqual({ profile: 'default (default)', keys: null });
    expect(pick({ env: { AWS_DEFAULT_PROFILE: 'd' }, stage: 'dev' }).profile).toBe('d (AWS_DEFAULT_PROFILE)');
  });
  it('region: --region, then provider.region, then us-east-1', () => {
    const steps = serverlessCredentialRules({ env: {}, stage: 'dev', region: 'eu-west-1', providerRegion: 'us-west-2' }).region;
    expect(steps.map((s) => (s.kind === 'value' || s.kind === 'default' ? s.value : s.kind))).toEqual(['eu-west-1', 'us-west-2', 'us-east-1']);
  });
});
