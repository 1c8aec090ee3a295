import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyring } from '../../../core/crypto.js';
import { createProviderRegistry } from '../../../social/registry.js';
import { deliverFeed } from '../../../worker/delivery/deliver-feed.js';
import { createSenderPool, type SenderPool } from '../../../worker/delivery/senders.js';
import { pollAccount } from '../../../worker/poll/poll-account.js';
import { queueNotice } from '../../../worker/tasks/notify-channels.js';
import { startDiscordRestFake, type DiscordRestFake } from '../../fakes/discord-rest.js';
import { startRssFake, type RssFake } from '../../fakes/rss.js';
import { TEST_KEY, testConfig } from '../../support/config.js';
import { createTestDatabase, testLogger, type TestDatabase } from '../../support/database.js';
import { rssFeed } from '../../support/pipeline.js';

describe('import pipeline: RSS to Discord', () => {
  let db: TestDatabase;
  let discord: DiscordRestFake;
  let rss: RssFake;
  let senders: SenderPool;
  let tenantId: string;
  const keyring = createKeyring(Buffer.from(TEST_KEY, 'base64'));
  let config: ReturnType<typeof testConfig>;
  let registry: ReturnType<typeof createProviderRegistry>;

  beforeAll(async () => {
    [db, discord, rss] = await Promise.all([createTestDatabase(), startDiscordRestFake(), startRssFake()]);
    config = testConfig({
      DISCORD_TOKEN: discord.token,
      DISCORD_APPLICATION_ID: '123456789012345678',
      DISCORD_API_URL: discord.apiUrl,
      HERALD_ALLOW_LOOPBACK_URLS: 'true',
    });
    registry = createProviderRegistry(config);
    senders = createSenderPool(config, db.pool, keyring);
    const tenant = await db.pool.query<{ id: string }>(
      `INSERT INTO tenants (chat_platform, external_id) VALUES ('discord', '900000000000000001') RETURNING id`,
    );
    tenantId = tenant.rows[0]!.id;
  });
  afterAll(async () => {
    await senders.close();
    await registry.close();
    await Promise.all([discord.close(), rss.close()]);
    await db.drop();
  });

  async function feedFor(path: string, items: Parameters<typeof rssFeed>[0], mentionRoleId?: string) {
    const url = rss.setFeed(path, { body: rssFeed(items) });
    const account = await db.pool.query<{ id: string }>(
      `INSERT INTO social_accounts (tenant_id, platform, platform_account_id, handle, instance_url) VALUES ($1, 'rss', $2, $2, $2) RETURNING id`,
      [tenantId, url],
    );
    const channelId = discord.addChannel();
    const feed = await db.pool.query<{ id: string }>(
      `INSERT INTO feeds (tenant_id, account_id, channel_id, deliver_since, mention_role_id) VALUES ($1, $2, $3, now() - interval '1 hour', $4) RETURNING id`,
      [tenantId, account.rows[0]!.id, channelId, mentionRoleId ?? null],
    );
    return { accountId: account.rows[0]!.id, feedId: feed.rows[0]!.id, channelId };
  }

  const deps = () => ({
    pool: db.pool,
    keyring,
    providers: registry,
    settings: config.worker,
    logger: testLogger,
    notify: queueNotice,
  });
  const deliver = (feedId: string) =>
    deliverFeed({ pool: db.pool, senders: senders.senderFor, logger: testLogger }, feedId);

  it('GIVEN new posts THEN they arrive as embeds, with a nonce, in order, and only the feed role can be pinged', async () => {
    const minutes = (n: number) => new Date(Date.now() - n * 60_000);
    const { accountId, feedId, channelId } = await feedFor(
      '/d1.xml',
      [
        { id: 'd2', title: 'Second @everyone', published: minutes(1) },
        { id: 'd1', title: 'First', published: minutes(2) },
      ],
      '222222222222222222',
    );
    await pollAccount(deps(), accountId);
    expect(await deliver(feedId)).toMatchObject({ sent: 2 });

    const messages = discord.messages(channelId);
    expect(messages.map((m) => m.embeds[0]?.url)).toEqual([
      'https://blog.example/d1',
      'https://blog.example/d2',
    ]);
    const bodies = discord
      .requestsTo('POST', '/api/v10/channels/:id/messages')
      .map((r) => r.json() as Record<string, unknown>);
    for (const body of bodies) {
      expect(body).toMatchObject({
        enforce_nonce: true,
        allowed_mentions: { parse: [], roles: ['222222222222222222'] },
      });
      expect(typeof body.nonce).toBe('string');
      expect(body.content).toBe('<@&222222222222222222>');
    }
    const recorded = await db.pool.query<{ chat_message_id: string }>(
      `SELECT chat_message_id FROM deliveries WHERE feed_id = $1 ORDER BY published_at`,
      [feedId],
    );
    expect(recorded.rows.map((r) => r.chat_message_id)).toEqual(messages.map((m) => m.id));
  });

  it('GIVEN the bot lost access to the channel THEN the feed pauses with the reason and nothing is retried', async () => {
    const { accountId, feedId, channelId } = await feedFor('/d2.xml', [
      { id: 'x1', title: 'Locked out', published: new Date() },
    ]);
    discord.forbidChannel(channelId, 50001);
    await pollAccount(deps(), accountId);
    const outcome = await deliver(feedId);
    expect(outcome.paused).toMatch(/cannot post in this channel/);
    const feed = await db.pool.query(`SELECT paused, paused_reason FROM feeds WHERE id = $1`, [feedId]);
    expect(feed.rows[0]).toMatchObject({
      paused: true,
      paused_reason: expect.stringMatching(/Missing Access|50001/),
    });
    expect(await deliver(feedId)).toMatchObject({ sent: 0 });
  });
});
