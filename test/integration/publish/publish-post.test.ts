/**
 * The publishing engine against the X, Bluesky and Mastodon fakes: one post to three accounts, a
 * platform refusing while the others succeed, and an interrupted or unknown attempt reconciled by
 * finding the post at the platform instead of publishing it twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyring } from '../../../core/crypto.js';
import { createOutboundPost } from '../../../core/outbound-store.js';
import type { SocialPlatform } from '../../../core/platforms.js';
import type { ProviderRegistry } from '../../../social/registry.js';
import { publishPost } from '../../../worker/publish/publish-post.js';
import { startBlueskyFake, type BlueskyFake } from '../../fakes/bluesky.js';
import { startMastodonFake, type MastodonFake } from '../../fakes/mastodon.js';
import { startXFake, type XFake } from '../../fakes/x.js';
import { createTenant } from '../../support/commands.js';
import { linkOnePerPlatform, publishingRegistry } from '../../support/link-ref.js';
import { TEST_KEY } from '../../support/config.js';
import { createTestDatabase, testLogger, type TestDatabase } from '../../support/database.js';

const keyring = createKeyring(Buffer.from(TEST_KEY, 'base64'));

describe('publishing a post to several accounts', () => {
  let db: TestDatabase;
  let x: XFake;
  let bluesky: BlueskyFake;
  let mastodon: MastodonFake;
  let registry: ProviderRegistry;
  let tenantId: string;
  const accounts: Partial<Record<SocialPlatform, string>> = {};

  beforeAll(async () => {
    [db, x, bluesky, mastodon] = await Promise.all([
      createTestDatabase(),
      startXFake(),
      startBlueskyFake(),
      startMastodonFake(),
    ]);
    registry = publishingRegistry({ x, bluesky });
    tenantId = (await createTenant(db.pool, '8001', 'Acme')).id;
    Object.assign(accounts, await linkOnePerPlatform(db.pool, keyring, tenantId, { x, bluesky, mastodon }));
  });
  afterAll(async () => {
    await registry?.close();
    await Promise.all([x?.close(), bluesky?.close(), mastodon?.close()]);
    await db?.drop();
  });

  const deps = () => ({ pool: db.pool, keyring, providers: registry, logger: testLogger });
  const targets = async (postId: string) =>
    (
      await db.pool.query<{ platform: string; status: string; url: string | null; error: string | null }>(
        'SELECT platform, status, url, error FROM outbound_targets WHERE outbound_post_id = $1 ORDER BY platform',
        [postId],
      )
    ).rows;
  const post = (text: string, platforms: SocialPlatform[]) =>
    createOutboundPost(db.pool, keyring, {
      tenantId,
      createdBy: 'U1',
      source: 'chat',
      items: [{ text }],
      targets: platforms.map((p) => ({ accountId: accounts[p]! })),
    });
  const tweets = () => x.requestsTo('POST', '/2/tweets').length;

  it('GIVEN one post to X, Bluesky and Mastodon THEN each has it once, with its link recorded', async () => {
    const { id } = await post('Launch day: Herald 1.0 is out', ['x', 'bluesky', 'mastodon']);
    expect(await publishPost(deps(), id)).toEqual({ status: 'published', retry: 0 });
    const rows = await targets(id);
    expect(rows.map((r) => [r.platform, r.status])).toEqual([
      ['bluesky', 'published'],
      ['mastodon', 'published'],
      ['x', 'published'],
    ]);
    for (const row of rows) expect(row.url).toMatch(/^https?:\/\//);
    // Running the job again publishes nothing more.
    const before = tweets();
    expect(await publishPost(deps(), id)).toEqual({ status: 'published', retry: 0 });
    expect(tweets()).toBe(before);
  });

  it('GIVEN Mastodon refusing the post THEN the others publish and the post is partial, with the reason', async () => {
    mastodon.injectFault(
      {
        kind: 'reply',
        reply: { status: 422, json: { error: 'Validation failed: Text character limit of 500 exceeded' } },
      },
      { path: '/api/v1/statuses', times: 1 },
    );
    const { id } = await post('A post Mastodon will refuse', ['x', 'mastodon']);
    expect(await publishPost(deps(), id)).toEqual({ status: 'partial', retry: 0 });
    const rows = await targets(id);
    expect(rows.map((r) => [r.platform, r.status])).toEqual([
      ['mastodon', 'failed'],
      ['x', 'published'],
    ]);
    expect(rows[0]!.error).toContain('character limit');
  });

  it('GIVEN X timing out after it stored the tweet THEN the retry finds it and does not post again', async () => {
    const { id } = await post('Posted once, whatever happens', ['x']);
    // X stores the tweet but the answer never arrives in time: the outcome is unknown.
    x.serverError({ status: 503, path: '/2/tweets', times: 1 });
    const first = await publishPost(deps(), id);
    expect(first.retry).toBe(1);
    expect((await targets(id))[0]!.status).toBe('unknown');
    // As if the 503 had come after X saved it: the tweet is on the account.
    const user = [...x.state.users.values()].find((u) => u.username === 'acmehq')!;
    x.addTweet({ authorId: user.id, text: 'Posted once, whatever happens' });
    const before = tweets();
    expect(await publishPost(deps(), id)).toEqual({ status: 'published', retry: 0 });
    expect(tweets()).toBe(before);
    expect((await targets(id))[0]).toMatchObject({
      status: 'published',
      url: expect.stringContaining('/status/'),
    });
  });

  it('GIVEN a worker killed after recording the intent and before the answer THEN the next run checks first', async () => {
    const { id } = await post('Interrupted but not doubled', ['mastodon']);
    await db.pool.query(
      `UPDATE outbound_targets SET status = 'publishing', attempts = 1 WHERE outbound_post_id = $1`,
      [id],
    );
    await db.pool.query(`UPDATE outbound_posts SET status = 'publishing' WHERE id = $1`, [id]);
    // Nothing reached Mastodon before the crash: the run finds nothing and publishes it, once.
    expect(await publishPost(deps(), id)).toEqual({ status: 'published', retry: 0 });
    const matching = mastodon.statuses.filter((s) =>
      String(s.content).includes('Interrupted but not doubled'),
    );
    expect(matching).toHaveLength(1);
  });

  const thread = (texts: string[], platform: SocialPlatform) =>
    createOutboundPost(db.pool, keyring, {
      tenantId,
      createdBy: 'U1',
      source: 'chat',
      items: texts.map((text) => ({ text })) as [{ text: string }, ...Array<{ text: string }>],
      targets: [{ accountId: accounts[platform]! }],
    });

  it('GIVEN X refusing the second post of a thread THEN the first is recorded with the reason, and nothing is posted again', async () => {
    const user = [...x.state.users.values()].find((u) => u.username === 'acmehq')!;
    // X refuses a tweet whose text the account already posted: the thread's second post is one.
    x.addTweet({ authorId: user.id, text: 'Part two, said before' });
    const { id } = await thread(['Part one of a thread', 'Part two, said before'], 'x');
    const before = tweets();
    expect(await publishPost(deps(), id)).toEqual({ status: 'failed', retry: 0 });
    const [row] = await targets(id);
    expect(row).toMatchObject({ status: 'failed', url: expect.stringContaining('/status/') });
    expect(row!.error).toMatch(
      /^only 1 of the 2 posts of the thread went out \(https?:.*\/status\/\d+\): .*duplicate/,
    );
    expect(tweets() - before).toBe(2);
    expect(await publishPost(deps(), id)).toEqual({ status: 'failed', retry: 0 });
    expect(tweets() - before).toBe(2);
  });

  it.each([
    ['mastodon', '/api/v1/statuses', { error: 'Internal server error' }],
    ['bluesky', '/xrpc/com.atproto.repo.createRecord', { error: 'InternalServerError', message: 'boom' }],
  ] as const)(
    'GIVEN %s failing on the second post of a thread THEN the first is recorded with the reason, not posted again',
    async (platform, path, body) => {
      const fake = platform === 'mastodon' ? mastodon : bluesky;
      const text = `Thread on ${platform}, part one`;
      const { id } = await thread([text, `Thread on ${platform}, part two`], platform);
      fake.injectFault({ kind: 'reply', reply: { status: 500, json: body } }, { path, after: 1, times: 1 });
      const created = () => fake.requests.filter((r) => r.method === 'POST' && r.path === path).length;
      const before = created();
      expect(await publishPost(deps(), id)).toEqual({ status: 'failed', retry: 0 });
      const [row] = await targets(id);
      expect(row!.error).toMatch(/^only 1 of the 2 posts of the thread went out \(https?:/);
      expect(row!.url).toMatch(/^https?:\/\//);
      expect(created() - before).toBe(2);
      // Nothing is tried again: the first post would be doubled.
      expect(await publishPost(deps(), id)).toEqual({ status: 'failed', retry: 0 });
      expect(created() - before).toBe(2);
    },
  );

  /** As after a worker died mid-publish: the post and its target left `publishing`; the X user it posts as. */
  async function interruptedOnX(id: string) {
    await db.pool.query(
      `UPDATE outbound_targets SET status = 'publishing', attempts = 1 WHERE outbound_post_id = $1`,
      [id],
    );
    await db.pool.query(`UPDATE outbound_posts SET status = 'publishing' WHERE id = $1`, [id]);
    return [...x.state.users.values()].find((u) => u.username === 'acmehq')!;
  }

  it('GIVEN a thread interrupted after its first post THEN the next run records what is out instead of posting it again', async () => {
    const { id } = await thread(['Interrupted thread, part one', 'Interrupted thread, part two'], 'x');
    const user = await interruptedOnX(id);
    x.addTweet({ authorId: user.id, text: 'Interrupted thread, part one' });
    const before = tweets();
    expect(await publishPost(deps(), id)).toEqual({ status: 'failed', retry: 0 });
    expect(tweets()).toBe(before);
    expect((await targets(id))[0]!.error).toMatch(
      /^only 1 of the 2 posts of the thread went out .*interrupted/,
    );
  });

  it('GIVEN a thread interrupted after all its posts went out THEN the next run records it published', async () => {
    const { id } = await thread(['Whole thread, part one', 'Whole thread, part two'], 'x');
    const user = await interruptedOnX(id);
    const first = x.addTweet({ authorId: user.id, text: 'Whole thread, part one' });
    x.addTweet({ authorId: user.id, text: 'Whole thread, part two', parent: first });
    const before = tweets();
    expect(await publishPost(deps(), id)).toEqual({ status: 'published', retry: 0 });
    expect(tweets()).toBe(before);
  });

  it('GIVEN the same idempotency key twice THEN one post', async () => {
    const make = () =>
      createOutboundPost(db.pool, keyring, {
        tenantId,
        createdBy: 'U1',
        source: 'api',
        items: [{ text: 'Once only' }],
        targets: [{ accountId: accounts.x! }],
        idempotencyKey: 'req-42',
      });
    const first = await make();
    const second = await make();
    expect(second).toEqual({ id: first.id, created: false, targets: 1 });
  });
});
