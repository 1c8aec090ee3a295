import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../../core/errors.js';
import type { HttpClient } from '../../../social/http.js';
import type { AccountRef, Draft, DraftItem, DraftMedia, SocialProvider } from '../../../social/provider.js';
import { createXProvider, type XProviderOptions } from '../../../social/x/provider.js';
import { XPartialPublishError } from '../../../social/x/publish.js';
import { startXFake, X_FAKE_CLIENT, type XFake } from '../../fakes/x.js';
import { rejectionOf } from '../../support/failures.js';
import { testHttpClient } from '../../support/http-client.js';

const failure = (promise: Promise<unknown>) => rejectionOf(promise, ProviderError);

const draft = (...items: Array<string | DraftItem>): Draft => {
  const [first, ...rest] = items.map((item) => (typeof item === 'string' ? { text: item, media: [] } : item));
  return { items: [first!, ...rest], idempotencyKey: 'publish-1' };
};

const bytes = (size: number, fill = 7) => new Uint8Array(size).fill(fill);
const image = (altText?: string, size = 2_000): DraftMedia => ({
  data: bytes(size),
  mimeType: 'image/png',
  altText,
  fileName: 'a.png',
});
const MB = 1024 * 1024;

describe('X provider: publishing', () => {
  let fake: XFake;
  let http: HttpClient;
  let account: AccountRef;
  let userId: string;
  let sleeps: number[];

  const provider = (options: XProviderOptions = {}): SocialProvider =>
    createXProvider(
      { http, apiUrl: fake.url, client: X_FAKE_CLIENT },
      { authUrl: fake.url, sleep: async (ms) => void sleeps.push(ms), ...options },
    );

  beforeEach(async () => {
    fake = await startXFake();
    http = testHttpClient('x', { timeoutMs: 2_000 });
    sleeps = [];
    const user = fake.addUser({ username: 'heraldbot', name: 'Herald Bot' });
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
    await http.close();
    await fake.close();
  });

  const created = () => fake.requestsTo('POST', '/2/tweets').map((r) => r.json() as Record<string, unknown>);

  it('GIVEN one post THEN POST /2/tweets sends its text and the link to it comes back', async () => {
    const [item, ...more] = await provider().publish!(account, draft('Hello from Herald #launch'));
    expect(more).toHaveLength(0);
    expect(item?.url).toBe(`https://x.com/heraldbot/status/${item?.platformId}`);
    expect(created()).toEqual([{ text: 'Hello from Herald #launch' }]);
    expect(fake.state.tweets.get(item?.platformId ?? '')).toMatchObject({
      author_id: userId,
      text: 'Hello from Herald #launch',
    });
  });

  it('GIVEN a thread THEN each post replies to the one before, and the links come back in order', async () => {
    const published = await provider().publish!(account, draft('1/3 start', '2/3 middle', '3/3 end'));
    expect(published).toHaveLength(3);
    const bodies = created();
    expect(bodies[0]).toEqual({ text: '1/3 start' });
    expect(bodies[1]).toEqual({
      text: '2/3 middle',
      reply: { in_reply_to_tweet_id: published[0]?.platformId },
    });
    expect(bodies[2]).toEqual({ text: '3/3 end', reply: { in_reply_to_tweet_id: published[1]?.platformId } });
  });

  it('GIVEN two images with alt text THEN each is uploaded in one request, described, and attached in order', async () => {
    const [item] = await provider().publish!(
      account,
      draft({ text: 'Two views', media: [image('Front view'), image('Side view')] }),
    );
    const uploads = fake.requestsTo('POST', '/2/media/upload');
    expect(uploads).toHaveLength(2);
    expect(uploads[0]?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(uploads[0]?.text()).toContain('name="media_category"\r\n\r\ntweet_image');
    const described = fake.requestsTo('POST', '/2/media/metadata').map((r) => r.json());
    const [first, second] = [...fake.state.uploads.values()];
    expect(described).toEqual([
      { id: first?.id, metadata: { alt_text: { text: 'Front view' } } },
      { id: second?.id, metadata: { alt_text: { text: 'Side view' } } },
    ]);
    expect(created()[0]).toEqual({ text: 'Two views', media: { media_ids: [first?.id, second?.id] } });
    const stored = fake.state.tweets.get(item?.platformId ?? '');
    expect(stored?.attachments?.media_keys).toEqual([first?.mediaKey, second?.mediaKey]);
    expect(fake.state.media.get(first?.mediaKey ?? '')?.alt_text).toBe('Front view');
  });

  it('GIVEN a video THEN it is uploaded in chunks, STATUS is polled as X asks, and the post carries it', async () => {
    fake.setProcessing(['pending', 'in_progress', 'succeeded']);
    const video: DraftMedia = { data: bytes(2_500, 3), mimeType: 'video/mp4', altText: 'A demo' };
    await provider({ chunkBytes: 1_000 }).publish!(account, draft({ text: 'Demo', media: [video] }));
    const init = fake.requestsTo('POST', '/2/media/upload/initialize')[0]?.json();
    expect(init).toEqual({ media_type: 'video/mp4', total_bytes: 2_500, media_category: 'tweet_video' });
    const appends = fake.requestsTo('POST', '/2/media/upload/:id/append');
    expect(appends.map((r) => /name="segment_index"\r\n\r\n(\d+)/.exec(r.text())?.[1])).toEqual([
      '0',
      '1',
      '2',
    ]);
    expect(fake.requestsTo('POST', '/2/media/upload/:id/finalize')).toHaveLength(1);
    const polls = fake.requestsTo('GET', '/2/media/upload');
    expect(polls.map((r) => r.query.get('command'))).toEqual(['STATUS', 'STATUS']);
    expect(sleeps).toEqual([1_000, 1_000]);
    const [upload] = [...fake.state.uploads.values()];
    expect(upload?.segments.size).toBe(3);
    expect(created()[0]).toEqual({ text: 'Demo', media: { media_ids: [upload?.id] } });
    expect(fake.state.media.get(upload?.mediaKey ?? '')).toMatchObject({ type: 'video', alt_text: 'A demo' });
  });

  it('GIVEN a GIF THEN it goes through the chunked flow as tweet_gif', async () => {
    fake.setProcessing(['succeeded']);
    await provider().publish!(
      account,
      draft({ text: '', media: [{ data: bytes(5_000), mimeType: 'image/gif' }] }),
    );
    expect(fake.requestsTo('POST', '/2/media/upload/initialize')[0]?.json()).toMatchObject({
      media_category: 'tweet_gif',
    });
    expect(created()[0]).not.toHaveProperty('text');
  });

  it('GIVEN a video X cannot process THEN bad-request with its reason, and nothing is posted', async () => {
    fake.setProcessing(['in_progress', 'failed']);
    const err = await failure(
      provider().publish!(account, draft({ text: 'x', media: [{ data: bytes(10), mimeType: 'video/mp4' }] })),
    );
    expect(err.kind).toBe('bad-request');
    expect(err.message).toContain('Invalid or Unsupported media');
    expect(created()).toHaveLength(0);
  });

  it('GIVEN a video still processing past the wait limit THEN retry-later', async () => {
    fake.setProcessing(['in_progress']);
    const err = await failure(
      provider({ maxProcessingWaitMs: 3_000 }).publish!(
        account,
        draft({ text: 'x', media: [{ data: bytes(10), mimeType: 'video/mp4' }] }),
      ),
    );
    expect(err.kind).toBe('retry-later');
    expect(sleeps).toEqual([1_000, 1_000, 1_000]);
  });

  describe('length as X counts it', () => {
    const url = `https://example.com/${'path/'.repeat(30)}`;
    it.each([
      ['280 Latin letters', 'a'.repeat(280)],
      ['140 emoji (2 each)', '😀'.repeat(140)],
      ['140 CJK characters (2 each)', '日'.repeat(140)],
      ['140 family emoji (a ZWJ sequence weighs 2)', '👨‍👩‍👧'.repeat(140)],
      ['256 letters, a space and a long URL (23)', `${'a'.repeat(256)} ${url}`],
    ])('GIVEN %s THEN it is exactly at the limit and is posted', async (_, text) => {
      await provider().publish!(account, draft(text));
      expect(created()).toEqual([{ text }]);
    });

    it.each([
      ['281 Latin letters', 'a'.repeat(281)],
      ['140 emoji and a letter', `${'😀'.repeat(140)}a`],
      ['140 CJK characters and a letter', `${'日'.repeat(140)}a`],
      ['140 family emoji (ZWJ sequences) and a letter', `${'👨‍👩‍👧'.repeat(140)}a`],
      ['257 letters, a space and a long URL', `${'a'.repeat(257)} ${url}`],
    ])('GIVEN %s THEN bad-request before any request', async (_, text) => {
      const err = await failure(provider().publish!(account, draft(text)));
      expect(err.kind).toBe('bad-request');
      expect(err.message).toContain('281 characters as X counts them (max 280)');
      expect(fake.requests).toHaveLength(0);
    });
  });

  it.each([
    ['five images', { text: 'x', media: [image(), image(), image(), image(), image()] }, '5 images (max 4)'],
    [
      'a GIF with an image',
      { text: 'x', media: [{ data: bytes(10), mimeType: 'image/gif' }, image()] },
      'mixes a GIF or video',
    ],
    [
      'a TIFF',
      { text: 'x', media: [{ data: bytes(10), mimeType: 'image/tiff' }] },
      'image/tiff, which X does not accept',
    ],
    ['a 6 MB image', { text: 'x', media: [image(undefined, 6 * MB)] }, '6.0 MB (max 5 MB)'],
    [
      '1001 characters of alt text',
      { text: 'x', media: [image('a'.repeat(1001))] },
      '1001 characters of alt text',
    ],
    ['nothing at all', { text: '  ', media: [] }, 'neither text nor media'],
  ])('GIVEN %s THEN bad-request naming the problem, before any request', async (_, item, problem) => {
    const err = await failure(provider().publish!(account, draft(item as DraftItem)));
    expect(err.kind).toBe('bad-request');
    expect(err.message).toContain(problem);
    expect(err.hint).toBeDefined();
    expect(fake.requests).toHaveLength(0);
  });

  it('GIVEN a thread whose second post X refuses THEN the error lists the post already published', async () => {
    fake.addTweet({ authorId: userId, text: 'already said' });
    const err = await failure(
      provider().publish!(account, draft('fresh start', 'already said', 'never sent')),
    );
    expect(err).toBeInstanceOf(XPartialPublishError);
    expect(err).toMatchObject({ kind: 'bad-request', status: 403 });
    const published = (err as XPartialPublishError).published;
    expect(published).toHaveLength(1);
    expect(fake.state.tweets.get(published[0]?.platformId ?? '')?.text).toBe('fresh start');
    expect(created().map((b) => b.text)).toEqual(['fresh start', 'already said']);
  });

  it('GIVEN duplicate text THEN bad-request with X’s reason', async () => {
    fake.addTweet({ authorId: userId, text: 'same again' });
    const err = await failure(provider().publish!(account, draft('same again')));
    expect(err).toMatchObject({ kind: 'bad-request', status: 403 });
    expect(err.message).toContain('duplicate content');
  });

  it('GIVEN an expired token THEN refresh-token, and nothing was posted', async () => {
    fake.expireToken();
    const err = await failure(provider().publish!(account, draft({ text: 'pic', media: [image()] })));
    expect(err.kind).toBe('refresh-token');
    expect(fake.state.tweets.size).toBe(0);
  });

  it('GIVEN a 429 on media upload THEN retry-later with the reset of X’s headers', async () => {
    fake.rateLimit(60, { path: '/2/media/upload' });
    const err = await failure(provider().publish!(account, draft({ text: 'pic', media: [image()] })));
    expect(err.kind).toBe('retry-later');
    expect(err.endpoint).toBe('POST /2/media/upload');
    expect(err.retryAfterMs).toBeGreaterThan(55_000);
  });
});
