/**
 * Token refresh for the poller: ahead of expiry, and once when a call says the token expired.
 * Serialised across every worker process by a row lock on the account, because X refresh tokens are
 * single-use: the second refresher sees the tokens the first one stored and uses them.
 */
import { withTransaction } from '../../core/db/pool.js';
import { ProviderError } from '../../core/errors.js';
import { storeRefreshedTokens } from '../../core/poll-store.js';
import { findLinkedAccountById } from '../../core/linked-accounts.js';
import { accountRefOf } from '../../social/account-ref.js';
import type { AccountRef, SocialProvider } from '../../social/provider.js';
import type { PollDeps } from './poll-account.js';

/** Refresh a token that expires within this much time, so a poll never starts with a dying token. */
export const REFRESH_AHEAD_MS = 5 * 60_000;

export { accountRefOf };

/**
 * Fresh credentials for `accountId`, replacing `staleAccessToken`; a refresh the platform refuses
 * means access is gone (revoked).
 */
export async function refreshAccount(
  deps: Pick<PollDeps, 'pool' | 'keyring'>,
  provider: SocialProvider,
  accountId: string,
  staleAccessToken: string | undefined,
): Promise<AccountRef> {
  const refresh = provider.refresh?.bind(provider);
  if (!refresh)
    throw new ProviderError('revoked', `${provider.id}: the access token expired and cannot be refreshed`, {
      platform: provider.id,
      endpoint: 'refresh',
    });
  return withTransaction(deps.pool, async (client) => {
    await client.query('SELECT 1 FROM social_accounts WHERE id = $1 FOR UPDATE', [accountId]);
    const account = await findLinkedAccountById(client, deps.keyring, accountId);
    if (!account)
      throw new ProviderError('revoked', `${provider.id}: the account was unlinked`, {
        platform: provider.id,
        endpoint: 'refresh',
      });
    const ref = accountRefOf(account);
    // Another process refreshed while we waited for the lock: its tokens are the ones to use.
    if (account.accessToken !== staleAccessToken) return ref;
    let credentials;
    try {
      credentials = await refresh(ref);
    } catch (err) {
      const failure = provider.classifyError(err);
      if (failure.kind === 'retry-later') throw failure;
      throw new ProviderError('revoked', `the token refresh was refused: ${failure.message}`, failure);
    }
    await storeRefreshedTokens(client, deps.keyring, accountId, credentials);
    return { ...ref, credentials };
  });
}
