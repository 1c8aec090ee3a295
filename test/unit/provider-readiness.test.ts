import { describe, expect, it } from 'vitest';
import type { Config, ProviderConfig } from '../../core/config.js';
import { SOCIAL_PLATFORMS, type SocialPlatform } from '../../core/platforms.js';
import { aggregatorReadiness, providerReadiness } from '../../social/provider-readiness.js';

const unset: ProviderConfig = { clientId: undefined, clientSecret: undefined, apiUrl: undefined };

function config(
  providers: Partial<Record<SocialPlatform, Partial<ProviderConfig>>> = {},
  keys: { postforme?: string; late?: string } = {},
): Pick<Config, 'providers' | 'aggregators'> {
  return {
    providers: Object.fromEntries(
      SOCIAL_PLATFORMS.map((platform) => [platform, { ...unset, ...providers[platform] }]),
    ) as Record<SocialPlatform, ProviderConfig>,
    aggregators: {
      postforme: { apiKey: keys.postforme, apiUrl: 'https://api.postforme.dev' },
      late: { apiKey: keys.late, apiUrl: 'https://getlate.dev/api' },
    },
  };
}

function readinessOf(platform: SocialPlatform, cfg: Pick<Config, 'providers' | 'aggregators'>) {
  const entry = providerReadiness(cfg).find((row) => row.platform === platform);
  if (!entry) throw new Error(`no readiness row for ${platform}`);
  return entry;
}

describe('providerReadiness', () => {
  it('GIVEN any config THEN every social platform has exactly one row, in order', () => {
    expect(providerReadiness(config()).map((row) => row.platform)).toEqual([...SOCIAL_PLATFORMS]);
  });

  it('GIVEN X with an id but no secret THEN X is not ready and the detail names only the secret', () => {
    const row = readinessOf('x', config({ x: { clientId: 'abc' } }));
    expect(row.ready).toBe(false);
    expect(row.detail).toContain('HERALD_X_CLIENT_SECRET');
    expect(row.detail).not.toContain('HERALD_X_CLIENT_ID');
  });

  it('GIVEN X with neither id nor secret THEN the detail names both variables', () => {
    const row = readinessOf('x', config());
    expect(row).toMatchObject({ ready: false, displayName: 'X' });
    expect(row.detail).toContain('HERALD_X_CLIENT_ID');
    expect(row.detail).toContain('HERALD_X_CLIENT_SECRET');
  });

  it('GIVEN a blank secret THEN it counts as missing', () => {
    expect(readinessOf('x', config({ x: { clientId: 'id', clientSecret: '  ' } })).ready).toBe(false);
  });

  it('GIVEN X with both id and secret THEN it is ready', () => {
    expect(readinessOf('x', config({ x: { clientId: 'id', clientSecret: 'secret' } })).ready).toBe(true);
  });

  it('GIVEN a platform without a provider yet THEN it is not ready even with credentials, and says so', () => {
    const row = readinessOf('linkedin', config({ linkedin: { clientId: 'id', clientSecret: 'secret' } }));
    expect(row).toMatchObject({ ready: false, detail: 'not supported by this version of Herald yet' });
  });

  it('GIVEN YouTube or Reddit THEN points to their feeds, which the RSS provider reads', () => {
    expect(readinessOf('youtube', config()).detail).toMatch(/linked as RSS \(a channel feed URL\)/);
    expect(readinessOf('reddit', config()).detail).toMatch(/linked as RSS \(a .rss listing URL\)/);
  });

  it.each([
    ['bluesky', /app password/],
    ['mastodon', /each Mastodon instance/],
    ['rss', /no credentials/],
  ] as const)('GIVEN nothing configured THEN %s is ready and says why', (platform, why) => {
    const row = readinessOf(platform, config());
    expect(row.ready).toBe(true);
    expect(row.detail).toMatch(why);
  });
});

describe('aggregatorReadiness', () => {
  it('GIVEN only a LATE key THEN LATE is ready and PostForMe names its variable', () => {
    const rows = aggregatorReadiness(config({}, { late: 'late-key' }));
    expect(rows.map((row) => [row.aggregator, row.ready])).toEqual([
      ['postforme', false],
      ['late', true],
    ]);
    expect(rows[0]?.detail).toContain('HERALD_POSTFORME_API_KEY');
    expect(rows[1]?.detail).toContain('HERALD_LATE_API_KEY');
  });
});
