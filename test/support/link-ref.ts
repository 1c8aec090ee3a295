/** A provider's account (an `AccountRef` as a fake issues it) linked to a tenant, as linking would. */
import { linkAccount } from '../../core/account-store.js';
import type { Keyring } from '../../core/crypto.js';
import type { Pool } from '../../core/db/pool.js';
import type { AccountRef } from '../../social/provider.js';
import { createProviderRegistry, type ProviderRegistry } from '../../social/registry.js';
import type { BlueskyFake } from '../fakes/bluesky.js';
import type { MastodonFake } from '../fakes/mastodon.js';
import { X_FAKE_CLIENT, type XFake } from '../fakes/x.js';
import { testConfig } from './config.js';

export async function linkRef(
  pool: Pool,
  keyring: Keyring,
  tenantId: string,
  ref: AccountRef,
  linkedBy = 'U1',
): Promise<string> {
  const { id } = await linkAccount(pool, keyring, {
    tenantId,
    platform: ref.platform,
    platformAccountId: ref.accountId,
    handle: ref.handle,
    displayName: ref.handle,
    instanceUrl: ref.instanceUrl,
    profileUrl: undefined,
    avatarUrl: undefined,
    accessToken: ref.credentials?.accessToken,
    refreshToken: ref.credentials?.refreshToken,
    linkedBy,
  });
  return id;
}

/** The fakes a publishing test posts to. */
export interface PublishingFakes {
  readonly x: XFake;
  readonly bluesky: BlueskyFake;
  readonly mastodon: MastodonFake;
}

/** One account on each of X, Bluesky and Mastodon, made on the fakes and linked; ids by platform. */
export async function linkOnePerPlatform(
  pool: Pool,
  keyring: Keyring,
  tenantId: string,
  fakes: PublishingFakes,
  linkedBy = 'U1',
): Promise<Record<'x' | 'bluesky' | 'mastodon', string>> {
  const user = fakes.x.addUser({ username: 'acmehq', name: 'Acme HQ' });
  const tokens = fakes.x.issueTokens(user.id);
  const x = await linkRef(
    pool,
    keyring,
    tenantId,
    {
      platform: 'x',
      accountId: user.id,
      handle: user.username,
      credentials: { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken },
    },
    linkedBy,
  );
  const bluesky = await linkRef(
    pool,
    keyring,
    tenantId,
    fakes.bluesky.signedIn({ handle: 'acme.test' }),
    linkedBy,
  );
  const acme = fakes.mastodon.addAccount({ username: 'acme' });
  const mastodon = await linkRef(
    pool,
    keyring,
    tenantId,
    {
      platform: 'mastodon',
      accountId: String(acme.id),
      handle: 'acme',
      instanceUrl: fakes.mastodon.url,
      credentials: { accessToken: fakes.mastodon.issueToken(acme, ['read', 'write']) },
    },
    linkedBy,
  );
  return { x, bluesky, mastodon };
}

/** The provider registry a publishing test posts through: X and Bluesky pointed at their fakes. */
export function publishingRegistry(fakes: Pick<PublishingFakes, 'x' | 'bluesky'>): ProviderRegistry {
  const config = testConfig({
    HERALD_ALLOW_LOOPBACK_URLS: 'true',
    HERALD_X_CLIENT_ID: X_FAKE_CLIENT.clientId,
    HERALD_X_CLIENT_SECRET: X_FAKE_CLIENT.clientSecret,
    HERALD_X_API_URL: fakes.x.url,
    HERALD_BLUESKY_API_URL: fakes.bluesky.url,
  });
  return createProviderRegistry(config, {
    x: { authUrl: fakes.x.url },
    bluesky: { plcDirectoryUrl: fakes.bluesky.plcDirectoryUrl, linkPreviews: false },
  });
}
