/**
 * The database Herald runs on: the server at DATABASE_URL, or else the embedded one in the data folder.
 * `openDatabase` returns a verified pool; `close` ends the pool and stops an embedded server we started.
 */
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.js';
import { connectionError, createPool, type Pool } from './pool.js';

export interface Database {
  readonly url: string;
  readonly pool: Pool;
  /** Present when Herald runs the embedded server. */
  readonly embedded: EmbeddedPostgres | undefined;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  readonly poolSize?: number;
  readonly durability?: 'safe' | 'fast';
}

/** Open the configured database and check it answers; throws a HeraldError saying what to do if not. */
export async function openDatabase(
  config: Pick<Config, 'database' | 'dataDir'>,
  logger: Logger,
  options: OpenDatabaseOptions = {},
): Promise<Database> {
  const embedded = config.database.url
    ? undefined
    : await startEmbeddedPostgres({
        dataDir: config.dataDir,
        port: config.database.embeddedPort,
        logger,
        ...(options.durability ? { durability: options.durability } : {}),
      });
  const url = config.database.url ?? embedded?.url;
  if (!url) throw new Error('unreachable: no database url');
  const pool = createPool(url, logger, { max: options.poolSize ?? 10 });
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await pool.end().catch(() => undefined);
    await embedded?.stop();
    throw connectionError(err, url);
  }
  let closing: Promise<void> | undefined;
  return {
    url,
    pool,
    embedded,
    close: () =>
      (closing ??= (async () => {
        // Ended clients may still see the server's goodbye while their sockets close; that is not news.
        pool.removeAllListeners('error');
        pool.on('error', () => undefined);
        await pool.end().catch((err: unknown) => logger.warn({ err }, 'closing the database pool failed'));
        await embedded?.stop();
      })()),
  };
}
