/**
 * The import pipeline's reads and writes: which accounts are due, an account with its feeds, posts
 * upserted (deduplicated per account), deliveries with their verdicts, and the poll's outcome.
 * Every write that must happen together takes the same client inside one transaction.
 */
import type { Keyring } from './crypto.js';
import type { Queryable } from './db/pool.js';
import { feedFiltersSchema, type FeedFilters } from './feed-filters.js';
import type { FilterVerdict } from './filter-evaluation.js';
import { findLinkedAccountById, type LinkedAccountRecord } from './linked-accounts.js';
import type { ChatPlatform } from './platforms.js';
import type { SocialPost } from './social-post.js';

export interface FeedForPoll {
  readonly id: string;
  readonly tenantId: string;
  readonly chatPlatform: ChatPlatform;
  readonly channelId: string;
  readonly filters: FeedFilters;
  readonly mentionRoleId: string | undefined;
  readonly deliverSince: Date;
  readonly backfillCount: number;
  readonly backfillDone: boolean;
}

export interface AccountForPoll {
  readonly account: LinkedAccountRecord;
  readonly pollIntervalSeconds: number | undefined;
  readonly consecutiveFailures: number;
  readonly feeds: readonly FeedForPoll[];
}

/**
 * The scheduler ticks once a minute and a poll sets its next time a moment after the tick: without a
 * margin, a 60 s interval would be polled every 120 s.
 */
const SCHEDULE_MARGIN_SECONDS = 10;

/** Active accounts whose next poll has come and that have at least one running feed. */
export async function dueAccounts(db: Queryable, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT a.id FROM social_accounts a
      WHERE a.status = 'active' AND a.next_poll_at <= now() + interval '${SCHEDULE_MARGIN_SECONDS} seconds'
        AND EXISTS (SELECT 1 FROM feeds f WHERE f.account_id = a.id AND NOT f.paused)
      ORDER BY a.next_poll_at
      LIMIT $1`,
    [limit],
  );
  return rows.map((row) => row.id);
}

interface FeedRow {
  id: string;
  tenant_id: string;
  chat_platform: ChatPlatform;
  channel_id: string;
  filters: unknown;
  mention_role_id: string | null;
  deliver_since: Date;
  backfill_count: number;
  backfill_done: boolean;
}

export async function loadAccountForPoll(
  db: Queryable,
  keyring: Keyring,
  accountId: string,
): Promise<AccountForPoll | undefined> {
  const account = await findLinkedAccountById(db, keyring, accountId);
  if (!account) return undefined;
  const meta = await db.query<{ poll_interval_seconds: number | null; consecutive_failures: number }>(
    'SELECT poll_interval_seconds, consecutive_failures FROM social_accounts WHERE id = $1',
    [accountId],
  );
  const feeds = await db.query<FeedRow>(
    `SELECT f.id, f.tenant_id, t.chat_platform, f.channel_id, f.filters, f.mention_role_id, f.deliver_since,
            f.backfill_count, f.backfill_done
       FROM feeds f JOIN tenants t ON t.id = f.tenant_id
      WHERE f.account_id = $1 AND NOT f.paused AND t.status = 'active'
      ORDER BY f.created_at`,
    [accountId],
  );
  return {
    account,
    pollIntervalSeconds: meta.rows[0]?.poll_interval_seconds ?? undefined,
    consecutiveFailures: meta.rows[0]?.consecutive_failures ?? 0,
    feeds: feeds.rows.map((row) => ({
      id: row.id,
      tenantId: row.tenant_id,
      chatPlatform: row.chat_platform,
      channelId: row.channel_id,
      // A stored filter that no longer parses must not stop the feed: it passes nothing until fixed.
      filters: feedFiltersSchema.catch({ hashtags: ['\u0000unreadable-filters'] }).parse(row.filters),
      mentionRoleId: row.mention_role_id ?? undefined,
      deliverSince: row.deliver_since,
      backfillCount: row.backfill_count,
      backfillDone: row.backfill_done,
    })),
  };
}

export interface StoredPost {
  readonly id: string;
  readonly platformId: string;
  readonly publishedAt: Date;
  readonly firstSeenAt: Date;
  /** False when the post was already known (only its metrics were refreshed). */
  readonly isNew: boolean;
  readonly post: SocialPost;
}

/** Insert new posts and refresh known ones (their metrics change on every sighting). */
export async function upsertPosts(
  db: Queryable,
  accountId: string,
  posts: readonly SocialPost[],
): Promise<StoredPost[]> {
  // A page boundary can return one post twice; one statement may touch a row only once.
  const unique = [...new Map(posts.map((post) => [post.platformId, post])).values()];
  if (unique.length === 0) return [];
  const { rows } = await db.query<{
    id: string;
    platform_post_id: string;
    published_at: Date;
    first_seen_at: Date;
    is_new: boolean;
  }>(
    `INSERT INTO social_posts (account_id, platform_post_id, kind, permalink, published_at, post)
     SELECT $1, p->>'platformId', p->>'kind', p->>'permalink', (p->>'createdAt')::timestamptz, p
       FROM jsonb_array_elements($2::jsonb) AS p
     ON CONFLICT (account_id, platform_post_id)
       DO UPDATE SET post = EXCLUDED.post, last_seen_at = now()
     RETURNING id, platform_post_id, published_at, first_seen_at, (xmax = 0) AS is_new`,
    [accountId, JSON.stringify(unique)],
  );
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

/** Move a held delivery on: to pending (crossed the threshold) or filtered (the window ended). */
export async function settleHeld(
  db: Queryable,
  deliveryId: string,
  status: 'pending' | 'filtered' | 'held',
  verdict: FilterVerdict,
): Promise<void> {
  await db.query(
    `UPDATE deliveries SET status = $2, verdict = $3, hold_until = CASE WHEN $2 = 'held' THEN hold_until END, updated_at = now()
      WHERE id = $1 AND status = 'held'`,
    [deliveryId, status, JSON.stringify(verdict)],
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

export async function startImportLog(
  db: Queryable,
  accountId: string,
  trigger: 'schedule' | 'manual',
): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    'INSERT INTO import_logs (account_id, trigger) VALUES ($1, $2) RETURNING id',
    [accountId, trigger],
  );
  return rows[0]?.id ?? '';
}

export interface ImportCounts {
  readonly fetched: number;
  readonly newPosts: number;
  readonly delivered: number;
  readonly filteredOut: number;
}

export async function finishImportLog(
  db: Queryable,
  logId: string,
  counts: ImportCounts,
  error?: string,
): Promise<void> {
  await db.query(
    `UPDATE import_logs SET status = $2, finished_at = now(), fetched = $3, new_posts = $4, delivered = $5,
            filtered_out = $6, error = $7
      WHERE id = $1`,
    [
      logId,
      error ? 'failed' : 'succeeded',
      counts.fetched,
      counts.newPosts,
      counts.delivered,
      counts.filteredOut,
      error ?? null,
    ],
  );
}

/** A successful poll: remember the cursor, clear the failure count, schedule the next poll. */
export async function recordPollSuccess(
  db: Queryable,
  accountId: string,
  cursor: unknown,
  nextPollAt: Date,
): Promise<void> {
  await db.query(
    `UPDATE social_accounts SET cursor = $2, last_polled_at = now(), next_poll_at = $3, consecutive_failures = 0,
            last_error = NULL, last_error_at = NULL, updated_at = now()
      WHERE id = $1`,
    [accountId, cursor === null ? null : JSON.stringify(cursor), nextPollAt],
  );
}

export interface PollFailure {
  readonly error: string;
  readonly nextPollAt: Date;
  /** Counted toward pausing the account (a rate limit is not a failure). */
  readonly countsAsFailure: boolean;
}

/** A failed poll; returns the consecutive failure count after it. */
export async function recordPollFailure(
  db: Queryable,
  accountId: string,
  failure: PollFailure,
): Promise<number> {
  const { rows } = await db.query<{ consecutive_failures: number }>(
    `UPDATE social_accounts SET last_polled_at = now(), next_poll_at = $2, last_error = $3, last_error_at = now(),
            consecutive_failures = consecutive_failures + CASE WHEN $4 THEN 1 ELSE 0 END, updated_at = now()
      WHERE id = $1 RETURNING consecutive_failures`,
    [accountId, failure.nextPollAt, failure.error, failure.countsAsFailure],
  );
  return rows[0]?.consecutive_failures ?? 0;
}

/**
 * Take an account out of polling (paused after too many failures, or needing a reconnect). Returns
 * true only the first time for this problem, so the channels are told once.
 */
export async function setAccountProblem(
  db: Queryable,
  accountId: string,
  status: 'paused' | 'needs_reconnect',
  reason: string,
): Promise<boolean> {
  const { rows } = await db.query<{ first: boolean }>(
    `UPDATE social_accounts SET status = $2, status_reason = $3, updated_at = now(),
            problem_notified_at = COALESCE(problem_notified_at, now())
      WHERE id = $1
      RETURNING problem_notified_at = now() AS first`,
    [accountId, status, reason],
  );
  return rows[0]?.first ?? false;
}

/** New tokens after a refresh, stored together (X refresh tokens are single-use). */
export async function storeRefreshedTokens(
  db: Queryable,
  keyring: Keyring,
  accountId: string,
  tokens: { accessToken: string; refreshToken?: string | undefined; expiresAt?: Date | undefined },
): Promise<void> {
  await db.query(
    `UPDATE social_accounts SET access_token_enc = $2, refresh_token_enc = COALESCE($3, refresh_token_enc),
            token_expires_at = $4, updated_at = now()
      WHERE id = $1`,
    [
      accountId,
      keyring.encrypt(tokens.accessToken),
      tokens.refreshToken ? keyring.encrypt(tokens.refreshToken) : null,
      tokens.expiresAt ?? null,
    ],
  );
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

/** Until when a platform told us to stop calling for this account (or the whole app), if it did. */
export async function blockedUntil(
  db: Queryable,
  platform: string,
  accountId: string,
): Promise<Date | undefined> {
  const { rows } = await db.query<{ reset_at: Date }>(
    `SELECT max(reset_at) AS reset_at FROM platform_budgets
      WHERE platform = $1 AND scope IN ('app', $2) AND reset_at > now() AND coalesce(remaining, 0) <= 0`,
    [platform, accountId],
  );
  return rows[0]?.reset_at ?? undefined;
}

/** Remember a platform's "not before" for every worker process. */
export async function recordBudget(
  db: Queryable,
  platform: string,
  scope: string,
  resetAt: Date,
): Promise<void> {
  await db.query(
    `INSERT INTO platform_budgets (platform, scope, remaining, reset_at) VALUES ($1, $2, 0, $3)
     ON CONFLICT (platform, scope) DO UPDATE SET remaining = 0, reset_at = greatest(platform_budgets.reset_at, EXCLUDED.reset_at), updated_at = now()`,
    [platform, scope, resetAt],
  );
}

/** Only reschedule (no feeds, or waiting for a platform): the cursor and failure count stay. */
export async function reschedulePoll(db: Queryable, accountId: string, nextPollAt: Date): Promise<void> {
  await db.query('UPDATE social_accounts SET next_poll_at = $2 WHERE id = $1', [accountId, nextPollAt]);
}

/**
 * Queue the ordered delivery of a feed's pending posts (inside the caller's transaction). One job per
 * feed (job key) in one queue per feed, so a feed's messages go out one at a time, oldest first. A
 * job already waiting keeps its time (it may be waiting out a rate limit) unless `runAt` is given.
 */
export async function enqueueFeedDelivery(
  db: Queryable,
  feedIds: readonly string[],
  runAt?: Date,
): Promise<void> {
  for (const feedId of new Set(feedIds)) {
    await db.query(
      `SELECT graphile_worker.add_job('deliver_feed', json_build_object('feedId', $1::text),
              queue_name => 'feed:' || $1, run_at => coalesce($2::timestamptz, now()), job_key => 'deliver:' || $1,
              job_key_mode => CASE WHEN $2::timestamptz IS NULL THEN 'preserve_run_at' ELSE 'replace' END)`,
      [feedId, runAt ?? null],
    );
  }
}

/**
 * Take a due account for one scheduled poll: moves `next_poll_at` a lease ahead (the poll then sets
 * the real next time). False when the account is not due (already polled) or not active.
 */
export async function claimDuePoll(db: Queryable, accountId: string, leaseSeconds = 600): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE social_accounts SET next_poll_at = now() + make_interval(secs => $2)
      WHERE id = $1 AND status = 'active' AND next_poll_at <= now() + interval '${SCHEDULE_MARGIN_SECONDS} seconds'`,
    [accountId, leaseSeconds],
  );
  return (rowCount ?? 0) > 0;
}
