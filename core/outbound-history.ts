/**
 * What happened to a tenant's posts: each with its targets' status, link or error and the route
 * they took, newest first, filtered by status, campaign or account.
 */
import type { Queryable } from './db/pool.js';
import type { OutboundItem, OutboundStatus, TargetStatus } from './outbound-store.js';

export interface OutboundSummary {
  readonly id: string;
  readonly status: OutboundStatus;
  readonly text: string;
  readonly campaign: string | undefined;
  readonly scheduledFor: Date | undefined;
  readonly createdAt: Date;
  readonly completedAt: Date | undefined;
  readonly targets: ReadonlyArray<{
    platform: string;
    handle: string;
    status: TargetStatus;
    /** `direct`, or the aggregator that published it. */
    via: string;
    url?: string;
    error?: string;
  }>;
}

export interface OutboundFilter {
  readonly statuses?: readonly OutboundStatus[];
  readonly campaign?: string;
  /** Only posts with a target on this account (handle, as linked or at an aggregator). */
  readonly handle?: string;
}

/** The tenant's posts, newest first (drafts left out). */
export async function listOutboundPosts(
  db: Queryable,
  tenantId: string,
  limit: number,
  postId?: string,
  filter: OutboundFilter = {},
): Promise<OutboundSummary[]> {
  const { rows } = await db.query<{
    id: string;
    status: OutboundStatus;
    content: OutboundItem[];
    campaign: string | null;
    scheduled_for: Date | null;
    created_at: Date;
    completed_at: Date | null;
    targets: Array<{
      platform: string;
      handle: string | null;
      status: TargetStatus;
      via: string;
      url: string | null;
      error: string | null;
    }>;
  }>(
    `WITH shown AS (
       SELECT t.*, coalesce(a.handle, t.aggregator_account->>'username') AS handle
         FROM outbound_targets t LEFT JOIN social_accounts a ON a.id = t.account_id)
     SELECT p.id, p.status, p.content, p.campaign, p.scheduled_for, p.created_at, p.completed_at,
            coalesce((SELECT json_agg(json_build_object('platform', s.platform, 'handle', s.handle, 'status', s.status,
                                                        'via', s.via, 'url', s.url, 'error', s.error) ORDER BY s.id)
                        FROM shown s WHERE s.outbound_post_id = p.id), '[]') AS targets
       FROM outbound_posts p
      WHERE p.tenant_id = $1 AND p.status <> 'draft' AND ($3::uuid IS NULL OR p.id = $3)
        AND ($4::text[] IS NULL OR p.status = ANY($4))
        AND ($5::text IS NULL OR lower(p.campaign) = lower($5))
        AND ($6::text IS NULL OR EXISTS (SELECT 1 FROM shown s WHERE s.outbound_post_id = p.id
                                                                 AND lower(s.handle) = lower($6)))
      ORDER BY coalesce(p.completed_at, p.scheduled_for, p.created_at) DESC LIMIT $2`,
    [
      tenantId,
      limit,
      postId ?? null,
      filter.statuses ? [...filter.statuses] : null,
      filter.campaign ?? null,
      filter.handle?.replace(/^@/, '') ?? null,
    ],
  );
  return rows.map((row) => ({
    id: row.id,
    status: row.status,
    text: row.content[0]?.text ?? '',
    campaign: row.campaign ?? undefined,
    scheduledFor: row.scheduled_for ?? undefined,
    createdAt: row.created_at,
    completedAt: row.completed_at ?? undefined,
    targets: row.targets.map((t) => ({
      platform: t.platform,
      handle: t.handle ?? '(unlinked)',
      status: t.status,
      via: t.via,
      ...(t.url ? { url: t.url } : {}),
      ...(t.error ? { error: t.error } : {}),
    })),
  }));
}
