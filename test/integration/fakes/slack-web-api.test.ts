/**
 * The Slack fake's Web API contract through the real `WebClient`: token checks per workspace, the
 * errors Herald must handle, triggers and views, user groups, OAuth, response URLs and the Socket
 * Mode ticket. The fake's clock is a variable, so expiry is tested without waiting.
 */
import { WebAPIPlatformError, WebAPIRateLimitedError, WebClient } from '@slack/web-api';
import type { ModalView } from '@slack/types';
import { WebSocket } from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSlackFake, TRIGGER_LIFETIME_MS, type SlackFake } from '../../fakes/slack/index.js';
import { silentLogger } from './slack-harness.js';

let fake: SlackFake;
let clock: number;
let userId: string;
let channelId: string;

beforeEach(async () => {
  clock = Date.parse('2025-03-01T12:00:00Z');
  fake = await startSlackFake({ now: () => clock });
  userId = fake.addUser({ name: 'ann' });
  channelId = fake.addChannel({ name: 'news' });
});

afterEach(async () => {
  await fake.close();
});

// Silent: WebClient logs the `[ERROR]` reasons of `invalid_arguments`, which these tests provoke.
const client = (token = fake.botToken, options: { rejectRateLimitedCalls?: boolean } = {}) =>
  new WebClient(token, {
    slackApiUrl: fake.apiUrl,
    retryConfig: { retries: 0 },
    logger: silentLogger,
    ...options,
  });

/** The `{ ok: false, … }` body WebClient threw for a call Slack refused. */
async function refusal(call: Promise<unknown>): Promise<WebAPIPlatformError['data']> {
  const caught: unknown = await call.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(caught instanceof WebAPIPlatformError))
    throw new Error(`expected a platform error, got ${String(caught)}`);
  return caught.data;
}

const modal: ModalView = { type: 'modal', title: { type: 'plain_text', text: 'Link' }, blocks: [] };

describe('tokens', () => {
  it('GIVEN no token, an unknown one, a revoked one or an uninstalled workspace THEN Slack refuses with the matching error', async () => {
    const revoked = fake.issueToken();
    fake.revokeToken(revoked);
    const other = fake.addWorkspace();
    fake.uninstall(other.id);

    expect(await refusal(new WebClient(undefined, { slackApiUrl: fake.apiUrl }).auth.test())).toMatchObject({
      error: 'not_authed',
    });
    expect(await refusal(client('xoxb-nope').auth.test())).toMatchObject({ error: 'invalid_auth' });
    expect(await refusal(client(revoked).auth.test())).toMatchObject({ error: 'token_revoked' });
    expect(await refusal(client(other.botToken).auth.test())).toMatchObject({ error: 'account_inactive' });
  });

  it('GIVEN the app-level token on a bot method, or a bot token on apps.connections.open THEN not_allowed_token_type', async () => {
    expect(await refusal(client(fake.appToken).auth.test())).toMatchObject({
      error: 'not_allowed_token_type',
    });
    expect(await refusal(client().apps.connections.open())).toMatchObject({
      error: 'not_allowed_token_type',
    });
    expect(await client(fake.appToken).apps.connections.open()).toMatchObject({
      ok: true,
      url: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+\/socket-mode\?ticket=.+&app_id=A0HERALD01$/u),
    });
  });

  it("GIVEN two workspaces THEN each bot sees only its own workspace's channels and users", async () => {
    const other = fake.addWorkspace({ name: 'Acme' });

    expect(await client(other.botToken).auth.test()).toMatchObject({ team_id: other.id, team: 'Acme' });
    expect(await refusal(client(other.botToken).conversations.info({ channel: channelId }))).toMatchObject({
      error: 'channel_not_found',
    });
    expect(await refusal(client(other.botToken).users.info({ user: userId }))).toMatchObject({
      error: 'user_not_found',
    });
  });
});

describe('channels, users and messages', () => {
  it('GIVEN a channel the bot is not in THEN posting is not_in_channel; a private one is invisible', async () => {
    const outside = fake.addChannel({ botIsMember: false });
    const secret = fake.addChannel({ botIsMember: false, isPrivate: true });

    expect(await client().conversations.info({ channel: outside })).toMatchObject({
      channel: { id: outside, is_member: false, is_private: false },
    });
    expect(await refusal(client().chat.postMessage({ channel: outside, text: 'hi' }))).toMatchObject({
      error: 'not_in_channel',
    });
    expect(await refusal(client().conversations.info({ channel: secret }))).toMatchObject({
      error: 'channel_not_found',
    });
  });

  it('GIVEN an ephemeral message for a user outside the channel THEN user_not_in_channel; inside, it is stored for them', async () => {
    const stranger = fake.addUser({ name: 'bob' });
    const closed = fake.addChannel({ members: [userId] });

    const sent = await client().chat.postEphemeral({ channel: closed, user: userId, text: 'psst' });
    const refused = await refusal(
      client().chat.postEphemeral({ channel: closed, user: stranger, text: 'psst' }),
    );

    expect(sent).toMatchObject({ ok: true, message_ts: expect.stringMatching(/^\d+\.\d{6}$/u) });
    expect(refused).toMatchObject({ error: 'user_not_in_channel' });
    expect(fake.ephemerals({ channelId: closed })).toEqual([
      { channel: closed, user: userId, ts: sent.message_ts, text: 'psst', via: 'chat.postEphemeral' },
    ]);
    expect(fake.messages(closed)).toEqual([]);
  });

  it('GIVEN users with roles THEN users.info reports the flags; an unknown user is user_not_found', async () => {
    const owner = fake.addUser({ name: 'olga', isOwner: true, isAdmin: true });
    const guest = fake.addUser({ name: 'gus', isRestricted: true, deleted: true });

    expect(await client().users.info({ user: owner })).toMatchObject({
      user: { id: owner, name: 'olga', is_admin: true, is_owner: true, is_bot: false, deleted: false },
    });
    expect(await client().users.info({ user: guest })).toMatchObject({
      user: { is_restricted: true, deleted: true, is_admin: false },
    });
    expect(await client().users.info({ user: fake.botUserId })).toMatchObject({
      user: { is_bot: true, profile: { bot_id: fake.botId } },
    });
    expect(await refusal(client().users.info({ user: 'U404' }))).toMatchObject({ error: 'user_not_found' });
  });

  it('GIVEN a user group THEN usergroups.users.list lists its members; an unknown one is no_such_subteam', async () => {
    const group = fake.addUserGroup({ handle: 'mods', users: [userId] });

    expect(await client().usergroups.users.list({ usergroup: group })).toMatchObject({
      ok: true,
      users: [userId],
    });
    expect(await refusal(client().usergroups.users.list({ usergroup: 'S404' }))).toMatchObject({
      error: 'no_such_subteam',
    });
  });

  it('GIVEN a rate limit THEN HTTP 429 with Retry-After reaches WebClient as retryAfter', async () => {
    fake.rateLimit(7, { method: 'chat.postMessage' });

    const caught: unknown = await client(fake.botToken, { rejectRateLimitedCalls: true })
      .chat.postMessage({ channel: channelId, text: 'hi' })
      .catch((err: unknown) => err);

    expect(caught).toBeInstanceOf(WebAPIRateLimitedError);
    expect(caught).toMatchObject({ retryAfter: 7 });
  });
});

describe('triggers and views', () => {
  it('GIVEN a trigger THEN views.open takes it once and within 3 s, and refuses unknown ones', async () => {
    const used = fake.issueTrigger(userId);
    const late = fake.issueTrigger(userId);

    const opened = await client().views.open({ trigger_id: used, view: modal });
    const again = await refusal(client().views.open({ trigger_id: used, view: modal }));
    clock += TRIGGER_LIFETIME_MS + 1;
    const expired = await refusal(client().views.open({ trigger_id: late, view: modal }));
    const unknown = await refusal(client().views.open({ trigger_id: '1.2.3', view: modal }));

    expect(opened.view).toMatchObject({
      id: expect.stringMatching(/^V/u),
      type: 'modal',
      team_id: fake.teamId,
    });
    expect(fake.view(opened.view?.id ?? '')?.userId).toBe(userId);
    expect([again.error, expired.error, unknown.error]).toEqual([
      'exchanged_trigger_id',
      'expired_trigger_id',
      'invalid_trigger_id',
    ]);
  });

  it('GIVEN views.publish with a modal or over 100 blocks THEN invalid_arguments; a stale hash is hash_conflict', async () => {
    const tooMany = Array.from({ length: 101 }, () => ({ type: 'divider' as const }));

    const notHome = await refusal(client().views.publish({ user_id: userId, view: modal }));
    const tooBig = await refusal(
      client().views.publish({ user_id: userId, view: { type: 'home', blocks: tooMany } }),
    );
    const first = await client().views.publish({ user_id: userId, view: { type: 'home', blocks: [] } });
    await client().views.publish({ user_id: userId, view: { type: 'home', blocks: [] } });
    const stale = await refusal(
      client().views.publish({ user_id: userId, view: { type: 'home', blocks: [] }, hash: first.view?.hash }),
    );

    expect(notHome).toMatchObject({
      error: 'invalid_arguments',
      response_metadata: { messages: [expect.any(String)] },
    });
    expect(tooBig.response_metadata?.messages).toEqual([expect.stringContaining('at most 100 items')]);
    expect(stale).toMatchObject({ error: 'hash_conflict' });
    expect(fake.homeView(userId)?.id).toBe(first.view?.id);
  });
});

describe('OAuth and response URLs', () => {
  it('GIVEN HTTP Basic client credentials THEN the exchange works; a wrong secret is bad_client_secret', async () => {
    const basic = Buffer.from(`${fake.clientId}:${fake.clientSecret}`).toString('base64');
    const post = (code: string, authorization: string) =>
      fetch(`${fake.apiUrl}oauth.v2.access`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ code }).toString(),
      }).then((response) => response.json() as Promise<Record<string, unknown>>);

    const wrong = await post(
      fake.authorize(fake.teamId),
      `Basic ${Buffer.from(`${fake.clientId}:x`).toString('base64')}`,
    );
    const right = await post(fake.authorize(fake.teamId), `Basic ${basic}`);

    expect(wrong).toEqual({ ok: false, error: 'bad_client_secret' });
    expect(right).toMatchObject({ ok: true, access_token: fake.botToken, team: { id: fake.teamId } });
  });

  it('GIVEN an uninstalled workspace WHEN it installs again THEN the new token works and the old one is revoked', async () => {
    const old = fake.botToken;
    fake.uninstall(fake.teamId);
    const code = fake.authorize(fake.teamId, { userScopes: ['identity.basic'] });

    const installed = await new WebClient(undefined, { slackApiUrl: fake.apiUrl }).oauth.v2.access({
      client_id: fake.clientId,
      client_secret: fake.clientSecret,
      code,
    });

    expect(installed.access_token).not.toBe(old);
    expect(installed.authed_user).toMatchObject({
      token_type: 'user',
      access_token: expect.stringMatching(/^xoxp-/u),
    });
    expect(await client(installed.access_token).auth.test()).toMatchObject({ team_id: fake.teamId });
    expect(await refusal(client(old).auth.test())).toMatchObject({ error: 'token_revoked' });
  });

  it('GIVEN a response URL THEN in_channel posts to the channel, five posts are allowed, and it expires after 30 minutes', async () => {
    const { responseUrl } = fake.payloads.slashCommand({ userId, channelId });
    const url = responseUrl?.url ?? '';
    const post = (body: object) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1)
      statuses.push((await post({ response_type: 'in_channel', text: `#${i}` })).status);
    const used = await (await post({ text: 'late' })).json();

    expect(statuses).toEqual([200, 200, 200, 200, 200, 404]);
    expect(used).toEqual({ ok: false, error: 'used_url' });
    expect(fake.messages(channelId).map((message) => message.text)).toEqual(['#0', '#1', '#2', '#3', '#4']);
    const fresh = fake.payloads.slashCommand({ userId, channelId }).responseUrl?.url ?? '';
    clock += 30 * 60_000 + 1;
    const expired = await fetch(fresh, { method: 'POST', body: JSON.stringify({ text: 'x' }) });
    expect(expired.status).toBe(404);
  });
});

describe('Socket Mode URL', () => {
  it('GIVEN a URL from apps.connections.open THEN it greets one connection with hello and refuses a second', async () => {
    const { url = '' } = await client(fake.appToken).apps.connections.open();
    const first = new WebSocket(url);
    const hello = await new Promise<unknown>((resolve) =>
      first.once('message', (data) => resolve(JSON.parse(String(data)))),
    );
    const second = new WebSocket(url);
    const status = await new Promise<number | undefined>((resolve) => {
      second.once('unexpected-response', (_request, response) => resolve(response.statusCode));
      second.once('error', () => resolve(undefined));
    });

    expect(hello).toMatchObject({
      type: 'hello',
      num_connections: 1,
      connection_info: { app_id: fake.appId },
      debug_info: { host: expect.any(String) },
    });
    expect(status).toBe(401);
    first.close();
    await fake.socketMode.disconnected();
  });
});
