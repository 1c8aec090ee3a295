/**
 * The bot role: connects each configured chat platform. With none configured Herald still runs its
 * worker and web server, and says once what to set.
 */
import type { Config } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import { chatPlatformStatus } from './chat-platforms.js';

export interface BotRuntime {
  stop(): Promise<void>;
}

export function startBot(config: Pick<Config, 'discord' | 'slack'>, logger: Logger): BotRuntime {
  const log = logger.child({ subsystem: 'bot' });
  const platforms = chatPlatformStatus(config);
  const configured = platforms.filter((p) => p.configured);
  if (configured.length === 0) {
    log.warn(
      Object.fromEntries(platforms.map((p) => [p.platform, p.detail])),
      'no chat platform configured: Herald runs without a bot until one is set',
    );
  }
  for (const platform of configured) {
    // @TODO: the Discord and Slack adapters arrive with their own issues; until then say so plainly.
    log.warn(
      { platform: platform.platform },
      'chat platform configured, but its adapter is not part of this version yet',
    );
  }
  return { stop: async () => undefined };
}
