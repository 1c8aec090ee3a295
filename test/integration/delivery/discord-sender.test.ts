import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { socialPostSchema } from '../../../core/social-post.js';
import { toDiscordMessage } from '../../../embeds/index.js';
import { SendError, type SendRequest } from '../../../worker/delivery/chat-sender.js';
import {
  createDiscordSender,
  discordNonce,
  snowflakeAt,
  type DiscordSender,
  type DiscordSenderOptions,
} from '../../../worker/delivery/discord-sender.js';
import { startDiscordRestFake, type DiscordRestFake } from '../../fakes/discord-rest.js';

const PERMALINK = 'https://x.com/ann/status/1790000000000000001';
const ROLE = '222222222222222222';
const MESSAGES = '/api/v10/channels/:id/messages';

let fake: DiscordRestFake;
let channel: string;
const senders: DiscordSender[] = [];

function sender(options: Partial<DiscordSenderOptions> = {}): DiscordSender {
  const created = createDiscordSender({ token: fake.token, apiUrl: fake.apiUrl, ...options });
  senders.push(created);
  return created;
}

function payload(permalink = PERMALINK, mentionRoleId?: string) {
  const post = socialPostSchema.parse({
    platform: 'x',
    platformId: permalink.split('/').at(-1),
    permalink,
    author: { id: '1', displayName: 'Ann Lee', handle: 'ann' },
    text: 'hello @everyone <@&222222222222222222>',
    createdAt: '2025-05-01T14:30:00Z',
    kind: 'post',
    hashtags: [],
    links: [],
    media: [],
    metrics: {},
  });
  return toDiscordMessage(post, mentionRoleId === undefined ? {} : { mentionRoleId });
}

function request(overrides: Partial<SendRequest> = {}): SendRequest {
  return {
    channelId: channel,
    payload: payload(),
    deliveryKey: 'delivery-1',
    permalink: PERMALINK,
    ...overrides,
  };
}

async function failure(promise: Promise<unknown>): Promise<SendError> {
  const err = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(err).toBeInstanceOf(SendError);
  return err as SendError;
}

const posts = () => fake.requestsTo('POST', MESSAGES);
const reads = () => fake.requestsTo('GET', MESSAGES);

beforeEach(async () => {
  fake = await startDiscordRestFake();
  channel = fake.addChannel();
});

afterEach(async () => {
  for (const created of senders.splice(0)) created.close();
  await fake.close();
});

describe('Discord send', () => {
  it('GIVEN a rendered post THEN Discord gets it as rendered, with the delivery nonce, enforce_nonce and the bot token', async () => {
    const rendered = payload(PERMALINK, ROLE);
    const sent = await sender().send(request({ payload: rendered }));

    const [post, ...others] = posts();
    expect(others).toEqual([]);
    expect(post?.path).toBe(`/api/v10/channels/${channel}/messages`);
    expect(post?.headers.authorization).toBe(`Bot ${fake.token}`);
    expect(post?.headers['content-type']).toBe('application/json');
    expect(post?.headers['user-agent']).toMatch(/^DiscordBot \(/u);
    expect(post?.json()).toEqual({ ...rendered, nonce: discordNonce('delivery-1'), enforce_nonce: true });
    expect(fake.messages(channel).map((m) => m.id)).toEqual([sent.messageId]);
    // Only the feed's role can ping; the @everyone and role text of the post itself cannot.
    expect(fake.messages(channel)[0]).toMatchObject({ mention_roles: [ROLE], mention_everyone: false });
  });

  it('GIVEN a payload without allowed_mentions THEN the sender adds one that pings no one', async () => {
    await sender().send(request({ payload: { content: '@everyone <@&222222222222222222> hi' } }));
    expect(posts()[0]?.json()).toMatchObject({ allowed_mentions: { parse: [] } });
    expect(fake.messages(channel)[0]).toMatchObject({ mention_roles: [], mention_everyone: false });
  });

  it('GIVEN a retry of the same delivery within the nonce window THEN Discord returns the first message and posts no second', async () => {
    const first = await sender().send(request());
    const again = await sender().send(request());
    expect(again.messageId).toBe(first.messageId);
    expect(fake.messages(channel)).toHaveLength(1);
    expect(posts().map((r) => (r.json() as { nonce: string }).nonce)).toEqual([
      discordNonce('delivery-1'),
      discordNonce('delivery-1'),
    ]);
  });

  it('GIVEN the nonce window has passed THEN the same nonce posts again (why a late retry must use findSent first)', async () => {
    let clock = Date.now();
    await fake.close();
    fake = await startDiscordRestFake({ now: () => clock, nonceWindowMs: 60_000 });
    channel = fake.addChannel();
    const first = await sender().send(request());
    clock += 61_000;
    const second = await sender().send(request());
    expect(second.messageId).not.toBe(first.messageId);
    expect(fake.messages(channel)).toHaveLength(2);
  });

  it('GIVEN delivery keys THEN each nonce is stable, at most 25 characters, and differs between deliveries', () => {
    const keys = ['delivery-1', 'delivery-2', 'n0123456789abcdef01234567', 'ü'.repeat(500)];
    const nonces = keys.map(discordNonce);
    expect(nonces.map((n) => n.length)).toEqual([25, 25, 25, 25]);
    expect(keys.map(discordNonce)).toEqual(nonces);
    expect(new Set(nonces).size).toBe(keys.length);
  });
});

describe('Discord send failures', () => {
  it.each([
    ['user', 1.234, 2000],
    ['shared', 1336.57, 1_337_000],
    ['global', 64.57, 65_000],
  ] as const)(
    'GIVEN a 429 (%s scope) THEN retry-later after Retry-After, and the client did not retry',
    async (scope, retryAfter, ms) => {
      fake.rateLimit({ scope, retryAfter });
      const err = await failure(sender().send(request()));
      expect(err.kind).toBe('retry-later');
      expect(err.retryAfterMs).toBeGreaterThanOrEqual(ms);
      expect(err.retryAfterMs).toBeLessThanOrEqual(ms + 100);
      expect(posts()).toHaveLength(1);
      expect(fake.messages(channel)).toEqual([]);
    },
  );

  // @discordjs/rest keeps a bucket's state from the second request of a route on: the first one
  // teaches it the bucket's hash (X-RateLimit-Bucket).
  it('GIVEN a 429 THEN a send in the same bucket before it resets is retry-later without a request', async () => {
    const client = sender();
    await client.send(request());
    fake.rateLimit({ retryAfter: 30 });
    await failure(client.send(request({ deliveryKey: 'delivery-2' })));
    const err = await failure(client.send(request({ deliveryKey: 'delivery-3' })));
    expect(err.kind).toBe('retry-later');
    expect(err.retryAfterMs).toBeGreaterThan(29_000);
    expect(posts()).toHaveLength(2);
  });

  it('GIVEN the channel bucket reports no requests left THEN the next send is retry-later until its reset, without asking', async () => {
    await fake.close();
    fake = await startDiscordRestFake({ bucket: { limit: 2, resetAfterMs: 60_000 } });
    channel = fake.addChannel();
    const client = sender();
    await client.send(request());
    await client.send(request({ deliveryKey: 'delivery-2' }));
    const err = await failure(client.send(request({ deliveryKey: 'delivery-3' })));
    expect(err.kind).toBe('retry-later');
    expect(err.retryAfterMs).toBeGreaterThan(50_000);
    expect(posts()).toHaveLength(2);
    expect(fake.messages(channel)).toHaveLength(2);
  });

  it('GIVEN more sends than the global limit allows in a second THEN the client paces them instead of failing', async () => {
    const client = sender({ globalRequestsPerSecond: 3 });
    const keys = ['a', 'b', 'c', 'd', 'e'];
    const sent = await Promise.all(keys.map((key) => client.send(request({ deliveryKey: key }))));
    expect(new Set(sent.map((m) => m.messageId)).size).toBe(5);
    expect(posts()).toHaveLength(5);
  });

  it.each([500, 502] as const)(
    'GIVEN Discord answers %i THEN retry-later and exactly one request reached it (no hidden retry)',
    async (status) => {
      fake.serverError({ status, times: 5 });
      const err = await failure(sender().send(request()));
      expect(err.kind).toBe('retry-later');
      expect(err.message).toContain(String(status));
      expect(posts()).toHaveLength(1);
    },
  );

  it('GIVEN Discord answers after the timeout THEN retry-later and the POST was not sent again', async () => {
    // A timeout long enough for the request to reach the fake on a loaded machine.
    fake.slow(5_000, { times: 5 });
    const err = await failure(sender({ timeoutMs: 1_000 }).send(request()));
    expect(err.kind).toBe('retry-later');
    expect(posts()).toHaveLength(1);
  });

  it('GIVEN the connection drops THEN retry-later and the POST was not sent again', async () => {
    fake.drop({ times: 5 });
    const err = await failure(sender().send(request()));
    expect(err.kind).toBe('retry-later');
    expect(posts()).toHaveLength(1);
  });

  it.each([
    ['cut-off JSON', '{"id":"1'],
    ['a body of the wrong shape', '{"unexpected":true}'],
  ])(
    'GIVEN a 200 with %s THEN retry-later (the message may exist; the nonce covers the retry)',
    async (_, body) => {
      fake.malformed(body);
      const err = await failure(sender().send(request()));
      expect(err.kind).toBe('retry-later');
      expect(posts()).toHaveLength(1);
    },
  );

  it.each([
    ['Missing Access', '50001', (id: string) => fake.forbidChannel(id, 50001)],
    ['Missing Permissions', '50013', (id: string) => fake.forbidChannel(id, 50013)],
    ['Unknown Channel', '10003', (id: string) => fake.makeChannelUnknown(id)],
  ])('GIVEN %s THEN channel-unavailable with Discord code %s', async (_, code, breakChannel) => {
    breakChannel(channel);
    const err = await failure(sender().send(request()));
    expect(err.kind).toBe('channel-unavailable');
    expect(err.platformCode).toBe(code);
    expect(err.retryAfterMs).toBeUndefined();
  });

  it('GIVEN a revoked token THEN unauthorized, and a later call still presents the token', async () => {
    const client = sender();
    fake.revokeToken();
    const err = await failure(client.send(request()));
    expect(err.kind).toBe('unauthorized');
    expect(err.platformCode).toBe('0');
    await failure(client.send(request()));
    expect(posts().map((r) => r.headers.authorization)).toHaveLength(2);
    expect(posts()[1]?.headers.authorization).toMatch(/^Bot /u);
  });

  it.each([
    [
      'content past 2,000 characters',
      { content: 'a'.repeat(2001), allowed_mentions: { parse: [] } },
      '50035',
    ],
    ['an empty message', { allowed_mentions: { parse: [] } }, '50006'],
  ])('GIVEN %s THEN rejected with Discord code %s', async (_, body, code) => {
    const err = await failure(sender().send(request({ payload: body })));
    expect(err.kind).toBe('rejected');
    expect(err.platformCode).toBe(code);
  });

  it('GIVEN the nonce names a message deleted since THEN rejected with 10008, and nothing is posted again', async () => {
    const first = await sender().send(request());
    fake.deleteMessage(channel, first.messageId);
    const err = await failure(sender().send(request()));
    expect(err.kind).toBe('rejected');
    expect(err.platformCode).toBe('10008');
    expect(fake.messages(channel)).toEqual([]);
  });

  it('GIVEN a channel id that is not a snowflake THEN channel-unavailable and nothing is requested', async () => {
    const err = await failure(sender().send(request({ channelId: '123/../../users/@me' })));
    expect(err.kind).toBe('channel-unavailable');
    expect(fake.requests).toEqual([]);
  });
});

describe('Discord findSent', () => {
  const other = {
    id: '333333333333333333',
    username: 'ann',
    discriminator: '0',
    global_name: null,
    avatar: null,
  };

  it('GIVEN the bot posted this delivery before a crash THEN findSent returns that message', async () => {
    const after = new Date();
    fake.addMessage(channel, { author: other, embeds: [{ url: PERMALINK }], content: PERMALINK });
    fake.addMessage(channel, { embeds: [{ url: 'https://x.com/ann/status/2' }] });
    const sent = await sender().send(request());
    fake.addMessage(channel, { author: other, content: 'nice post' });

    const found = await sender().findSent({
      channelId: channel,
      deliveryKey: 'delivery-1',
      permalink: PERMALINK,
      after,
    });
    expect(found).toEqual({ messageId: sent.messageId });
    const [read] = reads();
    expect(read?.query.get('limit')).toBe('100');
    expect(read?.query.get('after')).toBe(snowflakeAt(new Date(after.getTime() - 10_000)));
    expect(fake.requestsTo('GET', '/api/v10/users/:id')).toHaveLength(1);
  });

  it('GIVEN only other users and other posts carry the link THEN findSent returns undefined', async () => {
    const after = new Date();
    fake.addMessage(channel, { author: other, embeds: [{ url: PERMALINK }] });
    fake.addMessage(channel, { embeds: [{ url: 'https://x.com/ann/status/2' }, { url: PERMALINK }] });
    const client = sender();
    const find = { channelId: channel, deliveryKey: 'delivery-1', permalink: PERMALINK, after };
    expect(await client.findSent(find)).toBeUndefined();
    expect(await client.findSent(find)).toBeUndefined();
    expect(fake.requestsTo('GET', '/api/v10/users/:id')).toHaveLength(1);
  });

  it('GIVEN an empty channel THEN findSent returns undefined', async () => {
    const find = { channelId: channel, deliveryKey: 'delivery-1', permalink: PERMALINK, after: new Date() };
    expect(await sender().findSent(find)).toBeUndefined();
  });

  it('GIVEN the bot posted the same link before the delivery began THEN findSent returns undefined', async () => {
    const after = new Date();
    fake.addMessage(channel, { embeds: [{ url: PERMALINK }], at: new Date(after.getTime() - 3_600_000) });
    const find = { channelId: channel, deliveryKey: 'delivery-1', permalink: PERMALINK, after };
    expect(await sender().findSent(find)).toBeUndefined();
    expect(fake.messages(channel)).toHaveLength(1);
  });

  it('GIVEN 150 messages by others before ours THEN findSent pages forward to it', async () => {
    const after = new Date();
    for (let i = 0; i < 150; i += 1) fake.addMessage(channel, { author: other, content: `chat ${i}` });
    const sent = await sender().send(request());

    const find = { channelId: channel, deliveryKey: 'delivery-1', permalink: PERMALINK, after };
    expect(await sender().findSent(find)).toEqual({ messageId: sent.messageId });
    const [first, second] = reads();
    expect(reads()).toHaveLength(2);
    expect(second?.query.get('after')).toBe(fake.messages(channel)[99]?.id);
    expect(first?.query.get('after')).not.toBe(second?.query.get('after'));
  });

  it.each([
    ['Unknown Channel', () => fake.makeChannelUnknown(channel), 'channel-unavailable'],
    [
      'a 500',
      () => fake.serverError({ path: `/api/v10/channels/${channel}/messages`, times: 5 }),
      'retry-later',
    ],
  ] as const)('GIVEN %s while reading history THEN %s, after one request', async (_, breakIt, kind) => {
    breakIt();
    const find = { channelId: channel, deliveryKey: 'delivery-1', permalink: PERMALINK, after: new Date() };
    const err = await failure(sender().findSent(find));
    expect(err.kind).toBe(kind);
    expect(reads()).toHaveLength(1);
  });
});

describe('the Discord REST fake on the wire', () => {
  it('GIVEN any answer THEN it carries the X-RateLimit headers, and a 429 its Retry-After and JSON body', async () => {
    const url = `${fake.url}/api/v10/channels/${channel}/messages`;
    const ok = await fetch(url, { headers: { authorization: `Bot ${fake.token}` } });
    expect(ok.headers.get('x-ratelimit-limit')).toMatch(/^\d+$/u);
    expect(ok.headers.get('x-ratelimit-remaining')).toMatch(/^\d+$/u);
    expect(ok.headers.get('x-ratelimit-reset-after')).toMatch(/^\d+\.\d{3}$/u);
    expect(ok.headers.get('x-ratelimit-bucket')).toMatch(/^[0-9a-f]{32}$/u);

    fake.rateLimit();
    const limited = await fetch(url, { headers: { authorization: `Bot ${fake.token}` } });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('x-ratelimit-scope')).toBe('user');
    expect(await limited.json()).toEqual({
      message: 'You are being rate limited.',
      retry_after: 1.234,
      global: false,
    });

    const anonymous = await fetch(url);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ message: '401: Unauthorized', code: 0 });
  });
});
