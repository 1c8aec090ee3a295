/**
 * Reading a linked social account with its secrets decrypted, for the code that calls a provider
 * on its behalf (the poller, `herald fetch`). Tokens leave the database only through here.
 */
import type { Keyring } from './crypto.js';
import type { Queryable } from './db/pool.js';
import type { SocialPlatform } from './platforms.js';

export interface LinkedAccountRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly platform: SocialPlatform;
  readonly platformAccountId: string;
  readonly handle: string;
  readonly instanceUrl: string | undefined;
  readonly accessToken: string | undefined;
  readonly refreshToken: string | undefined;
  readonly tokenExpiresAt: Date | undefined;
  readonly scopes: readonly string[];
  readonly cursor: Readonly<Record<string, string | number | boolean | null>> | null;
  readonly status: 'active' | 'needs_reconnect' | 'paused';
}

export interface AccountRow {
  id: string;
  tenant_id: string;
  platform: SocialPlatform;
  platform_account_id: string;
  handle: string;
  instance_url: string | null;
  access_token_enc: string | null;
  refresh_token_enc: string | null;
  token_expires_at: Date | null;
  scopes: string[];
  cursor: Record<string, string | number | boolean | null> | null;
  status: LinkedAccountRecord['status'];
}

/** Map a row read with `ACCOUNT_COLUMNS`, decrypting its secrets. */
export function toLinkedAccount(row: AccountRow, keyring: Keyring): LinkedAccountRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    platform: row.platform,
    platformAccountId: row.platform_account_id,
    handle: row.handle,
    instanceUrl: row.instance_url ?? undefined,
    accessToken: row.access_token_enc === null ? undefined : keyring.decrypt(row.access_token_enc),
    refreshToken: row.refresh_token_enc === null ? undefined : keyring.decrypt(row.refresh_token_enc),
    tokenExpiresAt: row.token_expires_at ?? undefined,
    scopes: row.scopes,
    cursor: row.cursor,
    status: row.status,
  };
}

/** The columns `toLinkedAccount` reads, for queries that load an account along with more. */
export const ACCOUNT_COLUMNS = `id, tenant_id, platform, platform_account_id, handle, instance_url, access_token_enc,
  refresh_token_enc, token_expires_at, scopes, cursor, status`;
const COLUMNS = ACCOUNT_COLUMNS;

/** One linked account by Herald's id, or undefined when it was removed. */
export async function findLinkedAccountById(
  db: Queryable,
  keyring: Keyring,
  id: string,
): Promise<LinkedAccountRecord | undefined> {
  const { rows } = await db.query<AccountRow>(`SELECT ${COLUMNS} FROM social_accounts WHERE id = $1`, [id]);
  const row = rows[0];
  return row ? toLinkedAccount(row, keyring) : undefined;
}

/**
 * The linked accounts of `platform` that `reference` names: Herald's account id, the platform's
 * account id, or the handle (with or without a leading @). Most recently updated first.
 */
export async function findLinkedAccounts(
  db: Queryable,
  keyring: Keyring,
  platform: SocialPlatform,
  reference: string,
): Promise<LinkedAccountRecord[]> {
  const handle = reference.replace(/^@/, '');
  const { rows } = await db.query<AccountRow>(
    `SELECT ${COLUMNS}
       FROM social_accounts
      WHERE platform = $1
        AND (id::text = $2 OR platform_account_id = $2 OR lower(handle) = lower($3))
      ORDER BY updated_at DESC`,
    [platform, reference, handle],
  );
  return rows.map((row) => toLinkedAccount(row, keyring));
}
