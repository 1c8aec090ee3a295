/**
 * Slack workspace installs: the bot token each workspace granted ("Add to Slack", OAuth v2), kept on
 * its tenant row and encrypted like every other secret. An uninstalled workspace keeps its feeds'
 * history but loses its token.
 */
import type { Keyring } from './crypto.js';
import type { Queryable } from './db/pool.js';

export interface SlackInstall {
  readonly teamId: string;
  readonly teamName: string;
  readonly botToken: string;
  readonly botUserId: string;
  /** Who installed it (a Slack user id). */
  readonly installedBy: string | undefined;
}

export interface StoredSlackInstall extends SlackInstall {
  readonly tenantId: string;
}

/** Store (or replace, on a re-install) a workspace's install; returns its tenant id. */
export async function storeSlackInstall(
  db: Queryable,
  keyring: Keyring,
  install: SlackInstall,
): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO tenants (chat_platform, external_id, name, bot_token_enc, bot_user_id, installed_by)
     VALUES ('slack', $1, $2, $3, $4, $5)
     ON CONFLICT (chat_platform, external_id) DO UPDATE
        SET name = EXCLUDED.name, bot_token_enc = EXCLUDED.bot_token_enc, bot_user_id = EXCLUDED.bot_user_id,
            installed_by = EXCLUDED.installed_by, status = 'active', updated_at = now()
     RETURNING id`,
    [
      install.teamId,
      install.teamName,
      keyring.encrypt(install.botToken),
      install.botUserId,
      install.installedBy ?? null,
    ],
  );
  const id = rows[0]?.id;
  if (!id) throw new Error('storing a Slack install returned no row');
  return id;
}

/** The active install of a workspace, or undefined (never installed, or uninstalled since). */
export async function findSlackInstall(
  db: Queryable,
  keyring: Keyring,
  teamId: string,
): Promise<StoredSlackInstall | undefined> {
  const { rows } = await db.query<{
    id: string;
    name: string;
    bot_token_enc: string | null;
    bot_user_id: string | null;
    installed_by: string | null;
  }>(
    `SELECT id, name, bot_token_enc, bot_user_id, installed_by FROM tenants
      WHERE chat_platform = 'slack' AND external_id = $1 AND status = 'active' AND bot_token_enc IS NOT NULL`,
    [teamId],
  );
  const row = rows[0];
  if (!row?.bot_token_enc) return undefined;
  return {
    tenantId: row.id,
    teamId,
    teamName: row.name,
    botToken: keyring.decrypt(row.bot_token_enc),
    botUserId: row.bot_user_id ?? '',
    installedBy: row.installed_by ?? undefined,
  };
}

/** The workspace removed Herald (app_uninstalled, tokens_revoked): forget its token. */
export async function removeSlackInstall(db: Queryable, teamId: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE tenants SET bot_token_enc = NULL, status = 'uninstalled', updated_at = now()
      WHERE chat_platform = 'slack' AND external_id = $1`,
    [teamId],
  );
  return (rowCount ?? 0) > 0;
}
