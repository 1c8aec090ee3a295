/**
 * The steps of a target published through an aggregator, recorded as they happen: which route
 * was tried (before the call), and the aggregator's post id (as soon as it exists, before its
 * result is known), so that a retry asks for that post instead of creating another.
 */
import type { Queryable } from './db/pool.js';
import type { AggregatorTarget } from './outbound-store.js';

export async function recordAggregatorAttempt(
  db: Queryable,
  targetId: string,
  route: Pick<AggregatorTarget, 'via' | 'account'>,
): Promise<void> {
  await db.query(
    `UPDATE outbound_targets SET status = 'publishing', via = $2, aggregator_account = $3, aggregator_post_id = NULL,
            attempts = attempts + 1, error = NULL, updated_at = now()
      WHERE id = $1`,
    [targetId, route.via, JSON.stringify(route.account)],
  );
}

export async function recordAggregatorPost(db: Queryable, targetId: string, postId: string): Promise<void> {
  await db.query(`UPDATE outbound_targets SET aggregator_post_id = $2, updated_at = now() WHERE id = $1`, [
    targetId,
    postId,
  ]);
}

/** Nothing was created anywhere (every route refused before creating): the next run tries again. */
export async function recordAggregatorRetry(db: Queryable, targetId: string, error: string): Promise<void> {
  await db.query(
    `UPDATE outbound_targets SET status = 'pending', error = $2, updated_at = now() WHERE id = $1`,
    [targetId, error],
  );
}
