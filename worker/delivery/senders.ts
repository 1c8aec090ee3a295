/**
 * One ChatSender per tenant, made on first use: Discord with Herald's bot token from config, Slack
 * with the workspace's own bot token (stored encrypted at install) or, in single-workspace mode, the
 * one from config.
 */
import type { Config } from '../../core/config.js';
import type { Keyring } from '../../core/crypto.js';
import type { Queryable } from '../../core/db/pool.js';
import type { ChatPlatform } from '../../core/platforms.js';
import { SendError, type ChatSender } from './chat-sender.js';
import type { SenderFor } from './deliver-feed.js';
import { createDiscordSender } from './discord-sender.js';
import { createSlackSender } from './slack-sender.js';

export interface SenderPool {
  readonly senderFor: SenderFor;
  close(): Promise<void>;
}

export function createSenderPool(
  config: Pick<Config, 'discord' | 'slack' | 'outbound'>,
  db: Queryable,
  keyring: Keyring,
): SenderPool {
  // Keyed by tenant, remembering the token it was made with: a reinstall's new token replaces it.
  const cache = new Map<string, { token: string; sender: ChatSender }>();
  const discord = config.discord
    ? createDiscordSender({
        token: config.discord.token,
        apiUrl: config.discord.apiUrl,
        timeoutMs: config.outbound.timeoutMs,
      })
    : undefined;

  async function slackToken(tenantId: string): Promise<string | undefined> {
    const { rows } = await db.query<{ bot_token_enc: string | null }>(
      'SELECT bot_token_enc FROM tenants WHERE id = $1',
      [tenantId],
    );
    const stored = rows[0]?.bot_token_enc;
    return stored ? keyring.decrypt(stored) : config.slack?.botToken;
  }

  return {
    async senderFor(tenantId: string, chatPlatform: ChatPlatform): Promise<ChatSender> {
      if (chatPlatform === 'discord') {
        if (!discord)
          throw new SendError(
            'unauthorized',
            'Discord is not configured: set DISCORD_TOKEN and DISCORD_APPLICATION_ID',
          );
        return discord;
      }
      const token = await slackToken(tenantId);
      if (!token || !config.slack)
        throw new SendError(
          'unauthorized',
          'no Slack bot token for this workspace: install Herald again or set SLACK_BOT_TOKEN',
        );
      const cached = cache.get(tenantId);
      if (cached?.token === token) return cached.sender;
      const sender = createSlackSender({
        botToken: token,
        apiUrl: config.slack.apiUrl,
        timeoutMs: config.outbound.timeoutMs,
      });
      cache.set(tenantId, { token, sender });
      return sender;
    },
    async close() {
      cache.clear();
      discord?.close();
    },
  };
}
