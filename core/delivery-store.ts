/**
 * The deliver task's reads and writes. A delivery moves pending → sending (the intent, recorded
 * before anything is sent) → delivered (with the chat message id) or failed. A row found in
 * `sending` was interrupted between send and record: the sender looks for its message first.
 */
import type { Queryable } from './db/pool.js';
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

/** The feed's oldest unsent post, unless the feed is paused or gone. */
export async function nextOpenDelivery(db: Queryable, feedId: string): Promise<OpenDelivery | undefined> {
  const { rows } = await db.query<OpenRow>(
    `SELECT d.id, d.status, d.nonce, d.attempts, d.created_at, f.id AS feed_id, f.tenant_id, t.chat_platform,
            f.channel_id, f.mention_role_id, p.post
       FROM deliveries d
       JOIN feeds f ON f.id = d.feed_id AND NOT f.paused
       JOIN tenants t ON t.id = f.tenant_id
       JOIN social_posts p ON p.id = d.post_id
      WHERE d.feed_id = $1 AND d.status IN ('pending', 'sending')
      ORDER BY d.published_at, d.id
      LIMIT 1`,
    [feedId],
  );
  const row = rows[0];
  return row
    ? {
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
      }
    : undefined;
}

/** Record the intent to send, before sending. */
export async function markSending(db: Queryable, deliveryId: string): Promise<void> {
  await db.query(
    `UPDATE deliveries SET status = 'sending', attempts = attempts + 1, updated_at = now()
      WHERE id = $1 AND status IN ('pending', 'sending')`,
    [deliveryId],
  );
}

export async function markDelivered(db: Queryable, deliveryId: string, messageId: string): Promise<void> {
  await db.query(
    `UPDATE deliveries SET status = 'delivered', chat_message_id = $2, delivered_at = now(), last_error = NULL, updated_at = now()
      WHERE id = $1`,
    [deliveryId, messageId],
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
