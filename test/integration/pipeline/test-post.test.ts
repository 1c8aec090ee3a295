import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueTestPost } from '../../../core/test-posts.js';
import { pollAccount } from '../../../worker/poll/poll-account.js';
import { sendTestPostTask } from '../../../worker/tasks/send-test-post.js';
import { createPipelineWorld, rssFeed, type PipelineWorld } from '../../support/pipeline.js';
import type { JobHelpers } from 'graphile-worker';

describe('feed test: sending one post to the channel on request', () => {
  let world: PipelineWorld;
  beforeAll(async () => {
    world = await createPipelineWorld();
  });
  afterAll(async () => world.close());

  const helpers = { logger: { info: () => undefined, warn: () => undefined } } as unknown as JobHelpers;

  it('GIVEN a stored post blocked by the feed THEN the test send posts it marked as a test and records no delivery', async () => {
    const url = world.rss.setFeed('/test-send.xml', {
      body: rssFeed([{ id: 'ts1', title: 'Weekly notes', published: new Date(Date.now() - 60_000) }]),
    });
    const accountId = await world.linkFeed(url);
    const { feedId, channelId } = await world.addFeed(accountId, {
      createdAt: new Date(Date.now() - 600_000),
      filters: { keywords: ['launch'] },
    });
    await pollAccount(world.pollDeps(), accountId);
    const { rows } = await world.db.pool.query<{ id: string; status: string }>(
      `SELECT p.id, d.status FROM social_posts p JOIN deliveries d ON d.post_id = p.id WHERE p.account_id = $1`,
      [accountId],
    );
    expect(rows).toEqual([{ id: expect.any(String), status: 'filtered' }]);

    expect(await queueTestPost(world.db.pool, feedId, rows[0]!.id)).toBe(true);
    const job = await world.db.pool.query<{ payload: { feedId: string; postId: string } }>(
      `SELECT j.payload FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE t.identifier = 'send_test_post'`,
    );
    const task = sendTestPostTask({ pool: world.db.pool, senders: world.senders.senderFor });
    await task(job.rows[0]!.payload, helpers);

    const messages = world.slack.messages(channelId);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.text).toContain('Test post');
    expect(messages[0]!.text).toContain('Weekly notes');
    // The feed's own record of the post is untouched.
    const after = await world.db.pool.query('SELECT status FROM deliveries WHERE feed_id = $1', [feedId]);
    expect(after.rows).toEqual([{ status: 'filtered' }]);
  });

  it('GIVEN a post of another account THEN nothing is queued', async () => {
    const url = world.rss.setFeed('/test-other.xml', { body: rssFeed([]) });
    const accountId = await world.linkFeed(url);
    const { feedId } = await world.addFeed(accountId);
    const foreign = await world.db.pool.query<{ id: string }>('SELECT id FROM social_posts LIMIT 1');
    expect(await queueTestPost(world.db.pool, feedId, foreign.rows[0]!.id)).toBe(false);
  });
});
