/**
 * A command context for catalogue tests: a tenant row, a user with or without admin rights, and chat
 * capabilities whose channel checks a test decides (what an adapter reads from the platform).
 */
import type { ChannelCheck, CommandContext, TenantRef } from '../../bot/commands/context.js';
import type { Config } from '../../core/config.js';
import type { Keyring } from '../../core/crypto.js';
import type { Pool } from '../../core/db/pool.js';
import type { ProviderRegistry } from '../../social/registry.js';
import { testLogger } from './database.js';

export interface ContextWorld {
  readonly pool: Pool;
  readonly keyring: Keyring;
  readonly registry: ProviderRegistry;
  readonly config: Config;
}

export async function createTenant(pool: Pool, externalId: string, name: string): Promise<TenantRef> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO tenants (chat_platform, external_id, name) VALUES ('discord', $1, $2) RETURNING id`,
    [externalId, name],
  );
  return { id: rows[0]!.id, chatPlatform: 'discord', externalId, name };
}

export interface ContextOptions {
  readonly isAdmin?: boolean;
  readonly userId?: string;
  /** The platform's answer for each channel; unknown channels are postable. */
  readonly channels?: Readonly<Record<string, ChannelCheck>>;
}

export function commandContext(
  world: ContextWorld,
  tenant: TenantRef,
  options: ContextOptions = {},
): CommandContext {
  return {
    tenant,
    user: { id: options.userId ?? 'u-admin', name: 'Ada', isAdmin: options.isAdmin ?? true },
    channelId: 'c-here',
    chat: {
      checkChannel: async (channelId) =>
        options.channels?.[channelId] ?? { ok: true, name: `chan-${channelId}` },
      channelMention: (id) => `<#${id}>`,
      roleMention: (id) => `<@&${id}>`,
    },
    deps: {
      pool: world.pool,
      keyring: world.keyring,
      registry: world.registry,
      logger: testLogger,
      settings: {
        engagementWindowMs: world.config.worker.engagementWindowMs,
        pollIntervalSeconds: world.config.worker.pollIntervalSeconds,
      },
    },
  };
}
