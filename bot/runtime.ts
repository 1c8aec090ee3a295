/**
 * The bot role: connects each configured chat platform to the one command catalogue. With none
 * configured Herald still runs its worker and web server, and says once what to set.
 */
import type { Config } from '../core/config.js';
import type { Keyring } from '../core/crypto.js';
import type { Pool } from '../core/db/pool.js';
import type { Logger } from '../core/logger.js';
import type { ProviderRegistry } from '../social/registry.js';
import { chatPlatformStatus } from './chat-platforms.js';
import { createCatalogue, suggest } from './commands/index.js';
import { startDiscordAdapter, type DiscordAdapter } from './discord/client.js';

export interface BotRuntime {
  stop(): Promise<void>;
}

export interface BotDeps {
  readonly pool: Pool;
  readonly keyring: Keyring;
  readonly registry: ProviderRegistry;
  readonly logger: Logger;
}

export async function startBot(
  config: Pick<Config, 'discord' | 'slack' | 'worker'>,
  deps: BotDeps,
): Promise<BotRuntime> {
  const log = deps.logger.child({ subsystem: 'bot' });
  const platforms = chatPlatformStatus(config);
  const configured = platforms.filter((p) => p.configured);
  if (configured.length === 0) {
    log.warn(
      Object.fromEntries(platforms.map((p) => [p.platform, p.detail])),
      'no chat platform configured: Herald runs without a bot until one is set',
    );
  }
  const catalogue = createCatalogue({ heartbeatSeconds: config.worker.heartbeatSeconds });
  let discord: DiscordAdapter | undefined;
  if (config.discord) {
    discord = await startDiscordAdapter({
      discord: config.discord,
      catalogue,
      suggest,
      deps: {
        pool: deps.pool,
        keyring: deps.keyring,
        registry: deps.registry,
        logger: deps.logger,
        settings: config.worker,
      },
      logger: deps.logger,
    });
  }
  if (config.slack) {
    // @TODO: the Slack adapter arrives with its own issue; until then say so plainly.
    log.warn(
      { platform: 'slack' },
      'chat platform configured, but its adapter is not part of this version yet',
    );
  }
  return { stop: async () => discord?.stop() };
}
