/**
 * A real `@slack/bolt` app against the Slack fake: the fake acts as Slack in HTTP mode (signed
 * requests to Bolt's receiver) and Socket Mode (a WebSocket from `apps.connections.open`), and serves
 * the Web API calls the app's listeners make. No Herald code: this proves the fake is Slack enough.
 */
import type { ModalView } from '@slack/types';
import { WebClient, type WebAPIPlatformError } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSlackFake, type SlackFake } from '../../fakes/slack/index.js';
import { deferred, startHttpApp, startSocketModeApp, type BoltHarness } from './slack-harness.js';

const modal: ModalView = {
  type: 'modal',
  callback_id: 'link',
  title: { type: 'plain_text', text: 'Link an account' },
  submit: { type: 'plain_text', text: 'Link' },
  blocks: [
    {
      type: 'input',
      block_id: 'handle',
      label: { type: 'plain_text', text: 'Handle' },
      element: { type: 'plain_text_input', action_id: 'value' },
    },
  ],
};

let fake: SlackFake;
let harness: BoltHarness | undefined;
let userId: string;
let channelId: string;

beforeEach(async () => {
  fake = await startSlackFake();
  userId = fake.addUser({ name: 'ann', isAdmin: true });
  channelId = fake.addChannel({ name: 'news' });
});

afterEach(async () => {
  await harness?.stop();
  harness = undefined;
  await fake.close();
});

describe('Bolt in HTTP mode', () => {
  it('GIVEN a signed /herald command THEN the listener acks, respond() reaches the response_url, and postEphemeral and views.open work', async () => {
    const done = deferred<string>();
    harness = await startHttpApp(fake, (app) =>
      app.command('/herald', async ({ command, ack, respond, client }) => {
        await ack({ response_type: 'ephemeral', text: 'Queued' });
        await respond({ text: `You said: ${command.text}` });
        await client.chat.postEphemeral({
          channel: command.channel_id,
          user: command.user_id,
          text: 'Just you',
        });
        const opened = await client.views.open({ trigger_id: command.trigger_id, view: modal });
        done.resolve(opened.view?.id ?? '');
      }),
    );

    const sent = await fake.sendSlashCommand({
      url: harness.url,
      userId,
      channelId,
      text: 'link bluesky @ann',
    });

    expect(sent.status).toBe(200);
    expect(sent.json()).toEqual({ response_type: 'ephemeral', text: 'Queued' });
    const viewId = await done.promise;
    expect(await sent.responseUrl?.post()).toMatchObject({
      text: 'You said: link bluesky @ann',
      responseType: 'ephemeral',
    });
    expect(fake.ephemerals({ channelId, userId }).map(({ text, via }) => ({ text, via }))).toEqual([
      { text: 'You said: link bluesky @ann', via: 'response_url' },
      { text: 'Just you', via: 'chat.postEphemeral' },
    ]);
    expect(fake.view(viewId)).toMatchObject({ userId, view: { type: 'modal', callback_id: 'link' } });
    expect(harness.errors).toEqual([]);
  });

  it('GIVEN the form Slack posts THEN Bolt parses every field of the command', async () => {
    const received = deferred<Record<string, unknown>>();
    harness = await startHttpApp(fake, (app) =>
      app.command('/herald', async ({ command, ack }) => {
        await ack();
        received.resolve({ ...command });
      }),
    );

    const sent = await fake.sendSlashCommand({ url: harness.url, userId, channelId, text: 'a+b & c=d' });

    expect(sent.status).toBe(200);
    expect(await received.promise).toEqual({ ...sent.payload });
    expect(sent.payload).toMatchObject({
      team_id: fake.teamId,
      user_name: 'ann',
      channel_name: 'news',
      text: 'a+b & c=d',
    });
  });

  it.each([
    ['signed with the wrong secret', { secret: 'not-the-signing-secret' }],
    ['signed six minutes ago', { stale: true }],
    ['not signed', { unsigned: true }],
  ])('GIVEN a command %s THEN Bolt answers 401 and the listener never runs', async (_case, signing) => {
    let runs = 0;
    harness = await startHttpApp(fake, (app) =>
      app.command('/herald', async ({ ack }) => {
        runs += 1;
        await ack();
      }),
    );

    const sent = await fake.sendSlashCommand({ url: harness.url, userId, channelId, ...signing });

    expect(sent.status).toBe(401);
    expect(runs).toBe(0);
  });

  it('GIVEN a form content type with a charset THEN Bolt cannot parse it (400): the fake sends the exact type', async () => {
    harness = await startHttpApp(fake, () => undefined);
    const form = new URLSearchParams({ command: '/herald', text: '' }).toString();
    const contentType = 'application/x-www-form-urlencoded; charset=utf-8';

    const sent = await fake.signedRequest({ url: harness.url, body: form, contentType });

    expect(sent.status).toBe(400);
  });

  it('GIVEN the url_verification challenge THEN Bolt echoes it', async () => {
    harness = await startHttpApp(fake, () => undefined);

    const sent = await fake.sendUrlVerification({ url: harness.url, challenge: 'abc123' });

    expect(sent.status).toBe(200);
    expect(sent.json()).toEqual({ challenge: 'abc123' });
  });

  it('GIVEN the user opens the Home tab THEN app_home_opened reaches the app and views.publish stores the view', async () => {
    const published = deferred<void>();
    harness = await startHttpApp(fake, (app) =>
      app.event('app_home_opened', async ({ event, client }) => {
        const blocks = [
          { type: 'section' as const, text: { type: 'mrkdwn' as const, text: `Hi <@${event.user}>` } },
        ];
        await client.views.publish({ user_id: event.user, view: { type: 'home', blocks } });
        published.resolve();
      }),
    );

    const sent = await fake.sendEvent({ url: harness.url, event: fake.payloads.appHomeOpened({ userId }) });

    expect(sent.status).toBe(200);
    await published.promise;
    expect(fake.homeView(userId)).toMatchObject({
      type: 'home',
      team_id: fake.teamId,
      blocks: [{ type: 'section', text: { text: `Hi <@${userId}>` } }],
    });
  });

  it('GIVEN a button on a bot message THEN the action arrives and replace_original rewrites the message', async () => {
    const message = fake.addMessage(channelId, { text: 'Publish this post?' });
    harness = await startHttpApp(fake, (app) =>
      app.action('approve', async ({ ack, respond, action }) => {
        await ack();
        await respond({ replace_original: true, text: `Approved ${'value' in action ? action.value : ''}` });
      }),
    );
    const issued = fake.payloads.blockActions({
      userId,
      channelId,
      messageTs: message.ts,
      actionId: 'approve',
      value: 'post-7',
    });

    const sent = await fake.sendInteraction({ url: harness.url, payload: issued.payload });

    expect(sent.status).toBe(200);
    expect(await issued.responseUrl?.post()).toMatchObject({ replaceOriginal: true });
    expect(fake.messages(channelId)).toEqual([
      expect.objectContaining({ ts: message.ts, text: 'Approved post-7' }),
    ]);
  });

  it('GIVEN a modal the app opened WHEN the user submits it THEN view_submission carries the values', async () => {
    const opened = deferred<string>();
    const submitted = deferred<unknown>();
    harness = await startHttpApp(fake, (app) => {
      app.command('/herald', async ({ ack, client, command }) => {
        await ack();
        const result = await client.views.open({ trigger_id: command.trigger_id, view: modal });
        opened.resolve(result.view?.id ?? '');
      });
      app.view('link', async ({ ack, view }) => {
        await ack();
        submitted.resolve(view.state.values);
      });
    });
    await fake.sendSlashCommand({ url: harness.url, userId, channelId });
    const viewId = await opened.promise;
    const values = { handle: { value: { type: 'plain_text_input', value: '@ann.bsky.social' } } };

    const sent = await fake.sendInteraction({
      url: harness.url,
      payload: fake.payloads.viewSubmission({ viewId, values }).payload,
    });

    expect(sent.status).toBe(200);
    expect(await submitted.promise).toEqual(values);
  });
});

describe('Bolt in Socket Mode', () => {
  it('GIVEN socketMode with the app token THEN the app connects, gets a slash command envelope and acks it', async () => {
    harness = await startSocketModeApp(fake, (app) =>
      app.command('/herald', async ({ command, ack }) => {
        await ack({ text: `Got ${command.text}` });
      }),
    );

    const delivery = await fake.socketMode.sendSlashCommand({ userId, channelId, text: 'status' });

    expect(fake.requestsTo('POST', '/api/apps.connections.open')[0]?.headers.authorization).toBe(
      `Bearer ${fake.appToken}`,
    );
    expect(delivery.ack).toEqual({ envelope_id: expect.any(String), payload: { text: 'Got status' } });
    expect(harness.errors).toEqual([]);
  });

  it('GIVEN an events_api envelope THEN the app acks it and its listener calls the Web API', async () => {
    const published = deferred<void>();
    harness = await startSocketModeApp(fake, (app) =>
      app.event('app_home_opened', async ({ event, client }) => {
        await client.views.publish({ user_id: event.user, view: { type: 'home', blocks: [] } });
        published.resolve();
      }),
    );

    const { ack } = await fake.socketMode.sendEvent(fake.payloads.appHomeOpened({ userId }));

    expect(ack.envelope_id).toEqual(expect.any(String));
    await published.promise;
    expect(fake.homeView(userId)?.type).toBe('home');
  });

  it('GIVEN a disconnect with refresh_requested THEN the client reconnects with a new URL and keeps acking', async () => {
    harness = await startSocketModeApp(fake, (app) => app.command('/herald', async ({ ack }) => ack()), {
      reconnectAfterMs: 1_500,
    });

    fake.socketMode.requestDisconnect('refresh_requested');
    await fake.socketMode.disconnected();
    await fake.socketMode.connected();
    const delivery = await fake.socketMode.sendSlashCommand({ userId, channelId });

    // The first socket closed and a later one, from a fresh apps.connections.open, took the envelope.
    const connections = fake.socketMode.connections();
    expect(connections[0]?.open).toBe(false);
    expect(connections.at(-1)?.open).toBe(true);
    expect(fake.requestsTo('POST', '/api/apps.connections.open').length).toBe(connections.length);
    expect(delivery.ack.envelope_id).toEqual(expect.any(String));
  });
});

describe('OAuth v2 install through WebClient', () => {
  const client = () => new WebClient(undefined, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });

  it("GIVEN a code from authorize THEN oauth.v2.access returns the workspace's bot token; the same code again is invalid_code", async () => {
    const other = fake.addWorkspace({ name: 'Acme' });
    const code = fake.authorize(other.id);
    const credentials = { client_id: fake.clientId, client_secret: fake.clientSecret, code };

    const installed = await client().oauth.v2.access(credentials);
    const again = await client()
      .oauth.v2.access(credentials)
      .catch((error: WebAPIPlatformError) => error.data);

    expect(installed).toMatchObject({
      ok: true,
      access_token: other.botToken,
      token_type: 'bot',
      bot_user_id: other.botUserId,
      app_id: fake.appId,
      team: { id: other.id, name: 'Acme' },
      enterprise: null,
      authed_user: { id: expect.any(String) },
      is_enterprise_install: false,
    });
    expect(again).toMatchObject({ ok: false, error: 'invalid_code' });
    const auth = await new WebClient(installed.access_token, { slackApiUrl: fake.apiUrl }).auth.test();
    expect(auth).toMatchObject({ team_id: other.id, user_id: other.botUserId, bot_id: other.botId });
  });
});
