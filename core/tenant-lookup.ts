/** Finding a tenant by the id its chat platform gives it, for the CLI (which is not inside a guild). */
import type { Queryable } from './db/pool.js';
import { HeraldError } from './errors.js';
import type { ChatPlatform } from './platforms.js';

export interface FoundTenant {
  readonly id: string;
  readonly chatPlatform: ChatPlatform;
  readonly externalId: string;
  readonly name: string;
}

/** By Discord guild id, Slack team id, or Herald's own id. */
export async function findTenant(db: Queryable, reference: string): Promise<FoundTenant> {
  const { rows } = await db.query<{
    id: string;
    chat_platform: ChatPlatform;
    external_id: string;
    name: string;
  }>(
    `SELECT id, chat_platform, external_id, name FROM tenants
      WHERE external_id = $1 OR id::text = $1 ORDER BY chat_platform`,
    [reference],
  );
  const row = rows[0];
  if (!row || rows.length > 1) {
    throw new HeraldError(
      'input-invalid',
      rows.length > 1
        ? `Both a Discord server and a Slack workspace have the id ${reference}.`
        : `No Discord server or Slack workspace with the id ${reference} has used Herald yet.`,
      {
        hint: 'Pass the guild id (Discord: Server Settings → Widget, or right-click → Copy Server ID) or the team id (Slack: T…), or Herald’s tenant id.',
      },
    );
  }
  return { id: row.id, chatPlatform: row.chat_platform, externalId: row.external_id, name: row.name };
}
