/**
 * How a poll's end is written: one statement each, which also keeps the import log and queues the
 * account's next poll and its feeds' deliveries. A poll that brought posts stores them and every
 * feed's verdict in that same statement.
 */
import type { Queryable } from './db/pool.js';
import { upsertPostsSql, type Decision } from './import-store.js';
import { deliverJobSql, pollJobSql } from './jobs.js';
import type { SocialPost } from './social-post.js';

export interface ImportCounts {
  readonly fetched: number;
  readonly newPosts: number;
  readonly delivered: number;
  readonly filteredOut: number;
}

export interface PollLog {
  readonly trigger: 'schedule' | 'manual';
  readonly startedAt: Date;
  readonly counts: ImportCounts;
}

const NO_COUNTS: ImportCounts = { fetched: 0, newPosts: 0, delivered: 0, filteredOut: 0 };

/** Where each value of the poll's log and jobs comes from: a parameter, or SQL of the statement. */
interface PollTail {
  readonly trigger: string;
  readonly startedAt: string;
  readonly fetched: string;
  readonly newPosts: string;
  readonly delivered: string;
  readonly filteredOut: string;
  readonly error: string;
  readonly feedIds: string;
}

/** The tail's values as the eight parameters from `$first` on, in `tailParams`' order. */
function tailFrom(first: number): PollTail {
  const p = (n: number) => `$${first + n}`;
  return {
    trigger: p(0),
    startedAt: p(1),
    fetched: p(2),
    newPosts: p(3),
    delivered: p(4),
    filteredOut: p(5),
    error: p(6),
    feedIds: p(7),
  };
}

/**
 * The CTEs the poll's last statement shares: the import log row, the next poll (only while the
 * account is still active) and a delivery job for each of the feeds with a post waiting. A
 * statement that also inserts deliveries names them in `inserted`: its own rows are not in the
 * snapshot the other CTEs read.
 */
function pollCtes(tail: PollTail, inserted?: string): string {
  const waiting = `SELECT feed_id FROM deliveries WHERE feed_id = ANY(${tail.feedIds}::uuid[]) AND status = 'pending'`;
  return `log AS (
      INSERT INTO import_logs (account_id, trigger, status, started_at, finished_at, fetched, new_posts,
                               delivered, filtered_out, error)
      SELECT $1, ${tail.trigger}, CASE WHEN ${tail.error}::text IS NULL THEN 'succeeded' ELSE 'failed' END,
             ${tail.startedAt}, now(), ${tail.fetched}, ${tail.newPosts}, ${tail.delivered}, ${tail.filteredOut},
             ${tail.error}::text FROM account),
    next_poll AS (SELECT ${pollJobSql('account.id::text', 'account.next_poll_at', 'replace')} FROM account
      WHERE account.status = 'active'),
    deliver AS (SELECT ${deliverJobSql('waiting.feed_id::text', 'now()', 'preserve_run_at')}
      FROM (${waiting}${inserted ? ` UNION SELECT feed_id FROM ${inserted} WHERE status = 'pending'` : ''}) waiting)`;
}

/** SELECT CTEs run only when read: the statement's result reads both job CTEs. */
const JOB_COUNTS = '(SELECT count(*) FROM next_poll) AS polls, (SELECT count(*) FROM deliver) AS deliveries';

function tailParams(log: PollLog, error: string | null, feedIds: readonly string[]): unknown[] {
  const { counts } = log;
  return [
    log.trigger,
    log.startedAt,
    counts.fetched,
    counts.newPosts,
    counts.delivered,
    counts.filteredOut,
    error,
    feedIds,
  ];
}

/**
 * A successful poll: remember the cursor, clear the failure count, log it, queue the next poll at
 * `nextPollAt` and the sending of every feed with a post waiting. One round trip.
 */
export async function recordPollSuccess(
  db: Queryable,
  accountId: string,
  outcome: { cursor: unknown; nextPollAt: Date; log: PollLog; feedIds: readonly string[] },
): Promise<void> {
  await db.query(
    `WITH account AS (
       UPDATE social_accounts SET cursor = $2, last_polled_at = now(), next_poll_at = $3, consecutive_failures = 0,
              last_error = NULL, last_error_at = NULL, updated_at = now()
        WHERE id = $1 RETURNING id, status, next_poll_at),
     ${pollCtes(tailFrom(4))}
     SELECT ${JOB_COUNTS}`,
    [
      accountId,
      outcome.cursor === null ? null : JSON.stringify(outcome.cursor),
      outcome.nextPollAt,
      ...tailParams(outcome.log, null, outcome.feedIds),
    ],
  );
}

export interface PollImport {
  readonly cursor: unknown;
  readonly nextPollAt: Date;
  readonly log: Omit<PollLog, 'counts'>;
  readonly feedIds: readonly string[];
  /** Posts the platform returned, a post repeated across pages counted each time. */
  readonly fetched: number;
  /** The posts fetched, one per platform id. */
  readonly posts: readonly SocialPost[];
  /** Each feed's verdict on each post, by platform id. */
  readonly decisions: ReadonlyArray<{ readonly feedId: string; readonly platformId: string } & Decision>;
  readonly engagementWindowMs: number;
  /** Feeds whose first poll this is (none of them backfills): their history is now behind them. */
  readonly backfillDone: readonly string[];
}

export interface PollImportCounts {
  readonly newPosts: number;
  readonly pending: number;
  readonly filtered: number;
}

/**
 * A successful poll with posts, in one statement (so in one transaction without BEGIN and COMMIT):
 * store the posts (a known one gets its metrics refreshed), record each feed's verdict once, then
 * what recordPollSuccess does. Verdicts are decided before the posts are stored, so a held post's
 * wait is counted here from the post's stored first sighting.
 */
export async function recordPollImport(
  db: Queryable,
  accountId: string,
  poll: PollImport,
): Promise<PollImportCounts> {
  const tail: PollTail = {
    trigger: '$4',
    startedAt: '$5',
    fetched: '$6',
    newPosts: '(SELECT count(*) FROM posts WHERE posts.is_new)',
    delivered: "(SELECT count(*) FROM inserted WHERE status = 'pending')",
    filteredOut: "(SELECT count(*) FROM inserted WHERE status = 'filtered')",
    error: 'NULL',
    feedIds: '$7',
  };
  const { rows } = await db.query<{ new_posts: number; pending: number; filtered: number }>(
    `WITH posts AS (${upsertPostsSql('$1', '$8')}),
     inserted AS (
       INSERT INTO deliveries (feed_id, post_id, status, nonce, verdict, hold_until, published_at)
       SELECT (d->>'feedId')::uuid, posts.id, d->>'status', md5((d->>'feedId') || ':' || posts.id), d->'verdict',
              CASE WHEN d->>'status' = 'held' THEN posts.first_seen_at + $9 * interval '1 millisecond' END,
              posts.published_at
         FROM jsonb_array_elements($10::jsonb) AS d JOIN posts ON posts.platform_post_id = d->>'platformId'
       ON CONFLICT (feed_id, post_id) DO NOTHING
       RETURNING feed_id, status),
     account AS (
       UPDATE social_accounts SET cursor = $2, last_polled_at = now(), next_poll_at = $3, consecutive_failures = 0,
              last_error = NULL, last_error_at = NULL, updated_at = now()
        WHERE id = $1 RETURNING id, status, next_poll_at),
     backfilled AS (UPDATE feeds SET backfill_done = true WHERE id = ANY($11::uuid[])),
     ${pollCtes(tail, 'inserted')}
     SELECT ${JOB_COUNTS}, ${tail.newPosts}::int AS new_posts, ${tail.delivered}::int AS pending,
            ${tail.filteredOut}::int AS filtered`,
    [
      accountId,
      poll.cursor === null ? null : JSON.stringify(poll.cursor),
      poll.nextPollAt,
      poll.log.trigger,
      poll.log.startedAt,
      poll.fetched,
      poll.feedIds,
      JSON.stringify(poll.posts),
      poll.engagementWindowMs,
      JSON.stringify(
        poll.decisions.map((d) => ({
          feedId: d.feedId,
          platformId: d.platformId,
          status: d.status,
          verdict: d.verdict,
        })),
      ),
      poll.backfillDone,
    ],
  );
  const row = rows[0];
  return { newPosts: row?.new_posts ?? 0, pending: row?.pending ?? 0, filtered: row?.filtered ?? 0 };
}

export interface PollFailure {
  readonly error: string;
  readonly nextPollAt: Date;
  /** Counted toward pausing the account (a rate limit is not a failure). */
  readonly countsAsFailure: boolean;
}

/** A failed poll, logged, with its next poll queued; returns the consecutive failure count after it. */
export async function recordPollFailure(
  db: Queryable,
  accountId: string,
  failure: PollFailure,
  log: Omit<PollLog, 'counts'>,
): Promise<number> {
  const { rows } = await db.query<{ consecutive_failures: number }>(
    `WITH account AS (
       UPDATE social_accounts SET last_polled_at = now(), next_poll_at = $2, last_error = $3, last_error_at = now(),
              consecutive_failures = consecutive_failures + CASE WHEN $4 THEN 1 ELSE 0 END, updated_at = now()
        WHERE id = $1 RETURNING id, status, next_poll_at, consecutive_failures),
     ${pollCtes(tailFrom(5))}
     SELECT ${JOB_COUNTS}, (SELECT consecutive_failures FROM account) AS consecutive_failures`,
    [
      accountId,
      failure.nextPollAt,
      failure.error,
      failure.countsAsFailure,
      ...tailParams({ ...log, counts: NO_COUNTS }, failure.error, []),
    ],
  );
  return rows[0]?.consecutive_failures ?? 0;
}
