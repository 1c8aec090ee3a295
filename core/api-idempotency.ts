/**
 * What a POST answered under an `Idempotency-Key`, kept so a retried request gets the same answer
 * (and a key reused for a different body is refused). Kept a day: a client retries within minutes.
 */
import type { Queryable } from './db/pool.js';

export interface StoredAnswer {
  readonly requestHash: Buffer;
  readonly status: number;
  readonly response: unknown;
}

export async function findAnswer(
  db: Queryable,
  tenantId: string,
  key: string,
): Promise<StoredAnswer | undefined> {
  const { rows } = await db.query<{ request_hash: Buffer; status: number; response: unknown }>(
    `SELECT request_hash, status, response FROM api_idempotency
      WHERE tenant_id = $1 AND idempotency_key = $2 AND created_at > now() - interval '1 day'`,
    [tenantId, key],
  );
  const row = rows[0];
  return row ? { requestHash: row.request_hash, status: row.status, response: row.response } : undefined;
}

/** Keep the answer; when another request stored one first, that one is returned instead. */
export async function keepAnswer(
  db: Queryable,
  tenantId: string,
  key: string,
  answer: StoredAnswer,
): Promise<StoredAnswer> {
  await db.query(
    `INSERT INTO api_idempotency (tenant_id, idempotency_key, request_hash, status, response)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (tenant_id, idempotency_key) DO UPDATE
       SET request_hash = EXCLUDED.request_hash, status = EXCLUDED.status, response = EXCLUDED.response,
           created_at = now()
       WHERE api_idempotency.created_at <= now() - interval '1 day'`,
    [tenantId, key, answer.requestHash, answer.status, JSON.stringify(answer.response)],
  );
  return (await findAnswer(db, tenantId, key)) ?? answer;
}
