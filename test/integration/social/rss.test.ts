import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../../core/errors.js';
import type { HttpClient } from '../../../social/http.js';
import type { AccountRef, Cursor } from '../../../social/provider.js';
import { createRssProvider, type RssProvider } from '../../../social/rss/provider.js';
import { esc, startRssFake, type FakeRedditPost, type RssFake } from '../../fakes/rss.js';
import { rejectionOf } from '../../support/failures.js';
import { testHttpClient } from '../../support/http-client.js';

const NOW = new Date('2026-09-02T12:00:00Z');
const MINUTE = 60_000;

interface Item {
  readonly id: string;
  readonly minutesAgo: number;
  readonly link?: string;
}

function rssBody(items: readonly Item[], title = 'Example blog'): string {
  const entries = items.map(
    (i) =>
      `<item><title>Post ${i.id}</title><link>${i.link ?? `https://blog.example/${i.id}`}</link><guid>${i.id}</guid>` +
      `<pubDate>${new Date(NOW.getTime() - i.minutesAgo * MINUTE).toUTCString()}</pubDate>` +
      `<description>${esc(`<p>Body of <b>${i.id}</b></p>`)}</description></item>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>${title}</title><link>https://blog.example/</link><description>d</description>${entries.join('')}</channel></rss>`;
}

const items = (from: number, to: number): Item[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ id: `p${to - i}`, minutesAgo: 10_000 - (to - i) }));

const account = (url: string): AccountRef => ({
  platform: 'rss',
  accountId: url,
  handle: 'feed',
  instanceUrl: url,
});

const failure = (promise: Promise<unknown>) => rejectionOf(promise, ProviderError);

describe('the RSS provider against a feed server', () => {
  let fake: RssFake;
  let http: HttpClient;
  let provider: RssProvider;

  beforeAll(async () => {
    fake = await startRssFake();
    http = testHttpClient('rss', { timeoutMs: 2_000 });
    provider = createRssProvider({ http, apiUrl: undefined, now: () => NOW });
  });
  afterAll(async () => {
    await http.close();
    await fake.close();
  });
  beforeEach(() => {
    fake.requests.length = 0;
  });

  it('GIVEN a new feed THEN the first poll returns its latest items, unconditionally, as a feed reader asks', async () => {
    const url = fake.setFeed('/first.xml', { body: rssBody(items(1, 25)) });
    const result = await provider.fetchPosts(account(url), null);
    expect(result.posts).toHaveLength(20);
    expect(result.posts.map((p) => p.platformId).slice(0, 2)).toEqual(['p25', 'p24']);
    expect(result.posts[0]).toMatchObject({
      platform: 'rss',
      text: 'Post p25\n\nBody of p25',
      permalink: 'https://blog.example/p25',
    });
    expect(result.next).toMatchObject({
      etag: expect.stringMatching(/^"/) as string,
      lastModified: expect.any(String) as string,
    });
    const [sent] = fake.feedRequests();
    expect(sent?.headers['user-agent']).toBe('Herald-test');
    expect(sent?.headers.accept).toMatch(/^application\/rss\+xml, application\/atom\+xml/);
    expect(sent?.headers['if-none-match']).toBeUndefined();
    expect(sent?.headers['if-modified-since']).toBeUndefined();
  });

  it('GIVEN an unchanged feed THEN the next poll is conditional, gets 304, and keeps the cursor', async () => {
    const url = fake.setFeed('/same.xml', { body: rssBody(items(1, 3)) });
    const first = await provider.fetchPosts(account(url), null);
    const second = await provider.fetchPosts(account(url), first.next);
    expect(second).toEqual({ posts: [], next: first.next, notModified: true });
    const sent = fake.feedRequests().at(-1);
    expect(sent?.headers['if-none-match']).toBe(first.next?.etag);
    expect(sent?.headers['if-modified-since']).toBe(first.next?.lastModified);
  });

  it('GIVEN new items between polls THEN each poll returns only the newer ones, over several rounds and bursts', async () => {
    const url = fake.setFeed('/growing.xml', { body: rssBody(items(1, 5)) });
    let cursor: Cursor | null = (await provider.fetchPosts(account(url), null)).next;
    const rounds: Array<readonly [number, number]> = [
      [6, 7],
      [8, 8],
      [9, 38],
    ];
    for (const [from, to] of rounds) {
      fake.setFeed('/growing.xml', { body: rssBody(items(Math.max(1, to - 49), to)) });
      const result = await provider.fetchPosts(account(url), cursor);
      expect(result.notModified).toBeUndefined();
      expect(result.posts.map((p) => p.platformId).sort()).toEqual(
        items(from, to)
          .map((i) => i.id)
          .sort(),
      );
      cursor = result.next;
    }
    expect((await provider.fetchPosts(account(url), cursor)).posts).toEqual([]);
  });

  it('GIVEN a server that sends only Last-Modified THEN If-Modified-Since alone brings a 304', async () => {
    const url = fake.setFeed('/dated.xml', {
      body: rssBody(items(1, 2)),
      etag: null,
      lastModified: 'Tue, 01 Sep 2026 10:00:00 GMT',
    });
    const first = await provider.fetchPosts(account(url), null);
    expect(first.next).toMatchObject({ etag: null, lastModified: 'Tue, 01 Sep 2026 10:00:00 GMT' });
    expect((await provider.fetchPosts(account(url), first.next)).notModified).toBe(true);
    expect(fake.feedRequests().at(-1)?.headers['if-none-match']).toBeUndefined();
  });

  it('GIVEN a feed moved with a redirect THEN it is followed and relative links resolve against the new place', async () => {
    fake.on('GET', '/old-feed', () => ({ status: 301, headers: { location: '/new/feed.xml' } }));
    fake.setFeed('/new/feed.xml', { body: rssBody([{ id: 'rel', minutesAgo: 5, link: 'posts/rel.html' }]) });
    const result = await provider.fetchPosts(account(`${fake.url}/old-feed`), null);
    expect(result.posts[0]?.permalink).toBe(`${fake.url}/new/posts/rel.html`);
  });

  it('GIVEN an undated feed THEN new items are still found, dated when first seen and kept in feed order', async () => {
    const undated = (ids: string[]) =>
      `<rss version="2.0"><channel><title>U</title>${ids.map((id) => `<item><guid>${id}</guid><title>${id}</title></item>`).join('')}</channel></rss>`;
    const url = fake.setFeed('/undated.xml', { body: undated(['b', 'a']), etag: null, lastModified: null });
    const first = await provider.fetchPosts(account(url), null);
    expect(first.posts.map((p) => [p.platformId, p.createdAt])).toEqual([
      ['b', NOW.toISOString()],
      ['a', new Date(NOW.getTime() - 1).toISOString()],
    ]);
    fake.setFeed('/undated.xml', { body: undated(['c', 'b', 'a']), etag: null, lastModified: null });
    expect((await provider.fetchPosts(account(url), first.next)).posts.map((p) => p.platformId)).toEqual([
      'c',
    ]);
  });
});

describe('YouTube channel feeds and Reddit listings through the RSS provider', () => {
  let fake: RssFake;
  let http: HttpClient;
  let provider: RssProvider;
  const avatar = 'https://yt3.googleusercontent.com/ytc/avatar-s900';

  beforeAll(async () => {
    fake = await startRssFake();
    http = testHttpClient('rss', { timeoutMs: 2_000 });
    provider = createRssProvider({ http, apiUrl: undefined, now: () => NOW });
  });
  afterAll(async () => {
    await http.close();
    await fake.close();
  });

  it('GIVEN a channel feed THEN videos come as youtube posts with counts and the channel avatar, looked up once', async () => {
    const url = fake.setYoutubeChannel({
      id: 'UCtest0000000000000000',
      title: 'Test Channel',
      avatarUrl: avatar,
      videos: [
        {
          id: 'vid00000001',
          title: 'First video',
          description: 'Hello #intro',
          published: '2026-09-01T10:00:00+00:00',
          views: 12,
          likes: 3,
        },
      ],
    });
    expect(new URL(url).pathname).toBe('/feeds/videos.xml');
    const first = await provider.fetchPosts(account(url), null);
    expect(first.posts).toEqual([
      expect.objectContaining({
        platform: 'youtube',
        platformId: 'vid00000001',
        metrics: { likes: 3, views: 12 },
        hashtags: ['intro'],
        author: expect.objectContaining({ id: 'UCtest0000000000000000', avatarUrl: avatar }) as unknown,
        media: [
          {
            type: 'video',
            url: 'https://www.youtube.com/watch?v=vid00000001',
            previewUrl: 'https://i1.ytimg.com/vi/vid00000001/hqdefault.jpg',
          },
        ],
      }),
    ]);
    expect(first.next?.avatar).toBe(avatar);
    fake.addYoutubeVideo('UCtest0000000000000000', {
      id: 'vid00000002',
      title: 'Second',
      published: '2026-09-02T10:00:00+00:00',
    });
    const second = await provider.fetchPosts(account(url), first.next);
    expect(second.posts.map((p) => [p.platformId, p.metrics, p.author.avatarUrl])).toEqual([
      ['vid00000002', {}, avatar],
    ]);
    expect(fake.requestsTo('GET', '/channel/:id')).toHaveLength(1);
  });

  it('GIVEN a channel page without a picture THEN posts have no avatar and the page is not asked again', async () => {
    const url = fake.setYoutubeChannel({
      id: 'UCnoavatar000000000000',
      title: 'Plain',
      videos: [{ id: 'vid00000003', title: 'V', published: '2026-09-01T09:00:00+00:00' }],
    });
    const first = await provider.fetchPosts(account(url), null);
    expect(first.posts[0]?.author.avatarUrl).toBeUndefined();
    expect(first.next?.avatar).toBe('');
    fake.addYoutubeVideo('UCnoavatar000000000000', {
      id: 'vid00000004',
      title: 'W',
      published: '2026-09-02T09:00:00+00:00',
    });
    await provider.fetchPosts(account(url), first.next);
    expect(fake.requestsTo('GET', '/channel/UCnoavatar000000000000')).toHaveLength(1);
  });

  it('GIVEN a subreddit listing without validators THEN polls are unconditional and the seen list finds new posts', async () => {
    const post = (id: string, minutesAgo: number, extra: Partial<FakeRedditPost> = {}): FakeRedditPost => ({
      id,
      title: `Post ${id}`,
      author: 'alice',
      published: new Date(NOW.getTime() - minutesAgo * MINUTE).toISOString(),
      ...extra,
    });
    const url = fake.setSubreddit(
      'rss',
      [post('aaa111', 30, { selfText: ['Hello & welcome', 'Second paragraph'] })],
      'RSS: the open standard',
    );
    const first = await provider.fetchPosts(account(url), null);
    expect(first.posts[0]).toMatchObject({
      platform: 'reddit',
      platformId: 't3_aaa111',
      author: { handle: 'alice', profileUrl: 'https://www.reddit.com/user/alice' },
      text: 'Post aaa111\n\nHello & welcome\n\nSecond paragraph',
    });
    expect(first.next).toMatchObject({ etag: null, lastModified: null });
    fake.addRedditPost(
      'rss',
      post('bbb222', 5, {
        author: null,
        linkUrl: 'https://news.example/story',
        thumbnailUrl: 'https://b.thumbs.redditmedia.com/x.jpg',
      }),
    );
    const second = await provider.fetchPosts(account(url), first.next);
    expect(second.posts).toEqual([
      expect.objectContaining({
        platformId: 't3_bbb222',
        author: { id: '[deleted]', displayName: '[deleted]', handle: '[deleted]' },
        links: ['https://news.example/story'],
        media: [{ type: 'image', url: 'https://b.thumbs.redditmedia.com/x.jpg' }],
      }),
    ]);
    expect(fake.feedRequests().at(-1)?.headers['if-none-match']).toBeUndefined();
  });

  it("GIVEN a user's submissions listing THEN it is a reddit feed named u/<name>", async () => {
    const url = fake.setRedditUser('bob', [
      { id: 'ccc333', title: 'Mine', author: 'bob', published: '2026-09-01T00:00:00+00:00' },
    ]);
    expect((await provider.fetchPosts(account(url), null)).posts[0]?.platform).toBe('reddit');
    expect(await provider.describeFeed(url)).toMatchObject({
      handle: 'u/bob',
      accountId: url,
      instanceUrl: url,
    });
  });
});

describe('describing a feed before it is linked', () => {
  let fake: RssFake;
  let http: HttpClient;
  let provider: RssProvider;

  beforeAll(async () => {
    fake = await startRssFake();
    http = testHttpClient('rss', { timeoutMs: 2_000 });
    provider = createRssProvider({ http, apiUrl: undefined, now: () => NOW });
  });
  afterAll(async () => {
    await http.close();
    await fake.close();
  });

  it('GIVEN a news feed THEN the profile is its title, site, logo and host', async () => {
    const url = fake.setFeed('/us/rss', {
      body: readFileSync(new URL('../../fixtures/rss/guardian.rss.xml', import.meta.url)),
    });
    expect(await provider.describeFeed(url)).toEqual({
      accountId: url,
      instanceUrl: url,
      handle: 'theguardian.com',
      displayName: 'The Guardian',
      avatarUrl: 'https://assets.guim.co.uk/images/guardian-logo-rss.c45beb1bafa34b347ac333af2e6fe23f.png',
      profileUrl: 'https://www.theguardian.com/us',
    });
  });

  it('GIVEN a YouTube channel feed and a subreddit THEN they are named like their platform', async () => {
    const channel = fake.setYoutubeChannel({
      id: 'UCdescribe000000000000',
      title: 'Física & Co',
      avatarUrl: 'https://yt3.example/a.jpg',
    });
    expect(await provider.describeFeed(channel)).toMatchObject({
      handle: 'UCdescribe000000000000',
      displayName: 'Física & Co',
      avatarUrl: 'https://yt3.example/a.jpg',
      profileUrl: 'https://www.youtube.com/channel/UCdescribe000000000000',
    });
    const sub = fake.setSubreddit('python', [], 'Python');
    expect(await provider.describeFeed(sub)).toMatchObject({ handle: 'r/python', displayName: 'Python' });
  });

  it("GIVEN a blog's home page THEN the error names the feed the page advertises", async () => {
    const page = fake.setPage(
      '/blog/',
      '<html><head><link rel="alternate" type="application/atom+xml" href="/blog/atom.xml"></head><body></body></html>',
    );
    const err = await failure(provider.describeFeed(page));
    expect(err).toMatchObject({ kind: 'bad-request', platform: 'rss', endpoint: 'GET feed' });
    expect(err.message).toContain(`the page points to its feed at ${fake.url}/blog/atom.xml`);
    expect(err.hint).toBe(`Add ${fake.url}/blog/atom.xml instead of the page's address.`);
  });

  it.each([
    ['not a URL', 'example dot com', /is not a URL/],
    ['an ftp URL', 'ftp://files.example/feed.xml', /only http and https feeds/],
  ])('GIVEN %s THEN bad-request before any request', async (_name, input, message) => {
    fake.requests.length = 0;
    const err = await failure(provider.describeFeed(input));
    expect(err.kind).toBe('bad-request');
    expect(err.message).toMatch(message);
    expect(fake.requests).toHaveLength(0);
  });

  it('GIVEN the provider THEN it reads without credentials and cannot publish', () => {
    expect(provider).toMatchObject({ id: 'rss', auth: 'none', limits: { maxLength: 0, maxMedia: 0 } });
    expect(provider.publish).toBeUndefined();
    expect(provider.fetchMetrics).toBeUndefined();
    expect(provider.authUrl).toBeUndefined();
    expect(provider.refresh).toBeUndefined();
  });
});
