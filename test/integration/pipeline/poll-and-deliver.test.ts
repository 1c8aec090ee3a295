import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testLogger } from '../../support/database.js';
import { createPipelineWorld, rssFeed, type PipelineWorld } from '../../support/pipeline.js';
import { deliverFeed } from '../../../worker/delivery/deliver-feed.js';
import { pollAccount } from '../../../worker/poll/poll-account.js';
import { notifyChannelsTask } from '../../../worker/tasks/notify-channels.js';

const MINUTE = 60_000;

describe('import pipeline: RSS to Slack', () => {
  let world: PipelineWorld;
  beforeAll(async () => {
    world = await createPipelineWorld();
  });
  afterAll(async () => world.close());

  const deliver = (feedId: string) =>
    deliverFeed({ pool: world.db.pool, senders: world.senders.senderFor, logger: testLogger }, feedId);
  const ago = (minutes: number) => new Date(Date.now() - minutes * MINUTE);

  async function statuses(feedId: string): Promise<Array<[string, string]>> {
    const { rows } = await world.db.pool.query<{ platform_post_id: string; status: string }>(
      `SELECT p.platform_post_id, d.status FROM deliveries d JOIN social_posts p ON p.id = d.post_id
        WHERE d.feed_id = $1 ORDER BY d.published_at`,
      [feedId],
    );
    return rows.map((row) => [row.platform_post_id, row.status]);
  }

  it('GIVEN new posts THEN each arrives once, in publication order, and a second poll adds nothing', async () => {
    const url = world.rss.setFeed('/order.xml', {
      body: rssFeed([
        { id: 'o3', title: 'Third', published: ago(1) },
        { id: 'o1', title: 'First', published: ago(3) },
        { id: 'o2', title: 'Second', published: ago(2) },
      ]),
    });
    const accountId = await world.linkFeed(url);
    const { feedId, channelId } = await world.addFeed(accountId, { createdAt: ago(10) });

    const poll = await pollAccount(world.pollDeps(), accountId);
    expect(poll).toMatchObject({ status: 'polled', fetched: 3, newPosts: 3, pending: 3 });
    expect(await deliver(feedId)).toMatchObject({ sent: 3, recovered: 0, failed: 0 });
    expect(world.slack.messages(channelId).map((m) => m.text.match(/(First|Second|Third)/)?.[0])).toEqual([
      'First',
      'Second',
      'Third',
    ]);

    // A scheduled job queued just after that poll (the scheduler saw it as due a moment before) does nothing.
    expect(await pollAccount(world.pollDeps(), accountId)).toMatchObject({ status: 'skipped' });
    expect(await pollAccount(world.pollDeps(), accountId, 'manual')).toMatchObject({
      status: 'polled',
      newPosts: 0,
      pending: 0,
    });
    expect(await deliver(feedId)).toMatchObject({ sent: 0 });
    expect(world.slack.messages(channelId)).toHaveLength(3);
    const log = await world.db.pool.query(
      'SELECT status, fetched, new_posts FROM import_logs WHERE account_id = $1 ORDER BY id',
      [accountId],
    );
    expect(log.rows).toEqual([
      { status: 'succeeded', fetched: 3, new_posts: 3 },
      { status: 'succeeded', fetched: 0, new_posts: 0 },
    ]);
  });

  it('GIVEN two feeds of one account, one filtering, and a second poll THEN verdicts, import log counts and delivery jobs are per feed', async () => {
    const url = world.rss.setFeed('/two-feeds.xml', {
      body: rssFeed([{ id: 't1', title: 'Launch day', published: ago(2) }]),
    });
    const accountId = await world.linkFeed(url);
    const all = await world.addFeed(accountId, { createdAt: ago(10) });
    const launches = await world.addFeed(accountId, {
      createdAt: ago(10),
      filters: { keywords: ['launch'] },
    });
    await pollAccount(world.pollDeps(), accountId, 'manual');
    world.rss.setFeed('/two-feeds.xml', {
      body: rssFeed([
        { id: 't2', title: 'Weekly notes', published: ago(1) },
        { id: 't1', title: 'Launch day', published: ago(2) },
      ]),
    });
    const second = await pollAccount(world.pollDeps(), accountId, 'manual');
    expect(second).toMatchObject({ status: 'polled', fetched: 1, newPosts: 1, pending: 1, filtered: 1 });
    expect(await statuses(all.feedId)).toEqual([
      ['t1', 'pending'],
      ['t2', 'pending'],
    ]);
    expect(await statuses(launches.feedId)).toEqual([
      ['t1', 'pending'],
      ['t2', 'filtered'],
    ]);
    const { rows: logs } = await world.db.pool.query(
      `SELECT status, fetched, new_posts, delivered, filtered_out FROM import_logs WHERE account_id = $1 ORDER BY id`,
      [accountId],
    );
    expect(logs).toEqual([
      { status: 'succeeded', fetched: 1, new_posts: 1, delivered: 2, filtered_out: 0 },
      { status: 'succeeded', fetched: 1, new_posts: 1, delivered: 1, filtered_out: 1 },
    ]);
    const { rows: jobs } = await world.db.pool.query<{ key: string }>(
      `SELECT key FROM graphile_worker._private_jobs WHERE task_id = (SELECT id FROM graphile_worker._private_tasks WHERE identifier = 'deliver_feed') AND key = ANY($1) ORDER BY key`,
      [[`deliver:${all.feedId}`, `deliver:${launches.feedId}`]],
    );
    expect(jobs).toHaveLength(2);
    const { rows: feeds } = await world.db.pool.query<{ backfill_done: boolean }>(
      'SELECT backfill_done FROM feeds WHERE account_id = $1',
      [accountId],
    );
    expect(feeds.every((feed) => feed.backfill_done)).toBe(true);
  });

  it("GIVEN a poll THEN it queues its own next poll at the account's next time and the sending of its feed", async () => {
    const url = world.rss.setFeed('/successor.xml', {
      body: rssFeed([{ id: 's1', title: 'Successor', published: ago(1) }]),
    });
    const accountId = await world.linkFeed(url);
    const { feedId } = await world.addFeed(accountId, { createdAt: ago(10) });
    await pollAccount(world.pollDeps(), accountId);
    const { rows } = await world.db.pool.query<{
      task_identifier: string;
      key: string;
      run_at: Date;
      next_poll_at: Date;
      priority: number;
    }>(
      `SELECT j.task_identifier, j.key, j.run_at, j.priority, a.next_poll_at
         FROM graphile_worker.jobs j, social_accounts a
        WHERE a.id = $1 AND j.key IN ('poll:' || $1, 'deliver:' || $2::text)
        ORDER BY j.task_identifier`,
      [accountId, feedId],
    );
    expect(rows.map((row) => [row.task_identifier, row.key])).toEqual([
      ['deliver_feed', `deliver:${feedId}`],
      ['poll_account', `poll:${accountId}`],
    ]);
    const [deliverJob, pollJob] = rows;
    // The next poll runs when the account is next due, not at the scheduler's next tick.
    expect(pollJob!.run_at.getTime()).toBe(pollJob!.next_poll_at.getTime());
    expect(pollJob!.run_at.getTime()).toBeGreaterThan(Date.now() + 30_000);
    // Sending what was imported comes before importing more.
    expect(deliverJob!.priority).toBeLessThan(pollJob!.priority);
    await deliver(feedId);
  });

  it('GIVEN two runs for one feed at once THEN the second sends nothing and says the feed is busy, and order holds', async () => {
    const url = world.rss.setFeed('/one-at-a-time.xml', {
      body: rssFeed([
        { id: 'b1', title: 'Busy first', published: ago(3) },
        { id: 'b2', title: 'Busy second', published: ago(2) },
      ]),
    });
    const accountId = await world.linkFeed(url);
    const { feedId, channelId } = await world.addFeed(accountId, { createdAt: ago(10) });
    await pollAccount(world.pollDeps(), accountId);
    const held = world.slack.holdPostedMessages({ times: 1 });
    const first = deliver(feedId);
    await held.first;
    // The first run is inside its send: the feed's lock is taken.
    expect(await deliver(feedId)).toEqual({ sent: 0, recovered: 0, failed: 0, busy: true });
    held.release();
    expect(await first).toMatchObject({ sent: 2 });
    expect(world.slack.messages(channelId).map((m) => m.text.match(/Busy (first|second)/)?.[1])).toEqual([
      'first',
      'second',
    ]);
    // The lock was given back with the last record: a new run takes it and finds nothing left.
    expect(await deliver(feedId)).toEqual({ sent: 0, recovered: 0, failed: 0 });
  });

  it('GIVEN a new feed on an account with history THEN nothing old floods the channel, unless a backfill was asked', async () => {
    const url = world.rss.setFeed('/history.xml', {
      body: rssFeed([
        { id: 'h1', title: 'Old one', published: ago(300) },
        { id: 'h2', title: 'Old two', published: ago(200) },
        { id: 'h3', title: 'Old three', published: ago(100) },
      ]),
    });
    const accountId = await world.linkFeed(url);
    const quiet = await world.addFeed(accountId);
    const backfilled = await world.addFeed(accountId, { backfill: 2 });

    await pollAccount(world.pollDeps(), accountId);
    await deliver(quiet.feedId);
    await deliver(backfilled.feedId);
    expect(world.slack.messages(quiet.channelId)).toHaveLength(0);
    expect(await statuses(quiet.feedId)).toEqual([
      ['h1', 'skipped'],
      ['h2', 'skipped'],
      ['h3', 'skipped'],
    ]);
    expect(
      world.slack.messages(backfilled.channelId).map((m) => /Old (two|three)/.exec(m.text)?.[0]),
    ).toEqual(['Old two', 'Old three']);
  });

  it('GIVEN a keyword filter THEN only matching posts are sent and the others record why', async () => {
    const url = world.rss.setFeed('/filtered.xml', {
      body: rssFeed([
        { id: 'f1', title: 'Launch day', published: ago(2) },
        { id: 'f2', title: 'Office party', published: ago(1) },
      ]),
    });
    const accountId = await world.linkFeed(url);
    const { feedId, channelId } = await world.addFeed(accountId, {
      createdAt: ago(10),
      filters: { keywords: ['launch'] },
    });
    await pollAccount(world.pollDeps(), accountId);
    await deliver(feedId);
    expect(world.slack.messages(channelId)).toHaveLength(1);
    const verdicts = await world.db.pool.query<{ status: string; summary: string }>(
      `SELECT status, verdict->>'summary' AS summary FROM deliveries WHERE feed_id = $1 ORDER BY published_at`,
      [feedId],
    );
    expect(verdicts.rows).toEqual([
      { status: 'delivered', summary: 'delivers: contains “launch”' },
      { status: 'filtered', summary: 'blocked: contains none of “launch”' },
    ]);
  });

  it('GIVEN a crash between send and record THEN the retry finds the message and does not send it again', async () => {
    const url = world.rss.setFeed('/crash.xml', {
      body: rssFeed([{ id: 'c1', title: 'Crash test', published: ago(1) }]),
    });
    const accountId = await world.linkFeed(url);
    const { feedId, channelId } = await world.addFeed(accountId, { createdAt: ago(10) });
    await pollAccount(world.pollDeps(), accountId);
    // What the first attempt did before dying: recorded the intent, and Slack took the message.
    const { rows } = await world.db.pool.query<{ id: string; nonce: string }>(
      `UPDATE deliveries SET status = 'sending', attempts = 1 WHERE feed_id = $1 RETURNING id, nonce`,
      [feedId],
    );
    const sender = await world.senders.senderFor(world.tenantId, 'slack');
    await sender.send({
      channelId,
      payload: { text: 'Crash test (first attempt)' },
      deliveryKey: rows[0]!.nonce,
      permalink: 'https://blog.example/c1',
    });

    expect(await deliver(feedId)).toMatchObject({ sent: 0, recovered: 1 });
    expect(world.slack.messages(channelId)).toHaveLength(1);
    const delivered = await world.db.pool.query(
      `SELECT status, chat_message_id FROM deliveries WHERE id = $1`,
      [rows[0]!.id],
    );
    expect(delivered.rows[0]).toMatchObject({
      status: 'delivered',
      chat_message_id: world.slack.messages(channelId)[0]?.ts,
    });
  });

  it('GIVEN Slack rate-limits the send THEN nothing is sent, the post keeps its place, and the retry waits as told', async () => {
    const url = world.rss.setFeed('/limited.xml', {
      body: rssFeed([
        { id: 'l1', title: 'Limited one', published: ago(2) },
        { id: 'l2', title: 'Limited two', published: ago(1) },
      ]),
    });
    const accountId = await world.linkFeed(url);
    const { feedId, channelId } = await world.addFeed(accountId, { createdAt: ago(10) });
    await pollAccount(world.pollDeps(), accountId);
    // Short, because Slack's client also holds its queue for the Retry-After before the next call.
    world.slack.rateLimit(2);
    const before = Date.now();
    const outcome = await deliver(feedId);
    expect(outcome.sent).toBe(0);
    expect(outcome.retryAt!.getTime() - before).toBeGreaterThanOrEqual(1_900);
    expect(world.slack.messages(channelId)).toHaveLength(0);
    expect(await statuses(feedId)).toEqual([
      ['l1', 'pending'],
      ['l2', 'pending'],
    ]);
    expect(await deliver(feedId)).toMatchObject({ sent: 2 });
    expect(world.slack.messages(channelId).map((m) => /Limited (one|two)/.exec(m.text)?.[0])).toEqual([
      'Limited one',
      'Limited two',
    ]);
  });

  it('GIVEN the channel is gone THEN the feed is paused with the reason instead of retrying forever', async () => {
    const url = world.rss.setFeed('/gone.xml', {
      body: rssFeed([{ id: 'g1', title: 'Nowhere', published: ago(1) }]),
    });
    const accountId = await world.linkFeed(url);
    const { feedId } = await world.addFeed(accountId, { createdAt: ago(10) });
    await pollAccount(world.pollDeps(), accountId);
    world.slack.platformError('channel_not_found');
    const outcome = await deliver(feedId);
    expect(outcome.paused).toMatch(/cannot post in this channel/);
    const feed = await world.db.pool.query(`SELECT paused, paused_reason FROM feeds WHERE id = $1`, [feedId]);
    expect(feed.rows[0]).toMatchObject({
      paused: true,
      paused_reason: expect.stringContaining('channel_not_found'),
    });
    expect(await statuses(feedId)).toEqual([['g1', 'sending']]);
  });

  it('GIVEN the source rate-limits the poll THEN the next poll waits as told, for every worker, without counting a failure', async () => {
    const url = world.rss.setFeed('/busy.xml', { body: rssFeed([]) });
    const accountId = await world.linkFeed(url);
    await world.addFeed(accountId);
    world.rss.rateLimit(120);
    const before = Date.now();
    expect(await pollAccount(world.pollDeps(), accountId)).toMatchObject({ status: 'failed' });
    const account = await world.db.pool.query<{ next_poll_at: Date; consecutive_failures: number }>(
      'SELECT next_poll_at, consecutive_failures FROM social_accounts WHERE id = $1',
      [accountId],
    );
    expect(account.rows[0]!.next_poll_at.getTime() - before).toBeGreaterThanOrEqual(119_000);
    expect(account.rows[0]!.consecutive_failures).toBe(0);
    const budget = await world.db.pool.query(
      `SELECT 1 FROM platform_budgets WHERE platform = 'rss' AND scope = $1`,
      [accountId],
    );
    expect(budget.rowCount).toBe(1);
    // Another worker that picks the account up early does not call the platform.
    const requests = world.rss.feedRequests().length;
    expect(await pollAccount(world.pollDeps(), accountId, 'manual')).toMatchObject({ status: 'deferred' });
    expect(world.rss.feedRequests().length).toBe(requests);
  });

  it('GIVEN repeated failures THEN the account is paused after the limit and its channels are told once', async () => {
    const url = world.rss.setFeed('/broken.xml', { body: rssFeed([]) });
    const accountId = await world.linkFeed(url);
    const { channelId } = await world.addFeed(accountId);
    const deps = world.pollDeps({ settings: { ...world.config.worker, maxPollFailures: 2 } });
    for (let i = 0; i < 3; i++) {
      world.rss.serverError(503);
      await world.db.pool.query(
        `UPDATE social_accounts SET next_poll_at = now(), status = status WHERE id = $1`,
        [accountId],
      );
      await pollAccount(deps, accountId);
    }
    const account = await world.db.pool.query(
      'SELECT status, status_reason FROM social_accounts WHERE id = $1',
      [accountId],
    );
    expect(account.rows[0]).toMatchObject({
      status: 'paused',
      status_reason: expect.stringMatching(/^2 failed polls in a row/),
    });
    const notices = await world.db.pool.query<{ payload: { accountId: string; text: string } }>(
      `SELECT payload FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
        WHERE t.identifier = 'notify_channels' AND j.payload->>'accountId' = $1`,
      [accountId],
    );
    expect(notices.rows).toHaveLength(1);
    expect(notices.rows[0]!.payload.text).toMatch(
      /^Herald paused @.* on RSS \/ Atom after 2 failed attempts in a row/,
    );

    // The notice job posts that text, inert, in the feed's channel.
    const notify = notifyChannelsTask({
      pool: world.db.pool,
      senders: world.senders.senderFor,
      logger: testLogger,
    });
    await notify(notices.rows[0]!.payload, {} as Parameters<typeof notify>[1]);
    expect(world.slack.messages(channelId).map((m) => m.text)).toEqual([notices.rows[0]!.payload.text]);
  });
});
