/**
 * A post sent to a feed's channel on an admin's request (`feed test`), outside the feed's deliveries:
 * it changes nothing the pipeline records, so the post is still delivered (or not) as the filters say.
 */
import type { Queryable } from './db/pool.js';

/** Queue the test send; false when the post is not one of the feed's account's stored posts. */
export async function queueTestPost(db: Queryable, feedId: string, postId: string): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT graphile_worker.add_job('send_test_post', json_build_object('feedId', f.id, 'postId', p.id::text),
            max_attempts => 3)
       FROM feeds f JOIN social_posts p ON p.account_id = f.account_id
      WHERE f.id = $1 AND p.id = $2::bigint`,
    [feedId, postId],
  );
  return rows.length > 0;
}

export interface TestPostTarget {
  readonly tenantId: string;
  readonly chatPlatform: 'discord' | 'slack';
  readonly channelId: string;
  readonly post: unknown;
}

export async function loadTestPost(
  db: Queryable,
  feedId: string,
  postId: string,
): Promise<TestPostTarget | undefined> {
  const { rows } = await db.query<{
    tenant_id: string;
    chat_platform: 'discord' | 'slack';
    channel_id: string;
    post: unknown;
  }>(
    `SELECT f.tenant_id, t.chat_platform, f.channel_id, p.post
       FROM feeds f JOIN tenants t ON t.id = f.tenant_id JOIN social_posts p ON p.account_id = f.account_id
      WHERE f.id = $1 AND p.id = $2::bigint`,
    [feedId, postId],
  );
  const row = rows[0];
  return row
    ? { tenantId: row.tenant_id, chatPlatform: row.chat_platform, channelId: row.channel_id, post: row.post }
    : undefined;
}
