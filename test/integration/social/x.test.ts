import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../../core/errors.js';
import type { HttpClient } from '../../../social/http.js';
import type { AccountRef, Cursor, SocialProvider } from '../../../social/provider.js';
import { createXProvider, type XProviderOptions } from '../../../social/x/provider.js';
import { startXFake, X_FAKE_CLIENT, type XFake } from '../../fakes/x.js';
import { rejectionOf } from '../../support/failures.js';
import { testHttpClient } from '../../support/http-client.js';

const failure = (promise: Promise<unknown>) => rejectionOf(promise, ProviderError);

describe('X provider: reading an account', () => {
  let fake: XFake;
  let http: HttpClient;
  let account: AccountRef;
  let userId: string;
  const clients: HttpClient[] = [];

  const provider = (options: XProviderOptions = {}, timeoutMs = 2_000): SocialProvider => {
    const client = testHttpClient('x', { timeoutMs });
    clients.push(client);
    return createXProvider(
      { http: client, apiUrl: fake.url, client: X_FAKE_CLIENT },
      { authUrl: fake.url, ...options },
    );
  };

  beforeEach(async () => {
    fake = await startXFake();
    http = testHttpClient('x', { timeoutMs: 2_000 });
    clients.push(http);
    const user = fake.addUser({
      username: 'heraldbot',
      name: 'Herald Bot',
      profile_image_url: 'https://pbs.twimg.com/profile_images/1/bot_normal.jpg',
    });
    userId = user.id;
    const tokens = fake.issueTokens(user.id);
    account = {
      platform: 'x',
      accountId: user.id,
      handle: user.username,
      credentials: { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken },
    };
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await fake.close();
  });

  const timelineRequests = () => fake.requestsTo('GET', '/2/users/:id/tweets');

  describe('cursor handling', () => {
    it('GIVEN no cursor THEN only the latest page of 20 is read, with the fields and expansions, and the newest id is remembered', async () => {
      const tweets = fake.addTweets(userId, 30);
      const result = await provider().fetchPosts(account, null);
      expect(result.posts).toHaveLength(20);
      expect(result.posts.map((p) => p.text)).toContain('post 30');
      expect(result.posts.map((p) => p.text)).not.toContain('post 10');
      expect(result.next).toEqual({ sinceId: tweets.at(-1)?.id });
      const [request, ...more] = timelineRequests();
      expect(more).toHaveLength(0);
      expect(request?.query.get('max_results')).toBe('20');
      expect(request?.query.get('since_id')).toBeNull();
      expect(request?.query.get('expansions')).toContain('referenced_tweets.id.author_id');
      expect(request?.query.get('tweet.fields')).toContain('note_tweet');
      expect(request?.headers.authorization).toBe(`Bearer ${account.credentials?.accessToken}`);
      expect(result.posts[0]?.author).toMatchObject({ handle: 'heraldbot', displayName: 'Herald Bot' });
    });

    it('GIVEN an account without posts THEN the first read finds nothing and remembers nothing', async () => {
      const result = await provider().fetchPosts(account, null);
      expect(result).toEqual({ posts: [], next: null });
    });

    it('GIVEN a cursor THEN the next call returns only posts newer than it, and moves the cursor', async () => {
      fake.addTweets(userId, 3, 'old');
      const x = provider();
      const first = await x.fetchPosts(account, null);
      const fresh = fake.addTweets(userId, 2, 'new');
      const second = await x.fetchPosts(account, first.next);
      expect(second.posts.map((p) => p.text).sort()).toEqual(['new 1', 'new 2']);
      expect(timelineRequests()[1]?.query.get('since_id')).toBe(first.next?.sinceId);
      expect(second.next).toEqual({ sinceId: fresh.at(-1)?.id });
      const third = await x.fetchPosts(account, second.next);
      expect(third).toEqual({ posts: [], next: second.next });
    });

    it('GIVEN 250 new posts THEN three pages of 100 are read with since_id and pagination_token, and none is lost', async () => {
      const x = provider();
      fake.addTweets(userId, 1, 'seen');
      const first = await x.fetchPosts(account, null);
      const fresh = fake.addTweets(userId, 250);
      const result = await x.fetchPosts(account, first.next);
      expect(new Set(result.posts.map((p) => p.platformId))).toEqual(new Set(fresh.map((t) => t.id)));
      const pages = timelineRequests().slice(1);
      expect(pages).toHaveLength(3);
      expect(
        pages.every(
          (r) => r.query.get('since_id') === first.next?.sinceId && r.query.get('max_results') === '100',
        ),
      ).toBe(true);
      expect(pages.map((r) => r.query.get('pagination_token') !== null)).toEqual([false, true, true]);
      expect(result.next).toEqual({ sinceId: fresh.at(-1)?.id });
    });

    it('GIVEN more new posts than the page budget THEN the older rest is remembered as a gap and read next time', async () => {
      const x = provider({ pageSize: 5, maxPages: 2 });
      fake.addTweets(userId, 1, 'seen');
      const start = await x.fetchPosts(account, null);
      const fresh = fake.addTweets(userId, 17);
      const burst = await x.fetchPosts(account, start.next);
      expect(burst.posts).toHaveLength(10);
      expect(burst.next).toMatchObject({ sinceId: fresh.at(-1)?.id, gapSinceId: start.next?.sinceId });
      const later = fake.addTweets(userId, 1, 'later');
      // The page budget is shared: 1 page for the new post, 1 for the gap (5 of the 7 older posts).
      const catchUp = await x.fetchPosts(account, burst.next);
      expect(catchUp.posts).toHaveLength(6);
      expect(catchUp.next).toMatchObject({ sinceId: later[0]?.id, gapSinceId: start.next?.sinceId });
      const rest = await x.fetchPosts(account, catchUp.next);
      expect(rest.posts).toHaveLength(2);
      expect(rest.next).toEqual({ sinceId: later[0]?.id });
      const seen = new Set([...burst.posts, ...catchUp.posts, ...rest.posts].map((p) => p.platformId));
      expect([...fresh, ...later].every((t) => seen.has(t.id))).toBe(true);
      expect(seen.size).toBe(18);
    });

    it('GIVEN a retweet with media THEN the original, its author and its media come from the expansions', async () => {
      const other = fake.addUser({ username: 'photographer', name: 'Ana' });
      fake.addMedia({
        media_key: '3_900',
        type: 'photo',
        url: 'https://pbs.twimg.com/media/sunset.jpg',
        width: 1200,
        height: 800,
        alt_text: 'Sunset',
      });
      const original = fake.addTweet({
        authorId: other.id,
        text: 'Golden hour #sunset',
        mediaKeys: ['3_900'],
      });
      fake.addTweet({
        authorId: userId,
        text: 'RT @photographer: Golden hour #sunset',
        fields: { referenced_tweets: [{ type: 'retweeted', id: original.id }] },
      });
      const [post] = (await provider().fetchPosts(account, null)).posts.filter((p) => p.kind === 'repost');
      expect(post?.original).toMatchObject({
        platformId: original.id,
        author: { handle: 'photographer' },
        hashtags: ['sunset'],
        media: [{ type: 'image', url: 'https://pbs.twimg.com/media/sunset.jpg', altText: 'Sunset' }],
      });
    });
  });

  describe('failures', () => {
    it('GIVEN an expired access token THEN refresh-token', async () => {
      fake.expireToken();
      const err = await failure(provider().fetchPosts(account, null));
      expect(err).toMatchObject({
        kind: 'refresh-token',
        status: 401,
        platform: 'x',
        endpoint: 'GET /2/users/:id/tweets',
      });
    });

    it("GIVEN a 429 THEN retry-later after X's x-rate-limit-reset", async () => {
      fake.rateLimit(120);
      const err = await failure(provider().fetchPosts(account, null));
      expect(err.kind).toBe('retry-later');
      expect(err.retryAfterMs).toBeGreaterThan(115_000);
      expect(err.retryAfterMs).toBeLessThanOrEqual(120_000);
    });

    it('GIVEN the window the fake counts is spent THEN its own 429 carries the reset of that window', async () => {
      fake.state.limits.set('GET /2/users/:id/tweets', 1);
      const x = provider();
      await x.fetchPosts(account, null);
      const err = await failure(x.fetchPosts(account, null));
      expect(err.kind).toBe('retry-later');
      expect(err.retryAfterMs).toBeGreaterThan(890_000);
    });

    it('GIVEN a spent usage cap THEN retry-later for a day, never a tight retry', async () => {
      fake.usageCap();
      const err = await failure(provider().fetchPosts(account, null));
      expect(err).toMatchObject({ kind: 'retry-later', retryAfterMs: 24 * 60 * 60 * 1000, status: 429 });
    });

    it('GIVEN a 503 THEN retry-later', async () => {
      fake.serverError();
      expect((await failure(provider().fetchPosts(account, null))).kind).toBe('retry-later');
    });

    it('GIVEN a body of the wrong shape THEN bad-request naming the platform, the endpoint and the path', async () => {
      fake.malformed();
      const err = await failure(provider().fetchPosts(account, null));
      expect(err.kind).toBe('bad-request');
      expect(err.message).toMatch(/^x: GET \/2\/users\/:id\/tweets: unexpected response at data\.0\.id/);
    });

    it('GIVEN an answer slower than the client timeout THEN retry-later', async () => {
      fake.slow(1_000);
      const err = await failure(provider({}, 200).fetchPosts(account, null));
      expect(err.kind).toBe('retry-later');
      expect(err.status).toBeUndefined();
    });

    it('GIVEN a suspended account (200 with only errors) THEN revoked with a hint', async () => {
      fake.suspend(userId);
      const err = await failure(provider().fetchPosts(account, null));
      expect(err.kind).toBe('revoked');
      expect(err.message).toContain('suspended');
      expect(err.hint).toBeDefined();
    });

    it('GIVEN an app not attached to a Project THEN bad-request with a hint', async () => {
      fake.clientForbidden();
      const err = await failure(provider().fetchPosts(account, null));
      expect(err).toMatchObject({ kind: 'bad-request', status: 403 });
      expect(err.hint).toMatch(/Project/);
    });

    it('GIVEN an account without credentials THEN revoked before any request', async () => {
      const err = await failure(provider().fetchPosts({ ...account, credentials: undefined }, null));
      expect(err.kind).toBe('revoked');
      expect(fake.requests).toHaveLength(0);
    });

    it('GIVEN a cursor of an unknown shape THEN it is read as a first call', async () => {
      fake.addTweets(userId, 2);
      const result = await provider().fetchPosts(account, { sinceId: 'not-an-id' } as Cursor);
      expect(result.posts).toHaveLength(2);
      expect(timelineRequests()[0]?.query.get('since_id')).toBeNull();
    });
  });

  describe('metrics', () => {
    it('GIVEN 150 ids with one deleted THEN two batches (100 + 50) and the deleted one is absent', async () => {
      const tweets = fake.addTweets(userId, 149);
      const first = tweets[0]!;
      first.public_metrics = {
        retweet_count: 3,
        reply_count: 1,
        like_count: 42,
        quote_count: 0,
        impression_count: 900,
      };
      const ids = [...tweets.map((t) => t.id), '1'];
      const metrics = await provider().fetchMetrics!(account, ids);
      expect(metrics.size).toBe(149);
      expect(metrics.get(first.id)).toEqual({ likes: 42, reposts: 3, replies: 1, quotes: 0, views: 900 });
      expect(metrics.has('1')).toBe(false);
      const batches = fake.requestsTo('GET', '/2/tweets').map((r) => r.query.get('ids')?.split(',').length);
      expect(batches).toEqual([100, 50]);
    });

    it('GIVEN no ids THEN no request is made', async () => {
      expect((await provider().fetchMetrics!(account, [])).size).toBe(0);
      expect(fake.requests).toHaveLength(0);
    });
  });
});
