/**
 * PostgreSQL connections. Every pool gets an error handler (an idle client's network error must not
 * crash the process), and connection failures become HeraldErrors that say what to do.
 */
import pg from 'pg';
import { HeraldError } from '../errors.js';
import { redactUrlCredentials, type Logger } from '../logger.js';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
/** Anything that runs a query: a pool or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'>;

export interface PoolOptions {
  readonly max?: number;
  readonly applicationName?: string;
}

export function createPool(url: string, logger: Logger, options: PoolOptions = {}): Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'herald',
    connectionTimeoutMillis: 10_000,
  });
  pool.on('error', (err) => logger.warn({ err }, 'idle database connection failed'));
  // A checked-out client's network error is reported by the query that uses it; this keeps the
  // event from becoming an uncaught exception in the meantime.
  pool.on('connect', (client) => client.on('error', (err) => logger.debug({ err }, 'database client error')));
  return pool;
}

/** Describe where `url` points without its password, for messages. */
export function describeDatabase(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
  } catch {
    return redactUrlCredentials(url);
  }
}

/** Turn a failure to connect into an error that names the cause and the fix. */
export function connectionError(err: unknown, url: string): HeraldError {
  const where = describeDatabase(url);
  const code = (err as { code?: string } | undefined)?.code;
  const reason = redactUrlCredentials(err instanceof Error ? err.message : String(err));
  switch (code) {
    case '28P01':
    case '28000':
      return new HeraldError(
        'database-auth-failed',
        `PostgreSQL at ${where} refused the user or password in DATABASE_URL.`,
        {
          cause: err,
          hint: 'Check the user and password in DATABASE_URL, or unset it to use the embedded database.',
        },
      );
    case '3D000':
      return new HeraldError('database-missing', `The database in DATABASE_URL does not exist on ${where}.`, {
        cause: err,
        hint: 'Create it (createdb), or point DATABASE_URL at an existing database.',
      });
    default:
      return new HeraldError('database-unreachable', `Cannot reach PostgreSQL at ${where} (${reason}).`, {
        cause: err,
        hint: 'Check that the server is running and DATABASE_URL is right, or unset DATABASE_URL to use the embedded database.',
      });
  }
}

/** Run `work` in a transaction on one client, rolling back on any error. */
export async function withTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
