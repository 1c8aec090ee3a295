/**
 * Herald's process: open the database (embedded or not), migrate, load the encryption key, then run
 * the requested roles. `stop()` shuts down in the safe order: stop accepting requests, drain the
 * worker, close the pool, stop the embedded database last.
 */
import { prepareSlack, startBot, type BotRuntime } from '../bot/runtime.js';
import type { SlackAdapter } from '../bot/slack/app.js';
import { connectRoutes } from '../bot/http/connect-routes.js';
import { healthRoutes } from '../bot/http/health-routes.js';
import { startHttpServer, type HttpServer } from '../bot/http/server.js';
import type { Config } from '../core/config.js';
import { openDatabase, type Database } from '../core/db/database.js';
import { migrate } from '../core/db/migrate.js';
import { loadKeyring } from '../core/encryption-key.js';
import type { Logger } from '../core/logger.js';
import { migrateQueue } from '../core/queue.js';
import { HERALD_VERSION } from '../core/version.js';
import { publicApiRoutes } from '../bot/http/public-api/routes.js';
import { createMediaDownloader, type MediaDownloader } from '../social/media-download.js';
import { createProviderRegistry, type ProviderOverrides, type ProviderRegistry } from '../social/registry.js';
import { createSenderPool, type SenderPool } from '../worker/delivery/senders.js';
import { startWorker, type WorkerRuntime } from '../worker/runtime.js';

export const ROLES = ['all', 'bot', 'worker', 'web'] as const;
export type Role = (typeof ROLES)[number];

export interface RunningHerald {
  readonly database: Database;
  readonly http: HttpServer | undefined;
  readonly worker: WorkerRuntime | undefined;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly role: Role;
  /** Replaces the worker's crontab ('' disables it); for tests. */
  readonly crontab?: string;
  /** Provider options beyond config (tests point Bluesky's PLC directory at a fake). */
  readonly providerOverrides?: ProviderOverrides;
}

export async function startHerald(
  config: Config,
  logger: Logger,
  options: StartOptions,
): Promise<RunningHerald> {
  const runs = (role: Role) => options.role === 'all' || options.role === role;
  const database = await openDatabase(config, logger, { poolSize: config.worker.concurrency + 4 });
  let worker: WorkerRuntime | undefined;
  let http: HttpServer | undefined;
  let bot: BotRuntime | undefined;
  let registry: ProviderRegistry | undefined;
  let senders: SenderPool | undefined;
  let slack: SlackAdapter | undefined;
  let media: MediaDownloader | undefined;

  const stop = async () => {
    await http?.close();
    await bot?.stop();
    await worker?.stop();
    await senders?.close();
    await registry?.close();
    await media?.close();
    await database.close();
  };

  try {
    await migrate(database.pool, logger);
    await migrateQueue(database.pool, logger);
    const keyring = await loadKeyring(config, logger);
    // The web role links OAuth accounts (and answers Slack in HTTP mode): it calls providers too.
    const needsRegistry = runs('worker') || runs('bot') || runs('web');
    if (needsRegistry) registry = createProviderRegistry(config, options.providerOverrides);
    // Images attached to a post in chat are downloaded by whichever process answers the command.
    media = createMediaDownloader({
      userAgent: `Herald/${HERALD_VERSION} (+${config.http.publicUrl})`,
      timeoutMs: config.outbound.timeoutMs,
      allowLoopback: config.outbound.allowLoopbackUrls,
    });
    const botDeps = registry ? { pool: database.pool, keyring, registry, logger, media } : undefined;
    // Slack's HTTP events and install pages are web routes; its Socket Mode connection is the bot's.
    slack = botDeps && (runs('bot') || runs('web')) ? prepareSlack(config, botDeps) : undefined;
    if (runs('worker') && registry) {
      senders = createSenderPool(config, database.pool, keyring);
      worker = await startWorker({
        pool: database.pool,
        logger,
        settings: config.worker,
        tasks: {
          pool: database.pool,
          keyring,
          providers: registry,
          senders: senders.senderFor,
          settings: config.worker,
          logger,
          followUps: { discordApiUrl: config.discord?.apiUrl },
        },
        ...(options.crontab !== undefined ? { crontab: options.crontab } : {}),
      });
    }
    if (runs('web')) {
      http = await startHttpServer({
        port: config.http.port,
        logger,
        routes: [
          ...healthRoutes(database.pool, logger, { heartbeatSeconds: config.worker.heartbeatSeconds }),
          ...(slack?.routes ?? []),
          ...(registry ? connectRoutes({ pool: database.pool, keyring, registry, config, logger }) : []),
          ...(registry && media
            ? publicApiRoutes({
                pool: database.pool,
                keyring,
                registry,
                media,
                rateLimit: config.api.rateLimit,
                publicUrl: config.http.publicUrl,
                logger,
              })
            : []),
        ],
      });
    }
    if (runs('bot') && botDeps) {
      bot = await startBot(config, botDeps, { slack, webInProcess: runs('web') });
    }
  } catch (err) {
    await stop().catch((stopErr: unknown) =>
      logger.error({ err: stopErr }, 'cleanup after a failed start failed'),
    );
    throw err;
  }
  logger.info(
    {
      role: options.role,
      publicUrl: config.http.publicUrl,
      embeddedDatabase: database.embedded !== undefined,
    },
    'herald started',
  );
  return { database, http, worker, stop };
}
