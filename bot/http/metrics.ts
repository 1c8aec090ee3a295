/**
 * Prometheus metrics for /metrics. Gauges that describe the database are read at scrape time, so a
 * scrape shows the state of the whole installation, not one process's memory.
 */
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Pool } from '../../core/db/pool.js';
import type { Logger } from '../../core/logger.js';

export interface Metrics {
  readonly registry: Registry;
  render(): Promise<string>;
  readonly contentType: string;
}

export function createMetrics(pool: Pool, logger: Logger): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'herald_process_' });

  new Gauge({
    name: 'herald_worker_heartbeat_age_seconds',
    help: 'Seconds since the most recent heartbeat of any worker (-1 when none ever beat).',
    registers: [registry],
    async collect() {
      const { rows } = await pool
        .query<{ age: number | null }>(
          'SELECT extract(epoch FROM now() - max(beat_at))::float8 AS age FROM worker_heartbeats',
        )
        .catch((err: unknown) => {
          logger.warn({ err }, 'metrics: reading heartbeats failed');
          return { rows: [{ age: null }] };
        });
      this.set(rows[0]?.age ?? -1);
    },
  });

  new Gauge({
    name: 'herald_jobs_ready',
    help: 'Jobs that are due and not locked, per task.',
    labelNames: ['task'],
    registers: [registry],
    async collect() {
      this.reset();
      const { rows } = await pool
        .query<{ task: string; n: number }>(
          `SELECT task_identifier AS task, count(*)::int AS n FROM graphile_worker.jobs
            WHERE locked_at IS NULL AND run_at <= now() AND attempts < max_attempts GROUP BY 1`,
        )
        .catch((err: unknown) => {
          logger.warn({ err }, 'metrics: reading the queue failed');
          return { rows: [] };
        });
      for (const row of rows) this.set({ task: row.task }, row.n);
    },
  });

  new Gauge({
    name: 'herald_social_accounts',
    help: 'Linked social accounts, per platform and status.',
    labelNames: ['platform', 'status'],
    registers: [registry],
    async collect() {
      this.reset();
      const { rows } = await pool
        .query<{ platform: string; status: string; n: number }>(
          'SELECT platform, status, count(*)::int AS n FROM social_accounts GROUP BY 1, 2',
        )
        .catch((err: unknown) => {
          logger.warn({ err }, 'metrics: reading accounts failed');
          return { rows: [] };
        });
      for (const row of rows) this.set({ platform: row.platform, status: row.status }, row.n);
    },
  });

  return { registry, render: () => registry.metrics(), contentType: registry.contentType };
}
