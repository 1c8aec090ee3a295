/** `GET /public/v1/integrations`: the tenant's accounts that can be posted to, in the spec's shape. */
import type { Queryable } from '../../../core/db/pool.js';
import { PLATFORM_INFO, type SocialPlatform } from '../../../core/platforms.js';
import type { z } from 'zod';
import type { Integration } from './schemas.js';

type IntegrationView = z.output<typeof Integration>;

export async function listIntegrations(db: Queryable, tenantId: string): Promise<IntegrationView[]> {
  const { rows } = await db.query<{
    id: string;
    platform: SocialPlatform;
    handle: string;
    display_name: string;
    avatar_url: string | null;
    status: string;
  }>(
    // RSS feeds are read, never posted to: they are not integrations.
    `SELECT id, platform, handle, display_name, avatar_url, status FROM social_accounts
      WHERE tenant_id = $1 AND platform <> 'rss' ORDER BY created_at`,
    [tenantId],
  );
  return rows.map((row) => ({
    id: row.id,
    name: row.display_name || `${PLATFORM_INFO[row.platform].displayName} (@${row.handle})`,
    identifier: row.platform,
    picture: row.avatar_url,
    disabled: row.status !== 'active',
    profile: row.handle,
  }));
}
