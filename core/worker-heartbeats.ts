/**
 * Worker liveness, kept in PostgreSQL so any process (the web role's /healthz, `herald doctor`) can
 * tell whether some worker is alive, whichever machine it runs on.
 */
import type { Queryable } from './db/pool.js';

export interface Heartbeat {
  readonly workerId: string;
  readonly hostname: string;
  readonly pid: number;
  readonly startedAt: Date;
}

export async function recordHeartbeat(db: Queryable, beat: Heartbeat): Promise<void> {
  await db.query(
    `INSERT INTO worker_heartbeats (worker_id, hostname, pid, started_at, beat_at)
     VALUES ($1, $2, $3, $4, now())
     ON CONFLICT (worker_id) DO UPDATE SET beat_at = now()`,
    [beat.workerId, beat.hostname, beat.pid, beat.startedAt],
  );
}

export async function removeHeartbeat(db: Queryable, workerId: string): Promise<void> {
  await db.query('DELETE FROM worker_heartbeats WHERE worker_id = $1', [workerId]);
}

export interface LatestHeartbeat {
  readonly workerId: string;
  readonly beatAt: Date;
  /** Seconds since that beat, measured by the database clock. */
  readonly ageSeconds: number;
  /** Workers that beat within the freshness window. */
  readonly liveWorkers: number;
}

/** The most recent beat of any worker, or undefined when no worker ever beat (or all stopped cleanly). */
export async function latestHeartbeat(
  db: Queryable,
  freshWithinSeconds: number,
): Promise<LatestHeartbeat | undefined> {
  const { rows } = await db.query<{ worker_id: string; beat_at: Date; age: number; live: string }>(
    `SELECT worker_id, beat_at,
            extract(epoch FROM now() - beat_at)::float8 AS age,
            count(*) FILTER (WHERE beat_at > now() - make_interval(secs => $1)) OVER () AS live
       FROM worker_heartbeats
      ORDER BY beat_at DESC
      LIMIT 1`,
    [freshWithinSeconds],
  );
  const row = rows[0];
  return row
    ? { workerId: row.worker_id, beatAt: row.beat_at, ageSeconds: row.age, liveWorkers: Number(row.live) }
    : undefined;
}

/** A worker counts as dead after missing this many beats in a row. */
export const MISSED_BEATS_BEFORE_DEAD = 3;
