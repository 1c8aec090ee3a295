/** A provider's account (an `AccountRef` as a fake issues it) linked to a tenant, as linking would. */
import { linkAccount } from '../../core/account-store.js';
import type { Keyring } from '../../core/crypto.js';
import type { Pool } from '../../core/db/pool.js';
import type { AccountRef } from '../../social/provider.js';

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
