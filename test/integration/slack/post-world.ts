/**
 * The world of the Slack posting tests: Herald's Slack app in HTTP mode on its own web server, the
 * real worker publishing from PostgreSQL, the Slack fake (with `files:read` granted, as the manifest
 * asks) and the Mastodon fake with two linked accounts, plus an RSS account that cannot be posted to.
 */
import { prepareSlack } from '../../../bot/runtime.js';
import { BOT_SCOPES, type SlackAdapter } from '../../../bot/slack/app.js';
import { startHttpServer, type HttpServer } from '../../../bot/http/server.js';
import { linkAccount } from '../../../core/account-store.js';
import { createKeyring } from '../../../core/crypto.js';
import { upsertTenant } from '../../../core/tenant-store.js';
import { createMediaDownloader, type MediaDownloader } from '../../../social/media-download.js';
import { createProviderRegistry, type ProviderRegistry } from '../../../social/registry.js';
import type { WorkerRuntime } from '../../../worker/runtime.js';
import { startMastodonFake, type MastodonFake } from '../../fakes/mastodon.js';
import { startSlackFake, type SlackFake } from '../../fakes/slack/index.js';
import { TEST_KEY, testConfig } from '../../support/config.js';
import { createTestDatabase, testLogger, type TestDatabase } from '../../support/database.js';
import { freePort } from '../../support/herald-process.js';
import { startPublishWorker } from '../../support/publish-worker.js';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** A file whose bytes read as PNG, `bytes` long. */
export const png = (bytes: number, fill: number) =>
  Buffer.concat([PNG, Buffer.alloc(bytes - PNG.length, fill)]);

export interface PostWorld {
  readonly db: TestDatabase;
  readonly slack: SlackFake;
  readonly mastodon: MastodonFake;
  /** Herald's `/slack/events`. */
  readonly url: string;
  readonly adminId: string;
  readonly memberId: string;
  readonly channelId: string;
  readonly accounts: { readonly acme: string; readonly news: string; readonly rss: string };
  close(): Promise<void>;
}

async function linkAccounts(db: TestDatabase, mastodon: MastodonFake, tenantId: string) {
  const keyring = createKeyring(Buffer.from(TEST_KEY, 'base64'));
  const link = async (username: string) => {
    const account = mastodon.addAccount({ username });
    const linked = await linkAccount(db.pool, keyring, {
      tenantId,
      platform: 'mastodon',
      platformAccountId: String(account.id),
      handle: username,
      displayName: username,
      instanceUrl: mastodon.url,
      profileUrl: undefined,
      avatarUrl: undefined,
      accessToken: mastodon.issueToken(account, ['read', 'write']),
      linkedBy: 'U1',
    });
    return linked.id;
  };
  const rss = await linkAccount(db.pool, keyring, {
    tenantId,
    platform: 'rss',
    platformAccountId: 'https://feeds.example.com/acme.xml',
    handle: 'https://feeds.example.com/acme.xml',
    displayName: 'Acme feed',
    instanceUrl: undefined,
    profileUrl: undefined,
    avatarUrl: undefined,
    linkedBy: 'U1',
  });
  return { acme: await link('acme'), news: await link('news'), rss: rss.id };
}

export async function startPostWorld(): Promise<PostWorld> {
  const [db, slack, mastodon] = await Promise.all([
    createTestDatabase(),
    startSlackFake({ scopes: BOT_SCOPES }),
    startMastodonFake(),
  ]);
  const adminId = slack.addUser({ name: 'ann', isAdmin: true });
  const memberId = slack.addUser({ name: 'bob' });
  const channelId = slack.addChannel({ name: 'social' });
  const config = testConfig({
    HERALD_ALLOW_LOOPBACK_URLS: 'true',
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: slack.signingSecret,
    SLACK_API_URL: slack.apiUrl,
  });
  const keyring = createKeyring(Buffer.from(TEST_KEY, 'base64'));
  const registry: ProviderRegistry = createProviderRegistry(config);
  const media: MediaDownloader = createMediaDownloader({
    userAgent: 'Herald/test',
    timeoutMs: 5_000,
    allowLoopback: true,
  });
  const tenant = await upsertTenant(db.pool, {
    chatPlatform: 'slack',
    externalId: slack.teamId,
    name: slack.workspace().name,
  });
  const accounts = await linkAccounts(db, mastodon, tenant.id);
  const adapter: SlackAdapter = prepareSlack(config, {
    pool: db.pool,
    keyring,
    registry,
    logger: testLogger,
    media,
  })!;
  const http: HttpServer = await startHttpServer({
    port: await freePort(),
    host: '127.0.0.1',
    routes: adapter.routes,
    logger: testLogger,
  });
  const worker: WorkerRuntime = await startPublishWorker(db.pool, keyring, registry, config);
  return {
    db,
    slack,
    mastodon,
    url: `http://127.0.0.1:${http.port}/slack/events`,
    adminId,
    memberId,
    channelId,
    accounts,
    async close() {
      await worker.stop();
      await http.close();
      await registry.close();
      await media.close();
      await Promise.all([slack.close(), mastodon.close()]);
      await db.drop();
    },
  };
}
