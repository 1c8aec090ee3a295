/**
 * Herald's health as one report: database reachable, migrations current, some worker alive.
 * Served by /healthz and printed by `herald doctor`.
 */
import { migrationStatus } from './db/migrate.js';
import type { Pool } from './db/pool.js';
import { latestHeartbeat, MISSED_BEATS_BEFORE_DEAD } from './worker-heartbeats.js';

export interface CheckResult {
  readonly ok: boolean;
  readonly detail: string;
}

export interface HealthReport {
  readonly ok: boolean;
  readonly checks: {
    readonly database: CheckResult;
    readonly migrations: CheckResult;
    readonly worker: CheckResult;
  };
}

export interface HealthOptions {
  /** Seconds between worker beats; a worker is dead after MISSED_BEATS_BEFORE_DEAD missed beats. */
  readonly heartbeatSeconds: number;
  readonly migrationsDir?: string;
}

const unknown: CheckResult = { ok: false, detail: 'not checked: the database is unreachable' };

export async function checkHealth(pool: Pool, options: HealthOptions): Promise<HealthReport> {
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    const database = { ok: false, detail: `unreachable: ${(err as Error).message}` };
    return { ok: false, checks: { database, migrations: unknown, worker: unknown } };
  }
  const database = { ok: true, detail: 'reachable' };
  const [migrations, worker] = await Promise.all([
    checkMigrations(pool, options.migrationsDir),
    checkWorker(pool, options.heartbeatSeconds),
  ]);
  return { ok: migrations.ok && worker.ok, checks: { database, migrations, worker } };
}

async function checkMigrations(pool: Pool, dir: string | undefined): Promise<CheckResult> {
  try {
    const status = await migrationStatus(pool, dir);
    if (status.changed.length > 0)
      return { ok: false, detail: `changed after being applied: ${status.changed.join(', ')}` };
    if (status.unknown.length > 0)
      return { ok: false, detail: `database is newer than this Herald (${status.unknown.join(', ')})` };
    if (status.pending.length > 0)
      return { ok: false, detail: `${status.pending.length} pending: run \`herald migrate\`` };
    return { ok: true, detail: `current (${status.applied.length} applied)` };
  } catch (err) {
    return { ok: false, detail: `cannot read migrations: ${(err as Error).message}` };
  }
}

async function checkWorker(pool: Pool, heartbeatSeconds: number): Promise<CheckResult> {
  const freshWithin = heartbeatSeconds * MISSED_BEATS_BEFORE_DEAD;
  try {
    const latest = await latestHeartbeat(pool, freshWithin);
    if (!latest)
      return { ok: false, detail: 'no worker is running: start one with `herald start --role worker`' };
    const age = Math.round(latest.ageSeconds);
    if (latest.liveWorkers === 0)
      return { ok: false, detail: `last worker heartbeat ${age}s ago (dead after ${freshWithin}s)` };
    return { ok: true, detail: `${latest.liveWorkers} alive, last heartbeat ${age}s ago` };
  } catch (err) {
    return { ok: false, detail: `cannot read heartbeats: ${(err as Error).message}` };
  }
}
