/**
 * The deliver task's reads and writes. A delivery moves pending → sending (the intent, recorded
 * before anything is sent) → delivered (with the chat message id) or failed. A row found in
 * `sending` was interrupted between send and record: the sender looks for its message first.
 */
import type { PoolClient, Queryable } from './db/pool.js';
import { deliverJobSql } from './jobs.js';

const SENDING_SET = `status = 'sending', attempts = attempts + 1, updated_at = now()`;
const DELIVERED_SET = `status = 'delivered', chat_message_id = $2, delivered_at = now(), last_error = NULL, updated_at = now()`;
import type { ChatPlatform } from './platforms.js';
import type { SocialPost } from './social-post.js';

export interface OpenDelivery {
  readonly id: string;
  readonly status: 'pending' | 'sending';
  readonly nonce: string;
  readonly attempts: number;
  readonly createdAt: Date;
  readonly feedId: string;
  readonly tenantId: string;
  readonly chatPlatform: ChatPlatform;
  readonly channelId: string;
  readonly mentionRoleId: string | undefined;
  readonly post: SocialPost;
}

interface OpenRow {
  id: string;
  status: 'pending' | 'sending';
  nonce: string;
  attempts: number;
  created_at: Date;
  feed_id: string;
  tenant_id: string;
  chat_platform: ChatPlatform;
  channel_id: string;
  mention_role_id: string | null;
  post: SocialPost;
}

const OPEN_COLUMNS = `d.id, d.status, d.nonce, d.attempts, d.created_at, f.id AS feed_id, f.tenant_id, t.chat_platform,
       f.channel_id, f.mention_role_id, p.post`;

const OPEN_FROM = `FROM deliveries d
       JOIN feeds f ON f.id = d.feed_id AND NOT f.paused
       JOIN tenants t ON t.id = f.tenant_id
       JOIN social_posts p ON p.id = d.post_id
      WHERE d.feed_id = $1::uuid AND d.status IN ('pending', 'sending') AND d.id <> ALL($3::bigint[])
      ORDER BY d.published_at, d.id
      LIMIT $2`;

/**
 * One feed is sent by one job at a time (its messages must go out in order): a session-level advisory
 * lock in this namespace, on the client the job holds. A worker that dies drops its connection, and
 * PostgreSQL drops the lock with it, so no lease has to expire before another worker can take over.
 */
const FEED_LOCK_NAMESPACE = 0x48524c44;

function toOpen(row: OpenRow): OpenDelivery {
  return {
    id: row.id,
    status: row.status,
    nonce: row.nonce,
    attempts: row.attempts,
    createdAt: row.created_at,
    feedId: row.feed_id,
    tenantId: row.tenant_id,
    chatPlatform: row.chat_platform,
    channelId: row.channel_id,
    mentionRoleId: row.mention_role_id ?? undefined,
    post: row.post,
  };
}

/**
 * Take the feed's send lock and, when it was free, read its oldest unsent posts (none when the feed is
 * paused or gone). `locked: false` means another job is sending this feed right now.
 */
export async function lockFeedForSending(
  client: PoolClient,
  feedId: string,
  limit: number,
): Promise<{ locked: boolean; deliveries: OpenDelivery[] }> {
  // The lock is a volatile CTE, so it is evaluated once, before the rows it guards are read.
  const { rows } = await client.query<{ locked: boolean } & Partial<OpenRow>>(
    `WITH lock AS (SELECT pg_try_advisory_lock(${FEED_LOCK_NAMESPACE}, hashtext($1::text)) AS locked)
     SELECT lock.locked, open.* FROM lock
       LEFT JOIN LATERAL (SELECT ${OPEN_COLUMNS} ${OPEN_FROM}) open ON lock.locked`,
    [feedId, limit, []],
  );
  const locked = rows[0]?.locked ?? false;
  return {
    locked,
    deliveries: locked
      ? rows.filter((row): row is OpenRow & { locked: boolean } => row.id != null).map(toOpen)
      : [],
  };
}

/** Give the feed's send lock back (after the last write of the run). */
export async function unlockFeed(client: PoolClient, feedId: string): Promise<void> {
  await client.query(`SELECT pg_advisory_unlock(${FEED_LOCK_NAMESPACE}, hashtext($1::text))`, [feedId]);
}

/** The feed's oldest unsent posts, skipping `exclude` (rows this run has just recorded). */
export async function openDeliveries(
  db: Queryable,
  feedId: string,
  limit: number,
  exclude: readonly string[] = [],
): Promise<OpenDelivery[]> {
  const { rows } = await db.query<OpenRow>(`SELECT ${OPEN_COLUMNS} ${OPEN_FROM}`, [feedId, limit, exclude]);
  return rows.map(toOpen);
}

/** Record the intent to send, before sending. */
export async function markSending(db: Queryable, deliveryId: string): Promise<void> {
  await db.query(`UPDATE deliveries SET ${SENDING_SET} WHERE id = $1 AND status IN ('pending', 'sending')`, [
    deliveryId,
  ]);
}

export async function markDelivered(db: Queryable, deliveryId: string, messageId: string): Promise<void> {
  await db.query(`UPDATE deliveries SET ${DELIVERED_SET} WHERE id = $1`, [deliveryId, messageId]);
}

export interface SentMessage {
  readonly deliveryId: string;
  readonly messageId: string;
}

/**
 * Record one message as delivered and, in the same round trip, the intent to send the next one: a run
 * of messages costs one write each instead of two.
 */
export async function markDeliveredThenSending(
  db: Queryable,
  sent: SentMessage,
  nextDeliveryId: string,
): Promise<void> {
  await db.query(
    `WITH delivered AS (UPDATE deliveries SET ${DELIVERED_SET} WHERE id = $1)
     UPDATE deliveries SET ${SENDING_SET} WHERE id = $3 AND status IN ('pending', 'sending')`,
    [sent.deliveryId, sent.messageId, nextDeliveryId],
  );
}

/** Record the run's last message and give the feed's send lock back, in one round trip. */
export async function markDeliveredAndUnlock(
  client: PoolClient,
  sent: SentMessage,
  feedId: string,
): Promise<void> {
  await client.query(
    `WITH delivered AS (UPDATE deliveries SET ${DELIVERED_SET} WHERE id = $1)
     SELECT pg_advisory_unlock(${FEED_LOCK_NAMESPACE}, hashtext($3::text))`,
    [sent.deliveryId, sent.messageId, feedId],
  );
}

export async function markFailed(db: Queryable, deliveryId: string, error: string): Promise<void> {
  await db.query(
    `UPDATE deliveries SET status = 'failed', last_error = $2, updated_at = now() WHERE id = $1`,
    [deliveryId, error],
  );
}

/**
 * A send to retry later. When the platform certainly did not take the message (told us to wait), it
 * goes back to pending; otherwise (5xx, timeout) it stays `sending`, so the retry looks for it first.
 */
export async function recordSendDeferred(
  db: Queryable,
  deliveryId: string,
  error: string,
  certainlyNotSent: boolean,
): Promise<void> {
  await db.query(
    `UPDATE deliveries SET last_error = $2, status = CASE WHEN $3 THEN 'pending' ELSE status END, updated_at = now()
      WHERE id = $1`,
    [deliveryId, error, certainlyNotSent],
  );
}

/** Herald pauses a feed itself (channel deleted, permission missing) and says why. */
export async function pauseFeed(db: Queryable, feedId: string, reason: string): Promise<void> {
  await db.query(`UPDATE feeds SET paused = true, paused_reason = $2, updated_at = now() WHERE id = $1`, [
    feedId,
    reason,
  ]);
}

export interface NoticeTarget {
  readonly feedId: string;
  readonly tenantId: string;
  readonly chatPlatform: ChatPlatform;
  readonly channelId: string;
}

/** The channels of an account's feeds, to tell them about a problem with the account. */
export async function noticeTargets(db: Queryable, accountId: string): Promise<NoticeTarget[]> {
  const { rows } = await db.query<{
    feed_id: string;
    tenant_id: string;
    chat_platform: ChatPlatform;
    channel_id: string;
  }>(
    `SELECT f.id AS feed_id, f.tenant_id, t.chat_platform, f.channel_id
       FROM feeds f JOIN tenants t ON t.id = f.tenant_id
      WHERE f.account_id = $1 AND NOT f.paused AND t.status = 'active'`,
    [accountId],
  );
  return rows.map((row) => ({
    feedId: row.feed_id,
    tenantId: row.tenant_id,
    chatPlatform: row.chat_platform,
    channelId: row.channel_id,
  }));
}

/**
 * Queue the sending of a feed's pending posts at `runAt`: `replace` moves a queued job there (a rate
 * limit's end); `preserve_run_at` leaves a queued job's time as it is (only add one when none is).
 */
export async function queueFeedDelivery(
  db: Queryable,
  feedId: string,
  runAt: Date,
  mode: 'replace' | 'preserve_run_at',
): Promise<void> {
  await db.query(`SELECT ${deliverJobSql('$1::text', '$2::timestamptz', mode)}`, [feedId, runAt]);
}

export interface DeliveryState {
  readonly postId: string;
  readonly status: string;
  readonly verdictSummary: string | undefined;
}

/** What became of each of `postIds` in a feed (posts with no row were never decided for it). */
export async function deliveryStates(
  db: Queryable,
  feedId: string,
  postIds: readonly string[],
): Promise<Map<string, DeliveryState>> {
  const { rows } = await db.query<{ post_id: string; status: string; summary: string | null }>(
    `SELECT post_id, status, verdict->>'summary' AS summary FROM deliveries
      WHERE feed_id = $1 AND post_id = ANY($2::bigint[])`,
    [feedId, postIds],
  );
  return new Map(
    rows.map((row) => [
      row.post_id,
      { postId: row.post_id, status: row.status, verdictSummary: row.summary ?? undefined },
    ]),
  );
}
