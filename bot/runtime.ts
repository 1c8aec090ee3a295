/**
 * The bot role: connects each configured chat platform to the one command catalogue (Discord over
 * its gateway, Slack in Socket Mode; Slack's HTTP mode is served by the web role). With none
 * configured Herald still runs its worker and web server, and says once what to set.
 */
import type { Config } from '../core/config.js';
import type { Keyring } from '../core/crypto.js';
import type { Pool } from '../core/db/pool.js';
import type { Logger } from '../core/logger.js';
import type { MediaDownloader } from '../social/media-download.js';
import type { ProviderRegistry } from '../social/registry.js';
import { chatPlatformStatus } from './chat-platforms.js';
import type { CommandDeps } from './commands/context.js';
import { createCatalogue, suggest } from './commands/index.js';
import { startDiscordAdapter, type DiscordAdapter } from './discord/client.js';
import { createSlackAdapter, type SlackAdapter } from './slack/app.js';

export interface BotRuntime {
  stop(): Promise<void>;
}

export interface BotDeps {
  readonly pool: Pool;
  readonly keyring: Keyring;
  readonly registry: ProviderRegistry;
  readonly logger: Logger;
  /** Downloads images attached to posts; without it, posts from chat carry none. */
  readonly media?: MediaDownloader | undefined;
}

export interface BotOptions {
  /** The Slack app from `prepareSlack`. */
  readonly slack?: SlackAdapter | undefined;
  /** Whether this process also runs the web role (Slack's HTTP mode is answered there). */
  readonly webInProcess?: boolean;
}

/** What every command handler gets, whichever chat platform it answers. */
function commandDeps(config: Pick<Config, 'worker' | 'http' | 'providers'>, deps: BotDeps): CommandDeps {
  return {
    pool: deps.pool,
    keyring: deps.keyring,
    registry: deps.registry,
    logger: deps.logger,
    settings: config.worker,
    ...(deps.media ? { media: deps.media } : {}),
    // OAuth linking finishes on the web server at HERALD_PUBLIC_URL; X needs its client configured.
    linking: {
      publicUrl: config.http.publicUrl,
      oauthReady: (platform) => platform === 'mastodon' || config.providers.x.clientId !== undefined,
    },
  };
}

export async function startBot(
  config: Pick<Config, 'discord' | 'slack' | 'worker' | 'http' | 'providers'>,
  deps: BotDeps,
  options: BotOptions = {},
): Promise<BotRuntime> {
  const { slack } = options;
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
      deps: commandDeps(config, deps),
      logger: deps.logger,
    });
  }
  if (slack?.mode === 'socket') {
    await slack.start();
    log.info({ platform: 'slack', mode: 'socket' }, 'slack connected');
  } else if (slack && !options.webInProcess) {
    log.warn(
      { platform: 'slack', mode: 'http' },
      'slack HTTP mode is answered by the web role (/slack/events): run it too, or set SLACK_APP_TOKEN for Socket Mode',
    );
  } else if (slack) {
    log.info({ platform: 'slack', mode: 'http', path: '/slack/events' }, 'slack answers over HTTP');
  }
  return {
    stop: async () => {
      await slack?.stop();
      await discord?.stop();
    },
  };
}

/**
 * The Slack app, when Slack is configured: its routes go on the web server (HTTP mode events, and
 * the install pages of workspace installs), and the bot role connects it in Socket Mode.
 */
export function prepareSlack(
  config: Pick<Config, 'slack' | 'worker' | 'http' | 'providers'>,
  deps: BotDeps,
): SlackAdapter | undefined {
  if (!config.slack) return undefined;
  return createSlackAdapter({
    config: config.slack,
    publicUrl: config.http.publicUrl,
    catalogue: createCatalogue({ heartbeatSeconds: config.worker.heartbeatSeconds }),
    deps: commandDeps(config, deps),
  });
}
