/**
 * `GET /public/v1/integrations`: the accounts a tenant can post to, in the spec's shape: its linked
 * accounts (their ids), then the accounts connected at its aggregators on platforms with no linked
 * account (`postforme:<id>`, `late:<id>`: stable while the account stays connected there).
 */
import type { z } from 'zod';
import { tenantAggregatorKeys } from '../../../core/aggregator-keys.js';
import type { Keyring } from '../../../core/crypto.js';
import type { Queryable } from '../../../core/db/pool.js';
import type { AggregatorTarget } from '../../../core/outbound-store.js';
import { PLATFORM_INFO, type SocialPlatform } from '../../../core/platforms.js';
import { routedAccounts } from '../../../social/aggregators/accounts.js';
import type { ProviderRegistry } from '../../../social/registry.js';
import type { Integration } from './schemas.js';

type IntegrationView = z.output<typeof Integration>;

export interface LinkedIntegration {
  readonly kind: 'linked';
  readonly view: IntegrationView;
}

export interface AggregatedIntegration {
  readonly kind: 'aggregated';
  readonly view: IntegrationView;
  readonly target: AggregatorTarget;
}

export type TenantIntegration = LinkedIntegration | AggregatedIntegration;

/** The id an account at an aggregator has in the API. */
export const aggregatedId = (via: string, accountId: string) => `${via}:${accountId}`;

export async function tenantIntegrations(
  deps: { readonly pool: Queryable; readonly keyring: Keyring; readonly registry: ProviderRegistry },
  tenantId: string,
): Promise<TenantIntegration[]> {
  const { rows } = await deps.pool.query<{
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
  const linked: TenantIntegration[] = rows.map((row) => ({
    kind: 'linked',
    view: {
      id: row.id,
      name: row.display_name || `${PLATFORM_INFO[row.platform].displayName} (@${row.handle})`,
      identifier: row.platform,
      picture: row.avatar_url,
      disabled: row.status !== 'active',
      profile: row.handle,
    },
  }));
  const routes = deps.registry.aggregators.forTenant(
    await tenantAggregatorKeys(deps.pool, deps.keyring, tenantId),
  );
  if (routes.length === 0) return linked;
  const direct = new Set<string>(rows.map((row) => row.platform));
  const seen = new Set<string>();
  const aggregated: TenantIntegration[] = [];
  // A route that cannot be listed right now leaves its accounts out of this answer, not the others.
  for (const { route, account } of (await routedAccounts(routes)).accounts) {
    const key = `${account.platform}:${account.username.toLowerCase()}`;
    if (direct.has(account.platform) || seen.has(key)) continue;
    seen.add(key);
    aggregated.push({
      kind: 'aggregated',
      view: {
        id: aggregatedId(route.aggregator, account.id),
        name: account.displayName ?? account.username,
        identifier: account.platform,
        picture: null,
        disabled: false,
        profile: account.username,
      },
      target: {
        via: route.aggregator,
        platform: account.platform,
        account: { id: account.id, username: account.username, profileId: account.profileId },
      },
    });
  }
  return [...linked, ...aggregated];
}
