/**
 * Reading and cancelling posts through the API: one entry per post and integration, in the shape
 * the spec's clients read (`state`, `publishDate`, `releaseURL`, `integration`). A post of another
 * tenant reads exactly like one that does not exist.
 */
import type { z } from 'zod';
import type { Queryable } from '../../../core/db/pool.js';
import { cancelOutboundPost } from '../../../core/outbound-store.js';
import { PLATFORM_INFO, type SocialPlatform } from '../../../core/platforms.js';
import { ApiError } from './http-io.js';
import type { ListPostsQuery, PostEntry, POST_STATES } from './schemas.js';
import { isUuid } from '../../../core/ids.js';

type Entry = z.output<typeof PostEntry>;
type State = (typeof POST_STATES)[number];

/** The entry's state from its post's and its target's status. */
const STATE_SQL = `CASE
    WHEN p.status = 'draft' THEN 'DRAFT'
    WHEN t.status = 'published' THEN 'PUBLISHED'
    WHEN t.status = 'failed' THEN 'ERROR'
    WHEN t.status = 'cancelled' OR p.status = 'cancelled' THEN 'CANCELLED'
    WHEN t.status IN ('publishing', 'unknown') THEN 'PUBLISHING'
    ELSE 'QUEUE' END`;

interface Row {
  id: string;
  content: Array<{ text: string }>;
  target_content: Array<{ text: string }> | null;
  publish_date: Date | null;
  state: State;
  url: string | null;
  error: string | null;
  tags: string[];
  integration_id: string | null;
  platform: SocialPlatform;
  handle: string | null;
  display_name: string | null;
  avatar_url: string | null;
}

function toEntry(row: Row): Entry {
  const items = row.target_content ?? row.content;
  return {
    id: row.id,
    group: row.id,
    content: items[0]?.text ?? '',
    value: items.map((item) => ({ content: item.text })),
    publishDate: row.publish_date?.toISOString() ?? null,
    state: row.state,
    releaseURL: row.url,
    error: row.error,
    tags: row.tags,
    integration: {
      id: row.integration_id,
      name: row.display_name || (row.handle ? `@${row.handle}` : PLATFORM_INFO[row.platform].displayName),
      identifier: row.platform,
      picture: row.avatar_url,
    },
  };
}

const SELECT = `SELECT p.id, p.content, t.content AS target_content,
       coalesce(t.published_at, p.scheduled_for, p.created_at) AS publish_date,
       ${STATE_SQL} AS state, t.url, t.error, p.tags, t.platform,
       coalesce(t.account_id::text, t.via || ':' || (t.aggregator_account->>'id')) AS integration_id,
       coalesce(a.handle, t.aggregator_account->>'username') AS handle, a.display_name, a.avatar_url
  FROM outbound_posts p
  JOIN outbound_targets t ON t.outbound_post_id = p.id
  LEFT JOIN social_accounts a ON a.id = t.account_id`;

export async function listPosts(
  db: Queryable,
  tenantId: string,
  query: z.output<typeof ListPostsQuery>,
): Promise<Entry[]> {
  const { rows } = await db.query<Row>(
    `SELECT * FROM (${SELECT} WHERE p.tenant_id = $1) e
      WHERE ($2::timestamptz IS NULL OR e.publish_date >= $2)
        AND ($3::timestamptz IS NULL OR e.publish_date < $3)
        AND ($4::text IS NULL OR e.state = $4)
        AND ($5::text IS NULL OR e.integration_id = $5)
      ORDER BY e.publish_date DESC, e.id LIMIT 500`,
    [
      tenantId,
      query.startDate ?? null,
      query.endDate ?? null,
      query.status ?? null,
      query.integration ?? null,
    ],
  );
  return rows.map(toEntry);
}

export async function getPost(db: Queryable, tenantId: string, postId: string): Promise<Entry[]> {
  if (!isUuid(postId)) throw new ApiError(404, 'Post not found.');
  const { rows } = await db.query<Row>(`${SELECT} WHERE p.tenant_id = $1 AND p.id = $2 ORDER BY t.id`, [
    tenantId,
    postId,
  ]);
  if (rows.length === 0) throw new ApiError(404, 'Post not found.');
  return rows.map(toEntry);
}

/** Cancel a draft or a post that has not started; 409 once it has. */
export async function cancelPost(db: Queryable, tenantId: string, postId: string): Promise<void> {
  const entries = await getPost(db, tenantId, postId);
  if (await cancelOutboundPost(db, tenantId, postId)) return;
  const state = entries[0]?.state;
  throw new ApiError(
    409,
    state === 'CANCELLED'
      ? 'This post was already cancelled.'
      : 'This post has already started publishing (or is done): it can no longer be cancelled.',
  );
}
