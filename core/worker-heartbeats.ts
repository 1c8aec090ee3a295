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
  /** graphile-worker's id for this process's pool: the `locked_by` of the jobs it runs. */
  readonly queueWorkerId: string | undefined;
  readonly beatSeconds: number;
}

export async function recordHeartbeat(db: Queryable, beat: Heartbeat): Promise<void> {
  await db.query(
    `INSERT INTO worker_heartbeats (worker_id, hostname, pid, started_at, beat_at, queue_worker_id, beat_seconds)
     VALUES ($1, $2, $3, $4, now(), $5, $6)
     ON CONFLICT (worker_id) DO UPDATE SET beat_at = now(), queue_worker_id = EXCLUDED.queue_worker_id`,
    [beat.workerId, beat.hostname, beat.pid, beat.startedAt, beat.queueWorkerId ?? null, beat.beatSeconds],
  );
}

/**
 * A worker is declared dead, and its jobs released, after this many missed beats and at least
 * `RECOVER_AFTER_MIN_SECONDS`: a live worker whose jobs were released would run them a second time
 * alongside their new runner, so the bar is well above a slow event loop or a GC pause.
 */
const RECOVER_AFTER_BEATS = 6;
const RECOVER_AFTER_MIN_SECONDS = 120;

export interface RecoveredWorker {
  readonly workerId: string;
  readonly hostname: string;
  readonly pid: number;
  /** Jobs it held that are runnable again. */
  readonly jobs: number;
}

/**
 * Release the jobs of workers that stopped beating without stopping cleanly (graphile-worker would
 * hold them for four hours). Each dead worker is recovered once; safe to run from several processes.
 */
export async function recoverDeadWorkers(db: Queryable): Promise<RecoveredWorker[]> {
  const { rows } = await db.query<{ worker_id: string; hostname: string; pid: number; jobs: number }>(
    `WITH dead AS (
       UPDATE worker_heartbeats SET recovered_at = now()
        WHERE recovered_at IS NULL AND queue_worker_id IS NOT NULL
          AND beat_at < now() - make_interval(secs => greatest(beat_seconds * ${RECOVER_AFTER_BEATS}, ${RECOVER_AFTER_MIN_SECONDS}))
        RETURNING worker_id, hostname, pid, queue_worker_id),
     held AS (
       SELECT dead.worker_id, count(j.id)::int AS jobs FROM dead
         LEFT JOIN graphile_worker._private_jobs j ON j.locked_by = dead.queue_worker_id
        GROUP BY dead.worker_id),
     unlocked AS (
       SELECT graphile_worker.force_unlock_workers(array_agg(queue_worker_id)) FROM dead HAVING count(*) > 0)
     SELECT dead.worker_id, dead.hostname, dead.pid, held.jobs
       FROM dead JOIN held USING (worker_id), (SELECT count(*) FROM unlocked) AS done`,
  );
  return rows.map((row) => ({
    workerId: row.worker_id,
    hostname: row.hostname,
    pid: row.pid,
    jobs: row.jobs,
  }));
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
