/**
 * Every minute: one poll_account job per account whose next poll has come. The job key makes an
 * account's poll unique whatever the number of worker processes: while one is queued or running,
 * adding another returns it instead (`unsafe_dedupe`; poll jobs never fail permanently, they
 * reschedule themselves).
 */
import type { Task } from 'graphile-worker';
import type { Pool } from '../../core/db/pool.js';
import { dueAccounts } from '../../core/import-store.js';

const BATCH = 5_000;

export async function schedulePolls(pool: Pool): Promise<number> {
  const ids = await dueAccounts(pool, BATCH);
  if (ids.length === 0) return 0;
  await pool.query(
    `SELECT graphile_worker.add_job('poll_account', json_build_object('accountId', id),
            job_key => 'poll:' || id, job_key_mode => 'unsafe_dedupe', max_attempts => 3)
       FROM unnest($1::uuid[]) AS id`,
    [ids],
  );
  return ids.length;
}

export function schedulePollsTask(pool: Pool): Task<'schedule_polls'> {
  return async (_payload, helpers) => {
    const queued = await schedulePolls(pool);
    if (queued > 0) helpers.logger.debug('polls queued', { queued });
  };
}
