/**
 * The import pipeline run by real worker processes (`herald start --role worker`), for crash and
 * concurrency tests: a database of its own, an RSS fake as the social source, Discord and Slack
 * fakes as the chat side (one tenant each), and worker processes started with only the environment
 * an operator would give them. Every process started here is killed by `close()` if still running.
 * The workers' cron does not queue polls (see below): tests queue them.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeyring } from '../../core/crypto.js';
import { startDiscordRestFake, type DiscordRestFake } from '../fakes/discord-rest.js';
import { startRssFake, type RssFake } from '../fakes/rss.js';
import { startSlackApiFake, type SlackApiFake } from '../fakes/slack-api.js';
import { TEST_KEY } from './config.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { spawnHerald, type HeraldProcess, type HeraldRun } from './herald-process.js';
import { rssFeed } from './pipeline.js';

export type ChatSide = 'discord' | 'slack';

export interface WorkerProcess {
  readonly name: string;
  readonly herald: HeraldProcess;
  /** The process's log lines (it logs JSON), parsed; lines that are not JSON are left out. */
  logLines(): Array<Record<string, unknown>>;
  /** graphile-worker's "Completed task" lines: which jobs this process finished. */
  completedJobs(): Array<{ readonly task: string; readonly payload: Record<string, unknown> }>;
  /** SIGKILL: no draining, no cleanup, as when the machine or the OOM killer ends it. */
  kill(): Promise<HeraldRun>;
  /** SIGTERM: the graceful stop an operator asks for. */
  stop(): Promise<HeraldRun>;
}

export interface SeededFeed {
  readonly accountId: string;
  readonly feedId: string;
  readonly channelId: string;
  readonly chat: ChatSide;
  /** The feed's posts' ids, oldest publication first. */
  readonly postIds: readonly string[];
}

export interface ProcessWorld {
  readonly db: TestDatabase;
  readonly rss: RssFake;
  readonly discord: DiscordRestFake;
  readonly slack: SlackApiFake;
  /** Start `herald start --role worker`; resolves once it says the worker started. */
  startWorker(name: string, env?: Record<string, string>): Promise<WorkerProcess>;
  /**
   * An RSS feed (served by the fake) with `posts` new posts, linked as an account of the chat side's
   * tenant and mapped to a new channel there. Posts are published a minute apart, the last a minute ago.
   */
  seedFeed(chat: ChatSide, name: string, posts: number): Promise<SeededFeed>;
  /**
   * The posts the feed's channel shows, in channel order, one entry per message: Slack messages are
   * told apart by their delivery key (metadata), Discord ones by their embed's link. A message of no
   * known post shows as '?'.
   */
  channelPosts(feed: SeededFeed): Promise<string[]>;
  close(): Promise<void>;
}

const MINUTE = 60_000;
/** Any 17–20 digit id: the worker only checks the shape. */
const DISCORD_APPLICATION_ID = '123456789012345678';

/** The link `rssFeed` gives a post. */
const PERMALINK = 'https://blog.example/';

/** Re-checks `check` every 25 ms until it holds; past the deadline, fails saying what was awaited. */
export async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  options: { timeoutMs?: number; diagnostics?: () => string | Promise<string> } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  while (!(await check())) {
    if (Date.now() > deadline) {
      const details = options.diagnostics ? `\n${await options.diagnostics()}` : '';
      throw new Error(`timed out waiting until ${what}${details}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function parseLines(text: string): Array<Record<string, unknown>> {
  return text.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

function running(herald: HeraldProcess): boolean {
  return herald.child.exitCode === null && herald.child.signalCode === null;
}

/** Every worker process any world of this test file started. */
const started = new Set<HeraldProcess>();

async function killAll(processes: Iterable<HeraldProcess>): Promise<void> {
  await Promise.all(
    [...processes].map(async (herald) => {
      if (running(herald)) herald.child.kill('SIGKILL');
      await herald.exited();
    }),
  );
}

/** SIGKILLs any worker process still running (for afterAll, whatever happened to the worlds). */
export async function killLeftoverWorkers(): Promise<void> {
  await killAll(started);
  started.clear();
}

export async function createProcessWorld(
  options: { discordNonceWindowMs?: number } = {},
): Promise<ProcessWorld> {
  const [db, rss, discord, slack] = await Promise.all([
    createTestDatabase(),
    startRssFake(),
    startDiscordRestFake(
      options.discordNonceWindowMs === undefined ? {} : { nonceWindowMs: options.discordNonceWindowMs },
    ),
    startSlackApiFake(),
  ]);
  const cwd = await mkdtemp(join(tmpdir(), 'herald-pipeline-process-'));
  // As root the embedded server runs as another user, who must be able to reach the folder.
  await chmod(cwd, 0o755);
  const processes = new Set<HeraldProcess>();
  const keyring = createKeyring(Buffer.from(TEST_KEY, 'base64'));

  const tenant = async (chat: ChatSide): Promise<string> => {
    const { rows } = await db.pool.query<{ id: string }>(
      `INSERT INTO tenants (chat_platform, external_id, name, bot_token_enc) VALUES ($1, $2, $3, $4) RETURNING id`,
      chat === 'slack'
        ? ['slack', slack.teamId, 'Acme Slack', keyring.encrypt(slack.botToken)]
        : ['discord', '987654321098765432', 'Acme Discord', null],
    );
    return rows[0]!.id;
  };
  const tenants: Record<ChatSide, string> = {
    discord: await tenant('discord'),
    slack: await tenant('slack'),
  };
  // Tests queue polls themselves: the workers' once-a-minute schedule_polls stays quiet, so a minute
  // turning mid-test adds no poll round of its own. (A scheduler that reads an account as due just
  // before that account's poll finishes queues a second poll of it.) graphile-worker's cron runs a
  // tick only when it can move the item's last_execution forward.
  await db.pool.query(
    `INSERT INTO graphile_worker._private_known_crontabs (identifier, known_since, last_execution)
     VALUES ('schedule_polls', now(), now() + interval '1 day')
     ON CONFLICT (identifier) DO UPDATE SET last_execution = EXCLUDED.last_execution`,
  );

  const baseEnv: Record<string, string> = {
    DATABASE_URL: db.url,
    HERALD_ENCRYPTION_KEY: TEST_KEY,
    HERALD_DATA_DIR: join(cwd, 'data'),
    HERALD_ALLOW_LOOPBACK_URLS: 'true',
    HERALD_LOG_FORMAT: 'json',
    DISCORD_TOKEN: discord.token,
    DISCORD_APPLICATION_ID,
    DISCORD_API_URL: discord.apiUrl,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_APP_TOKEN: 'xapp-1-test',
    SLACK_API_URL: slack.apiUrl,
  };

  return {
    db,
    rss,
    discord,
    slack,
    async startWorker(name, env = {}) {
      const herald = spawnHerald(['start', '--role', 'worker'], { ...baseEnv, ...env }, cwd);
      processes.add(herald);
      started.add(herald);
      await herald.waitForOutput('"msg":"worker started"');
      const logLines = () => parseLines(herald.output().stdout);
      const signal = async (kind: NodeJS.Signals) => {
        if (running(herald)) herald.child.kill(kind);
        return herald.exited();
      };
      return {
        name,
        herald,
        logLines,
        completedJobs: () =>
          logLines().flatMap((line) => {
            const job = line.job as
              { task_identifier?: string; payload?: Record<string, unknown> } | undefined;
            return typeof line.msg === 'string' &&
              line.msg.startsWith('Completed task ') &&
              job?.task_identifier
              ? [{ task: job.task_identifier, payload: job.payload ?? {} }]
              : [];
          }),
        kill: () => signal('SIGKILL'),
        stop: () => signal('SIGTERM'),
      };
    },
    async seedFeed(chat, name, posts) {
      const postIds = Array.from({ length: posts }, (_, i) => `${name}-${i + 1}`);
      const items = postIds.map((id, i) => ({
        id,
        title: `${name} post ${i + 1}`,
        published: new Date(Date.now() - (posts - i) * MINUTE),
      }));
      const url = rss.setFeed(`/${name}.xml`, { body: rssFeed([...items].reverse()) });
      const account = await db.pool.query<{ id: string }>(
        `INSERT INTO social_accounts (tenant_id, platform, platform_account_id, handle, instance_url)
         VALUES ($1, 'rss', $2, $2, $2) RETURNING id`,
        [tenants[chat], url],
      );
      const accountId = account.rows[0]!.id;
      const channelId = chat === 'slack' ? slack.addChannel() : discord.addChannel();
      const feed = await db.pool.query<{ id: string }>(
        `INSERT INTO feeds (tenant_id, account_id, channel_id, filters, deliver_since)
         VALUES ($1, $2, $3, '{}', now() - interval '1 hour') RETURNING id`,
        [tenants[chat], accountId, channelId],
      );
      return { accountId, feedId: feed.rows[0]!.id, channelId, chat, postIds };
    },
    async channelPosts(feed) {
      if (feed.chat === 'discord') {
        return discord.messages(feed.channelId).map((message) => {
          const url = message.embeds[0]?.url ?? '';
          return url.startsWith(PERMALINK) ? url.slice(PERMALINK.length) : '?';
        });
      }
      const { rows } = await db.pool.query<{ nonce: string; platform_post_id: string }>(
        `SELECT d.nonce, p.platform_post_id FROM deliveries d JOIN social_posts p ON p.id = d.post_id
          WHERE d.feed_id = $1`,
        [feed.feedId],
      );
      const byKey = new Map(rows.map((row) => [row.nonce, row.platform_post_id]));
      return slack.messages(feed.channelId).map((message) => {
        const key = message.metadata?.event_payload.delivery;
        return (typeof key === 'string' ? byKey.get(key) : undefined) ?? '?';
      });
    },
    async close() {
      await killAll(processes);
      await Promise.all([rss.close(), discord.close(), slack.close()]);
      await db.drop();
      await rm(cwd, { recursive: true, force: true });
    },
  };
}
