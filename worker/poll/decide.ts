/**
 * What each feed does with each post of a poll, as deliveries rows: pending (send it), held (wait
 * for engagement), filtered (with the verdict saying why), or skipped (history older than the feed,
 * so a new feed never floods its channel). Pure: the poll task stores the result.
 */
import { evaluateFilters } from '../../core/filter-evaluation.js';
import type { Decision, NewDelivery, StoredPost } from '../../core/import-store.js';
import type { FeedForPoll } from '../../core/poll-store.js';

export interface DecideContext {
  readonly now: Date;
  readonly engagementWindowMs: number;
}

const HISTORY = { decision: 'skip', summary: 'skipped: published before the feed was created' } as const;

/** What `feed` does with `post`; the post need not be stored yet (nothing here reads its row id). */
export function verdictFor(
  feed: FeedForPoll,
  post: Pick<StoredPost, 'publishedAt' | 'firstSeenAt' | 'post'>,
  ctx: DecideContext,
  asBackfill = false,
): Decision {
  if (post.publishedAt < feed.deliverSince && !asBackfill) return { status: 'skipped', verdict: HISTORY };
  const verdict = evaluateFilters(post.post, feed.filters, {
    now: ctx.now,
    firstSeenAt: post.firstSeenAt,
    engagementWindowMs: ctx.engagementWindowMs,
  });
  switch (verdict.decision) {
    case 'deliver':
      return { status: 'pending', verdict };
    case 'hold':
      return {
        status: 'held',
        verdict,
        holdUntil: new Date(post.firstSeenAt.getTime() + ctx.engagementWindowMs),
      };
    case 'block':
      return { status: 'filtered', verdict };
  }
}

export function decide(
  feed: FeedForPoll,
  post: StoredPost,
  ctx: DecideContext,
  asBackfill = false,
): NewDelivery {
  return {
    feedId: feed.id,
    postId: post.id,
    publishedAt: post.publishedAt,
    ...verdictFor(feed, post, ctx, asBackfill),
  };
}

/** The deliveries of every feed for the posts of one poll. */
export function decideAll(
  feeds: readonly FeedForPoll[],
  posts: readonly StoredPost[],
  ctx: DecideContext,
): NewDelivery[] {
  return feeds.flatMap((feed) => posts.map((post) => decide(feed, post, ctx)));
}

/** A new feed's backfill: its newest `backfillCount` posts from before it was created, through its filters. */
export function decideBackfill(
  feed: FeedForPoll,
  history: readonly StoredPost[],
  ctx: DecideContext,
): NewDelivery[] {
  return history
    .filter((post) => post.publishedAt < feed.deliverSince)
    .sort((a, b) => b.publishedAt.getTime() - a.publishedAt.getTime())
    .slice(0, feed.backfillCount)
    .map((post) => decide(feed, post, ctx, true));
}
