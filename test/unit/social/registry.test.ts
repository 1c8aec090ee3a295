import { afterAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../../../core/errors.js';
import { createProviderRegistry, IMPLEMENTED_PLATFORMS } from '../../../social/registry.js';
import { testConfig } from '../../support/config.js';

describe('provider registry', () => {
  const registry = createProviderRegistry(
    testConfig({ HERALD_X_CLIENT_ID: 'id', HERALD_X_CLIENT_SECRET: 'secret' }),
  );
  afterAll(() => registry.close());

  it('GIVEN the implemented platforms THEN each has its provider under its own id', () => {
    for (const platform of IMPLEMENTED_PLATFORMS) {
      expect(registry.has(platform)).toBe(true);
      expect(registry.get(platform).id).toBe(platform);
    }
  });

  it('GIVEN a platform without a provider THEN get fails as bad-request naming what is supported', () => {
    expect(registry.has('instagram')).toBe(false);
    let failure: unknown;
    try {
      registry.get('instagram');
    } catch (err) {
      failure = err;
    }
    expect(failure).toBeInstanceOf(ProviderError);
    expect(failure).toMatchObject({
      kind: 'bad-request',
      message: expect.stringContaining('Instagram is not supported'),
      hint: 'Supported today: X, Bluesky, Mastodon, RSS / Atom.',
    });
  });

  it('GIVEN client credentials in config THEN the X provider can build an authorize URL with them', async () => {
    const url = new URL(
      await registry.providers.x.authUrl!({
        client: { clientId: 'id', clientSecret: 'secret' },
        redirectUri: 'https://herald.example/connect/x/callback',
        state: 's'.repeat(43),
        codeChallenge: 'c'.repeat(43),
      }),
    );
    expect(url.searchParams.get('client_id')).toBe('id');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
  });
});
