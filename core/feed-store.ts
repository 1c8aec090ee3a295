/**
 * Feeds as the commands see them: created, listed, changed, paused and removed, always within one
 * tenant. A feed id from another tenant is simply not found.
 */
import type { Queryable } from './db/pool.js';
import { feedFiltersSchema, type FeedFilters } from './feed-filters.js';
import type { SocialPlatform } from './platforms.js';

export interface FeedSummary {
  readonly id: string;
  readonly accountId: string;
  readonly platform: SocialPlatform;
  readonly handle: string;
  readonly channelId: string;
  readonly filters: FeedFilters;
  readonly mentionRoleId: string | undefined;
  readonly paused: boolean;
  readonly pausedReason: string | undefined;
  readonly backfillCount: number;
  readonly createdAt: Date;
}

interface FeedRow {
  id: string;
  account_id: string;
  platform: SocialPlatform;
  handle: string;
  channel_id: string;
  filters: unknown;
  mention_role_id: string | null;
  paused: boolean;
  paused_reason: string | null;
  backfill_count: number;
  created_at: Date;
}

const SELECT = `SELECT f.id, f.account_id, a.platform, a.handle, f.channel_id, f.filters, f.mention_role_id, f.paused,
       f.paused_reason, f.backfill_count, f.created_at
  FROM feeds f JOIN social_accounts a ON a.id = f.account_id`;

function toSummary(row: FeedRow): FeedSummary {
  return {
    id: row.id,
    accountId: row.account_id,
    platform: row.platform,
    handle: row.handle,
    channelId: row.channel_id,
    filters: feedFiltersSchema.catch({}).parse(row.filters),
    mentionRoleId: row.mention_role_id ?? undefined,
    paused: row.paused,
    pausedReason: row.paused_reason ?? undefined,
    backfillCount: row.backfill_count,
    createdAt: row.created_at,
  };
}

export interface NewFeed {
  readonly tenantId: string;
  readonly accountId: string;
  readonly channelId: string;
  readonly filters: FeedFilters;
  readonly mentionRoleId: string | undefined;
  readonly backfillCount: number;
  readonly createdBy: string;
}

/** Returns undefined when the account already has a feed in that channel. */
export async function createFeed(db: Queryable, feed: NewFeed): Promise<FeedSummary | undefined> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO feeds (tenant_id, account_id, channel_id, filters, mention_role_id, backfill_count, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (account_id, channel_id) DO NOTHING
     RETURNING id`,
    [
      feed.tenantId,
      feed.accountId,
      feed.channelId,
      JSON.stringify(feed.filters),
      feed.mentionRoleId ?? null,
      feed.backfillCount,
      feed.createdBy,
    ],
  );
  const id = rows[0]?.id;
  return id === undefined ? undefined : findFeed(db, feed.tenantId, id);
}

export async function findFeed(
  db: Queryable,
  tenantId: string,
  feedId: string,
): Promise<FeedSummary | undefined> {
  const { rows } = await db.query<FeedRow>(`${SELECT} WHERE f.tenant_id = $1 AND f.id = $2`, [
    tenantId,
    feedId,
  ]);
  const row = rows[0];
  return row ? toSummary(row) : undefined;
}

export async function listFeeds(db: Queryable, tenantId: string, channelId?: string): Promise<FeedSummary[]> {
  const { rows } = await db.query<FeedRow>(
    `${SELECT} WHERE f.tenant_id = $1 AND ($2::text IS NULL OR f.channel_id = $2)
      ORDER BY f.channel_id, a.handle, f.created_at`,
    [tenantId, channelId ?? null],
  );
  return rows.map(toSummary);
}

export interface FeedChanges {
  readonly filters?: FeedFilters;
  /** null removes the mention. */
  readonly mentionRoleId?: string | null;
}

export async function updateFeed(
  db: Queryable,
  tenantId: string,
  feedId: string,
  changes: FeedChanges,
): Promise<FeedSummary | undefined> {
  const { rowCount } = await db.query(
    `UPDATE feeds SET filters = COALESCE($3::jsonb, filters),
            mention_role_id = CASE WHEN $4 THEN $5 ELSE mention_role_id END, updated_at = now()
      WHERE tenant_id = $1 AND id = $2`,
    [
      tenantId,
      feedId,
      changes.filters === undefined ? null : JSON.stringify(changes.filters),
      changes.mentionRoleId !== undefined,
      changes.mentionRoleId ?? null,
    ],
  );
  return rowCount ? findFeed(db, tenantId, feedId) : undefined;
}

/** Pause or resume; resuming clears the reason Herald paused it for. False when not found. */
export async function setFeedPaused(
  db: Queryable,
  tenantId: string,
  feedId: string,
  paused: boolean,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE feeds SET paused = $3, paused_reason = CASE WHEN $3 THEN paused_reason END, updated_at = now()
      WHERE tenant_id = $1 AND id = $2`,
    [tenantId, feedId, paused],
  );
  return (rowCount ?? 0) > 0;
}

export async function removeFeed(db: Queryable, tenantId: string, feedId: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM feeds WHERE tenant_id = $1 AND id = $2', [
    tenantId,
    feedId,
  ]);
  return (rowCount ?? 0) > 0;
}
