import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../../core/errors.js';
import { createBlueskyProvider, type BlueskyProviderOptions } from '../../../social/bluesky/provider.js';
import type { HttpClient } from '../../../social/http.js';
import type { AccountRef, Draft, DraftItem, DraftMedia, SocialProvider } from '../../../social/provider.js';
import { startBlueskyFake, type BlueskyFake } from '../../fakes/bluesky.js';
import { rejectionOf } from '../../support/failures.js';
import { testHttpClient } from '../../support/http-client.js';

const NOW = new Date('2026-02-01T09:00:00.000Z');
const CREATE_RECORD = '/xrpc/com.atproto.repo.createRecord';
const UPLOAD_BLOB = '/xrpc/com.atproto.repo.uploadBlob';

const failure = (promise: Promise<unknown>) => rejectionOf(promise, ProviderError);

let fake: BlueskyFake;
let http: HttpClient;
let provider: SocialProvider;
let account: AccountRef;

function providerWith(options: BlueskyProviderOptions): SocialProvider {
  return createBlueskyProvider(
    { http, apiUrl: fake.url, now: () => NOW },
    { plcDirectoryUrl: fake.plcDirectoryUrl, didWebUrl: fake.didWebUrl, linkPreviews: false, ...options },
  );
}

beforeEach(async () => {
  fake = await startBlueskyFake();
  http = testHttpClient('bluesky', { timeoutMs: 1_000 });
  provider = providerWith({});
  account = fake.signedIn();
});

afterEach(async () => {
  await http.close();
  await fake.close();
});

function draft(...items: Array<string | DraftItem>): Draft {
  const [first, ...rest] = items.map((item) => (typeof item === 'string' ? { text: item, media: [] } : item));
  return { items: [first!, ...rest], idempotencyKey: 'key-1' };
}

/** A PNG header of the given size, padded to `bytes`. */
function png(width: number, height: number, bytes = 64, altText?: string): DraftMedia {
  const data = Buffer.alloc(bytes);
  data.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13], 0);
  data.write('IHDR', 12, 'latin1');
  data.writeUInt32BE(width, 16);
  data.writeUInt32BE(height, 20);
  return { data, mimeType: 'image/png', ...(altText ? { altText } : {}) };
}

interface SentFacet {
  index: { byteStart: number; byteEnd: number };
  features: Array<Record<string, string>>;
}

function sentRecords() {
  return fake
    .requestsTo('POST', CREATE_RECORD)
    .map((r) => r.json() as { repo: string; collection: string; record: Record<string, unknown> });
}

function facetTexts(text: string, facets: SentFacet[]): string[] {
  const bytes = Buffer.from(text, 'utf8');
  return facets.map((f) => bytes.subarray(f.index.byteStart, f.index.byteEnd).toString('utf8'));
}

describe('Bluesky publishing', () => {
  it('GIVEN text with emoji and CJK before a mention, a link and a hashtag THEN the facets cover them in UTF-8 bytes', async () => {
    fake.addAccount({ handle: 'bob.test', password: 'x' });
    const text = '👨‍👩‍👧 日本語 hi @bob.test and @ghost.test, see https://example.com/docs. #Launch';

    const published = await provider.publish!(account, draft(text));

    const [sent] = sentRecords();
    expect(sent).toMatchObject({ repo: account.accountId, collection: 'app.bsky.feed.post' });
    expect(sent?.record).toMatchObject({ $type: 'app.bsky.feed.post', text, createdAt: NOW.toISOString() });
    const facets = sent?.record.facets as SentFacet[];
    expect(facetTexts(text, facets)).toEqual(['@bob.test', 'https://example.com/docs', '#Launch']);
    expect(facets.map((f) => f.features[0])).toEqual([
      { $type: 'app.bsky.richtext.facet#mention', did: fake.signedIn({ handle: 'bob.test' }).accountId },
      { $type: 'app.bsky.richtext.facet#link', uri: 'https://example.com/docs' },
      { $type: 'app.bsky.richtext.facet#tag', tag: 'Launch' },
    ]);
    expect(
      fake.requestsTo('GET', '/xrpc/com.atproto.identity.resolveHandle').map((r) => r.query.get('handle')),
    ).toEqual(['bob.test', 'ghost.test']);
    // No images: the first link gets a card.
    expect(sent?.record.embed).toEqual({
      $type: 'app.bsky.embed.external',
      external: { uri: 'https://example.com/docs', title: 'example.com/docs', description: '' },
    });
    const rkey = published[0]!.platformId.split('/').at(-1);
    expect(published).toEqual([
      { platformId: fake.records[0]!.uri, url: `https://bsky.app/profile/alice.test/post/${rkey}` },
    ]);
  });

  it('GIVEN link previews on THEN the card takes the page title and description through the guarded fetch', async () => {
    provider = providerWith({ linkPreviews: true });
    fake.on('GET', '/article', () => ({
      text: '<html><head><meta property="og:title" content="Herald ships"><meta property="og:description" content="Both ways."></head></html>',
      headers: { 'content-type': 'text/html' },
    }));
    const link = `${fake.url}/article`;

    await provider.publish!(account, draft(`read ${link}`));

    expect(sentRecords()[0]?.record.embed).toEqual({
      $type: 'app.bsky.embed.external',
      external: { uri: link, title: 'Herald ships', description: 'Both ways.' },
    });
  });

  it('GIVEN a link whose page fails THEN the post is still published with a plain card', async () => {
    provider = providerWith({ linkPreviews: true });
    const link = `${fake.url}/missing`;
    await provider.publish!(account, draft(`read ${link}`));
    expect(sentRecords()[0]?.record.embed).toMatchObject({
      external: { uri: link, title: link.replace('http://', '') },
    });
  });

  it('GIVEN two images with alt text THEN each is uploaded as raw bytes and embedded with its ratio, and no card', async () => {
    const images = [png(1280, 760, 2_000, 'a harbour at dusk'), png(500, 300, 1_000)];

    await provider.publish!(account, draft({ text: 'photos https://example.com', media: images }));

    const uploads = fake.requestsTo('POST', UPLOAD_BLOB);
    expect(uploads.map((u) => [u.headers['content-type'], u.body.length])).toEqual([
      ['image/png', 2_000],
      ['image/png', 1_000],
    ]);
    expect(uploads[0]?.headers.authorization).toBe(`Bearer ${account.credentials?.accessToken}`);
    expect(sentRecords()[0]?.record.embed).toEqual({
      $type: 'app.bsky.embed.images',
      images: [
        {
          image: expect.objectContaining({
            $type: 'blob',
            ref: { $link: fake.blobs[0]!.cid },
            size: 2_000,
          }) as unknown,
          alt: 'a harbour at dusk',
          aspectRatio: { width: 1280, height: 760 },
        },
        {
          image: expect.objectContaining({ ref: { $link: fake.blobs[1]!.cid } }) as unknown,
          alt: '',
          aspectRatio: { width: 500, height: 300 },
        },
      ],
    });
  });

  it('GIVEN an image over 1,000,000 bytes, five images or a video THEN nothing is sent', async () => {
    const big = await failure(
      provider.publish!(account, draft({ text: 'big', media: [png(10, 10, 1_000_001)] })),
    );
    expect(big).toMatchObject({ kind: 'bad-request', platform: 'bluesky' });
    expect(big.message).toMatch(/1000001 bytes; Bluesky takes at most 1000000/);
    expect(png(10, 10, 1_000_000).data.byteLength).toBe(1_000_000);

    const five = Array.from({ length: 5 }, () => png(10, 10));
    expect((await failure(provider.publish!(account, draft({ text: 'five', media: five })))).message).toMatch(
      /5 images/,
    );
    const video = { data: new Uint8Array(10), mimeType: 'video/mp4' };
    expect(
      (await failure(provider.publish!(account, draft({ text: 'clip', media: [video] })))).message,
    ).toMatch(/video\/mp4/);
    expect(fake.requests).toHaveLength(0);
  });

  it('GIVEN an image of exactly 1,000,000 bytes THEN it is published', async () => {
    await provider.publish!(account, draft({ text: '', media: [png(4, 3, 1_000_000)] }));
    expect(fake.blobs[0]?.size).toBe(1_000_000);
    expect(fake.records).toHaveLength(1);
  });

  it('GIVEN a thread of three THEN each reply names the first post as root and the previous one as parent', async () => {
    const published = await provider.publish!(account, draft('1/3 start', '2/3 middle', '3/3 end'));

    const [first, second, third] = sentRecords().map((s) => s.record);
    const ref = (n: number) => ({ uri: fake.records[n]!.uri, cid: fake.records[n]!.cid });
    expect(first).not.toHaveProperty('reply');
    expect(second?.reply).toEqual({ root: ref(0), parent: ref(0) });
    expect(third?.reply).toEqual({ root: ref(0), parent: ref(1) });
    expect(published.map((p) => p.platformId)).toEqual(fake.records.map((r) => r.uri));
  });

  it('GIVEN a thread whose second post fails THEN the failure is retry-later and the first post stays published', async () => {
    fake.serverError({ path: UPLOAD_BLOB });

    const error = await failure(
      provider.publish!(account, draft('one', { text: 'two', media: [png(4, 3)] })),
    );

    expect(error).toMatchObject({ kind: 'retry-later', status: 500, endpoint: `POST ${UPLOAD_BLOB}` });
    expect(fake.records.map((r) => r.record.text)).toEqual(['one']);
  });

  it('GIVEN an expired access JWT THEN publishing asks for a refresh before anything is created', async () => {
    fake.expireToken();
    expect(await failure(provider.publish!(account, draft('hello')))).toMatchObject({
      kind: 'refresh-token',
      status: 400,
    });
    expect(fake.records).toHaveLength(0);
  });

  it('GIVEN a published post THEN the next poll reads it back with its hashtag and link', async () => {
    await provider.publish!(account, draft('new release #Herald https://example.com/r'));
    const { posts } = await provider.fetchPosts(account, null);
    expect(posts[0]).toMatchObject({
      text: 'new release #Herald https://example.com/r',
      hashtags: ['herald'],
      links: ['https://example.com/r'],
      createdAt: NOW.toISOString(),
    });
  });
});

describe('Bluesky length limits', () => {
  const cases: Array<[string, string, string]> = [
    ['emoji', '😀'.repeat(300), '😀'.repeat(301)],
    ['CJK', '語'.repeat(300), '語'.repeat(301)],
    [
      'a URL, counted in full',
      `${'a'.repeat(271)} https://example.com/${'p'.repeat(8)}`,
      `${'a'.repeat(272)} https://example.com/${'p'.repeat(8)}`,
    ],
  ];

  for (const [label, atLimit, pastLimit] of cases) {
    it(`GIVEN ${label} THEN 300 graphemes publish and 301 are refused before any request`, async () => {
      expect([...new Intl.Segmenter().segment(atLimit)]).toHaveLength(300);
      await provider.publish!(account, draft(atLimit));
      expect(fake.records).toHaveLength(1);

      fake.requests.length = 0;
      const error = await failure(provider.publish!(account, draft(pastLimit)));
      expect(error).toMatchObject({
        kind: 'bad-request',
        platform: 'bluesky',
        endpoint: `POST ${CREATE_RECORD}`,
      });
      expect(error.message).toMatch(/301 characters; Bluesky takes at most 300/);
      expect(fake.requests).toHaveLength(0);
    });
  }

  it('GIVEN 300 graphemes over 3000 UTF-8 bytes THEN the byte limit refuses them', async () => {
    const families = '👨‍👩‍👧‍👦'.repeat(300);
    const error = await failure(provider.publish!(account, draft(families)));
    expect(error.message).toMatch(/7500 bytes; Bluesky takes at most 3000/);
    expect(provider.limits).toMatchObject({
      maxLength: 300,
      counting: 'graphemes',
      maxMedia: 4,
      maxImageBytes: 1_000_000,
    });
  });

  it('GIVEN a thread whose last post is too long THEN nothing of the thread is published', async () => {
    const error = await failure(provider.publish!(account, draft('fine', 'x'.repeat(301))));
    expect(error.message).toMatch(/post 2 of the thread/);
    expect(fake.records).toHaveLength(0);
  });
});
