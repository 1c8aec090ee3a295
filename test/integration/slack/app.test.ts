/**
 * Herald's Slack app in HTTP mode, mounted on Herald's own web server, against the fake Slack: slash
 * commands signed as Slack signs them, answers read from the response URL, modals, App Home.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareSlack } from '../../../bot/runtime.js';
import type { SlackAdapter } from '../../../bot/slack/app.js';
import { startHttpServer, type HttpServer } from '../../../bot/http/server.js';
import { createKeyring } from '../../../core/crypto.js';
import { createProviderRegistry, type ProviderRegistry } from '../../../social/registry.js';
import { startRssFake, type RssFake } from '../../fakes/rss.js';
import { startSlackFake, type SlackFake } from '../../fakes/slack/index.js';
import { TEST_KEY, testConfig } from '../../support/config.js';
import { createTestDatabase, testLogger, type TestDatabase } from '../../support/database.js';
import { freePort } from '../../support/herald-process.js';
import { rssFeed } from '../../support/pipeline.js';

describe('the Slack app over HTTP on Herald’s web server', () => {
  let db: TestDatabase;
  let fake: SlackFake;
  let rss: RssFake;
  let registry: ProviderRegistry;
  let slack: SlackAdapter;
  let http: HttpServer;
  let url: string;
  let adminId: string;
  let memberId: string;
  let groupMemberId: string;
  let newsId: string;

  beforeAll(async () => {
    [db, fake, rss] = await Promise.all([createTestDatabase(), startSlackFake(), startRssFake()]);
    adminId = fake.addUser({ name: 'ann', isAdmin: true });
    memberId = fake.addUser({ name: 'bob' });
    groupMemberId = fake.addUser({ name: 'cat' });
    const group = fake.addUserGroup({ handle: 'herald-admins', users: [groupMemberId] });
    newsId = fake.addChannel({ name: 'news' });
    const config = testConfig({
      HERALD_ALLOW_LOOPBACK_URLS: 'true',
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_SIGNING_SECRET: fake.signingSecret,
      SLACK_API_URL: fake.apiUrl,
      SLACK_ADMIN_USERGROUP: group,
    });
    registry = createProviderRegistry(config);
    const keyring = createKeyring(Buffer.from(TEST_KEY, 'base64'));
    slack = prepareSlack(config, { pool: db.pool, keyring, registry, logger: testLogger })!;
    http = await startHttpServer({
      port: await freePort(),
      host: '127.0.0.1',
      routes: slack.routes,
      logger: testLogger,
    });
    url = `http://127.0.0.1:${http.port}/slack/events`;
  });
  afterAll(async () => {
    await http?.close();
    await registry?.close();
    await Promise.all([fake?.close(), rss?.close()]);
    await db?.drop();
  });

  /** Runs `/herald <text>` as `userId`; resolves with what Herald posted to the response URL. */
  async function herald(userId: string, text: string) {
    const sent = await fake.sendSlashCommand({ url, userId, channelId: newsId, command: '/herald', text });
    expect(sent.status).toBe(200);
    return sent.responseUrl!.post();
  }
  const shown = (post: { text?: string; blocks?: readonly unknown[] }) =>
    `${post.text}\n${JSON.stringify(post.blocks)}`;

  it('GIVEN an admin THEN a feed URL is linked and a feed is added with filters, privately, and the Home tab follows', async () => {
    const feedUrl = rss.setFeed('/slack.xml', {
      body: rssFeed([{ id: 's1', title: 'Hi', published: new Date() }]),
    });
    const linked = await herald(adminId, `social connect rss url:${feedUrl}`);
    expect(linked.responseType).toBe('ephemeral');
    expect(shown(linked)).toContain('Account linked');
    const { rows } = await db.pool.query<{ id: string }>('SELECT id FROM social_accounts');
    const added = await herald(
      adminId,
      `feed add ${rows[0]!.id} <#${newsId}|news> keywords:"big launch",beta no-replies`,
    );
    expect(shown(added)).toContain('Feed added');
    const feeds = await db.pool.query('SELECT channel_id, filters FROM feeds');
    expect(feeds.rows).toEqual([
      { channel_id: newsId, filters: { keywords: ['big launch', 'beta'], excludeReplies: true } },
    ]);
    await expect.poll(() => JSON.stringify(fake.homeView(adminId)?.blocks ?? [])).toContain('big launch');
  });

  it('GIVEN the feed THEN edit, pause, resume, test, status, accounts and remove answer, and disconnect’s button unlinks', async () => {
    const feedId = (await db.pool.query<{ id: string }>('SELECT id FROM feeds')).rows[0]!.id;
    expect(shown(await herald(adminId, `feed edit ${feedId} min-engagement:5`))).toContain(
      'min engagement: 5',
    );
    expect(shown(await herald(adminId, `feed pause ${feedId}`))).toContain('Paused');
    expect((await db.pool.query('SELECT paused FROM feeds')).rows).toEqual([{ paused: true }]);
    expect(shown(await herald(adminId, `feed resume ${feedId}`))).toContain('Resumed');
    expect(shown(await herald(adminId, `feed test ${feedId}`))).toContain('Test of');
    expect(shown(await herald(memberId, 'herald status'))).toContain('Herald status');
    expect(shown(await herald(memberId, 'social accounts'))).toContain('RSS');

    // A delivered post's "Open on …" link button is acknowledged and runs nothing.
    const open = fake.payloads.blockActions({
      userId: memberId,
      channelId: newsId,
      messageTs: '1.000002',
      actionId: 'herald-open-post',
    });
    expect((await fake.sendInteraction({ url, payload: open.payload })).status).toBe(200);
    expect(shown(await herald(adminId, `feed remove ${feedId}`))).toContain('Removed');
    expect(open.responseUrl!.posts).toEqual([]);

    const accountId = (await db.pool.query<{ id: string }>('SELECT id FROM social_accounts')).rows[0]!.id;
    const ask = await herald(adminId, `social disconnect ${accountId}`);
    const button = JSON.stringify(ask.blocks).match(/"action_id":"(disconnect-confirm:[^"]+)"/)?.[1];
    expect(button).toBe(`disconnect-confirm:${accountId}`);
    const click = fake.payloads.blockActions({
      userId: adminId,
      channelId: newsId,
      messageTs: '1.000001',
      actionId: button!,
    });
    expect((await fake.sendInteraction({ url, payload: click.payload })).status).toBe(200);
    expect(shown(await click.responseUrl!.post())).toContain('Unlinked');
    expect((await db.pool.query('SELECT count(*)::int AS n FROM social_accounts')).rows).toEqual([{ n: 0 }]);
  });

  it('GIVEN a member who is no admin THEN configuration is refused in plain words', async () => {
    const refused = await herald(memberId, 'feed add @acme <#C1> hashtags:x');
    expect(shown(refused)).toContain('workspace admin or owner');
  });

  it('GIVEN a member of the admin user group THEN configuration is allowed', async () => {
    const answer = await herald(groupMemberId, 'feed list');
    expect(shown(answer)).toContain('Feeds');
    const pause = await herald(groupMemberId, 'feed pause 00000000-0000-0000-0000-000000000000');
    expect(shown(pause)).toContain('No feed matches');
  });

  it('GIVEN a typo in the command THEN the answer says what is wrong and shows the syntax', async () => {
    const answer = await herald(adminId, 'feed add @acme <#C1> colour:blue');
    expect(shown(answer)).toContain('`colour` is not an option of `feed add`');
    expect(shown(answer)).toContain('Example: `/herald feed add');
  });

  it('GIVEN /herald help THEN every command is listed with an example', async () => {
    const help = shown(await herald(memberId, 'help'));
    for (const command of ['social connect', 'feed add', 'feed test', 'herald status'])
      expect(help).toContain(command);
  });

  it.each([
    ['a wrong signature', { secret: 'not-the-secret' }],
    ['a replayed request from 10 minutes ago', { stale: true }],
  ])('GIVEN %s THEN 401 and nothing runs', async (_name, signing) => {
    const before = fake.requestsTo('POST', '/api/users.info').length;
    const sent = await fake.sendSlashCommand({
      url,
      userId: adminId,
      channelId: newsId,
      command: '/herald',
      text: 'feed list',
      ...signing,
    });
    expect(sent.status).toBe(401);
    expect(sent.responseUrl!.posts).toHaveLength(0);
    expect(fake.requestsTo('POST', '/api/users.info').length).toBe(before);
  });

  it('GIVEN Bluesky THEN a modal asks for the app password, and its submission is answered privately', async () => {
    // A form answers with a modal, not on the response URL.
    const asked = await fake.sendSlashCommand({
      url,
      userId: adminId,
      channelId: newsId,
      command: '/herald',
      text: 'social connect bluesky',
    });
    expect(asked.status).toBe(200);
    let modalId: string | undefined;
    await expect
      .poll(() => {
        for (let i = 1; i <= 50; i++) {
          const id = `V${String(i).padStart(10, '0')}`;
          if (fake.view(id)?.view.callback_id === 'connect-bluesky') modalId = id;
        }
        return modalId;
      })
      .toBeDefined();
    const submission = fake.payloads.viewSubmission({
      viewId: modalId!,
      values: {
        handle: { handle: { type: 'plain_text_input', value: 'acme.test' } },
        password: { password: { type: 'plain_text_input', value: '' } },
      },
    });
    const sent = await fake.sendInteraction({ url, payload: submission.payload });
    expect(sent.status).toBe(200);
    await expect
      .poll(() =>
        fake
          .ephemerals({ userId: adminId })
          .map((e) => e.text)
          .join('\n'),
      )
      .toContain('app password are needed');
  });

  it('GIVEN the Home tab opened THEN it is published with the accounts and feeds', async () => {
    const sent = await fake.sendEvent({ url, event: fake.payloads.appHomeOpened({ userId: memberId }) });
    expect(sent.status).toBe(200);
    await expect
      .poll(() => JSON.stringify(fake.homeView(memberId)?.blocks ?? []))
      .toContain('Linked accounts');
  });
});
