/**
 * Linked accounts as the commands see them: listed with their polling status, found, linked from a
 * feed URL or a session, and removed, always within one tenant. Secrets stay in linked-accounts.ts.
 */
import type { Keyring } from './crypto.js';
import type { Queryable } from './db/pool.js';
import type { SocialPlatform } from './platforms.js';

export type AccountStatus = 'active' | 'needs_reconnect' | 'paused';

export interface AccountSummary {
  readonly id: string;
  readonly platform: SocialPlatform;
  readonly handle: string;
  readonly displayName: string;
  /** The account's own API host (Mastodon instance, Bluesky PDS), where it has one. */
  readonly instanceUrl: string | undefined;
  readonly status: AccountStatus;
  readonly statusReason: string | undefined;
  readonly lastPolledAt: Date | undefined;
  readonly nextPollAt: Date;
  readonly lastError: string | undefined;
  readonly feeds: number;
}

interface AccountRow {
  id: string;
  platform: SocialPlatform;
  handle: string;
  display_name: string;
  instance_url: string | null;
  status: AccountStatus;
  status_reason: string | null;
  last_polled_at: Date | null;
  next_poll_at: Date;
  last_error: string | null;
  feeds: number;
}

const SELECT = `SELECT a.id, a.platform, a.handle, a.display_name, a.instance_url, a.status, a.status_reason, a.last_polled_at,
       a.next_poll_at, a.last_error, (SELECT count(*)::int FROM feeds f WHERE f.account_id = a.id) AS feeds
  FROM social_accounts a`;

function toSummary(row: AccountRow): AccountSummary {
  return {
    id: row.id,
    platform: row.platform,
    handle: row.handle,
    displayName: row.display_name,
    instanceUrl: row.instance_url ?? undefined,
    status: row.status,
    statusReason: row.status_reason ?? undefined,
    lastPolledAt: row.last_polled_at ?? undefined,
    nextPollAt: row.next_poll_at,
    lastError: row.last_error ?? undefined,
    feeds: row.feeds,
  };
}

export async function listAccounts(db: Queryable, tenantId: string): Promise<AccountSummary[]> {
  const { rows } = await db.query<AccountRow>(
    `${SELECT} WHERE a.tenant_id = $1 ORDER BY a.platform, a.handle`,
    [tenantId],
  );
  return rows.map(toSummary);
}

export async function findAccount(
  db: Queryable,
  tenantId: string,
  accountId: string,
): Promise<AccountSummary | undefined> {
  const { rows } = await db.query<AccountRow>(`${SELECT} WHERE a.tenant_id = $1 AND a.id = $2`, [
    tenantId,
    accountId,
  ]);
  const row = rows[0];
  return row ? toSummary(row) : undefined;
}

export interface LinkedAccountInput {
  readonly tenantId: string;
  readonly platform: SocialPlatform;
  readonly platformAccountId: string;
  readonly handle: string;
  readonly displayName: string;
  readonly instanceUrl: string | undefined;
  readonly profileUrl: string | undefined;
  readonly avatarUrl: string | undefined;
  readonly accessToken?: string | undefined;
  readonly refreshToken?: string | undefined;
  readonly tokenExpiresAt?: Date | undefined;
  readonly linkedBy: string;
}

/**
 * Link an account, or, when this tenant already linked it, refresh its name and tokens and make it
 * active again (a reconnect). Returns its id and whether it was new.
 */
export async function linkAccount(
  db: Queryable,
  keyring: Keyring,
  input: LinkedAccountInput,
): Promise<{ id: string; created: boolean }> {
  const { rows } = await db.query<{ id: string; created: boolean }>(
    `INSERT INTO social_accounts (tenant_id, platform, platform_account_id, handle, display_name, instance_url,
                                  profile_url, avatar_url, access_token_enc, refresh_token_enc, token_expires_at, linked_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (tenant_id, platform, platform_account_id) DO UPDATE
       SET handle = EXCLUDED.handle, display_name = EXCLUDED.display_name, instance_url = EXCLUDED.instance_url,
           profile_url = EXCLUDED.profile_url, avatar_url = EXCLUDED.avatar_url,
           access_token_enc = COALESCE(EXCLUDED.access_token_enc, social_accounts.access_token_enc),
           refresh_token_enc = COALESCE(EXCLUDED.refresh_token_enc, social_accounts.refresh_token_enc),
           token_expires_at = COALESCE(EXCLUDED.token_expires_at, social_accounts.token_expires_at),
           status = 'active', status_reason = NULL, consecutive_failures = 0, problem_notified_at = NULL,
           next_poll_at = now(), updated_at = now()
     RETURNING id, (xmax = 0) AS created`,
    [
      input.tenantId,
      input.platform,
      input.platformAccountId,
      input.handle,
      input.displayName,
      input.instanceUrl ?? null,
      input.profileUrl ?? null,
      input.avatarUrl ?? null,
      input.accessToken === undefined ? null : keyring.encrypt(input.accessToken),
      input.refreshToken === undefined ? null : keyring.encrypt(input.refreshToken),
      input.tokenExpiresAt ?? null,
      input.linkedBy,
    ],
  );
  const row = rows[0];
  if (!row) throw new Error('linking an account returned no row');
  return row;
}

/** Remove an account with its feeds, posts and deliveries; returns how many feeds went with it. */
export async function removeAccount(
  db: Queryable,
  tenantId: string,
  accountId: string,
): Promise<{ removed: boolean; feeds: number }> {
  const { rows } = await db.query<{ feeds: number }>(
    `DELETE FROM social_accounts a WHERE a.tenant_id = $1 AND a.id = $2
     RETURNING (SELECT count(*)::int FROM feeds f WHERE f.account_id = a.id) AS feeds`,
    [tenantId, accountId],
  );
  return { removed: rows.length > 0, feeds: rows[0]?.feeds ?? 0 };
}

export interface RecentImport {
  readonly accountId: string;
  readonly handle: string;
  readonly platform: SocialPlatform;
  readonly startedAt: Date;
  readonly status: 'running' | 'succeeded' | 'failed';
  readonly newPosts: number;
  readonly delivered: number;
  readonly error: string | undefined;
}

/** The tenant's latest polls with something to say: new posts or an error, newest first. */
export async function recentImports(db: Queryable, tenantId: string, limit: number): Promise<RecentImport[]> {
  const { rows } = await db.query<{
    account_id: string;
    handle: string;
    platform: SocialPlatform;
    started_at: Date;
    status: RecentImport['status'];
    new_posts: number;
    delivered: number;
    error: string | null;
  }>(
    `SELECT l.account_id, a.handle, a.platform, l.started_at, l.status, l.new_posts, l.delivered, l.error
       FROM import_logs l JOIN social_accounts a ON a.id = l.account_id
      WHERE a.tenant_id = $1 AND (l.new_posts > 0 OR l.error IS NOT NULL)
      ORDER BY l.started_at DESC LIMIT $2`,
    [tenantId, limit],
  );
  return rows.map((row) => ({
    accountId: row.account_id,
    handle: row.handle,
    platform: row.platform,
    startedAt: row.started_at,
    status: row.status,
    newPosts: row.new_posts,
    delivered: row.delivered,
    error: row.error ?? undefined,
  }));
}
