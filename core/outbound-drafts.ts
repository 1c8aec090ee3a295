/**
 * A post waiting in its preview (status `draft`): read back to edit its text, and rewritten with
 * the new text and each target's new items. Only drafts: a post that was published or scheduled is
 * never changed under the worker.
 */
import { withTransaction, type Pool, type Queryable } from './db/pool.js';
import { insertTargets, type AggregatorTarget, type NewTarget, type OutboundItem } from './outbound-store.js';
import type { SocialPlatform } from './platforms.js';

export type DraftTarget =
  | { readonly accountId: string; readonly platform: SocialPlatform }
  | { readonly aggregator: AggregatorTarget };

export interface StoredDraft {
  readonly id: string;
  readonly text: string;
  readonly scheduledFor: Date | undefined;
  readonly campaign: string | undefined;
  readonly targets: readonly DraftTarget[];
  readonly media: ReadonlyArray<{
    readonly mimeType: string;
    readonly byteSize: number;
    readonly fileName: string;
  }>;
}

export async function loadDraft(
  db: Queryable,
  tenantId: string,
  postId: string,
): Promise<StoredDraft | undefined> {
  const { rows } = await db.query<{
    id: string;
    content: OutboundItem[];
    scheduled_for: Date | null;
    campaign: string | null;
    targets: Array<{
      account_id: string | null;
      platform: SocialPlatform;
      via: 'direct' | 'postforme' | 'late';
      aggregator_account: AggregatorTarget['account'] | null;
    }>;
    media: Array<{ mime_type: string; byte_size: number; file_name: string }>;
  }>(
    `SELECT p.id, p.content, p.scheduled_for, p.campaign,
            coalesce((SELECT json_agg(json_build_object('account_id', t.account_id, 'platform', t.platform, 'via', t.via,
                                                        'aggregator_account', t.aggregator_account) ORDER BY t.id)
                        FROM outbound_targets t WHERE t.outbound_post_id = p.id), '[]') AS targets,
            coalesce((SELECT json_agg(json_build_object('mime_type', m.mime_type, 'byte_size', m.byte_size,
                                                        'file_name', m.file_name) ORDER BY m.position)
                        FROM outbound_media m WHERE m.outbound_post_id = p.id), '[]') AS media
       FROM outbound_posts p
      WHERE p.id = $1 AND p.tenant_id = $2 AND p.status = 'draft'`,
    [postId, tenantId],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    id: row.id,
    text: row.content.map((item) => item.text).join('\n\n'),
    scheduledFor: row.scheduled_for ?? undefined,
    campaign: row.campaign ?? undefined,
    targets: row.targets.flatMap((t): DraftTarget[] => {
      if (t.via !== 'direct' && t.aggregator_account)
        return [{ aggregator: { via: t.via, platform: t.platform, account: t.aggregator_account } }];
      return t.account_id ? [{ accountId: t.account_id, platform: t.platform }] : [];
    }),
    media: row.media.map((m) => ({ mimeType: m.mime_type, byteSize: m.byte_size, fileName: m.file_name })),
  };
}

/** New text for a draft, with its targets' new items; false when it is no longer a draft. */
export async function rewriteDraft(
  pool: Pool,
  tenantId: string,
  postId: string,
  items: readonly [OutboundItem, ...OutboundItem[]],
  targets: readonly NewTarget[],
): Promise<boolean> {
  return withTransaction(pool, async (db) => {
    const updated = await db.query(
      `UPDATE outbound_posts SET content = $3, updated_at = now()
        WHERE id = $1 AND tenant_id = $2 AND status = 'draft'`,
      [postId, tenantId, JSON.stringify(items)],
    );
    if (updated.rowCount !== 1) return false;
    await db.query('DELETE FROM outbound_targets WHERE outbound_post_id = $1', [postId]);
    await insertTargets(db, postId, tenantId, targets);
    return true;
  });
}
