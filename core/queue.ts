/**
 * The job queue is graphile-worker in the same PostgreSQL. This module holds what every role needs:
 * migrating the queue's schema, enqueueing jobs, and routing graphile-worker's logs into pino.
 */
import { Logger as GraphileLogger, makeWorkerUtils, runMigrations, type WorkerUtils } from 'graphile-worker';
import type { Logger } from './logger.js';
import type { Pool } from './db/pool.js';

export type { WorkerUtils } from 'graphile-worker';

/** graphile-worker's log lines, as pino events of the `queue` subsystem. */
export function graphileLogger(logger: Logger): GraphileLogger {
  const queueLogger = logger.child({ subsystem: 'queue' });
  return new GraphileLogger((scope) => (level, message, meta) => {
    const fields = { ...scope, ...(meta ?? {}) };
    switch (level as string) {
      case 'error':
        queueLogger.error(fields, message);
        break;
      case 'warning':
        queueLogger.warn(fields, message);
        break;
      case 'info':
        queueLogger.info(fields, message);
        break;
      default:
        queueLogger.debug(fields, message);
    }
  });
}

/** Create or update graphile-worker's own schema (it owns and versions it). */
export async function migrateQueue(pool: Pool, logger: Logger): Promise<void> {
  await runMigrations({ pgPool: pool, logger: graphileLogger(logger) });
}

/** Utilities to enqueue and manage jobs from any role; `release()` when done. */
export async function createQueue(pool: Pool, logger: Logger): Promise<WorkerUtils> {
  return makeWorkerUtils({ pgPool: pool, logger: graphileLogger(logger) });
}
