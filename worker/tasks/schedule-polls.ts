/**
 * Every minute: one poll_account job per account whose next poll has come and has none queued. Each
 * poll queues its own successor for its next time, so accounts are polled on their own interval
 * (spread over the minute, not all at the tick); this catches the rest: new feeds, a successor lost
 * to a crash, accounts back from a pause. It also releases the jobs of workers that died. The job key makes an account's poll unique whatever the
 * number of worker processes: while one is queued or running, adding another returns it
 * (`unsafe_dedupe`).
 */
import type { Task } from 'graphile-worker';
import type { Pool } from '../../core/db/pool.js';
import { dueAccounts, queuePolls } from '../../core/poll-store.js';
import { recoverDeadWorkers } from '../../core/worker-heartbeats.js';

const BATCH = 5_000;

export async function schedulePolls(pool: Pool): Promise<number> {
  const ids = await dueAccounts(pool, BATCH);
  await queuePolls(pool, ids);
  return ids.length;
}

export function schedulePollsTask(pool: Pool): Task<'schedule_polls'> {
  return async (_payload, helpers) => {
    // First free what a dead worker held: its polls and deliveries would otherwise wait four hours.
    for (const dead of await recoverDeadWorkers(pool)) {
      helpers.logger.warn('released the jobs of a worker that stopped beating', { ...dead });
    }
    const queued = await schedulePolls(pool);
    if (queued > 0) helpers.logger.debug('polls queued', { queued });
  };
}
