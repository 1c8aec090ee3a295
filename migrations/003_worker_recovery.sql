-- Jobs of a worker that died without stopping (SIGKILL, power loss) stay locked by graphile-worker
-- for four hours. Each heartbeat now names the worker's graphile-worker pool and its beat interval,
-- so a worker that stopped beating is declared dead and its jobs are unlocked for the others.

ALTER TABLE worker_heartbeats
  -- graphile-worker's id for this process's worker pool (`locked_by` of the jobs it runs).
  ADD COLUMN queue_worker_id text,
  ADD COLUMN beat_seconds integer NOT NULL DEFAULT 15 CHECK (beat_seconds > 0),
  -- When another process declared this worker dead and released its jobs.
  ADD COLUMN recovered_at timestamptz;
