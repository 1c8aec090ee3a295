/**
 * Tenants as the chat adapters meet them: a Discord guild or a Slack workspace, made the first time
 * someone there runs a command and kept current (name, active again after an uninstall) afterwards.
 */
import type { Queryable } from './db/pool.js';
import type { ChatPlatform } from './platforms.js';

export interface TenantRecord {
  readonly id: string;
  readonly chatPlatform: ChatPlatform;
  /** The guild id or the workspace (team) id. */
  readonly externalId: string;
  readonly name: string;
}

export interface TenantIdentity {
  readonly chatPlatform: ChatPlatform;
  readonly externalId: string;
  /** The guild's or workspace's name as the platform says it now; '' when it did not say (kept as is). */
  readonly name: string;
}

interface TenantRow {
  id: string;
  chat_platform: ChatPlatform;
  external_id: string;
  name: string;
  status: 'active' | 'uninstalled';
}

const COLUMNS = 'id, chat_platform, external_id, name, status';

const toRecord = (row: TenantRow): TenantRecord => ({
  id: row.id,
  chatPlatform: row.chat_platform,
  externalId: row.external_id,
  name: row.name,
});

/**
 * The tenant of a guild or workspace, created on first sight. Runs on every command, so the common
 * case (known, same name, active) is one read and writes nothing.
 */
export async function upsertTenant(db: Queryable, identity: TenantIdentity): Promise<TenantRecord> {
  const { chatPlatform, externalId, name } = identity;
  const found = await db.query<TenantRow>(
    `SELECT ${COLUMNS} FROM tenants WHERE chat_platform = $1 AND external_id = $2`,
    [chatPlatform, externalId],
  );
  const current = found.rows[0];
  if (current && current.status === 'active' && (name === '' || current.name === name)) {
    return toRecord(current);
  }
  const { rows } = await db.query<TenantRow>(
    `INSERT INTO tenants (chat_platform, external_id, name) VALUES ($1, $2, $3)
     ON CONFLICT (chat_platform, external_id) DO UPDATE
        SET name = CASE WHEN EXCLUDED.name = '' THEN tenants.name ELSE EXCLUDED.name END,
            status = 'active',
            updated_at = now()
     RETURNING ${COLUMNS}`,
    [chatPlatform, externalId, name],
  );
  return toRecord(rows[0] as TenantRow);
}
