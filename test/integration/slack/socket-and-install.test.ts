/**
 * Herald's Slack app in Socket Mode (no public URL), and "Add to Slack" installs on Herald's web
 * server storing each workspace's bot token encrypted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareSlack } from '../../../bot/runtime.js';
import { startHttpServer } from '../../../bot/http/server.js';
import { createKeyring } from '../../../core/crypto.js';
import { findSlackInstall } from '../../../core/slack-installations.js';
import { createProviderRegistry, type ProviderRegistry } from '../../../social/registry.js';
import { startSlackFake, type SlackFake } from '../../fakes/slack/index.js';
import { TEST_KEY, testConfig } from '../../support/config.js';
import { createTestDatabase, testLogger, type TestDatabase } from '../../support/database.js';
import { freePort } from '../../support/herald-process.js';

const keyring = createKeyring(Buffer.from(TEST_KEY, 'base64'));

describe('the Slack app beyond HTTP mode', () => {
  let db: TestDatabase;
  let fake: SlackFake;
  const registries: ProviderRegistry[] = [];
  beforeAll(async () => {
    [db, fake] = await Promise.all([createTestDatabase(), startSlackFake()]);
  });
  afterAll(async () => {
    await Promise.all(registries.map((r) => r.close()));
    await fake?.close();
    await db?.drop();
  });

  const adapter = (env: Record<string, string>) => {
    const config = testConfig({ SLACK_API_URL: fake.apiUrl, ...env });
    const registry = createProviderRegistry(config);
    registries.push(registry);
    return { config, slack: prepareSlack(config, { pool: db.pool, keyring, registry, logger: testLogger })! };
  };

  it('GIVEN Socket Mode THEN Herald connects without a public URL and answers /herald over the socket', async () => {
    const { slack } = adapter({ SLACK_BOT_TOKEN: fake.botToken, SLACK_APP_TOKEN: fake.appToken });
    expect(slack.mode).toBe('socket');
    expect(slack.routes).toEqual([]);
    await slack.start();
    try {
      await fake.socketMode.connected();
      const userId = fake.addUser({ name: 'ann', isOwner: true });
      const channelId = fake.addChannel({ name: 'general' });
      const delivery = await fake.socketMode.sendSlashCommand({
        userId,
        channelId,
        command: '/herald',
        text: 'feed list',
      });
      expect(delivery.ack).toMatchObject({ envelope_id: expect.any(String) });
      const answer = await delivery.responseUrl!.post();
      expect(answer.responseType).toBe('ephemeral');
      expect(`${answer.text}`).toContain('No feeds');
    } finally {
      await slack.stop();
      await fake.socketMode.disconnected();
    }
  });

  it('GIVEN client id and secret THEN "Add to Slack" on Herald’s web server stores the workspace’s token, encrypted', async () => {
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    const { slack } = adapter({
      SLACK_SIGNING_SECRET: fake.signingSecret,
      SLACK_CLIENT_ID: fake.clientId,
      SLACK_CLIENT_SECRET: fake.clientSecret,
      HERALD_PUBLIC_URL: publicUrl,
    });
    expect(slack.routes.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /slack/events',
      'GET /slack/install',
      'GET /slack/oauth_redirect',
    ]);
    const http = await startHttpServer({ port, host: '127.0.0.1', routes: slack.routes, logger: testLogger });
    try {
      const install = await fetch(`${publicUrl}/slack/install`, { redirect: 'manual' });
      expect(install.status).toBe(302);
      const authorizeUrl = new URL(install.headers.get('location')!);
      expect(authorizeUrl.searchParams.get('client_id')).toBe(fake.clientId);
      expect(authorizeUrl.searchParams.get('scope')).toContain('commands');
      expect(authorizeUrl.searchParams.get('redirect_uri')).toBe(`${publicUrl}/slack/oauth_redirect`);
      const state = authorizeUrl.searchParams.get('state')!;
      const cookie = install.headers.get('set-cookie')!.split(';')[0]!;

      const workspace = fake.addWorkspace({ name: 'Beta Co' });
      const code = fake.authorize(workspace.id, { redirectUri: `${publicUrl}/slack/oauth_redirect` });
      const callback = await fetch(`${publicUrl}/slack/oauth_redirect?code=${code}&state=${state}`, {
        headers: { cookie },
        redirect: 'manual',
      });
      expect(callback.status).toBeLessThan(400);

      const stored = await findSlackInstall(db.pool, keyring, workspace.id);
      expect(stored).toMatchObject({ teamName: 'Beta Co', botToken: fake.workspace(workspace.id).botToken });
      const raw = await db.pool.query<{ bot_token_enc: string }>(
        `SELECT bot_token_enc FROM tenants WHERE chat_platform = 'slack' AND external_id = $1`,
        [workspace.id],
      );
      expect(raw.rows[0]!.bot_token_enc).not.toContain('xoxb');

      // A replayed callback (same code, same state) changes nothing and fails.
      const again = await fetch(`${publicUrl}/slack/oauth_redirect?code=${code}&state=${state}`, {
        headers: { cookie },
      });
      expect(again.status).toBeGreaterThanOrEqual(400);
    } finally {
      await http.close();
    }
  });
});
