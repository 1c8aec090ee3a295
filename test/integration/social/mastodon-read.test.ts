import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../../core/errors.js';
import type { HttpClient } from '../../../social/http.js';
import { testHttpClient } from '../../support/http-client.js';
import { createMastodonProvider, type MastodonProviderOptions } from '../../../social/mastodon/provider.js';
import type { AccountRef, Cursor } from '../../../social/provider.js';
import { startMastodonFake, type MastodonFake } from '../../fakes/mastodon.js';
import { rejectionOf } from '../../support/failures.js';

let fake: MastodonFake;
let http: HttpClient;
let author: Record<string, unknown>;
let account: AccountRef;

function provider(options: MastodonProviderOptions = {}, client: HttpClient = http) {
  return createMastodonProvider({ http: client, apiUrl: fake.url }, { mediaPollIntervalMs: 0, ...options });
}

function httpClient(timeoutMs = 5000): HttpClient {
  return testHttpClient('mastodon', { timeoutMs });
}

function post(count: number, prefix = 'status'): Array<Record<string, unknown>> {
  return Array.from({ length: count }, (_, i) => fake.addStatus(author, { text: `${prefix} ${i + 1}` }));
}

const failure = (promise: Promise<unknown>) => rejectionOf(promise, ProviderError);

beforeEach(async () => {
  fake = await startMastodonFake();
  http = httpClient();
  author = fake.addAccount({ username: 'alice', displayName: 'Alice' });
  const token = fake.issueToken(author);
  account = {
    platform: 'mastodon',
    accountId: String(author.id),
    handle: 'alice@mastodon.example',
    instanceUrl: fake.url,
    credentials: { accessToken: token },
  };
});

afterEach(async () => {
  await http.close();
  await fake.close();
});

describe('Mastodon fetchPosts: cursors and pages', () => {
  it('GIVEN no cursor THEN the latest page is read, boosts included, and the cursor is its newest id', async () => {
    const statuses = post(45);
    const result = await provider().fetchPosts(account, null);
    expect(result.posts).toHaveLength(40);
    expect(result.posts.map((p) => p.text)).toContain('status 45');
    expect(result.posts.map((p) => p.text)).not.toContain('status 5');
    expect(result.next).toEqual({ sinceId: statuses.at(-1)?.id });
    const [request] = fake.requestsTo('GET', '/api/v1/accounts/:id/statuses');
    expect(request?.query.get('limit')).toBe('40');
    expect(request?.query.get('exclude_reblogs')).toBe('false');
    expect(request?.query.has('since_id')).toBe(false);
    expect(request?.headers.authorization).toBe(`Bearer ${account.credentials?.accessToken}`);
  });

  it('GIVEN a cursor THEN only newer statuses come back, via since_id, and the cursor moves to the newest', async () => {
    post(5);
    const first = await provider().fetchPosts(account, null);
    const fresh = post(3, 'new');
    const second = await provider().fetchPosts(account, first.next);
    expect(second.posts.map((p) => p.text).sort()).toEqual(['new 1', 'new 2', 'new 3']);
    expect(second.next).toEqual({ sinceId: fresh.at(-1)?.id });
    expect(fake.requestsTo('GET', '/api/v1/accounts/:id/statuses').at(-1)?.query.get('since_id')).toBe(
      first.next?.sinceId,
    );

    const third = await provider().fetchPosts(account, second.next);
    expect(third.posts).toEqual([]);
    expect(third.next).toEqual(second.next);
  });

  it('GIVEN more than two pages of new statuses THEN the reader walks forward with min_id and returns each once', async () => {
    post(3);
    const start = await provider().fetchPosts(account, null);
    const fresh = post(95, 'new');
    const result = await provider().fetchPosts(account, start.next);
    const texts = result.posts.map((p) => p.text);
    expect(texts).toHaveLength(95);
    expect(new Set(texts).size).toBe(95);
    expect(result.next).toEqual({ sinceId: fresh.at(-1)?.id });
    const queries = fake
      .requestsTo('GET', '/api/v1/accounts/:id/statuses')
      .slice(1)
      .map((r) => r.query);
    expect(queries[0]?.get('since_id')).toBe(start.next?.sinceId);
    expect(queries.slice(1).map((q) => q.get('min_id'))).toEqual([
      start.next?.sinceId,
      fresh[39]?.id,
      fresh[79]?.id,
    ]);
  });

  it('GIVEN more new statuses than the page bound THEN the oldest come first and the next poll goes on without gaps', async () => {
    const options = { pageSize: 10, maxPages: 2 };
    post(2);
    const start = await provider(options).fetchPosts(account, null);
    const fresh = post(35, 'new');
    const first = await provider(options).fetchPosts(account, start.next);
    expect(first.posts.map((p) => p.text).sort()).toEqual(
      fresh
        .slice(0, 20)
        .map((s) => `new ${fresh.indexOf(s) + 1}`)
        .sort(),
    );
    expect(first.next).toEqual({ sinceId: fresh[19]?.id });
    const second = await provider(options).fetchPosts(account, first.next);
    const all = [...first.posts, ...second.posts].map((p) => p.platformId);
    expect(new Set(all).size).toBe(35);
    expect(second.next).toEqual({ sinceId: fresh.at(-1)?.id });
  });

  it('GIVEN boosts and replies THEN they arrive as reposts and replies', async () => {
    const bob = fake.addAccount({ username: 'bob', domain: 'other.example' });
    const original = fake.addStatus(bob, { text: 'from bob' });
    const root = fake.addStatus(author, { text: 'root' });
    fake.addStatus(author, { reblogOf: original });
    fake.addStatus(author, { text: 'and a reply', inReplyTo: root });
    const { posts } = await provider().fetchPosts(account, null);
    const kinds = Object.fromEntries(posts.map((p) => [p.text || p.original?.text, p.kind]));
    expect(kinds).toEqual({ root: 'post', 'from bob': 'repost', 'and a reply': 'reply' });
    const repost = posts.find((p) => p.kind === 'repost');
    expect(repost?.original?.author.handle).toBe('bob@other.example');
  });

  it('GIVEN an account without statuses THEN nothing is returned and nothing is remembered', async () => {
    expect(await provider().fetchPosts(account, null)).toEqual({ posts: [], next: null });
  });

  it('GIVEN a cursor of another shape THEN it is refused as bad-request before any request', async () => {
    const err = await failure(provider().fetchPosts(account, { cursor: 'abc' } as unknown as Cursor));
    expect(err.kind).toBe('bad-request');
    await failure(provider().fetchPosts(account, { sinceId: '1 OR 1=1' }));
    expect(fake.requests).toHaveLength(0);
  });
});

describe('Mastodon fetchPosts: failures', () => {
  it("GIVEN a revoked token THEN Mastodon's 401 is classified revoked (tokens never expire)", async () => {
    post(1);
    fake.expireToken();
    const err = await failure(provider().fetchPosts(account, null));
    expect(err).toMatchObject({
      kind: 'revoked',
      status: 401,
      platform: 'mastodon',
      endpoint: 'GET /api/v1/accounts/:id/statuses',
    });
    expect(err.message).toContain('The access token is invalid');
  });

  it('GIVEN a 429 THEN it is retry-later, waiting until X-RateLimit-Reset', async () => {
    fake.rateLimit(120);
    const err = await failure(provider().fetchPosts(account, null));
    expect(err).toMatchObject({ kind: 'retry-later', status: 429 });
    expect(err.retryAfterMs).toBeGreaterThan(115_000);
    expect(err.retryAfterMs).toBeLessThanOrEqual(120_000);
  });

  it('GIVEN a 500 THEN it is retry-later', async () => {
    fake.serverError();
    expect(await failure(provider().fetchPosts(account, null))).toMatchObject({
      kind: 'retry-later',
      status: 500,
    });
  });

  it('GIVEN a body of the wrong shape THEN it is bad-request naming platform, endpoint and path', async () => {
    fake.malformed();
    const err = await failure(provider().fetchPosts(account, null));
    expect(err.kind).toBe('bad-request');
    expect(err.message).toMatch(
      /^mastodon: GET \/api\/v1\/accounts\/:id\/statuses: unexpected response at 0\.id/,
    );
  });

  it('GIVEN a status that cannot become a post THEN the poll fails as bad-request naming the field', async () => {
    fake.addStatus(author, { text: 'bad date', createdAt: 'not a date' });
    const err = await failure(provider().fetchPosts(account, null));
    expect(err.kind).toBe('bad-request');
    expect(err.message).toMatch(
      /mastodon: GET \/api\/v1\/accounts\/:id\/statuses: unexpected data at createdAt/,
    );
  });

  it('GIVEN an answer slower than the client timeout THEN it is retry-later', async () => {
    const impatient = httpClient(100);
    try {
      fake.slow(1000);
      const err = await failure(provider({}, impatient).fetchPosts(account, null));
      expect(err).toMatchObject({ kind: 'retry-later', status: undefined });
    } finally {
      await impatient.close();
    }
  });

  it('GIVEN an account the instance does not know THEN it is bad-request', async () => {
    const err = await failure(provider().fetchPosts({ ...account, accountId: '404' }, null));
    expect(err).toMatchObject({ kind: 'bad-request', status: 404 });
    expect(err.message).toContain('Record not found');
  });

  it('GIVEN an instance at a private address THEN the SSRF guard refuses it without connecting', async () => {
    const err = await failure(
      provider().fetchPosts({ ...account, instanceUrl: 'http://169.254.169.254' }, null),
    );
    expect(err.kind).toBe('bad-request');
    expect(err.message).toContain('refused to fetch');
  });
});

describe('Mastodon fetchMetrics', () => {
  it("GIVEN a 4.3+ instance THEN one batch call returns each known status's counts and omits the rest", async () => {
    const a = fake.addStatus(author, {
      text: 'a',
      counts: { favourites: 5, reblogs: 2, replies: 1, quotes: 3 },
    });
    const b = fake.addStatus(author, { text: 'b' });
    const metrics = await provider().fetchMetrics!(account, [String(a.id), String(b.id), '999']);
    expect(metrics.get(String(a.id))).toEqual({ likes: 5, reposts: 2, replies: 1, quotes: 3 });
    expect(metrics.get(String(b.id))).toEqual({ likes: 0, reposts: 0, replies: 0, quotes: 0 });
    expect(metrics.has('999')).toBe(false);
    const calls = fake.requestsTo('GET', '/api/v1/statuses');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.query.getAll('id[]')).toEqual([String(a.id), String(b.id), '999']);
  });

  it('GIVEN an instance older than 4.3 THEN it falls back to one lookup per status, skipping deleted ones', async () => {
    fake.setServerAge({ batchStatuses: false });
    const a = fake.addStatus(author, { text: 'a', counts: { favourites: 7 } });
    const metrics = await provider().fetchMetrics!(account, [String(a.id), '999']);
    expect(metrics.get(String(a.id))?.likes).toBe(7);
    expect([...metrics.keys()]).toEqual([String(a.id)]);
    expect(fake.requestsTo('GET', '/api/v1/statuses/:id')).toHaveLength(2);
  });

  it('GIVEN more ids than the single-lookup bound THEN only that many are looked up', async () => {
    fake.setServerAge({ batchStatuses: false });
    const ids = post(5).map((s) => String(s.id));
    const metrics = await provider({ maxSingleLookups: 3 }).fetchMetrics!(account, ids);
    expect(metrics.size).toBe(3);
    expect(fake.requestsTo('GET', '/api/v1/statuses/:id')).toHaveLength(3);
  });

  it('GIVEN more than 20 ids THEN they are asked in batches of 20', async () => {
    const ids = post(45).map((s) => String(s.id));
    const metrics = await provider().fetchMetrics!(account, ids);
    expect(metrics.size).toBe(45);
    expect(fake.requestsTo('GET', '/api/v1/statuses').map((r) => r.query.getAll('id[]').length)).toEqual([
      20, 20, 5,
    ]);
  });
});
