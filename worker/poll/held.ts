/**
 * Posts held below a feed's minimum engagement: their counts are refreshed with the provider's batch
 * lookup on every poll of the account, then each is delivered when it crosses, or filtered out when
 * its window ends. A failed lookup leaves them held for the next poll; it never fails the poll.
 */
import type { Queryable } from '../../core/db/pool.js';
import { evaluateFilters } from '../../core/filter-evaluation.js';
import {
  heldDeliveries,
  settleHeld,
  updatePostMetrics,
  type HeldSettlement,
} from '../../core/import-store.js';
import type { AccountForPoll } from '../../core/poll-store.js';
import type { SocialPostMetrics } from '../../core/social-post.js';
import type { SocialProvider } from '../../social/provider.js';
import type { DecideContext } from './decide.js';
import type { PollDeps } from './poll-account.js';
import { accountRefOf } from './refresh.js';

/**
 * Returns the write to apply in the poll's transaction, or undefined when no feed of the account has
 * a minimum engagement (then nothing can be held, and nothing is read).
 */
export async function recheckHeld(
  deps: Pick<PollDeps, 'pool' | 'logger'>,
  provider: SocialProvider,
  loaded: AccountForPoll,
  ctx: DecideContext,
): Promise<((db: Queryable) => Promise<void>) | undefined> {
  if (!loaded.feeds.some((feed) => feed.filters.minEngagement !== undefined)) return undefined;
  const held = await heldDeliveries(deps.pool, loaded.account.id);
  if (held.length === 0) return undefined;
  const ids = [...new Set(held.map((entry) => entry.post.platformId))];
  let metrics: ReadonlyMap<string, SocialPostMetrics> = new Map();
  if (provider.fetchMetrics) {
    try {
      metrics = await provider.fetchMetrics(accountRefOf(loaded.account), ids);
    } catch (err) {
      deps.logger.warn(
        { accountId: loaded.account.id, err: provider.classifyError(err) },
        'engagement re-check failed',
      );
    }
  }
  const feeds = new Map(loaded.feeds.map((feed) => [feed.id, feed]));
  const settlements: HeldSettlement[] = [];
  for (const entry of held) {
    const feed = feeds.get(entry.feedId);
    if (!feed) continue;
    const post = { ...entry.post, metrics: metrics.get(entry.post.platformId) ?? entry.post.metrics };
    const verdict = evaluateFilters(post, feed.filters, {
      now: ctx.now,
      firstSeenAt: entry.firstSeenAt,
      engagementWindowMs: ctx.engagementWindowMs,
    });
    const status =
      verdict.decision === 'deliver' ? 'pending' : verdict.decision === 'hold' ? 'held' : 'filtered';
    settlements.push({ deliveryId: entry.id, status, verdict });
  }
  return async (db) => {
    await updatePostMetrics(db, loaded.account.id, metrics);
    await settleHeld(db, settlements);
  };
}
