/**
 * A small world for import pipeline tests: a database of its own, a Slack workspace (tenant) with its
 * fake Web API, an RSS fake as the social source, and helpers to link an account and map it to a
 * channel. Tests call the poll and deliver steps directly, or run the real worker.
 */
import type { Config } from '../../core/config.js';
import { createKeyring, type Keyring } from '../../core/crypto.js';
import { feedFiltersSchema } from '../../core/feed-filters.js';
import { createProviderRegistry, type ProviderRegistry } from '../../social/registry.js';
import { createSenderPool, type SenderPool } from '../../worker/delivery/senders.js';
import type { PollDeps } from '../../worker/poll/poll-account.js';
import { startWorker, type WorkerRuntime } from '../../worker/runtime.js';
import { queueNotice } from '../../worker/tasks/notify-channels.js';
import { startRssFake, type RssFake } from '../fakes/rss.js';
import { startSlackApiFake, type SlackApiFake } from '../fakes/slack-api.js';
import { TEST_KEY, testConfig } from './config.js';
import { createTestDatabase, testLogger, type TestDatabase } from './database.js';

export interface PipelineWorld {
  readonly db: TestDatabase;
  readonly config: Config;
  readonly keyring: Keyring;
  readonly rss: RssFake;
  readonly slack: SlackApiFake;
  readonly registry: ProviderRegistry;
  readonly senders: SenderPool;
  readonly tenantId: string;
  pollDeps(overrides?: Partial<PollDeps>): PollDeps;
  /** The real worker with Herald's tasks on this world (no crontab: tests queue what they need). */
  startWorker(): Promise<WorkerRuntime>;
  /** Link a feed URL as an RSS account of the tenant. */
  linkFeed(url: string): Promise<string>;
  /** Map an account to a new Slack channel; returns the feed and channel ids. */
  addFeed(
    accountId: string,
    options?: { filters?: Record<string, unknown>; createdAt?: Date; backfill?: number },
  ): Promise<{ feedId: string; channelId: string }>;
  close(): Promise<void>;
}

export async function createPipelineWorld(env: Record<string, string> = {}): Promise<PipelineWorld> {
  const [db, rss, slack] = await Promise.all([createTestDatabase(), startRssFake(), startSlackApiFake()]);
  const config = testConfig({
    HERALD_ALLOW_LOOPBACK_URLS: 'true',
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_APP_TOKEN: 'xapp-test',
    SLACK_API_URL: slack.apiUrl,
    HERALD_HTTP_TIMEOUT_SECONDS: '5',
    ...env,
  });
  const keyring = createKeyring(Buffer.from(TEST_KEY, 'base64'));
  const registry = createProviderRegistry(config);
  const senders = createSenderPool(config, db.pool, keyring);
  const tenant = await db.pool.query<{ id: string }>(
    `INSERT INTO tenants (chat_platform, external_id, name, bot_token_enc) VALUES ('slack', $1, 'Acme', $2) RETURNING id`,
    [slack.teamId, keyring.encrypt(slack.botToken)],
  );
  const tenantId = tenant.rows[0]!.id;

  return {
    db,
    config,
    keyring,
    rss,
    slack,
    registry,
    senders,
    tenantId,
    pollDeps: (overrides = {}) => ({
      pool: db.pool,
      keyring,
      providers: registry,
      settings: config.worker,
      logger: testLogger,
      notify: queueNotice,
      ...overrides,
    }),
    startWorker: () =>
      startWorker({
        pool: db.pool,
        logger: testLogger,
        settings: config.worker,
        crontab: '',
        pollIntervalMs: 100,
        tasks: {
          pool: db.pool,
          keyring,
          providers: registry,
          senders: senders.senderFor,
          settings: config.worker,
          logger: testLogger,
        },
      }),
    async linkFeed(url) {
      const { rows } = await db.pool.query<{ id: string }>(
        `INSERT INTO social_accounts (tenant_id, platform, platform_account_id, handle, instance_url)
         VALUES ($1, 'rss', $2, $2, $2) RETURNING id`,
        [tenantId, url],
      );
      return rows[0]!.id;
    },
    async addFeed(accountId, options = {}) {
      const channelId = slack.addChannel();
      const { rows } = await db.pool.query<{ id: string }>(
        `INSERT INTO feeds (tenant_id, account_id, channel_id, filters, deliver_since, backfill_count)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [
          tenantId,
          accountId,
          channelId,
          JSON.stringify(feedFiltersSchema.parse(options.filters ?? {})),
          options.createdAt ?? new Date(),
          options.backfill ?? 0,
        ],
      );
      return { feedId: rows[0]!.id, channelId };
    },
    async close() {
      await registry.close();
      await senders.close();
      await Promise.all([rss.close(), slack.close()]);
      await db.drop();
    },
  };
}

/** An RSS 2.0 document with the given items (newest may come first, as feeds do). */
export function rssFeed(
  items: ReadonlyArray<{ id: string; title: string; published: Date; body?: string }>,
): string {
  const entries = items
    .map(
      (item) => `<item><title>${item.title}</title><link>https://blog.example/${item.id}</link>
        <guid isPermaLink="false">${item.id}</guid><pubDate>${item.published.toUTCString()}</pubDate>
        <description>${item.body ?? item.title}</description></item>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Acme blog</title>
    <link>https://blog.example/</link><description>news</description>${entries}</channel></rss>`;
}
