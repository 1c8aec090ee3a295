import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../../core/errors.js';
import type { AggregatorAccount, AggregatorDeps } from '../../../social/aggregators/aggregator.js';
import { createLateClient, type LateClientOptions } from '../../../social/aggregators/late.js';
import { createHttpClient, type HttpClient } from '../../../social/http.js';
import { startLateFake, type LateFake } from '../../fakes/late.js';
import { rejectionOf } from '../../support/failures.js';

let fake: LateFake;
let http: HttpClient;
let account: AggregatorAccount;

function testHttp(timeoutMs = 5000): HttpClient {
  return createHttpClient({
    platform: 'late',
    userAgent: 'Herald-test',
    rateLimitStyle: 'none',
    allowLoopback: true,
    timeoutMs,
  });
}

function client(deps: Partial<AggregatorDeps> = {}, options: LateClientOptions = {}) {
  return createLateClient(
    { apiKey: fake.apiKey, apiUrl: fake.url, http, ...deps },
    { resultDelayMs: 0, ...options },
  );
}

const image = (mimeType: string, ...bytes: number[]) => ({ data: new Uint8Array(bytes), mimeType });
const failure = (promise: Promise<unknown>) => rejectionOf(promise, ProviderError);

beforeEach(async () => {
  fake = await startLateFake();
  http = testHttp();
  const acme = fake.addAccount({ platform: 'twitter', username: '@acme', displayName: 'Acme Corp' });
  account = { id: String(acme._id), platform: 'x', username: '@acme' };
});

afterEach(async () => {
  await http.close();
  await fake.close();
});

describe('LATE: accounts and connecting', () => {
  it("GIVEN connected accounts THEN they come with Herald's platform names, their profile, and only if active", async () => {
    fake.addAccount({ platform: 'linkedin', username: 'acme-inc', isActive: false });
    fake.addAccount({ platform: 'googlebusiness', username: 'Acme Store' });
    fake.addAccount({ platform: 'bluesky', username: 'acme.bsky.social' });
    const accounts = await client().listAccounts();
    const profileId = fake.profiles[0]?._id;
    expect(accounts).toEqual([
      { id: account.id, platform: 'x', username: '@acme', displayName: 'Acme Corp', profileId },
      {
        id: fake.accounts[3]?._id,
        platform: 'bluesky',
        username: 'acme.bsky.social',
        displayName: 'acme.bsky.social',
        profileId,
      },
    ]);
    expect(fake.requestsTo('GET', '/v1/accounts')[0]?.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
  });

  it("GIVEN no profile named THEN the connect URL is asked for the default profile, with LATE's platform name", async () => {
    const other = fake.addProfile({ name: 'Side project' });
    const url = await client().authUrl('x', 'https://herald.example/connected?link=1');
    expect(url.startsWith(`${fake.url}/oauth/twitter/authorize?state=`)).toBe(true);
    const [connect] = fake.requestsTo('GET', '/v1/connect/:platform');
    expect(connect?.path).toBe('/v1/connect/twitter');
    expect(connect?.query.get('profileId')).toBe(fake.profiles[0]?._id);
    expect(connect?.query.get('profileId')).not.toBe(other._id);
    expect(connect?.query.get('redirect_url')).toBe('https://herald.example/connected?link=1');
  });

  it('GIVEN a profile in the options THEN the connect URL is for it, without listing profiles', async () => {
    const other = fake.addProfile({ name: 'Side project' });
    await client({}, { profileId: String(other._id) }).authUrl('linkedin', 'https://herald.example/done');
    expect(fake.requestsTo('GET', '/v1/profiles')).toHaveLength(0);
    expect(fake.requestsTo('GET', '/v1/connect/:platform')[0]?.query.get('profileId')).toBe(other._id);
  });

  it('GIVEN a platform LATE cannot connect THEN bad-request, and nothing is sent', async () => {
    const err = await failure(client().authUrl('mastodon', 'https://herald.example/done'));
    expect(err.kind).toBe('bad-request');
    expect(fake.requests).toHaveLength(0);
  });
});

describe('LATE: publishing', () => {
  it('GIVEN two images THEN each reaches its presigned URL without the API key, and the post uses their public URLs', async () => {
    const published = await client().publish({
      text: 'Two pictures',
      account,
      media: [image('image/png', 1, 2), { ...image('image/jpeg', 3, 4), fileName: 'second.jpg' }],
    });

    const presigns = fake.requestsTo('POST', '/v1/media/presign').map((r) => r.json());
    expect(presigns).toEqual([
      { filename: 'media-1.png', contentType: 'image/png', size: 2 },
      { filename: 'second.jpg', contentType: 'image/jpeg', size: 2 },
    ]);
    const uploads = fake.requestsTo('PUT', '/storage/upload/:key');
    expect(uploads.map((r) => r.headers.authorization)).toEqual([undefined, undefined]);
    const [post] = fake.requestsTo('POST', '/v1/posts');
    const body = post?.json() as { mediaItems: Array<{ type: string; url: string }> };
    expect(body).toEqual({
      content: 'Two pictures',
      mediaItems: [
        { type: 'image', url: expect.any(String) },
        { type: 'image', url: expect.any(String) },
      ],
      platforms: [{ platform: 'twitter', accountId: account.id }],
      publishNow: true,
    });
    expect(body.mediaItems.map((m) => fake.uploads.get(m.url))).toEqual([
      { data: Buffer.from([1, 2]), contentType: 'image/png' },
      { data: Buffer.from([3, 4]), contentType: 'image/jpeg' },
    ]);

    const target = (fake.posts[0]?.platforms as Array<Record<string, string>>)[0];
    expect(published).toEqual({
      postId: fake.posts[0]?._id,
      result: { state: 'published', platformPostId: target?.platformPostId, url: target?.platformPostUrl },
    });
    // The 201 already carried the outcome: no need to read the post again.
    expect(fake.requestsTo('GET', '/v1/posts/:id')).toHaveLength(0);
  });

  it("GIVEN the platform refuses the post THEN the result is failed with LATE's message", async () => {
    fake.setOutcome(account.id, { kind: 'failure', errorMessage: 'Tweet needs to be a bit shorter.' });
    const published = await client().publish({ text: 'x'.repeat(300), account, media: [] });
    expect(published.result).toEqual({ state: 'failed', error: 'Tweet needs to be a bit shorter.' });
  });

  it('GIVEN a post still publishing THEN publish answers pending, and result later finds it published', async () => {
    fake.setOutcome(account.id, { kind: 'pending', polls: 3 });
    const published = await client({}, { resultAttempts: 3 }).publish({ text: 'Slow', account, media: [] });
    expect(published).toEqual({ postId: fake.posts[0]?._id, result: { state: 'pending' } });
    expect(fake.requestsTo('GET', '/v1/posts/:id')).toHaveLength(3);

    const later = await client().result(published.postId, account);
    expect(later).toMatchObject({ state: 'published', url: expect.stringContaining('/acme/status/') });
    expect(fake.posts).toHaveLength(1);
    expect(fake.posts[0]?.status).toBe('published');
  });

  it('GIVEN the same text again on the account THEN bad-request with the duplicate message', async () => {
    await client().publish({ text: 'Once only', account, media: [] });
    const err = await failure(client().publish({ text: 'Once only', account, media: [] }));
    expect(err).toMatchObject({ kind: 'bad-request', status: 409 });
    expect(err.message).toContain('already posted to this account');
    expect(fake.posts).toHaveLength(1);
  });

  it('GIVEN a file type LATE does not take THEN bad-request, and no post is created', async () => {
    const err = await failure(client().publish({ text: 'Audio', account, media: [image('audio/mpeg', 1)] }));
    expect(err).toMatchObject({ kind: 'bad-request', status: 400 });
    expect(err.message).toContain('Invalid content type');
    expect(fake.requestsTo('POST', '/v1/posts')).toHaveLength(0);
  });

  it('GIVEN a post LATE does not know THEN result is bad-request', async () => {
    const err = await failure(client().result('65f1c0a9e2b5af0012ab34cd', account));
    expect(err).toMatchObject({ kind: 'bad-request', status: 404 });
  });
});

describe('LATE: failures', () => {
  it('GIVEN a refused API key THEN revoked, never showing the key', async () => {
    const wrongKey = 'sk_0000000000000000000000000000dead';
    const err = await failure(client({ apiKey: wrongKey }).listAccounts());
    expect(err).toMatchObject({ kind: 'revoked', status: 401, platform: 'late' });
    expect(err.message).toContain('Unauthorized');
    expect(err.hint).toContain('HERALD_LATE_API_KEY');
    expect(inspect(err, { depth: 10 })).not.toContain(wrongKey);
  });

  it('GIVEN 429 with Retry-After THEN retry-later after that many seconds', async () => {
    fake.rateLimit(42);
    const err = await failure(client().publish({ text: 'Hello', account, media: [] }));
    expect(err).toMatchObject({ kind: 'retry-later', status: 429, retryAfterMs: 42_000 });
  });

  it('GIVEN a 500 THEN retry-later', async () => {
    fake.serverError();
    const err = await failure(client().listAccounts());
    expect(err).toMatchObject({ kind: 'retry-later', status: 500 });
    expect(err.message).toContain('Internal server error');
  });

  it('GIVEN an answer of another shape THEN bad-request naming the field', async () => {
    fake.malformed();
    const err = await failure(client().listAccounts());
    expect(err.kind).toBe('bad-request');
    expect(err.message).toContain('accounts.0._id');
    expect(err.message).toContain('LATE answered in a shape Herald does not know');
  });

  it('GIVEN a create answer of another shape THEN bad-request', async () => {
    fake.malformed({ path: '/v1/posts', body: '{"message":"ok"}' });
    const err = await failure(client().publish({ text: 'Hello', account, media: [] }));
    expect(err.kind).toBe('bad-request');
    expect(err.message).toContain('post');
  });

  it('GIVEN no answer in time THEN retry-later', async () => {
    await http.close();
    http = testHttp(200);
    fake.slow(1000);
    const err = await failure(client().listAccounts());
    expect(err.kind).toBe('retry-later');
  });

  it('GIVEN an error body that repeats the key THEN the key is redacted', async () => {
    fake.injectFault({
      kind: 'reply',
      reply: { status: 403, json: { error: `API key ${fake.apiKey} lacks access`, code: 'forbidden' } },
    });
    const err = await failure(client().listAccounts());
    expect(err.kind).toBe('bad-request');
    expect(err.message).toContain('API key [redacted] lacks access');
    expect(inspect(err, { depth: 10 })).not.toContain(fake.apiKey);
  });

  it('GIVEN any failure THEN the API key appears nowhere in the error', async () => {
    fake.rateLimit(5);
    fake.serverError();
    fake.malformed();
    const errors = [
      await failure(client().listAccounts()),
      await failure(client().listAccounts()),
      await failure(client().listAccounts()),
      await failure(client().result('missing', account)),
    ];
    for (const err of errors) expect(inspect(err, { depth: 10 })).not.toContain(fake.apiKey);
  });
});
