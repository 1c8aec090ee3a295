import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerRuntime } from '../../../worker/runtime.js';
import { schedulePolls } from '../../../worker/tasks/schedule-polls.js';
import { createPipelineWorld, rssFeed, type PipelineWorld } from '../../support/pipeline.js';

/** Resolves when `check` holds, re-checking after every job the worker completes. */
async function untilJobsSettle(
  worker: WorkerRuntime,
  check: () => Promise<boolean> | boolean,
): Promise<void> {
  while (!(await check())) await once(worker.runner.events, 'job:complete');
}

describe('import pipeline through the real worker', () => {
  let world: PipelineWorld;
  let worker: WorkerRuntime;

  beforeAll(async () => {
    world = await createPipelineWorld();
    worker = await world.startWorker();
  });
  afterAll(async () => {
    await worker.stop();
    await world.close();
  });

  it('GIVEN due accounts WHEN the scheduler runs THEN each is polled once and its posts reach the channel in order', async () => {
    const minutes = (n: number) => new Date(Date.now() - n * 60_000);
    const first = world.rss.setFeed('/w1.xml', {
      body: rssFeed([
        { id: 'w1b', title: 'Beta', published: minutes(1) },
        { id: 'w1a', title: 'Alpha', published: minutes(2) },
      ]),
    });
    const second = world.rss.setFeed('/w2.xml', {
      body: rssFeed([{ id: 'w2a', title: 'Gamma', published: minutes(1) }]),
    });
    const a = await world.addFeed(await world.linkFeed(first), { createdAt: minutes(5) });
    const b = await world.addFeed(await world.linkFeed(second), { createdAt: minutes(5) });

    // Two scheduler runs at once (two worker processes): the running worker may already have claimed an
    // account when the second one looks, so it may see fewer; each account is still polled once (below).
    const queued = await Promise.all([schedulePolls(world.db.pool), schedulePolls(world.db.pool)]);
    expect(Math.max(...queued)).toBe(2);
    await untilJobsSettle(
      worker,
      () => world.slack.messages(a.channelId).length === 2 && world.slack.messages(b.channelId).length === 1,
    );

    expect(world.slack.messages(a.channelId).map((m) => /Alpha|Beta/.exec(m.text)?.[0])).toEqual([
      'Alpha',
      'Beta',
    ]);
    const polls = await world.db.pool.query(`SELECT count(*)::int AS n FROM import_logs`);
    expect(polls.rows[0].n).toBe(2);
    const next = await world.db.pool.query<{ due: boolean }>(
      `SELECT bool_or(next_poll_at <= now()) AS due FROM social_accounts`,
    );
    expect(next.rows[0]!.due).toBe(false);
  });
});
