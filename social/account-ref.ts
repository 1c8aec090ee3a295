/** A stored linked account as a provider sees it (no database row crosses into a provider). */
import type { LinkedAccountRecord } from '../core/linked-accounts.js';
import type { AccountRef } from './provider.js';

export function accountRefOf(account: LinkedAccountRecord): AccountRef {
  return {
    platform: account.platform,
    accountId: account.platformAccountId,
    handle: account.handle,
    instanceUrl: account.instanceUrl,
    credentials: account.accessToken
      ? {
          accessToken: account.accessToken,
          refreshToken: account.refreshToken,
          expiresAt: account.tokenExpiresAt,
          scopes: account.scopes,
        }
      : undefined,
  };
}
