/**
 * Keys of the public HTTP API: created for a tenant (the key is returned once and only its SHA-256
 * is stored), listed by prefix and name, revoked. Checking a key also counts the request in the
 * key's fixed window, in the same statement, so the limit holds across every web process.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from './db/pool.js';

/** `hk_` and 43 base64url characters (32 random bytes). */
const KEY_PREFIX = 'hk_';
const SHOWN_PREFIX_LENGTH = KEY_PREFIX.length + 8;

export interface ApiKeySummary {
  readonly id: string;
  readonly name: string;
  /** The key's first characters, enough to tell keys apart. */
  readonly prefix: string;
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | undefined;
}

export interface RateLimit {
  readonly requests: number;
  readonly windowSeconds: number;
}

export type ApiKeyCheck =
  | { readonly ok: true; readonly tenantId: string; readonly keyId: string }
  | { readonly ok: false; readonly reason: 'unknown' }
  | { readonly ok: false; readonly reason: 'rate-limited'; readonly retryAfterSeconds: number };

const hashOf = (key: string) => createHash('sha256').update(key, 'utf8').digest();

export async function createApiKey(
  db: Queryable,
  input: { readonly tenantId: string; readonly name: string; readonly createdBy: string },
): Promise<{ readonly key: string; readonly summary: ApiKeySummary }> {
  const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const { rows } = await db.query<{ id: string; created_at: Date }>(
    `INSERT INTO api_keys (tenant_id, name, prefix, key_hash, created_by) VALUES ($1, $2, $3, $4, $5)
     RETURNING id, created_at`,
    [input.tenantId, input.name, key.slice(0, SHOWN_PREFIX_LENGTH), hashOf(key), input.createdBy],
  );
  const row = rows[0]!;
  return {
    key,
    summary: {
      id: row.id,
      name: input.name,
      prefix: key.slice(0, SHOWN_PREFIX_LENGTH),
      createdBy: input.createdBy,
      createdAt: row.created_at,
      lastUsedAt: undefined,
    },
  };
}

/** The tenant's keys that are not revoked, oldest first. */
export async function listApiKeys(db: Queryable, tenantId: string): Promise<ApiKeySummary[]> {
  const { rows } = await db.query<{
    id: string;
    name: string;
    prefix: string;
    created_by: string;
    created_at: Date;
    last_used_at: Date | null;
  }>(
    `SELECT id, name, prefix, created_by, created_at, last_used_at FROM api_keys
      WHERE tenant_id = $1 AND revoked_at IS NULL ORDER BY created_at`,
    [tenantId],
  );
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdBy: row.created_by,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at ?? undefined,
  }));
}

/** Revoke the tenant's key named by its prefix or id; false when there is no such live key. */
export async function revokeApiKey(db: Queryable, tenantId: string, reference: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE api_keys SET revoked_at = now()
      WHERE tenant_id = $1 AND revoked_at IS NULL AND (prefix = $2 OR id::text = $2)`,
    [tenantId, reference.trim()],
  );
  return (rowCount ?? 0) === 1;
}

/** Whose key this is, counting the request against its rate limit. */
export async function checkApiKey(db: Queryable, key: string, limit: RateLimit): Promise<ApiKeyCheck> {
  if (!key.startsWith(KEY_PREFIX)) return { ok: false, reason: 'unknown' };
  // A new window starts when the last one is over; within a window the count only grows while
  // under the limit, so a flood of refused requests does not push the window's end away.
  const { rows } = await db.query<{
    id: string;
    tenant_id: string;
    counted: boolean;
    retry_after: number;
  }>(
    `WITH key AS (SELECT * FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL FOR UPDATE),
     counted AS (
       UPDATE api_keys a SET
         window_started = CASE WHEN a.window_started IS NULL
                                 OR a.window_started <= now() - make_interval(secs => $3)
                               THEN now() ELSE a.window_started END,
         window_count = CASE WHEN a.window_started IS NULL
                               OR a.window_started <= now() - make_interval(secs => $3)
                             THEN 1 ELSE a.window_count + 1 END,
         last_used_at = now()
        FROM key
       WHERE a.id = key.id
         AND (key.window_started IS NULL OR key.window_started <= now() - make_interval(secs => $3)
              OR key.window_count < $2)
       RETURNING a.id)
     SELECT key.id, key.tenant_id, EXISTS (SELECT 1 FROM counted) AS counted,
            greatest(1, ceil(extract(epoch FROM key.window_started + make_interval(secs => $3) - now())))::int
              AS retry_after
       FROM key`,
    [hashOf(key), limit.requests, limit.windowSeconds],
  );
  const row = rows[0];
  if (!row) return { ok: false, reason: 'unknown' };
  if (!row.counted) return { ok: false, reason: 'rate-limited', retryAfterSeconds: row.retry_after };
  return { ok: true, tenantId: row.tenant_id, keyId: row.id };
}
