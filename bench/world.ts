/**
 * The pipeline bench's world: N RSS accounts on the RSS fake, each mapped by one feed to a channel on
 * the Discord REST fake (or, for a share of them, the Slack Web API fake), with a mix of filters. Rows
 * are seeded in bulk with SQL, as test/support/pipeline.ts does one at a time. Feeds are an hour old,
 * so posts published at t0 are new to them and go out (unless filtered or held).
 */
import type { BenchArgs } from './args.js';
import type { Config } from '../core/config.js';
import { createKeyring, type Keyring } from '../core/crypto.js';
import type { Pool } from '../core/db/pool.js';
import { feedFiltersSchema, type FeedFilters } from '../core/feed-filters.js';
import { createProviderRegistry, type ProviderRegistry } from '../social/registry.js';
import type { SenderFor } from '../worker/delivery/deliver-feed.js';
import { createDiscordSender } from '../worker/delivery/discord-sender.js';
import { createSenderPool } from '../worker/delivery/senders.js';
import { startDiscordRestFake, type DiscordRestFake } from '../test/fakes/discord-rest.js';
import { startRssFake, type RssFake } from '../test/fakes/rss.js';
import { startSlackApiFake, type SlackApiFake } from '../test/fakes/slack-api.js';
import { TEST_KEY, testConfig } from '../test/support/config.js';

/**
 * none: every post; keyword: the half of the posts that say "launch"; hashtag: the other half
 * (category "release"); engagement: a minimum RSS cannot report, so its posts are held, not sent.
 */
export type FilterMix = 'none' | 'keyword' | 'hashtag' | 'engagement';

const FILTERS: Record<FilterMix, FeedFilters> = {
  none: {},
  keyword: { keywords: ['launch'] },
  hashtag: { hashtags: ['release'] },
  engagement: { minEngagement: 10 },
};

/** 40% unfiltered, 25% keyword, 25% hashtag, 10% minimum engagement. */
function mixOf(index: number): FilterMix {
  const slot = index % 20;
  return slot < 8 ? 'none' : slot < 13 ? 'keyword' : slot < 18 ? 'hashtag' : 'engagement';
}

/** Post `j` says "launch" when j is even and carries #release when odd. */
function deliverable(mix: FilterMix, posts: number): number {
  const even = Math.ceil(posts / 2);
  return { none: posts, keyword: even, hashtag: posts - even, engagement: 0 }[mix];
}

export interface BenchFeed {
  readonly index: number;
  readonly accountId: string;
  readonly feedId: string;
  readonly chat: 'discord' | 'slack';
  readonly channelId: string;
  readonly path: string;
  readonly mix: FilterMix;
  /** Messages this feed must produce at t0. */
  readonly expected: number;
  /** When its posts were published on the RSS fake (ms since the epoch), once `publish` ran. */
  appearedAt: number | undefined;
}

export interface BenchWorld {
  readonly config: Config;
  readonly keyring: Keyring;
  readonly registry: ProviderRegistry;
  readonly senders: SenderFor;
  readonly feeds: readonly BenchFeed[];
  readonly byAccount: ReadonlyMap<string, BenchFeed>;
  readonly byFeed: ReadonlyMap<string, BenchFeed>;
  /** Deliverable posts: what the chat fakes must hold once the burst is through. */
  readonly expected: number;
  /** Publish M new posts on every account's feed, noting when each appeared. */
  publish(): void;
  /**
   * Replace one feed's document with `posts` new posts (ids of `round`, published now); returns the
   * messages they must produce.
   */
  publishRound(feed: BenchFeed, round: number, posts: number): number;
  /** Messages the chat fakes hold so far. */
  delivered(): number;
  /** When each of a feed's messages reached its chat fake (ms since the epoch). */
  receivedAt(feed: BenchFeed): number[];
  close(): Promise<void>;
}

const DISCORD_EPOCH = 1_420_070_400_000;
const HOUR = 3_600_000;

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** An RSS 2.0 document like a small blog's: a title, a two-paragraph summary, a link, categories. */
function rssDocument(index: number, posts: number, published: Date, round = 0): string {
  const items = Array.from({ length: posts }, (_, j) => {
    const launch = j % 2 === 0;
    const summary = launch
      ? `<p>Today we celebrate the launch of version ${j} of project ${index}.</p><p>Read the full notes on our site.</p>`
      : `<p>Notes from the team of project ${index}, week ${j}.</p><p>What we fixed, what comes next.</p>`;
    const categories = launch ? ['news'] : ['news', 'release'];
    return (
      `<item><title>Project ${index}: update ${j}</title><link>https://blog${index}.example/posts/${j}</link>` +
      `<guid isPermaLink="false">bench-${index}-${round}-${j}</guid><pubDate>${published.toUTCString()}</pubDate>` +
      `${categories.map((c) => `<category>${c}</category>`).join('')}` +
      `<description>${esc(summary)}</description></item>`
    );
  });
  return (
    `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Project ${index} blog</title>` +
    `<link>https://blog${index}.example/</link><description>news of project ${index}</description>` +
    `${items.reverse().join('\n')}</channel></rss>`
  );
}

export async function createBenchWorld(pool: Pool, args: BenchArgs): Promise<BenchWorld> {
  const [rss, discord, slack] = await Promise.all([
    startRssFake(),
    startDiscordRestFake(),
    startSlackApiFake(),
  ]);
  const fakes: { rss: RssFake; discord: DiscordRestFake; slack: SlackApiFake } = { rss, discord, slack };
  const config = testConfig({
    HERALD_ALLOW_LOOPBACK_URLS: 'true',
    HERALD_WORKER_CONCURRENCY: String(args.concurrency),
    DISCORD_TOKEN: discord.token,
    DISCORD_APPLICATION_ID: '100000000000000001',
    DISCORD_API_URL: discord.apiUrl,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_APP_TOKEN: 'xapp-bench',
    SLACK_API_URL: slack.apiUrl,
  });
  const keyring = createKeyring(Buffer.from(TEST_KEY, 'base64'));
  const registry = createProviderRegistry(config);
  // Herald's sender pool, except that Discord's sender is built here with the raised global rate
  // (createSenderPool keeps Discord's real 50 requests per second); Slack goes through the pool.
  const discordSender = createDiscordSender({
    token: discord.token,
    apiUrl: discord.apiUrl,
    timeoutMs: config.outbound.timeoutMs,
    globalRequestsPerSecond: args.discordRps,
  });
  const slackSenders = createSenderPool({ ...config, discord: undefined }, pool, keyring);
  const senders: SenderFor = async (tenantId, chat) =>
    chat === 'discord' ? discordSender : slackSenders.senderFor(tenantId, chat);

  const tenants = await pool.query<{ id: string; chat_platform: 'discord' | 'slack' }>(
    `INSERT INTO tenants (chat_platform, external_id, name, bot_token_enc)
     VALUES ('discord', '100000000000000002', 'Bench guild', NULL), ('slack', $1, 'Bench workspace', $2)
     RETURNING id, chat_platform`,
    [slack.teamId, keyring.encrypt(slack.botToken)],
  );
  const tenantOf = (chat: 'discord' | 'slack') => tenants.rows.find((row) => row.chat_platform === chat)!.id;

  // Every fifth feed goes to Slack at the default share of 0.2: spread over every filter mix.
  const slackEvery = args.slackShare > 0 ? Math.round(1 / args.slackShare) : 0;
  const plan = Array.from({ length: args.accounts }, (_, index) => {
    const chat: 'discord' | 'slack' =
      slackEvery > 0 && index % slackEvery === slackEvery - 1 ? 'slack' : 'discord';
    const path = `/blogs/${index}.xml`;
    return { index, chat, path, url: rss.setFeed(path, { body: rssDocument(index, 0, new Date()) }) };
  });
  const accounts = await pool.query<{ id: string; platform_account_id: string }>(
    `INSERT INTO social_accounts (tenant_id, platform, platform_account_id, handle, instance_url)
     SELECT t, 'rss', u, u, u FROM unnest($1::uuid[], $2::text[]) AS x(t, u)
     RETURNING id, platform_account_id`,
    [plan.map((p) => tenantOf(p.chat)), plan.map((p) => p.url)],
  );
  const accountByUrl = new Map(accounts.rows.map((row) => [row.platform_account_id, row.id]));
  const drafts = plan.map((p) => ({
    ...p,
    accountId: accountByUrl.get(p.url)!,
    channelId: p.chat === 'discord' ? discord.addChannel() : slack.addChannel(),
    mix: mixOf(p.index),
  }));
  const since = new Date(Date.now() - HOUR);
  const inserted = await pool.query<{ id: string; account_id: string }>(
    `INSERT INTO feeds (tenant_id, account_id, channel_id, filters, deliver_since, created_at)
     SELECT t, a, c, f::jsonb, $5, $5 FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[]) AS x(t, a, c, f)
     RETURNING id, account_id`,
    [
      drafts.map((d) => tenantOf(d.chat)),
      drafts.map((d) => d.accountId),
      drafts.map((d) => d.channelId),
      drafts.map((d) => JSON.stringify(feedFiltersSchema.parse(FILTERS[d.mix]))),
      since,
    ],
  );
  const feedByAccount = new Map(inserted.rows.map((row) => [row.account_id, row.id]));
  const feeds: BenchFeed[] = drafts.map((d) => ({
    index: d.index,
    accountId: d.accountId,
    feedId: feedByAccount.get(d.accountId)!,
    chat: d.chat,
    channelId: d.channelId,
    path: d.path,
    mix: d.mix,
    expected: deliverable(d.mix, args.posts),
    appearedAt: undefined,
  }));

  const messagesIn = (feed: BenchFeed) =>
    feed.chat === 'discord'
      ? fakes.discord.messages(feed.channelId).length
      : fakes.slack.messages(feed.channelId).length;

  return {
    config,
    keyring,
    registry,
    senders,
    feeds,
    byAccount: new Map(feeds.map((feed) => [feed.accountId, feed])),
    byFeed: new Map(feeds.map((feed) => [feed.feedId, feed])),
    expected: feeds.reduce((sum, feed) => sum + feed.expected, 0),
    publish() {
      // Documents are built first so that publishing itself is quick and the appearances bunch up.
      const published = new Date();
      const documents = feeds.map((feed) => rssDocument(feed.index, args.posts, published));
      feeds.forEach((feed, i) => {
        feed.appearedAt = Date.now();
        rss.setFeed(feed.path, { body: documents[i] ?? '' });
      });
    },
    publishRound(feed, round, posts) {
      rss.setFeed(feed.path, { body: rssDocument(feed.index, posts, new Date(), round) });
      return deliverable(feed.mix, posts);
    },
    delivered: () => feeds.reduce((sum, feed) => sum + messagesIn(feed), 0),
    receivedAt(feed) {
      // The fakes stamp each message when they accept it: Discord in its snowflake (milliseconds),
      // Slack in its ts (microseconds).
      return feed.chat === 'discord'
        ? discord.messages(feed.channelId).map((m) => Number(BigInt(m.id) >> 22n) + DISCORD_EPOCH)
        : slack.messages(feed.channelId).map((m) => Number(m.ts) * 1000);
    },
    async close() {
      await registry.close();
      discordSender.close();
      await slackSenders.close();
      await Promise.all([rss.close(), discord.close(), slack.close()]);
    },
  };
}
