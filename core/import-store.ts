/**
 * The posts a poll stores (deduplicated per account) and the deliveries it decides, with their
 * verdicts, including posts held for engagement. The poll's own bookkeeping is in poll-store.ts.
 */
import type { Queryable } from './db/pool.js';
import type { FilterVerdict } from './filter-evaluation.js';
import type { SocialPost } from './social-post.js';

export interface StoredPost {
  readonly id: string;
  readonly platformId: string;
  readonly publishedAt: Date;
  readonly firstSeenAt: Date;
  /** False when the post was already known (only its metrics were refreshed). */
  readonly isNew: boolean;
  readonly post: SocialPost;
}

/**
 * One post per platform id: a page boundary can return a post twice, and one statement may touch a
 * row only once.
 */
export function uniquePosts(posts: readonly SocialPost[]): SocialPost[] {
  return [...new Map(posts.map((post) => [post.platformId, post])).values()];
}

/**
 * The statement that inserts new posts and refreshes known ones (their metrics change on every
 * sighting), as SQL: `accountId` and `posts` (a JSON array of unique posts) are SQL expressions.
 */
export function upsertPostsSql(accountId: string, posts: string): string {
  return `INSERT INTO social_posts (account_id, platform_post_id, kind, permalink, published_at, post)
     SELECT ${accountId}, p->>'platformId', p->>'kind', p->>'permalink', (p->>'createdAt')::timestamptz, p
       FROM jsonb_array_elements(${posts}::jsonb) AS p
     ON CONFLICT (account_id, platform_post_id)
       DO UPDATE SET post = EXCLUDED.post, last_seen_at = now()
     RETURNING id, platform_post_id, published_at, first_seen_at, (xmax = 0) AS is_new`;
}

/** Insert new posts and refresh known ones. */
export async function upsertPosts(
  db: Queryable,
  accountId: string,
  posts: readonly SocialPost[],
): Promise<StoredPost[]> {
  const unique = uniquePosts(posts);
  if (unique.length === 0) return [];
  const { rows } = await db.query<{
    id: string;
    platform_post_id: string;
    published_at: Date;
    first_seen_at: Date;
    is_new: boolean;
  }>(upsertPostsSql('$1', '$2'), [accountId, JSON.stringify(unique)]);
  const byId = new Map(unique.map((post) => [post.platformId, post]));
  return rows.flatMap((row) => {
    const post = byId.get(row.platform_post_id);
    return post
      ? [
          {
            id: row.id,
            platformId: row.platform_post_id,
            publishedAt: row.published_at,
            firstSeenAt: row.first_seen_at,
            isNew: row.is_new,
            post,
          },
        ]
      : [];
  });
}

export type DeliveryStatus = 'held' | 'filtered' | 'skipped' | 'pending';

export interface NewDelivery {
  readonly feedId: string;
  readonly postId: string;
  readonly publishedAt: Date;
  readonly status: DeliveryStatus;
  readonly verdict: FilterVerdict | { readonly decision: 'skip'; readonly summary: string };
  readonly holdUntil?: Date | undefined;
}

/** What one feed does with one post, whether or not the post is stored yet. */
export interface Decision {
  readonly status: DeliveryStatus;
  readonly verdict: NewDelivery['verdict'];
  readonly holdUntil?: Date;
}

/** Record the verdict of each (feed, post) once; a pair already recorded is left as it is. */
export async function insertDeliveries(db: Queryable, deliveries: readonly NewDelivery[]): Promise<number> {
  if (deliveries.length === 0) return 0;
  const { rowCount } = await db.query(
    `INSERT INTO deliveries (feed_id, post_id, status, nonce, verdict, hold_until, published_at)
     SELECT (d->>'feedId')::uuid, (d->>'postId')::bigint, d->>'status', md5(d->>'feedId' || ':' || (d->>'postId')),
            d->'verdict', (d->>'holdUntil')::timestamptz, (d->>'publishedAt')::timestamptz
       FROM jsonb_array_elements($1::jsonb) AS d
     ON CONFLICT (feed_id, post_id) DO NOTHING`,
    [JSON.stringify(deliveries)],
  );
  return rowCount ?? 0;
}

export interface HeldDelivery {
  readonly id: string;
  readonly feedId: string;
  readonly postId: string;
  readonly firstSeenAt: Date;
  readonly holdUntil: Date;
  readonly post: SocialPost;
}

/** Posts of `accountId` waiting for enough engagement, per feed. */
export async function heldDeliveries(db: Queryable, accountId: string): Promise<HeldDelivery[]> {
  const { rows } = await db.query<{
    id: string;
    feed_id: string;
    post_id: string;
    first_seen_at: Date;
    hold_until: Date;
    post: SocialPost;
  }>(
    `SELECT d.id, d.feed_id, d.post_id, p.first_seen_at, d.hold_until, p.post
       FROM deliveries d JOIN social_posts p ON p.id = d.post_id
      WHERE p.account_id = $1 AND d.status = 'held'
      ORDER BY d.published_at`,
    [accountId],
  );
  return rows.map((row) => ({
    id: row.id,
    feedId: row.feed_id,
    postId: row.post_id,
    firstSeenAt: row.first_seen_at,
    holdUntil: row.hold_until,
    post: row.post,
  }));
}

export interface HeldSettlement {
  readonly deliveryId: string;
  readonly status: 'pending' | 'filtered' | 'held';
  readonly verdict: FilterVerdict;
}

/** Move held deliveries on: to pending (crossed the threshold), filtered (the window ended) or still held. */
export async function settleHeld(db: Queryable, settlements: readonly HeldSettlement[]): Promise<void> {
  if (settlements.length === 0) return;
  await db.query(
    `UPDATE deliveries d SET status = s->>'status', verdict = s->'verdict',
            hold_until = CASE WHEN s->>'status' = 'held' THEN d.hold_until END, updated_at = now()
       FROM jsonb_array_elements($1::jsonb) AS s
      WHERE d.id = (s->>'deliveryId')::bigint AND d.status = 'held'`,
    [JSON.stringify(settlements)],
  );
}

/** Refresh stored posts' metrics from a batch lookup. */
export async function updatePostMetrics(
  db: Queryable,
  accountId: string,
  updates: ReadonlyMap<string, SocialPost['metrics']>,
): Promise<void> {
  if (updates.size === 0) return;
  await db.query(
    `UPDATE social_posts p SET post = jsonb_set(p.post, '{metrics}', u.metrics), last_seen_at = now()
       FROM jsonb_each($2::jsonb) AS u(platform_post_id, metrics)
      WHERE p.account_id = $1 AND p.platform_post_id = u.platform_post_id`,
    [accountId, JSON.stringify(Object.fromEntries(updates))],
  );
}

export async function markBackfillDone(db: Queryable, feedIds: readonly string[]): Promise<void> {
  if (feedIds.length === 0) return;
  await db.query('UPDATE feeds SET backfill_done = true WHERE id = ANY($1::uuid[])', [feedIds]);
}

/** The newest posts stored for an account (a new feed's backfill reads them). */
export async function recentPosts(db: Queryable, accountId: string, limit: number): Promise<StoredPost[]> {
  const { rows } = await db.query<{
    id: string;
    platform_post_id: string;
    published_at: Date;
    first_seen_at: Date;
    post: SocialPost;
  }>(
    `SELECT id, platform_post_id, published_at, first_seen_at, post FROM social_posts
      WHERE account_id = $1 ORDER BY published_at DESC LIMIT $2`,
    [accountId, limit],
  );
  return rows.map((row) => ({
    id: row.id,
    platformId: row.platform_post_id,
    publishedAt: row.published_at,
    firstSeenAt: row.first_seen_at,
    isNew: false,
    post: row.post,
  }));
}
