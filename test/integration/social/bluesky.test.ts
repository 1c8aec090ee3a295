import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../../core/errors.js';
import { createBlueskyProvider, type BlueskyProviderOptions } from '../../../social/bluesky/provider.js';
import type { HttpClient } from '../../../social/http.js';
import type { AccountRef, Cursor, SocialProvider } from '../../../social/provider.js';
import { startBlueskyFake, type BlueskyFake } from '../../fakes/bluesky.js';
import { rejectionOf } from '../../support/failures.js';
import { testHttpClient } from '../../support/http-client.js';

const NOW = new Date('2026-02-01T09:00:00.000Z');
const PASSWORD = 'abcd-efgh-ijkl-mnop';
const AUTHOR_FEED = '/xrpc/app.bsky.feed.getAuthorFeed';

const failure = (promise: Promise<unknown>) => rejectionOf(promise, ProviderError);

let fake: BlueskyFake;
let http: HttpClient;
let provider: SocialProvider;

function providerWith(options: BlueskyProviderOptions, apiUrl = fake.url): SocialProvider {
  return createBlueskyProvider(
    { http, apiUrl, now: () => NOW },
    { plcDirectoryUrl: fake.plcDirectoryUrl, didWebUrl: fake.didWebUrl, linkPreviews: false, ...options },
  );
}

beforeEach(async () => {
  fake = await startBlueskyFake();
  http = testHttpClient('bluesky', { timeoutMs: 1_000 });
  provider = providerWith({});
});

afterEach(async () => {
  await http.close();
  await fake.close();
});

function post(account: AccountRef, text: string) {
  return fake.addPost(account.handle, { text }).uri as string;
}

async function fetchAll(account: AccountRef, cursor: Cursor | null) {
  const result = await provider.fetchPosts(account, cursor);
  return { ...result, texts: result.posts.map((p) => p.text) };
}

describe('Bluesky sign-in', () => {
  it('GIVEN a handle and an app password THEN the PDS comes from the DID document and the session from that PDS', async () => {
    const account = fake.addAccount({
      handle: 'alice.test',
      password: PASSWORD,
      displayName: 'Alice',
      avatar: 'https://cdn.bsky.app/img/avatar/plain/a@jpeg',
    });

    const linked = await provider.login!('@Alice.test', PASSWORD);

    expect(linked.profile).toEqual({
      accountId: account.did,
      handle: 'alice.test',
      displayName: 'Alice',
      avatarUrl: 'https://cdn.bsky.app/img/avatar/plain/a@jpeg',
      profileUrl: 'https://bsky.app/profile/alice.test',
      instanceUrl: fake.url,
    });
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /xrpc/com.atproto.identity.resolveHandle',
      `GET /plc/${account.did}`,
      'POST /xrpc/com.atproto.server.createSession',
      'GET /xrpc/app.bsky.actor.getProfile',
    ]);
    expect(fake.requests[0]?.query.get('handle')).toBe('alice.test');
    expect(fake.requestsTo('POST', '/xrpc/com.atproto.server.createSession')[0]?.json()).toEqual({
      identifier: 'Alice.test',
      password: PASSWORD,
    });
    const { accessToken, refreshToken, expiresAt } = linked.credentials;
    expect(fake.requestsTo('GET', '/xrpc/app.bsky.actor.getProfile')[0]?.headers.authorization).toBe(
      `Bearer ${accessToken}`,
    );
    expect(refreshToken).toMatch(/^ey/);
    // The access JWT lives two hours; its `exp` is read, not assumed.
    expect(Math.abs((expiresAt?.getTime() ?? 0) - Date.now() - 7_200_000)).toBeLessThan(60_000);
  });

  it('GIVEN the DID document names another PDS THEN the session is created there, not at the entryway', async () => {
    const pds = await startBlueskyFake();
    try {
      const account = fake.addAccount({ handle: 'bob.test', password: PASSWORD, pdsUrl: pds.url });
      pds.addAccount({ handle: 'bob.test', password: PASSWORD, did: account.did });

      const linked = await provider.login!('bob.test', PASSWORD);

      expect(linked.profile.instanceUrl).toBe(pds.url);
      expect(fake.requestsTo('POST', '/xrpc/com.atproto.server.createSession')).toHaveLength(0);
      expect(pds.requestsTo('POST', '/xrpc/com.atproto.server.createSession')).toHaveLength(1);
      expect(pds.requestsTo('GET', '/xrpc/app.bsky.actor.getProfile')).toHaveLength(1);
    } finally {
      await pds.close();
    }
  });

  it('GIVEN a did:web account THEN its document is read from the host and the DID signs in', async () => {
    const did = fake.webDid();
    fake.addAccount({ handle: 'web.test', password: PASSWORD, did });

    const linked = await provider.login!(did, PASSWORD);

    expect(linked.profile.accountId).toBe(did);
    expect(fake.requestsTo('GET', '/.well-known/did.json')).toHaveLength(1);
    expect(fake.requestsTo('GET', '/xrpc/com.atproto.identity.resolveHandle')).toHaveLength(0);
  });

  it('GIVEN an email THEN the entryway signs in and the PDS still comes from the DID document', async () => {
    const account = fake.addAccount({ handle: 'mail.test', password: PASSWORD, email: 'me@mail.test' });
    const linked = await provider.login!('me@mail.test', PASSWORD);
    expect(linked.profile).toMatchObject({ accountId: account.did, instanceUrl: fake.url });
    expect(fake.requestsTo('GET', `/plc/${account.did}`)).toHaveLength(1);
  });

  it('GIVEN a wrong app password THEN a bad-request says so and how to fix it', async () => {
    fake.addAccount({ handle: 'alice.test', password: PASSWORD });
    const error = await failure(provider.login!('alice.test', 'wrong-password'));
    expect(error).toMatchObject({
      kind: 'bad-request',
      platform: 'bluesky',
      status: 401,
      endpoint: 'POST /xrpc/com.atproto.server.createSession',
    });
    expect(error.message).toMatch(
      /AuthenticationRequired: Invalid identifier or password \(the handle or the app password is wrong\)/,
    );
    expect(error.hint).toMatch(/app password/);
  });

  it('GIVEN a handle nobody has THEN a bad-request names resolveHandle and no session is attempted', async () => {
    const error = await failure(provider.login!('nobody.test', PASSWORD));
    expect(error).toMatchObject({
      kind: 'bad-request',
      endpoint: 'GET /xrpc/com.atproto.identity.resolveHandle',
      status: 400,
    });
    expect(error.message).toContain('Unable to resolve handle');
    expect(fake.requestsTo('POST', '/xrpc/com.atproto.server.createSession')).toHaveLength(0);
  });

  it('GIVEN a DID document without a usable PDS or something that is no handle THEN sign-in fails before any session', async () => {
    fake.addAccount({ handle: 'broken.test', password: PASSWORD, pdsUrl: 'ftp://pds.test' });
    fake.addAccount({ handle: 'plain.test', password: PASSWORD, pdsUrl: 'http://pds.example.com' });
    expect((await failure(provider.login!('plain.test', PASSWORD))).message).toMatch(
      /no usable #atproto_pds/,
    );
    expect((await failure(provider.login!('broken.test', PASSWORD))).message).toMatch(
      /no usable #atproto_pds/,
    );
    expect((await failure(provider.login!('not a handle', PASSWORD))).kind).toBe('bad-request');
    expect(fake.requestsTo('POST', '/xrpc/com.atproto.server.createSession')).toHaveLength(0);
  });

  it('GIVEN a taken-down account THEN sign-in is revoked', async () => {
    fake.addAccount({ handle: 'gone.test', password: PASSWORD });
    fake.takedown('gone.test');
    expect((await failure(provider.login!('gone.test', PASSWORD))).kind).toBe('revoked');
  });
});

describe('Bluesky session refresh', () => {
  it('GIVEN a refresh JWT THEN refreshSession with it as bearer gives a new pair that reads again', async () => {
    const account = fake.signedIn();
    fake.expireToken();
    expect((await failure(provider.fetchPosts(account, null))).kind).toBe('refresh-token');

    const credentials = await provider.refresh!(account);

    const call = fake.requestsTo('POST', '/xrpc/com.atproto.server.refreshSession')[0];
    expect(call?.headers.authorization).toBe(`Bearer ${account.credentials?.refreshToken}`);
    expect(credentials.accessToken).not.toBe(account.credentials?.accessToken);
    expect(credentials.expiresAt).toBeInstanceOf(Date);
    await expect(provider.fetchPosts({ ...account, credentials }, null)).resolves.toMatchObject({
      posts: [],
    });
  });

  it('GIVEN a refresh JWT already used or expired THEN the account is revoked with a hint to sign in again', async () => {
    const account = fake.signedIn();
    await provider.refresh!(account);
    const reused = await failure(provider.refresh!(account));
    expect(reused).toMatchObject({ kind: 'revoked', status: 400 });
    expect(reused.message).toContain('InvalidToken');
    expect(reused.hint).toMatch(/connect bluesky/);
    // Classifying it again keeps it revoked: the same body on a read would mean "refresh".
    expect(provider.classifyError(reused).kind).toBe('revoked');

    const other = fake.signedIn({ handle: 'bob.test' });
    fake.expireRefreshToken();
    expect((await failure(provider.refresh!(other))).kind).toBe('revoked');
    expect((await failure(provider.refresh!({ ...other, credentials: { accessToken: 'x' } }))).kind).toBe(
      'revoked',
    );
  });
});

describe('Bluesky sign-out', () => {
  it('GIVEN a session THEN revoke deletes it with the refresh JWT, and revoking again is harmless', async () => {
    const account = fake.signedIn();

    await provider.revoke!(account);

    const call = fake.requestsTo('POST', '/xrpc/com.atproto.server.deleteSession')[0];
    expect(call?.headers.authorization).toBe(`Bearer ${account.credentials?.refreshToken}`);
    expect((await failure(provider.refresh!(account))).kind).toBe('revoked');
    await expect(provider.revoke!(account)).resolves.toBeUndefined();
    fake.serverError({ path: '/xrpc/com.atproto.server.deleteSession' });
    expect((await failure(provider.revoke!(account))).kind).toBe('retry-later');
  });
});

describe('Bluesky author feed', () => {
  it('GIVEN no cursor THEN only the latest page is read and the cursor remembers its newest post', async () => {
    provider = providerWith({ pageSize: 3 });
    const account = fake.signedIn();
    const uris = ['one', 'two', 'three', 'four', 'five'].map((text) => post(account, text));

    const result = await fetchAll(account, null);

    expect(result.texts).toEqual(['five', 'four', 'three']);
    expect(result.next).toEqual({ newestUri: uris[4], newestAt: expect.any(String) as unknown });
    const calls = fake.requestsTo('GET', AUTHOR_FEED);
    expect(calls).toHaveLength(1);
    expect(Object.fromEntries(calls[0]!.query)).toEqual({
      actor: account.accountId,
      limit: '3',
      filter: 'posts_with_replies',
    });
    expect(calls[0]?.headers.authorization).toBe(`Bearer ${account.credentials?.accessToken}`);
  });

  it('GIVEN a cursor THEN the next call returns only the newer posts', async () => {
    const account = fake.signedIn();
    post(account, 'old');
    const first = await fetchAll(account, null);
    post(account, 'new 1');
    post(account, 'new 2');

    const second = await fetchAll(account, first.next);

    expect(second.texts).toEqual(['new 2', 'new 1']);
    const third = await fetchAll(account, second.next);
    expect(third.texts).toEqual([]);
    expect(third.next).toEqual(second.next);
  });

  it('GIVEN more new posts than a page THEN it pages back with the feed cursor until the remembered post', async () => {
    provider = providerWith({ pageSize: 2 });
    const account = fake.signedIn();
    post(account, 'seen');
    const first = await fetchAll(account, null);
    for (const n of [1, 2, 3, 4, 5]) post(account, `new ${n}`);
    fake.requests.length = 0;

    const result = await fetchAll(account, first.next);

    expect(result.texts).toEqual(['new 5', 'new 4', 'new 3', 'new 2', 'new 1']);
    const calls = fake.requestsTo('GET', AUTHOR_FEED);
    expect(calls).toHaveLength(3);
    expect(calls[0]?.query.has('cursor')).toBe(false);
    expect(calls[1]?.query.get('cursor')).toMatch(/::/);
  });

  it('GIVEN more new posts than the page bound THEN it stops there and moves the cursor to the newest', async () => {
    provider = providerWith({ pageSize: 2, maxPages: 2 });
    const account = fake.signedIn();
    post(account, 'seen');
    const first = await fetchAll(account, null);
    const uris = [1, 2, 3, 4, 5, 6, 7].map((n) => post(account, `new ${n}`));

    const result = await fetchAll(account, first.next);

    expect(result.texts).toEqual(['new 7', 'new 6', 'new 5', 'new 4']);
    expect(result.next).toMatchObject({ newestUri: uris[6] });
    expect(fake.requestsTo('GET', AUTHOR_FEED)).toHaveLength(3);
  });

  it('GIVEN the remembered post was deleted THEN older posts are still not new', async () => {
    const account = fake.signedIn();
    post(account, 'older');
    const newest = post(account, 'to delete');
    const first = await fetchAll(account, null);
    fake.deletePost(newest);

    const result = await fetchAll(account, first.next);

    expect(result.texts).toEqual([]);
    expect(result.next).toEqual(first.next);
  });

  it('GIVEN a new repost of an old post THEN it is new, as a repost by the account carrying the original', async () => {
    const account = fake.signedIn();
    fake.addAccount({ handle: 'carol.test', password: PASSWORD, displayName: 'Carol' });
    const old = fake.addPost('carol.test', { text: 'an old post worth sharing', counts: { likeCount: 12 } });
    post(account, 'mine');
    const first = await fetchAll(account, null);
    fake.addRepost(account.handle, old.uri as string, { withUri: true });

    const { posts } = await provider.fetchPosts(account, first.next);

    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({
      kind: 'repost',
      author: { handle: 'alice.test' },
      platformId: expect.stringMatching(/^at:\/\/did:plc:.+\/app\.bsky\.feed\.repost\//) as unknown,
      original: {
        text: 'an old post worth sharing',
        author: { handle: 'carol.test' },
        metrics: { likes: 12 },
      },
    });
  });

  it('GIVEN an empty feed or a cursor of another shape THEN the first page is read and nothing is remembered yet', async () => {
    const account = fake.signedIn();
    await expect(provider.fetchPosts(account, null)).resolves.toEqual({ posts: [], next: null });
    post(account, 'hello');
    const result = await fetchAll(account, { sinceId: '123' });
    expect(result.texts).toEqual(['hello']);
  });

  it('GIVEN a fixture item in the feed THEN it is parsed and mapped like the AppView sends it', async () => {
    const account = fake.signedIn();
    const { readFileSync } = await import('node:fs');
    const item = JSON.parse(
      readFileSync(new URL('../../fixtures/bluesky/record-with-media.json', import.meta.url), 'utf8'),
    ) as Record<string, unknown>;
    fake.addFeedItem(account.handle, item, '2025-02-08T10:15:16.048Z');
    const { posts } = await provider.fetchPosts(account, null);
    expect(posts[0]).toMatchObject({ kind: 'quote', original: { author: { handle: 'bpavuk.bsky.social' } } });
  });
});

describe('Bluesky failures', () => {
  it('GIVEN an expired access JWT THEN refresh-token, from the 400 ExpiredToken body', async () => {
    const account = fake.signedIn();
    fake.expireToken();
    const error = await failure(provider.fetchPosts(account, null));
    expect(error).toMatchObject({
      kind: 'refresh-token',
      status: 400,
      platform: 'bluesky',
      endpoint: `GET ${AUTHOR_FEED}`,
    });
    expect(error.message).toContain('ExpiredToken: Token has expired');
  });

  it('GIVEN a 429 THEN retry-later after the RateLimit-Reset time', async () => {
    const account = fake.signedIn();
    fake.rateLimit(30);
    const error = await failure(provider.fetchPosts(account, null));
    expect(error).toMatchObject({ kind: 'retry-later', status: 429 });
    expect(error.retryAfterMs).toBeGreaterThan(28_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(31_000);
  });

  it('GIVEN a 500 THEN retry-later', async () => {
    const account = fake.signedIn();
    fake.serverError();
    expect(await failure(provider.fetchPosts(account, null))).toMatchObject({
      kind: 'retry-later',
      status: 500,
    });
  });

  it('GIVEN a malformed body THEN bad-request naming the platform, the endpoint and the path', async () => {
    const account = fake.signedIn();
    fake.malformed();
    const error = await failure(provider.fetchPosts(account, null));
    expect(error.kind).toBe('bad-request');
    expect(error.message).toMatch(
      /^bluesky: GET \/xrpc\/app\.bsky\.feed\.getAuthorFeed: unexpected response at feed\.0\.post\.uri/,
    );
  });

  it('GIVEN a slow answer THEN retry-later once the client timeout passes', async () => {
    const account = fake.signedIn();
    fake.slow(3_000);
    const error = await failure(provider.fetchPosts(account, null));
    expect(error).toMatchObject({ kind: 'retry-later', endpoint: `GET ${AUTHOR_FEED}` });
    expect(error.status).toBeUndefined();
  });

  it('GIVEN a taken-down account, a bad token or no token THEN revoked, then refresh-token twice', async () => {
    const account = fake.signedIn();
    const other = fake.signedIn({ handle: 'bob.test' });
    fake.takedown('bob.test');
    expect(await failure(provider.fetchPosts(other, null))).toMatchObject({ kind: 'revoked', status: 401 });
    const bad = { ...account, credentials: { accessToken: 'not-a-jwt' } };
    expect(await failure(provider.fetchPosts(bad, null))).toMatchObject({
      kind: 'refresh-token',
      status: 400,
    });
    expect(
      provider.classifyError(await failure(provider.fetchPosts({ ...account, credentials: undefined }, null)))
        .kind,
    ).toBe('revoked');
  });

  it('GIVEN anything else thrown THEN classifyError makes it a typed ProviderError', () => {
    const error = provider.classifyError(new TypeError('boom'));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'bad-request', platform: 'bluesky' });
  });
});

describe('Bluesky metrics', () => {
  it('GIVEN 30 post ids and a repost id THEN getPosts is asked 25 then 5 URIs and unknown ids stay absent', async () => {
    const account = fake.signedIn();
    const uris = Array.from({ length: 30 }, (_, n) => post(account, `post ${n}`));
    fake.setCounts(uris[0]!, { likeCount: 7, repostCount: 2, replyCount: 1, quoteCount: 0 });
    const ids = [...uris, `${uris[1]}#repost-by-did:plc:x`, 'at://did:plc:x/app.bsky.feed.post/deleted'];

    const metrics = await provider.fetchMetrics!(account, ids);

    const calls = fake.requestsTo('GET', '/xrpc/app.bsky.feed.getPosts');
    expect(calls.map((c) => c.query.getAll('uris').length)).toEqual([25, 6]);
    expect(metrics.get(uris[0]!)).toEqual({ likes: 7, reposts: 2, replies: 1, quotes: 0 });
    expect(metrics.size).toBe(30);
    expect(metrics.has('at://did:plc:x/app.bsky.feed.post/deleted')).toBe(false);
  });
});
