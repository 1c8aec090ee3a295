/**
 * A tenant's own API keys for the publishing aggregators (PostForMe, LATE), encrypted like every
 * secret. Herald's global keys come from config; a tenant's come first when it has them.
 */
import type { Keyring } from './crypto.js';
import type { Queryable } from './db/pool.js';

export const AGGREGATORS = ['postforme', 'late'] as const;
export type Aggregator = (typeof AGGREGATORS)[number];

export async function setAggregatorKey(
  db: Queryable,
  keyring: Keyring,
  input: {
    readonly tenantId: string;
    readonly aggregator: Aggregator;
    readonly apiKey: string;
    readonly setBy: string;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO aggregator_credentials (tenant_id, aggregator, api_key_enc, created_by)
     VALUES ($1, $2, $3, $4)
     ON CONFLICT (tenant_id, aggregator) DO UPDATE
       SET api_key_enc = EXCLUDED.api_key_enc, created_by = EXCLUDED.created_by, updated_at = now()`,
    [input.tenantId, input.aggregator, keyring.encrypt(input.apiKey), input.setBy],
  );
}

export async function removeAggregatorKey(
  db: Queryable,
  tenantId: string,
  aggregator: Aggregator,
): Promise<boolean> {
  const { rowCount } = await db.query(
    'DELETE FROM aggregator_credentials WHERE tenant_id = $1 AND aggregator = $2',
    [tenantId, aggregator],
  );
  return (rowCount ?? 0) > 0;
}

/** The tenant's keys, decrypted, by aggregator. */
export async function tenantAggregatorKeys(
  db: Queryable,
  keyring: Keyring,
  tenantId: string,
): Promise<Partial<Record<Aggregator, string>>> {
  const { rows } = await db.query<{ aggregator: Aggregator; api_key_enc: string }>(
    'SELECT aggregator, api_key_enc FROM aggregator_credentials WHERE tenant_id = $1',
    [tenantId],
  );
  return Object.fromEntries(rows.map((row) => [row.aggregator, keyring.decrypt(row.api_key_enc)]));
}
