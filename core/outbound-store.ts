/**
 * Posts written in chat (or through the API) to publish on linked accounts. Each target account is
 * its own step: its intent is recorded before the platform is called, and its result as soon as it
 * is known, so a retry never publishes again on a platform that already has the post.
 */
import type { Pool } from './db/pool.js';
import { withTransaction } from './db/pool.js';
import type { Queryable } from './db/pool.js';
import type { SocialPlatform } from './platforms.js';

export interface OutboundItem {
  readonly text: string;
}

export type TargetStatus = 'pending' | 'publishing' | 'unknown' | 'published' | 'failed' | 'cancelled';
export type OutboundStatus =
  'draft' | 'scheduled' | 'publishing' | 'published' | 'partial' | 'failed' | 'cancelled';

export interface NewOutboundPost {
  readonly tenantId: string;
  readonly createdBy: string;
  readonly source: 'chat' | 'api' | 'cli';
  readonly items: readonly [OutboundItem, ...OutboundItem[]];
  readonly accountIds: readonly string[];
  /** Publish at this time; now when absent. */
  readonly scheduledFor?: Date | undefined;
  /** A retried request with the same key returns the first post instead of making another. */
  readonly idempotencyKey?: string | undefined;
}

/** Store the post with one target per account of the tenant, and queue its publishing. */
export async function createOutboundPost(
  pool: Pool,
  post: NewOutboundPost,
): Promise<{ readonly id: string; readonly created: boolean; readonly targets: number }> {
  return withTransaction(pool, async (db) => {
    const inserted = await db.query<{ id: string }>(
      `INSERT INTO outbound_posts (tenant_id, created_by, source, content, status, scheduled_for, idempotency_key)
       VALUES ($1, $2, $3, $4, 'scheduled', $5, $6)
       ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
       RETURNING id`,
      [
        post.tenantId,
        post.createdBy,
        post.source,
        JSON.stringify(post.items),
        post.scheduledFor ?? null,
        post.idempotencyKey ?? null,
      ],
    );
    const id = inserted.rows[0]?.id;
    if (!id) {
      const existing = await db.query<{ id: string; targets: number }>(
        `SELECT p.id, (SELECT count(*)::int FROM outbound_targets t WHERE t.outbound_post_id = p.id) AS targets
           FROM outbound_posts p WHERE p.tenant_id = $1 AND p.idempotency_key = $2`,
        [post.tenantId, post.idempotencyKey],
      );
      return { id: existing.rows[0]?.id ?? '', created: false, targets: existing.rows[0]?.targets ?? 0 };
    }
    const targets = await db.query(
      `INSERT INTO outbound_targets (outbound_post_id, account_id, platform)
       SELECT $1, a.id, a.platform FROM social_accounts a WHERE a.tenant_id = $2 AND a.id = ANY($3::uuid[])`,
      [id, post.tenantId, post.accountIds],
    );
    await db.query(
      `SELECT graphile_worker.add_job('publish_post', json_build_object('postId', $1::text),
              run_at => coalesce($2::timestamptz, now()), job_key => 'publish:' || $1, max_attempts => 10)`,
      [id, post.scheduledFor ?? null],
    );
    return { id, created: true, targets: targets.rowCount ?? 0 };
  });
}

export interface PublishTarget {
  readonly id: string;
  readonly accountId: string | undefined;
  readonly platform: SocialPlatform;
  readonly status: TargetStatus;
  readonly attempts: number;
}

export interface PostToPublish {
  readonly id: string;
  readonly tenantId: string;
  readonly status: OutboundStatus;
  readonly items: readonly [OutboundItem, ...OutboundItem[]];
  readonly createdAt: Date;
  readonly targets: readonly PublishTarget[];
}

/** The post with its targets, and moves it to `publishing` unless it was cancelled or is done. */
export async function startPublishing(db: Queryable, postId: string): Promise<PostToPublish | undefined> {
  const { rows } = await db.query<{
    id: string;
    tenant_id: string;
    status: OutboundStatus;
    content: [OutboundItem, ...OutboundItem[]];
    created_at: Date;
  }>(
    `UPDATE outbound_posts SET status = CASE WHEN status IN ('scheduled', 'publishing') THEN 'publishing' ELSE status END,
            updated_at = now()
      WHERE id = $1
      RETURNING id, tenant_id, status, content, created_at`,
    [postId],
  );
  const row = rows[0];
  if (!row) return undefined;
  const targets = await db.query<{
    id: string;
    account_id: string | null;
    platform: SocialPlatform;
    status: TargetStatus;
    attempts: number;
  }>(
    'SELECT id, account_id, platform, status, attempts FROM outbound_targets WHERE outbound_post_id = $1 ORDER BY id',
    [postId],
  );
  return {
    id: row.id,
    tenantId: row.tenant_id,
    status: row.status,
    items: row.content,
    createdAt: row.created_at,
    targets: targets.rows.map((t) => ({
      id: t.id,
      accountId: t.account_id ?? undefined,
      platform: t.platform,
      status: t.status,
      attempts: t.attempts,
    })),
  };
}

/** Before calling the platform: from here on, a crash leaves the target to be looked for first. */
export async function recordPublishIntent(db: Queryable, targetId: string): Promise<void> {
  await db.query(
    `UPDATE outbound_targets SET status = 'publishing', attempts = attempts + 1, error = NULL, updated_at = now()
      WHERE id = $1`,
    [targetId],
  );
}

export async function recordPublished(
  db: Queryable,
  targetId: string,
  published: { readonly platformPostId: string; readonly url: string },
): Promise<void> {
  await db.query(
    `UPDATE outbound_targets SET status = 'published', platform_post_id = $2, url = $3, error = NULL,
            published_at = now(), updated_at = now()
      WHERE id = $1`,
    [targetId, published.platformPostId, published.url],
  );
}

/** `unknown`: the call may have published (a timeout, a 5xx); the next attempt looks before posting. */
export async function recordPublishOutcome(
  db: Queryable,
  targetId: string,
  status: 'failed' | 'unknown',
  error: string,
): Promise<void> {
  await db.query(`UPDATE outbound_targets SET status = $2, error = $3, updated_at = now() WHERE id = $1`, [
    targetId,
    status,
    error,
  ]);
}

/** The post's status from its targets' once none is left to try: published, partial or failed. */
export async function finishOutboundPost(db: Queryable, postId: string): Promise<OutboundStatus> {
  const { rows } = await db.query<{ status: OutboundStatus }>(
    `UPDATE outbound_posts p SET status = s.status, completed_at = now(), updated_at = now()
       FROM (SELECT CASE
                      WHEN bool_and(status = 'published') THEN 'published'
                      WHEN bool_or(status = 'published') THEN 'partial'
                      ELSE 'failed' END AS status
               FROM outbound_targets WHERE outbound_post_id = $1) s
      WHERE p.id = $1 AND p.status = 'publishing'
      RETURNING p.status`,
    [postId],
  );
  return rows[0]?.status ?? 'failed';
}
