import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { socialPostSchema } from '../../../core/social-post.js';
import { toSlackMessage } from '../../../embeds/index.js';
import {
  SendError,
  type ChatPayload,
  type FindRequest,
  type SendRequest,
} from '../../../worker/delivery/chat-sender.js';
import {
  SLACK_DELIVERY_EVENT_TYPE,
  createSlackSender,
  type SlackSenderOptions,
} from '../../../worker/delivery/slack-sender.js';
import { startSlackApiFake, type SlackApiFake } from '../../fakes/slack-api.js';

const DELIVERY = 'feed-7:post-42';
const MARKER = { event_type: SLACK_DELIVERY_EVENT_TYPE, event_payload: { delivery: DELIVERY } };
const PERMALINK = 'https://x.com/ann/status/1';
const MINUTE = 60_000;

const rendered = toSlackMessage(
  socialPostSchema.parse({
    platform: 'x',
    platformId: '1',
    permalink: PERMALINK,
    author: { id: '1', displayName: 'Ann Lee', handle: 'ann' },
    text: 'Shipping today <!channel> & <@U024BE7LH>',
    createdAt: '2024-05-01T14:30:00Z',
    kind: 'post',
    hashtags: [],
    links: [],
    media: [],
    metrics: {},
  }),
);
const payload: ChatPayload = rendered;

let fake: SlackApiFake;
let channel: string;

beforeEach(async () => {
  fake = await startSlackApiFake();
  channel = fake.addChannel({ name: 'news' });
});

afterEach(async () => {
  await fake.close();
});

function sender(options: Partial<SlackSenderOptions> = {}) {
  return createSlackSender({ botToken: fake.botToken, apiUrl: fake.apiUrl, ...options });
}

const sendRequest = (overrides: Partial<SendRequest> = {}): SendRequest => ({
  channelId: channel,
  payload,
  deliveryKey: DELIVERY,
  permalink: PERMALINK,
  ...overrides,
});

const findRequest = (after: Date, overrides: Partial<FindRequest> = {}): FindRequest => ({
  channelId: channel,
  deliveryKey: DELIVERY,
  permalink: PERMALINK,
  after,
  ...overrides,
});

async function failure(promise: Promise<unknown>): Promise<SendError> {
  const caught = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(caught).toBeInstanceOf(SendError);
  return caught as SendError;
}

const posts = () => fake.requestsTo('POST', '/api/chat.postMessage');
const historyReads = () => fake.requestsTo('POST', '/api/conversations.history');

describe('Slack send', () => {
  it('GIVEN a rendered post THEN one form-encoded chat.postMessage carries the token, channel, blocks, no unfurls and the delivery marker', async () => {
    const sent = await sender().send(sendRequest());

    expect(posts()).toHaveLength(1);
    const [request] = posts();
    expect(request?.headers.authorization).toBe(`Bearer ${fake.botToken}`);
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = request?.form();
    expect(form?.get('channel')).toBe(channel);
    expect(form?.get('text')).toBe(rendered.text);
    expect(JSON.parse(form?.get('blocks') ?? 'null')).toEqual(rendered.blocks);
    expect(form?.get('unfurl_links')).toBe('false');
    expect(form?.get('unfurl_media')).toBe('false');
    expect(JSON.parse(form?.get('metadata') ?? 'null')).toEqual(MARKER);
    expect(request?.text()).not.toMatch(/<!channel>|<@U024BE7LH>/u);
    expect(fake.messages(channel)).toEqual([
      expect.objectContaining({ ts: sent.messageId, metadata: MARKER }),
    ]);
  });

  it("GIVEN a payload with its own channel, metadata and unfurls THEN the sender's channel, marker and no-unfurl win", async () => {
    const other = fake.addChannel();
    const loud = {
      ...rendered,
      channel: other,
      unfurl_links: true,
      metadata: { event_type: 'x', event_payload: {} },
    };

    await sender().send(sendRequest({ payload: loud }));

    const form = posts()[0]?.form();
    expect(form?.get('channel')).toBe(channel);
    expect(form?.get('unfurl_links')).toBe('false');
    expect(JSON.parse(form?.get('metadata') ?? 'null')).toEqual(MARKER);
    expect(fake.messages(other)).toEqual([]);
  });

  it('GIVEN two sends THEN each returns its message ts and the second ts is later', async () => {
    const first = await sender().send(sendRequest({ deliveryKey: 'a' }));
    const second = await sender().send(sendRequest({ deliveryKey: 'b' }));

    expect(first.messageId).toMatch(/^\d{10}\.\d{6}$/u);
    expect(Number(second.messageId)).toBeGreaterThan(Number(first.messageId));
    expect(fake.messages(channel).map((message) => message.ts)).toEqual([first.messageId, second.messageId]);
  });
});

describe('Slack send failures', () => {
  it('GIVEN HTTP 429 with Retry-After: 7 THEN retry-later after 7000 ms, with one request and no wait', async () => {
    fake.rateLimit(7, { method: 'chat.postMessage' });

    const err = await failure(sender().send(sendRequest()));

    expect(err).toMatchObject({ kind: 'retry-later', retryAfterMs: 7000, platformCode: 'ratelimited' });
    expect(posts()).toHaveLength(1);
    expect(fake.messages(channel)).toEqual([]);
  });

  it("GIVEN Slack's per-channel posting limit THEN the second post in one second is retry-later after 1 s", async () => {
    await fake.close();
    fake = await startSlackApiFake({ now: () => Date.parse('2025-01-01T00:00:00.250Z') });
    channel = fake.addChannel();
    fake.limitPostsPerChannel(1);

    await sender().send(sendRequest({ deliveryKey: 'a' }));
    const err = await failure(sender().send(sendRequest({ deliveryKey: 'b' })));

    expect(err).toMatchObject({ kind: 'retry-later', retryAfterMs: 1000, platformCode: 'ratelimited' });
    expect(fake.messages(channel)).toHaveLength(1);
  });

  it.each([500, 502, 503])(
    'GIVEN HTTP %i THEN retry-later, and exactly one request reached Slack (no WebClient retry)',
    async (status) => {
      fake.serverError(status, { method: 'chat.postMessage', times: 3 });

      const err = await failure(sender().send(sendRequest()));

      expect(err.kind).toBe('retry-later');
      expect(err.message).toContain(`HTTP ${status}`);
      expect(posts()).toHaveLength(1);
    },
  );

  it.each([
    ['is_archived', { archived: true }],
    ['not_in_channel', { botIsMember: false }],
    ['restricted_action', { postingRestricted: true }],
  ] as const)('GIVEN Slack answers %s THEN channel-unavailable with that code', async (code, state) => {
    fake.updateChannel(channel, state);

    const err = await failure(sender().send(sendRequest()));

    expect(err).toMatchObject({ kind: 'channel-unavailable', platformCode: code });
    expect(posts()).toHaveLength(1);
  });

  it('GIVEN a channel Slack does not know THEN channel-unavailable with channel_not_found', async () => {
    const err = await failure(sender().send(sendRequest({ channelId: 'C0DELETED00' })));

    expect(err).toMatchObject({ kind: 'channel-unavailable', platformCode: 'channel_not_found' });
  });

  it.each([
    ['invalid_auth', () => 'xoxb-not-a-token'],
    ['token_revoked', () => (fake.revokeToken(fake.botToken), fake.botToken)],
    ['not_authed', () => ''],
  ])('GIVEN the token draws %s THEN unauthorized', async (code, token) => {
    const err = await failure(sender({ botToken: token() }).send(sendRequest()));

    expect(err).toMatchObject({ kind: 'unauthorized', platformCode: code });
    expect(fake.messages(channel)).toEqual([]);
  });

  it.each(['missing_scope', 'account_inactive', 'team_access_not_granted'])(
    'GIVEN Slack answers %s THEN unauthorized',
    async (code) => {
      fake.platformError(code, { method: 'chat.postMessage', extra: { needed: 'chat:write' } });

      const err = await failure(sender().send(sendRequest()));

      expect(err).toMatchObject({ kind: 'unauthorized', platformCode: code });
    },
  );

  it('GIVEN blocks Slack cannot read THEN rejected with invalid_blocks', async () => {
    const err = await failure(
      sender().send(sendRequest({ payload: { text: 'x', blocks: [{ text: 'no type' }] } })),
    );

    expect(err).toMatchObject({ kind: 'rejected', platformCode: 'invalid_blocks' });
  });

  it('GIVEN text over 40,000 characters THEN rejected with msg_too_long', async () => {
    const err = await failure(sender().send(sendRequest({ payload: { text: 'a'.repeat(40_001) } })));

    expect(err).toMatchObject({ kind: 'rejected', platformCode: 'msg_too_long' });
  });

  it('GIVEN Slack answers invalid_metadata_format THEN rejected', async () => {
    fake.platformError('invalid_metadata_format', { method: 'chat.postMessage' });

    const err = await failure(sender().send(sendRequest()));

    expect(err).toMatchObject({ kind: 'rejected', platformCode: 'invalid_metadata_format' });
  });

  it('GIVEN HTTP 400 without a Slack body THEN rejected', async () => {
    fake.serverError(400, { method: 'chat.postMessage' });

    const err = await failure(sender().send(sendRequest()));

    expect(err).toMatchObject({ kind: 'rejected', platformCode: undefined });
  });

  it.each(['internal_error', 'fatal_error', 'service_unavailable'])(
    'GIVEN Slack answers %s THEN retry-later with that code',
    async (code) => {
      fake.platformError(code, { method: 'chat.postMessage' });

      const err = await failure(sender().send(sendRequest()));

      expect(err).toMatchObject({ kind: 'retry-later', platformCode: code });
    },
  );

  it('GIVEN Slack is slower than timeoutMs THEN retry-later after one request', async () => {
    // A timeout long enough for the request to reach the fake on a loaded machine.
    fake.slow(5_000, { method: 'chat.postMessage' });

    const err = await failure(sender({ timeoutMs: 1_000 }).send(sendRequest()));

    expect(err.kind).toBe('retry-later');
    expect(posts()).toHaveLength(1);
  });

  it('GIVEN the connection drops THEN retry-later after one request', async () => {
    fake.drop({ method: 'chat.postMessage' });

    const err = await failure(sender().send(sendRequest()));

    expect(err.kind).toBe('retry-later');
    expect(posts()).toHaveLength(1);
  });

  it.each(['{"ok":tru', '{"ok":true}'])(
    'GIVEN the 200 body %s THEN retry-later, not rejected',
    async (body) => {
      fake.malformed(body, { method: 'chat.postMessage' });

      const err = await failure(sender().send(sendRequest()));

      expect(err).toMatchObject({ kind: 'retry-later', platformCode: undefined });
    },
  );
});

describe('Slack findSent', () => {
  it('GIVEN Herald posted the message and crashed before recording it THEN findSent returns its ts', async () => {
    const after = new Date();
    const sent = await sender().send(sendRequest());

    const found = await sender().findSent(findRequest(after));

    expect(found).toEqual({ messageId: sent.messageId });
    const form = historyReads()[0]?.form();
    expect(form?.get('channel')).toBe(channel);
    expect(form?.get('include_all_metadata')).toBe('true');
    expect(form?.get('limit')).toBe('100');
    expect(form?.get('oldest')).toMatch(/^\d{10}\.\d{6}$/u);
    expect(historyReads()[0]?.headers.authorization).toBe(`Bearer ${fake.botToken}`);
  });

  it("GIVEN only other deliveries' and people's messages THEN findSent returns undefined", async () => {
    const after = new Date();
    await sender().send(sendRequest({ deliveryKey: 'feed-7:post-41' }));
    fake.addMessage(channel, { text: DELIVERY, byUser: 'U024BE7LH' });

    expect(await sender().findSent(findRequest(after))).toBeUndefined();
  });

  it("GIVEN this delivery's message is older than `after` THEN findSent returns undefined", async () => {
    const after = new Date();
    const old = fake.addMessage(channel, { metadata: MARKER, at: new Date(after.getTime() - 10 * MINUTE) });

    expect(await sender().findSent(findRequest(after))).toBeUndefined();
    const earlier = new Date(after.getTime() - 20 * MINUTE);
    expect(await sender().findSent(findRequest(earlier))).toEqual({ messageId: old.ts });
  });

  it("GIVEN the message's ts is a few seconds before `after` (clock skew) THEN findSent still finds it", async () => {
    const after = new Date();
    const message = fake.addMessage(channel, { metadata: MARKER, at: new Date(after.getTime() - 5000) });

    expect(await sender().findSent(findRequest(after))).toEqual({ messageId: message.ts });
    expect(await sender({ clockSkewMs: 0 }).findSent(findRequest(after))).toBeUndefined();
  });

  it('GIVEN the message lies behind 150 newer ones THEN findSent follows next_cursor to the second page', async () => {
    const after = new Date();
    const sent = await sender().send(sendRequest());
    for (let i = 0; i < 150; i += 1) fake.addMessage(channel, { text: `later ${i}` });

    expect(await sender().findSent(findRequest(after))).toEqual({ messageId: sent.messageId });
    expect(historyReads()).toHaveLength(2);
    expect(historyReads()[1]?.form().get('cursor')).toBeTruthy();
  });

  it('GIVEN more history than maxHistoryPages THEN findSent stops after that many pages', async () => {
    const after = new Date();
    await sender().send(sendRequest());
    for (let i = 0; i < 250; i += 1) fake.addMessage(channel, { text: `later ${i}` });

    expect(await sender({ maxHistoryPages: 2 }).findSent(findRequest(after))).toBeUndefined();
    expect(historyReads()).toHaveLength(2);
  });

  it('GIVEN history answers a body that is not Slack JSON THEN findSent fails retry-later', async () => {
    fake.malformed('<html>', { method: 'conversations.history' });

    const err = await failure(sender().findSent(findRequest(new Date())));

    expect(err).toMatchObject({ kind: 'retry-later', platformCode: undefined });
  });

  it('GIVEN the bot cannot read the channel THEN findSent fails channel-unavailable', async () => {
    fake.updateChannel(channel, { botIsMember: false });

    const err = await failure(sender().findSent(findRequest(new Date())));

    expect(err).toMatchObject({ kind: 'channel-unavailable', platformCode: 'not_in_channel' });
  });

  it('GIVEN history is rate-limited THEN findSent fails retry-later with Retry-After, after one request', async () => {
    fake.rateLimit(30, { method: 'conversations.history' });

    const err = await failure(sender().findSent(findRequest(new Date())));

    expect(err).toMatchObject({ kind: 'retry-later', retryAfterMs: 30_000 });
    expect(historyReads()).toHaveLength(1);
  });
});

describe('fake Slack Web API', () => {
  const call = (method: string, body: string, headers: Record<string, string>) =>
    fetch(`${fake.apiUrl}${method}`, { method: 'POST', body, headers }).then(
      async (response) => [response.status, await response.json()] as const,
    );
  const form = { 'content-type': 'application/x-www-form-urlencoded' };

  it('GIVEN history without include_all_metadata THEN messages come without their metadata', async () => {
    fake.addMessage(channel, { text: 'hi', metadata: MARKER });
    const auth = { authorization: `Bearer ${fake.botToken}` };

    const [, plain] = await call('conversations.history', `channel=${channel}`, { ...form, ...auth });
    const [, full] = await call('conversations.history', `channel=${channel}&include_all_metadata=true`, {
      ...form,
      ...auth,
    });

    expect(plain).toMatchObject({ ok: true, has_more: false, messages: [{ text: 'hi' }] });
    expect(plain).not.toHaveProperty('messages.0.metadata');
    expect(full).toMatchObject({ messages: [{ text: 'hi', metadata: MARKER }] });
  });

  it('GIVEN a JSON body with a Bearer token THEN chat.postMessage posts; an unknown method answers unknown_method', async () => {
    const headers = {
      'content-type': 'application/json; charset=utf-8',
      authorization: `Bearer ${fake.botToken}`,
    };

    const [status, posted] = await call('chat.postMessage', JSON.stringify({ channel, text: 'hi' }), headers);
    const [, unknown] = await call('chat.nope', '{}', headers);

    expect(status).toBe(200);
    expect(posted).toMatchObject({ ok: true, channel, message: { text: 'hi', bot_id: expect.any(String) } });
    expect(unknown).toEqual({ ok: false, error: 'unknown_method', req_method: 'chat.nope' });
  });

  it('GIVEN a token in the form body instead of the header THEN auth.test accepts it', async () => {
    const [, answer] = await call('auth.test', `token=${fake.botToken}`, form);

    expect(answer).toMatchObject({ ok: true, team_id: fake.teamId, user_id: fake.botUserId });
  });
});
