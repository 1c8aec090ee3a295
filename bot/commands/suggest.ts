/** Autocomplete for account and feed options: only the caller's tenant, best matches first. */
import { listAccounts } from '../../core/account-store.js';
import { listFeeds } from '../../core/feed-store.js';
import type { CommandContext } from './context.js';
import { accountLabel } from './resolve.js';

export interface Suggestion {
  readonly name: string;
  readonly value: string;
}

/** Discord shows at most 25 choices of up to 100 characters. */
const MAX = 25;
const clip = (text: string) => (text.length > 100 ? `${text.slice(0, 99)}…` : text);

export async function suggest(
  ctx: CommandContext,
  kind: 'account' | 'feed',
  query: string,
): Promise<Suggestion[]> {
  const wanted = query.trim().toLowerCase();
  const all =
    kind === 'account'
      ? (await listAccounts(ctx.deps.pool, ctx.tenant.id)).map((account) => ({
          name: accountLabel(account),
          value: account.id,
        }))
      : (await listFeeds(ctx.deps.pool, ctx.tenant.id)).map((feed) => ({
          // Channel names are the platform's business; the id is what a person can match on here.
          name: `${accountLabel(feed)} → #${feed.channelId}`,
          value: feed.id,
        }));
  const matching = wanted ? all.filter((entry) => entry.name.toLowerCase().includes(wanted)) : all;
  return matching.slice(0, MAX).map((entry) => ({ name: clip(entry.name), value: entry.value }));
}
