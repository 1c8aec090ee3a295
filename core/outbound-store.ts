/**
 * Posts written in chat (or through the API) to publish on linked accounts. Each target account is
 * its own step: its intent is recorded before the platform is called, and its result as soon as it
 * is known, so a retry never publishes again on a platform that already has the post.
 */
import type { Keyring } from './crypto.js';
import { withTransaction, type Pool, type Queryable } from './db/pool.js';
import { storeMedia, type NewMedia } from './outbound-media.js';
import type { SocialPlatform } from './platforms.js';

export interface OutboundItem {
  readonly text: string;
}

/** An account connected at an aggregator rather than linked to Herald directly. */
export interface AggregatorTarget {
  readonly via: 'postforme' | 'late';
  readonly platform: SocialPlatform;
  readonly account: {
    readonly id: string;
    readonly username: string;
    readonly profileId?: string | undefined;
  };
}

/** One account to publish on: a linked account, or one at an aggregator; `items` when its own differ. */
export type NewTarget = ({ readonly accountId: string } | { readonly aggregator: AggregatorTarget }) & {
  readonly items?: readonly [OutboundItem, ...OutboundItem[]] | undefined;
};

export type TargetStatus = 'pending' | 'publishing' | 'unknown' | 'published' | 'failed' | 'cancelled';
export type OutboundStatus =
  'draft' | 'scheduled' | 'publishing' | 'published' | 'partial' | 'failed' | 'cancelled';

export interface NewOutboundPost {
  readonly tenantId: string;
  readonly createdBy: string;
  readonly source: 'chat' | 'api' | 'cli';
  readonly items: readonly [OutboundItem, ...OutboundItem[]];
  readonly targets: readonly NewTarget[];
  /** Images and videos, already downloaded and checked; on the first item of each target. */
  readonly media?: readonly NewMedia[] | undefined;
  /** The spec's campaign label, for history. */
  readonly campaign?: string | undefined;
  /** Free labels (the public API's `tags`). */
  readonly tags?: readonly string[] | undefined;
  /** Publish at this time; now when absent. */
  readonly scheduledFor?: Date | undefined;
  /** A retried request with the same key returns the first post instead of making another. */
  readonly idempotencyKey?: string | undefined;
  /** Kept as a draft (a preview waiting for Publish): nothing is queued. */
  readonly draft?: boolean;
  /** Where to report the result privately (the chat adapter's handle; stored encrypted). */
  readonly followUp?: string | undefined;
}

/** Store the post with one target per account of the tenant, and queue its publishing. */
export async function createOutboundPost(
  pool: Pool,
  keyring: Keyring,
  post: NewOutboundPost,
): Promise<{ readonly id: string; readonly created: boolean; readonly targets: number }> {
  return withTransaction(pool, async (db) => {
    const inserted = await db.query<{ id: string }>(
      `INSERT INTO outbound_posts (tenant_id, created_by, source, content, status, scheduled_for, idempotency_key,
                                  follow_up_enc, campaign, tags)
       VALUES ($1, $2, $3, $4, CASE WHEN $7 THEN 'draft' ELSE 'scheduled' END, $5, $6, $8, $9, $10)
       ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
       RETURNING id`,
      [
        post.tenantId,
        post.createdBy,
        post.source,
        JSON.stringify(post.items),
        post.scheduledFor ?? null,
        post.idempotencyKey ?? null,
        post.draft === true,
        post.followUp ? keyring.encrypt(post.followUp) : null,
        post.campaign ?? null,
        [...(post.tags ?? [])],
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
    const targets = await insertTargets(db, id, post.tenantId, post.targets);
    await storeMedia(db, id, post.media ?? []);
    if (!post.draft) {
      await db.query(
        `SELECT graphile_worker.add_job('publish_post', json_build_object('postId', $1::text),
                run_at => coalesce($2::timestamptz, now()), job_key => 'publish:' || $1, max_attempts => 10)`,
        [id, post.scheduledFor ?? null],
      );
    }
    return { id, created: true, targets };
  });
}

/** The post's targets: linked accounts of the tenant (others are ignored) and aggregator accounts. */
export async function insertTargets(
  db: Queryable,
  postId: string,
  tenantId: string,
  targets: readonly NewTarget[],
): Promise<number> {
  const direct = targets.flatMap((t) => ('accountId' in t ? [t] : []));
  const linked = await db.query(
    `INSERT INTO outbound_targets (outbound_post_id, account_id, platform, content)
     SELECT $1, a.id, a.platform, t.content
       FROM jsonb_to_recordset($3::jsonb) AS t(account_id uuid, content jsonb)
       JOIN social_accounts a ON a.id = t.account_id AND a.tenant_id = $2`,
    [
      postId,
      tenantId,
      JSON.stringify(direct.map((t) => ({ account_id: t.accountId, content: t.items ?? null }))),
    ],
  );
  const routed = targets.flatMap((t) => ('aggregator' in t ? [t] : []));
  const viaAggregator = await db.query(
    `INSERT INTO outbound_targets (outbound_post_id, platform, via, aggregator_account, content)
     SELECT $1, t.platform, t.via, t.account, t.content
       FROM jsonb_to_recordset($2::jsonb) AS t(platform text, via text, account jsonb, content jsonb)`,
    [
      postId,
      JSON.stringify(
        routed.map((t) => ({
          platform: t.aggregator.platform,
          via: t.aggregator.via,
          account: t.aggregator.account,
          content: t.items ?? null,
        })),
      ),
    ],
  );
  return (linked.rowCount ?? 0) + (viaAggregator.rowCount ?? 0);
}

export interface PublishTarget {
  readonly id: string;
  readonly accountId: string | undefined;
  readonly platform: SocialPlatform;
  readonly status: TargetStatus;
  readonly attempts: number;
  /** This target's own items (a thread split for its platform), else the post's. */
  readonly items: readonly [OutboundItem, ...OutboundItem[]] | undefined;
  readonly aggregator: AggregatorTarget | undefined;
  /** The aggregator's id of a post made by an earlier attempt whose result was not known. */
  readonly aggregatorPostId: string | undefined;
}

export interface PostToPublish {
  readonly id: string;
  readonly tenantId: string;
  readonly status: OutboundStatus;
  readonly items: readonly [OutboundItem, ...OutboundItem[]];
  readonly createdAt: Date;
  readonly targets: readonly PublishTarget[];
  readonly followUp: string | undefined;
}

/** The post with its targets, and moves it to `publishing` unless it was cancelled or is done. */
export async function startPublishing(
  db: Queryable,
  keyring: Keyring,
  postId: string,
): Promise<PostToPublish | undefined> {
  const { rows } = await db.query<{
    id: string;
    tenant_id: string;
    status: OutboundStatus;
    content: [OutboundItem, ...OutboundItem[]];
    created_at: Date;
    follow_up_enc: string | null;
  }>(
    `UPDATE outbound_posts SET status = CASE WHEN status IN ('scheduled', 'publishing') THEN 'publishing' ELSE status END,
            updated_at = now()
      WHERE id = $1
      RETURNING id, tenant_id, status, content, created_at, follow_up_enc`,
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
    content: [OutboundItem, ...OutboundItem[]] | null;
    via: 'direct' | 'postforme' | 'late';
    aggregator_account: AggregatorTarget['account'] | null;
    aggregator_post_id: string | null;
  }>(
    `SELECT id, account_id, platform, status, attempts, content, via, aggregator_account, aggregator_post_id
       FROM outbound_targets WHERE outbound_post_id = $1 ORDER BY id`,
    [postId],
  );
  return {
    id: row.id,
    tenantId: row.tenant_id,
    status: row.status,
    items: row.content,
    createdAt: row.created_at,
    followUp: row.follow_up_enc ? keyring.decrypt(row.follow_up_enc) : undefined,
    targets: targets.rows.map((t) => ({
      id: t.id,
      accountId: t.account_id ?? undefined,
      platform: t.platform,
      status: t.status,
      attempts: t.attempts,
      items: t.content ?? undefined,
      aggregator:
        t.via !== 'direct' && t.aggregator_account
          ? { via: t.via, platform: t.platform, account: t.aggregator_account }
          : undefined,
      aggregatorPostId: t.aggregator_post_id ?? undefined,
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
  /** What did go out (the start of a thread), kept with the failure. */
  partial?: { readonly platformPostId: string; readonly url: string },
): Promise<void> {
  await db.query(
    `UPDATE outbound_targets SET status = $2, error = $3, platform_post_id = coalesce($4, platform_post_id),
            url = coalesce($5, url), updated_at = now()
      WHERE id = $1`,
    [targetId, status, error, partial?.platformPostId ?? null, partial?.url ?? null],
  );
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

/** A draft becomes a post to publish (queued at its time); false when it is no longer a draft. */
export async function confirmDraft(db: Queryable, tenantId: string, postId: string): Promise<boolean> {
  const { rows } = await db.query(
    `WITH confirmed AS (
       UPDATE outbound_posts SET status = 'scheduled', updated_at = now()
        WHERE id = $1 AND tenant_id = $2 AND status = 'draft'
        RETURNING id, scheduled_for)
     SELECT graphile_worker.add_job('publish_post', json_build_object('postId', id::text),
            run_at => coalesce(scheduled_for, now()), job_key => 'publish:' || id::text, max_attempts => 10)
       FROM confirmed`,
    [postId, tenantId],
  );
  return rows.length > 0;
}

/** Cancel a draft or a post not yet started; false when it is running or done. */
export async function cancelOutboundPost(db: Queryable, tenantId: string, postId: string): Promise<boolean> {
  const { rows } = await db.query(
    `WITH cancelled AS (
       UPDATE outbound_posts SET status = 'cancelled', completed_at = now(), updated_at = now()
        WHERE id = $1 AND tenant_id = $2 AND status IN ('draft', 'scheduled')
        RETURNING id),
     targets AS (
       UPDATE outbound_targets SET status = 'cancelled', updated_at = now()
        WHERE outbound_post_id IN (SELECT id FROM cancelled) AND status = 'pending')
     SELECT graphile_worker.remove_job('publish:' || id::text) FROM cancelled`,
    [postId, tenantId],
  );
  return rows.length > 0;
}
