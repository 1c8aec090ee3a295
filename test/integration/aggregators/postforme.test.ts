import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../../core/errors.js';
import type {
  AggregatorAccount,
  AggregatorClientOptions,
  AggregatorDeps,
} from '../../../social/aggregators/aggregator.js';
import { createPostForMeClient } from '../../../social/aggregators/postforme.js';
import { createHttpClient, type HttpClient } from '../../../social/http.js';
import { startPostForMeFake, type PostForMeFake } from '../../fakes/postforme.js';
import { rejectionOf } from '../../support/failures.js';

let fake: PostForMeFake;
let http: HttpClient;

function testHttp(timeoutMs = 5000): HttpClient {
  return createHttpClient({
    platform: 'postforme',
    userAgent: 'Herald-test',
    rateLimitStyle: 'none',
    allowLoopback: true,
    timeoutMs,
  });
}

function client(deps: Partial<AggregatorDeps> = {}, options: AggregatorClientOptions = {}) {
  return createPostForMeClient(
    { apiKey: fake.apiKey, apiUrl: `${fake.url}/`, http, ...deps },
    { resultDelayMs: 0, ...options },
  );
}

const png = (...bytes: number[]) => ({
  data: new Uint8Array([137, 80, 78, 71, ...bytes]),
  mimeType: 'image/png',
});
const failure = (promise: Promise<unknown>) => rejectionOf(promise, ProviderError);

function accountOf(json: Record<string, unknown>): AggregatorAccount {
  return { id: String(json.id), platform: 'x', username: String(json.username) };
}

beforeEach(async () => {
  fake = await startPostForMeFake();
  http = testHttp();
});

afterEach(async () => {
  await http.close();
  await fake.close();
});

describe('PostForMe: accounts and connecting', () => {
  it('GIVEN more accounts than one page THEN every page is followed by offset', async () => {
    for (let i = 0; i < 105; i++) fake.addAccount({ platform: 'x', username: `acct${i}` });
    const accounts = await client().listAccounts();
    expect(accounts).toHaveLength(105);
    expect(accounts[104]).toEqual({ id: fake.accounts[104]?.id, platform: 'x', username: 'acct104' });
    const pages = fake.requestsTo('GET', '/v1/social-accounts');
    expect(pages.map((r) => [r.query.get('limit'), r.query.get('offset')])).toEqual([
      ['100', '0'],
      ['100', '100'],
    ]);
    expect(pages[0]?.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
  });

  it("GIVEN PostForMe's platform names THEN they become Herald's, and unusable accounts are left out", async () => {
    fake.addAccount({ platform: 'twitter', username: 'old_name' });
    fake.addAccount({ platform: 'tiktok_business', username: 'shop' });
    fake.addAccount({ platform: 'bluesky', username: null });
    fake.addAccount({ platform: 'linkedin', username: 'gone', status: 'disconnected' });
    fake.addAccount({ platform: 'myspace', username: 'tom' });
    const accounts = await client().listAccounts();
    expect(accounts.map((a) => [a.platform, a.username])).toEqual([
      ['x', 'old_name'],
      ['tiktok', 'shop'],
      ['bluesky', fake.accounts[2]?.user_id],
    ]);
    // The account DTO carries the platform tokens; Herald never keeps them.
    expect(Object.keys(accounts[0] ?? {}).sort()).toEqual(['id', 'platform', 'username']);
  });

  it("GIVEN a platform THEN the auth URL is PostForMe's, asked for with PostForMe's platform name", async () => {
    const url = await client().authUrl('x', 'https://herald.example/connected');
    expect(url.startsWith(`${fake.url}/connect/x?state=`)).toBe(true);
    expect(fake.requestsTo('POST', '/v1/social-accounts/auth-url').map((r) => r.json())).toEqual([
      { platform: 'x' },
    ]);
  });

  it('GIVEN a platform PostForMe cannot connect THEN bad-request, and nothing is sent', async () => {
    const err = await failure(client().authUrl('mastodon', 'https://herald.example/connected'));
    expect(err.kind).toBe('bad-request');
    expect(err.message).toContain('mastodon');
    expect(fake.requests).toHaveLength(0);
  });
});

describe('PostForMe: publishing', () => {
  it('GIVEN two images THEN each reaches its signed URL without the API key, and the post uses their URLs', async () => {
    const account = accountOf(fake.addAccount({ platform: 'x', username: 'herald' }));
    const published = await client().publish({
      text: 'Two pictures',
      account,
      media: [png(1), { ...png(2), mimeType: 'image/jpeg', fileName: 'two.jpg' }],
    });

    const uploads = fake.requestsTo('PUT', '/storage/v1/object/upload/sign/post-media/:project/:name');
    expect(uploads).toHaveLength(2);
    expect(uploads.map((r) => r.headers.authorization)).toEqual([undefined, undefined]);
    const [post] = fake.requestsTo('POST', '/v1/social-posts');
    const body = post?.json() as {
      caption: string;
      social_accounts: string[];
      media: Array<{ url: string }>;
    };
    expect(body.caption).toBe('Two pictures');
    expect(body.social_accounts).toEqual([account.id]);
    expect(body.media).toHaveLength(2);
    expect(body.media.map((m) => fake.uploads.get(m.url)?.data)).toEqual([
      Buffer.from([137, 80, 78, 71, 1]),
      Buffer.from([137, 80, 78, 71, 2]),
    ]);
    expect(body.media.map((m) => fake.uploads.get(m.url)?.contentType)).toEqual(['image/png', 'image/jpeg']);

    const result = fake.results[0]?.platform_data as { id: string; url: string };
    expect(published).toEqual({
      postId: fake.posts[0]?.id,
      result: { state: 'published', platformPostId: result.id, url: result.url },
    });
  });

  it('GIVEN a server that hands out a presigned POST THEN the file goes with its fields', async () => {
    fake.setUploadMethod('POST');
    const account = accountOf(fake.addAccount({ platform: 'x', username: 'herald' }));
    const published = await client().publish({ text: 'One picture', account, media: [png(9)] });
    expect(published.result.state).toBe('published');
    const [upload] = fake.requestsTo('POST', '/r2/post-media');
    expect(upload?.headers.authorization).toBeUndefined();
    const [post] = fake.requestsTo('POST', '/v1/social-posts');
    const [media] = (post?.json() as { media: Array<{ url: string }> }).media;
    expect(fake.uploads.get(media?.url ?? '')?.data).toEqual(Buffer.from([137, 80, 78, 71, 9]));
  });

  it("GIVEN the platform refuses the post THEN the result is failed with PostForMe's reason", async () => {
    const account = accountOf(fake.addAccount({ platform: 'x', username: 'herald' }));
    fake.setOutcome(account.id, { kind: 'failure', error: 'Tweet text is too long' });
    const published = await client().publish({ text: 'x'.repeat(300), account, media: [] });
    expect(published.result).toEqual({ state: 'failed', error: 'Tweet text is too long' });
    expect(fake.requestsTo('POST', '/v1/social-posts')[0]?.json()).not.toHaveProperty('media');
  });

  it('GIVEN a post still processing THEN publish answers pending, and result later finds it published', async () => {
    const account = accountOf(fake.addAccount({ platform: 'x', username: 'herald' }));
    fake.setOutcome(account.id, { kind: 'pending', polls: 3 });
    const waits: number[] = [];
    const sleep = async (ms: number) => void waits.push(ms);
    const published = await client({}, { resultAttempts: 3, resultDelayMs: 25, sleep }).publish({
      text: 'Slow platform',
      account,
      media: [],
    });
    expect(published).toEqual({ postId: fake.posts[0]?.id, result: { state: 'pending' } });
    expect(waits).toEqual([25, 25, 25]);
    const polls = fake.requestsTo('GET', '/v1/social-post-results');
    expect(polls.map((r) => [r.query.get('post_id'), r.query.get('social_account_id')])).toEqual(
      Array.from({ length: 3 }, () => [published.postId, account.id]),
    );

    const later = await client().result(published.postId, account);
    expect(later).toMatchObject({ state: 'published', url: expect.stringContaining('/herald/') });
    expect(fake.posts).toHaveLength(1);
  });

  it('GIVEN the result check fails after the post exists THEN publish still answers its id as pending', async () => {
    const account = accountOf(fake.addAccount({ platform: 'x', username: 'herald' }));
    fake.serverError({ path: '/v1/social-post-results' });
    const published = await client({}, { resultAttempts: 3 }).publish({ text: 'Hello', account, media: [] });
    expect(published).toEqual({ postId: fake.posts[0]?.id, result: { state: 'pending' } });
    expect(fake.posts).toHaveLength(1);
  });

  it('GIVEN an upload URL cannot be had THEN no post is created and the failure is retry-later', async () => {
    const account = accountOf(fake.addAccount({ platform: 'x', username: 'herald' }));
    fake.serverError({ path: '/v1/media/create-upload-url' });
    const err = await failure(client().publish({ text: 'Hello', account, media: [png(), png()] }));
    expect(err.kind).toBe('retry-later');
    expect(fake.requestsTo('POST', '/v1/social-posts')).toHaveLength(0);
  });
});

describe('PostForMe: failures', () => {
  it("GIVEN a refused API key THEN revoked, with the API's words and a hint, never the key", async () => {
    fake.addAccount({ platform: 'x' });
    const wrongKey = 'pfm_live_wrong_0123456789abcdef';
    const err = await failure(client({ apiKey: wrongKey }).listAccounts());
    expect(err).toMatchObject({ kind: 'revoked', status: 401, platform: 'postforme' });
    expect(err.message).toContain('Invalid or expired token');
    expect(err.hint).toContain('HERALD_POSTFORME_API_KEY');
    expect(inspect(err, { depth: 10 })).not.toContain(wrongKey);
  });

  it('GIVEN 429 with Retry-After THEN retry-later after that many seconds', async () => {
    fake.rateLimit(30);
    const err = await failure(client().listAccounts());
    expect(err).toMatchObject({ kind: 'retry-later', status: 429, retryAfterMs: 30_000 });
    expect(err.message).toContain('Too many requests');
  });

  it('GIVEN a 500 THEN retry-later', async () => {
    fake.serverError();
    const err = await failure(client().listAccounts());
    expect(err).toMatchObject({ kind: 'retry-later', status: 500 });
  });

  it('GIVEN an answer of another shape THEN bad-request naming the field', async () => {
    fake.malformed();
    const err = await failure(client().listAccounts());
    expect(err.kind).toBe('bad-request');
    expect(err.message).toContain('data.0.id');
    expect(err.message).toContain('PostForMe answered in a shape Herald does not know');
  });

  it('GIVEN an answer that is not JSON THEN bad-request', async () => {
    fake.malformed({ body: '<html>Bad gateway</html>' });
    const err = await failure(client().listAccounts());
    expect(err.kind).toBe('bad-request');
    expect(err.message).toContain('PostForMe answered with a body Herald cannot read');
  });

  it('GIVEN no answer in time THEN retry-later', async () => {
    await http.close();
    http = testHttp(200);
    fake.slow(1000);
    const err = await failure(client().listAccounts());
    expect(err.kind).toBe('retry-later');
  });

  it("GIVEN a validation error THEN bad-request with PostForMe's message", async () => {
    const err = await failure(
      client().publish({
        text: 'Hello',
        account: { id: 'spc_unknown', platform: 'x', username: 'x' },
        media: [],
      }),
    );
    expect(err).toMatchObject({ kind: 'bad-request', status: 400 });
    expect(err.message).toContain('Invalid social account ids');
  });

  it('GIVEN an error body that repeats the key THEN the key is redacted and the body not kept', async () => {
    fake.injectFault({
      kind: 'reply',
      reply: { status: 400, json: { statusCode: 400, message: [`key ${fake.apiKey} is not allowed here`] } },
    });
    const err = await failure(client().listAccounts());
    expect(err.kind).toBe('bad-request');
    expect(err.message).toContain('key [redacted] is not allowed here');
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
      await failure(client().authUrl('rss', 'https://herald.example/')),
    ];
    for (const err of errors) expect(inspect(err, { depth: 10 })).not.toContain(fake.apiKey);
  });

  it('GIVEN anything thrown THEN classifyError answers a ProviderError, keeping one already classified', () => {
    const pfm = client();
    const bug = pfm.classifyError(new TypeError('boom'));
    expect(bug).toBeInstanceOf(ProviderError);
    expect(bug.kind).toBe('bad-request');
    const limited = new ProviderError('retry-later', 'limited', {
      platform: 'postforme',
      endpoint: 'x',
      retryAfterMs: 5,
    });
    expect(pfm.classifyError(limited)).toMatchObject({ kind: 'retry-later', retryAfterMs: 5 });
  });
});
