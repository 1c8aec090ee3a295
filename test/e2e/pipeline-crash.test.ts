/**
 * The import pipeline run by real worker processes (`herald start --role worker`) against one
 * database: a worker killed with SIGKILL between sending a message and recording it, then another
 * started, delivers every post exactly once; and two workers polling the same accounts at once poll
 * each account once and post each post once.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { schedulePolls } from '../../worker/tasks/schedule-polls.js';
import { recoverDeadWorkers } from '../../core/worker-heartbeats.js';
import {
  createProcessWorld,
  killLeftoverWorkers,
  waitUntil,
  type ChatSide,
  type ProcessWorld,
  type SeededFeed,
  type WorkerProcess,
} from '../support/pipeline-process.js';

interface DeliveryRow {
  id: string;
  post: string;
  status: string;
  chat_message_id: string | null;
}

describe('the import pipeline in worker processes', () => {
  let world: ProcessWorld | undefined;

  afterEach(async () => {
    // Kills whatever worker a failed test left running, then drops its database.
    await world?.close();
    world = undefined;
  });
  afterAll(killLeftoverWorkers);

  async function deliveries(db: ProcessWorld['db'], feedIds: readonly string[]): Promise<DeliveryRow[]> {
    const { rows } = await db.pool.query<DeliveryRow>(
      `SELECT d.id, p.platform_post_id AS post, d.status, d.chat_message_id
         FROM deliveries d JOIN social_posts p ON p.id = d.post_id
        WHERE d.feed_id = ANY($1::uuid[])
        ORDER BY d.feed_id, d.published_at`,
      [feedIds],
    );
    return rows;
  }

  async function runningJobs(db: ProcessWorld['db'], task: string): Promise<number> {
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier = $1 AND locked_at IS NOT NULL`,
      [task],
    );
    return rows[0]!.n;
  }

  async function importLogs(db: ProcessWorld['db']): Promise<number> {
    const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM import_logs`);
    return rows[0]!.n;
  }

  async function jobCount(db: ProcessWorld['db'], task: string): Promise<number> {
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier = $1`,
      [task],
    );
    return rows[0]!.n;
  }

  const outputOf =
    (...workers: WorkerProcess[]) =>
    () =>
      workers
        .map((w) => {
          const { stdout, stderr } = w.herald.output();
          return `--- ${w.name}:\n${stdout.slice(-4000)}\n${stderr.slice(-2000)}`;
        })
        .join('\n');

  describe.each<[ChatSide, string]>([
    ['slack', 'chat.postMessage'],
    ['discord', 'Create Message'],
  ])('on %s', (chat, call) => {
    it(`GIVEN a worker SIGKILLed after ${call} stored the message but before the answer was recorded WHEN another worker takes over THEN every post is in the channel exactly once, in order, and the interrupted delivery points at the first message`, async () => {
      // Discord's nonce window 0: a resend would post a second message, so only findSent can stop it.
      const w = (world = await createProcessWorld({ discordNonceWindowMs: 0 }));
      const feed = await w.seedFeed(chat, `crash-${chat}`, 3);
      const held = chat === 'slack' ? w.slack.holdPostedMessages() : w.discord.holdCreatedMessages();
      const sendRequests = () =>
        chat === 'slack'
          ? w.slack.requestsTo('POST', '/api/chat.postMessage').length
          : w.discord.requestsTo('POST', '/api/v10/channels/:id/messages').length;

      // A long HTTP timeout: the first worker must die waiting for the answer, not give up on it.
      const first = await w.startWorker('first', { HERALD_HTTP_TIMEOUT_SECONDS: '120' });
      expect(await schedulePolls(w.db.pool)).toBe(1);
      // The message is in the channel and the poll job is done: the kill interrupts only the send.
      await waitUntil(
        'the fake stored the first message, its delivery is sending and the poll job finished',
        async () =>
          held.messages.length === 1 &&
          (await deliveries(w.db, [feed.feedId]))[0]?.status === 'sending' &&
          (await importLogs(w.db)) === 1 &&
          (await runningJobs(w.db, 'poll_account')) === 0,
        { diagnostics: outputOf(first) },
      );
      const stored = held.messages[0]!;
      const storedId = 'ts' in stored ? stored.ts : stored.id;

      const killed = await first.kill();
      held.release();
      expect(killed.signal).toBe('SIGKILL');
      const interrupted = await deliveries(w.db, [feed.feedId]);
      expect(interrupted.map((row) => [row.post, row.status, row.chat_message_id])).toEqual([
        [feed.postIds[0], 'sending', null],
        [feed.postIds[1], 'pending', null],
        [feed.postIds[2], 'pending', null],
      ]);
      // The dead worker still holds the deliver job: graphile-worker alone would leave it locked for four
      // hours. Herald declares a worker dead once it has missed its beats (made old here, not waited
      // for) and releases its jobs, once.
      const locks = await w.db.pool.query<{ locked_by: string | null }>(
        `SELECT locked_by FROM graphile_worker.jobs WHERE task_identifier = 'deliver_feed'`,
      );
      const deadQueueWorker = locks.rows[0]?.locked_by;
      expect(deadQueueWorker).toEqual(expect.any(String));
      expect(await recoverDeadWorkers(w.db.pool)).toEqual([]);
      await w.db.pool.query(
        `UPDATE worker_heartbeats SET beat_at = now() - interval '1 hour' WHERE queue_worker_id = $1`,
        [deadQueueWorker],
      );
      expect(await recoverDeadWorkers(w.db.pool)).toEqual([expect.objectContaining({ jobs: 1 })]);
      expect(await recoverDeadWorkers(w.db.pool)).toEqual([]);
      expect(await runningJobs(w.db, 'deliver_feed')).toBe(0);

      const second = await w.startWorker('second');
      await waitUntil(
        'every delivery is delivered',
        async () => (await deliveries(w.db, [feed.feedId])).every((row) => row.status === 'delivered'),
        { diagnostics: outputOf(second) },
      );
      await waitUntil('the deliver job finished', async () => (await jobCount(w.db, 'deliver_feed')) === 0, {
        diagnostics: outputOf(second),
      });
      expect((await second.stop()).code).toBe(0);

      expect(await w.channelPosts(feed)).toEqual(feed.postIds);
      const rows = await deliveries(w.db, [feed.feedId]);
      expect(rows[0]!.chat_message_id).toBe(storedId);
      expect(new Set(rows.map((row) => row.chat_message_id)).size).toBe(3);
      // The interrupted post was found in the channel, not sent again (not even to be deduped).
      expect(sendRequests()).toBe(3);
      const recovered = second
        .logLines()
        .filter((line) => line.msg === 'delivery recovered after an interrupted send');
      expect(recovered.map((line) => line.messageId)).toEqual([storedId]);
    }, 60_000);
  });

  it('GIVEN two worker processes and 20 accounts with 3 new posts each WHEN polls are queued from two places at once THEN each account is polled once and each post reaches its channel exactly once', async () => {
    const w = (world = await createProcessWorld({ discordNonceWindowMs: 0 }));
    const feeds: SeededFeed[] = [];
    for (let i = 0; i < 20; i++)
      feeds.push(await w.seedFeed(i % 2 === 0 ? 'slack' : 'discord', `acct${i}`, 3));
    // 11 jobs at once each: while the gate below holds the polls, 22 slots leave room for all 20 poll
    // jobs and the schedule_polls job, which must run inside the gate.
    const env = { HERALD_WORKER_CONCURRENCY: '11' };
    const workers = await Promise.all([w.startWorker('one', env), w.startWorker('two', env)]);
    const diagnostics = outputOf(...workers);

    // Hold every account row so no poll can finish (its import log needs the row) until both
    // schedulers have queued their jobs and both workers hold poll jobs: the polls are contended
    // by two processes, not run by whichever happened to start first.
    const gate = await w.db.pool.connect();
    try {
      await gate.query('BEGIN');
      await gate.query('SELECT id FROM social_accounts FOR UPDATE');
      // Two places: this process's scheduler, twice, and the worker's own schedule_polls task.
      const queued = await Promise.all([
        schedulePolls(w.db.pool),
        schedulePolls(w.db.pool),
        w.db.pool.query(`SELECT graphile_worker.add_job('schedule_polls', '{}'::json)`),
      ]);
      expect(queued.slice(0, 2)).toEqual([20, 20]);
      await waitUntil(
        'both workers are running poll jobs and the schedule_polls job is done',
        async () => {
          const { rows } = await w.db.pool.query<{ lockers: number; schedulers: number }>(
            `SELECT count(DISTINCT locked_by) FILTER (WHERE task_identifier = 'poll_account')::int AS lockers,
                    count(*) FILTER (WHERE task_identifier = 'schedule_polls')::int AS schedulers
               FROM graphile_worker.jobs`,
          );
          return rows[0]!.lockers === 2 && rows[0]!.schedulers === 0;
        },
        { diagnostics },
      );
      expect(await jobCount(w.db, 'poll_account')).toBe(20);
      await gate.query('COMMIT');
    } finally {
      gate.release();
    }

    const feedIds = feeds.map((feed) => feed.feedId);
    await waitUntil(
      'all 60 deliveries are delivered and no job is left',
      async () => {
        const rows = await deliveries(w.db, feedIds);
        const { rows: jobs } = await w.db.pool.query<{ n: number }>(
          // Each poll queued its successor for the next interval: only jobs due now count as left.
          `SELECT count(*)::int AS n FROM graphile_worker.jobs
            WHERE task_identifier IN ('poll_account', 'deliver_feed') AND run_at <= now()`,
        );
        return rows.length === 60 && rows.every((row) => row.status === 'delivered') && jobs[0]!.n === 0;
      },
      { diagnostics },
    );
    for (const worker of workers) expect((await worker.stop()).code).toBe(0);

    const polls = await w.db.pool.query<{ account_id: string; n: number; ok: boolean }>(
      `SELECT account_id, count(*)::int AS n, bool_and(status = 'succeeded') AS ok FROM import_logs GROUP BY account_id`,
    );
    expect(new Map(polls.rows.map((row) => [row.account_id, [row.n, row.ok]]))).toEqual(
      new Map(feeds.map((feed) => [feed.accountId, [1, true]])),
    );
    const pollsRun = workers.map(
      (worker) => worker.completedJobs().filter((job) => job.task === 'poll_account').length,
    );
    expect(pollsRun.every((n) => n > 0)).toBe(true);
    expect(pollsRun[0]! + pollsRun[1]!).toBe(20);

    for (const feed of feeds) expect(await w.channelPosts(feed), feed.channelId).toEqual(feed.postIds);
    const rows = await deliveries(w.db, feedIds);
    expect(new Set(rows.map((row) => row.chat_message_id)).size).toBe(60);
    expect(w.slack.requestsTo('POST', '/api/chat.postMessage')).toHaveLength(30);
    expect(w.discord.requestsTo('POST', '/api/v10/channels/:id/messages')).toHaveLength(30);
  }, 90_000);
});
