import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../../core/errors.js';
import { createHttpClient, HttpStatusError, type HttpClient } from '../../../social/http.js';
import type { AccountRef } from '../../../social/provider.js';
import { createRssProvider, type RssProvider } from '../../../social/rss/provider.js';
import { startRssFake, type RssFake } from '../../fakes/rss.js';
import { rejectionOf } from '../../support/failures.js';
import { testHttpClient } from '../../support/http-client.js';

const FEED =
  '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://t.example/</link>' +
  '<item><guid>1</guid><title>One</title><pubDate>Tue, 01 Sep 2026 10:00:00 GMT</pubDate></item></channel></rss>';

const account = (url: string): AccountRef => ({
  platform: 'rss',
  accountId: url,
  handle: 'feed',
  instanceUrl: url,
});

const failure = (promise: Promise<unknown>) => rejectionOf(promise, ProviderError);

describe('RSS provider failures, classified', () => {
  let fake: RssFake;
  let http: HttpClient;
  let provider: RssProvider;
  let url: string;
  let host: string;

  beforeAll(async () => {
    fake = await startRssFake();
    http = testHttpClient('rss', { timeoutMs: 1_000 });
    provider = createRssProvider({ http, apiUrl: undefined });
    url = fake.setFeed('/feed.xml', { body: FEED });
    host = new URL(url).host;
  });
  afterAll(async () => {
    await http.close();
    await fake.close();
  });
  beforeEach(() => {
    fake.requests.length = 0;
  });

  it('GIVEN a feed that asks for credentials (401) THEN bad-request that the feed is not public, not refresh-token', async () => {
    fake.expireToken();
    const err = await failure(provider.fetchPosts(account(url), null));
    expect(err).toMatchObject({ kind: 'bad-request', status: 401, platform: 'rss', endpoint: 'GET feed' });
    expect(err.message).toBe(`rss: GET feed: ${host} answered HTTP 401: the feed is not public`);
    expect(err.hint).toMatch(/only feeds anyone can open/);
  });

  it('GIVEN 403 THEN bad-request that the feed is not public', async () => {
    fake.serverError(403);
    const err = await failure(provider.fetchPosts(account(url), null));
    expect(err).toMatchObject({ kind: 'bad-request', status: 403 });
    expect(err.message).toContain('the feed is not public');
  });

  it.each([404, 410])(
    'GIVEN HTTP %i THEN bad-request that the feed is gone, with what to do',
    async (status) => {
      fake.serverError(status);
      const err = await failure(provider.fetchPosts(account(url), null));
      expect(err).toMatchObject({ kind: 'bad-request', status });
      expect(err.message).toBe(`rss: GET feed: ${host} answered HTTP ${status}: the feed is gone`);
      expect(err.hint).toMatch(/Check the feed URL/);
    },
  );

  it('GIVEN 429 with Retry-After THEN retry-later after that many seconds', async () => {
    fake.rateLimit(120);
    const err = await failure(provider.fetchPosts(account(url), null));
    expect(err).toMatchObject({ kind: 'retry-later', status: 429, retryAfterMs: 120_000 });
  });

  it("GIVEN Reddit's 429 with only its X-Ratelimit-Reset THEN retry-later after the reset", async () => {
    fake.rateLimit(42, { reddit: true });
    const err = await failure(provider.fetchPosts(account(url), null));
    expect(err).toMatchObject({ kind: 'retry-later', status: 429, retryAfterMs: 42_000 });
  });

  it('GIVEN 503 with Retry-After THEN retry-later after it; a bare 500 is retry-later too', async () => {
    fake.serverError(503, { 'retry-after': '60' });
    expect(await failure(provider.fetchPosts(account(url), null))).toMatchObject({
      kind: 'retry-later',
      status: 503,
      retryAfterMs: 60_000,
    });
    fake.serverError();
    expect(await failure(provider.fetchPosts(account(url), null))).toMatchObject({
      kind: 'retry-later',
      status: 500,
    });
  });

  it('GIVEN a 200 whose body is not a feed THEN bad-request naming platform, endpoint, host and what was found', async () => {
    fake.malformed();
    const err = await failure(provider.fetchPosts(account(url), null));
    expect(err).toMatchObject({
      kind: 'bad-request',
      platform: 'rss',
      endpoint: 'GET feed',
      status: undefined,
    });
    expect(err.message).toBe(
      `rss: GET feed: ${host} sent a document whose root is <error>, not an RSS, Atom, RDF or JSON feed`,
    );
  });

  it('GIVEN a slow server THEN retry-later once the client timeout passes', async () => {
    fake.slow(3_000);
    const err = await failure(provider.fetchPosts(account(url), null));
    expect(err).toMatchObject({ kind: 'retry-later', platform: 'rss', endpoint: 'GET feed' });
    expect(err.message).toMatch(/no answer within/);
  });

  it('GIVEN a dropped connection THEN retry-later', async () => {
    fake.injectFault({ kind: 'drop' });
    expect(await failure(provider.fetchPosts(account(url), null))).toMatchObject({ kind: 'retry-later' });
  });

  it('GIVEN a feed larger than the size limit THEN bad-request', async () => {
    const small = createRssProvider({ http, apiUrl: undefined }, { maxBodyBytes: 100 });
    const err = await failure(small.fetchPosts(account(url), null));
    expect(err).toMatchObject({ kind: 'bad-request' });
    expect(err.message).toMatch(/larger than 100 bytes/);
  });

  it('GIVEN the failure is over THEN the same cursor polls normally again', async () => {
    const first = await provider.fetchPosts(account(url), null);
    fake.serverError();
    await failure(provider.fetchPosts(account(url), first.next));
    expect(await provider.fetchPosts(account(url), first.next)).toMatchObject({
      posts: [],
      notModified: true,
    });
  });

  it('GIVEN anything thrown THEN classifyError returns a ProviderError, refining HTTP statuses once', () => {
    expect(provider.classifyError(new Error('boom'))).toMatchObject({ kind: 'bad-request', platform: 'rss' });
    const unauthorized = new HttpStatusError('refresh-token', 'rss: GET feed: HTTP 401', {
      platform: 'rss',
      endpoint: 'GET feed',
      status: 401,
      body: 'Unauthorized',
      header: () => undefined,
    });
    const refined = provider.classifyError(unauthorized);
    expect(refined).toMatchObject({ kind: 'bad-request', status: 401 });
    expect(provider.classifyError(refined)).toBe(refined);
  });
});

describe('the SSRF guard on feed URLs', () => {
  it('GIVEN a client that does not allow loopback THEN a feed on 127.0.0.1 is refused before any request', async () => {
    const fake = await startRssFake();
    const strict = createHttpClient({ platform: 'rss', userAgent: 'Herald-test', rateLimitStyle: 'none' });
    try {
      const url = fake.setFeed('/feed.xml', { body: FEED });
      const err = await failure(
        createRssProvider({ http: strict, apiUrl: undefined }).fetchPosts(account(url), null),
      );
      expect(err).toMatchObject({ kind: 'bad-request', platform: 'rss' });
      expect(err.message).toMatch(/refused to fetch/);
      expect(fake.requests).toHaveLength(0);
    } finally {
      await strict.close();
      await fake.close();
    }
  });

  it('GIVEN a feed that redirects into the private network THEN the redirect is refused', async () => {
    const fake = await startRssFake();
    const http = testHttpClient('rss');
    try {
      fake.on('GET', '/moved', () => ({
        status: 302,
        headers: { location: 'http://169.254.169.254/latest/meta-data/' },
      }));
      const err = await failure(
        createRssProvider({ http, apiUrl: undefined }).describeFeed(`${fake.url}/moved`),
      );
      expect(err).toMatchObject({ kind: 'bad-request' });
      expect(err.message).toMatch(/refused to fetch: 169\.254\.169\.254 is a private/);
    } finally {
      await http.close();
      await fake.close();
    }
  });
});
