/**
 * The jobs the import pipeline queues, as SQL, so a store can queue them inside the statement (and
 * transaction) that makes them necessary. graphile-worker's `add_job` is its documented SQL API.
 *
 * Priorities: lower runs first. Sending what was already imported comes before importing more, so
 * a burst of polls cannot starve the messages they produced.
 */

export const DELIVER_PRIORITY = -1;
export const POLL_PRIORITY = 0;

/** Successive failures of a poll job itself (not of the platform, which the poll records). */
const POLL_MAX_ATTEMPTS = 3;

/**
 * `add_job` for an account's poll. `accountId` and `runAt` are SQL expressions. The key makes the
 * poll unique per account; `replace` moves a queued poll to `runAt`, and a poll that is running
 * (queueing its own successor) keeps running while the successor waits.
 */
export function pollJobSql(
  accountId: string,
  runAt: string,
  mode: 'replace' | 'unsafe_dedupe',
  trigger: 'schedule' | 'manual' = 'schedule',
): string {
  return `graphile_worker.add_job('poll_account', json_build_object('accountId', ${accountId}, 'trigger', '${trigger}'),
            run_at => ${runAt}, job_key => 'poll:' || ${accountId}, job_key_mode => '${mode}',
            max_attempts => ${POLL_MAX_ATTEMPTS}, priority => ${POLL_PRIORITY})`;
}

/**
 * `add_job` for sending a feed's pending posts. One job per feed (its key); the feed's send lock
 * (core/delivery-store.ts) keeps two jobs of one feed from sending at once. `preserve_run_at` keeps a
 * queued job's time: it may be waiting out a rate limit.
 */
export function deliverJobSql(feedId: string, runAt: string, mode: 'replace' | 'preserve_run_at'): string {
  return `graphile_worker.add_job('deliver_feed', json_build_object('feedId', ${feedId}),
            run_at => ${runAt}, job_key => 'deliver:' || ${feedId}, job_key_mode => '${mode}',
            priority => ${DELIVER_PRIORITY})`;
}
