import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../../core/errors.js';
import type { HttpClient } from '../../../social/http.js';
import { DEFAULT_LIMITS } from '../../../social/mastodon/instance.js';
import { createMastodonProvider, type MastodonProviderOptions } from '../../../social/mastodon/provider.js';
import type { AccountRef, Draft, DraftItem, DraftMedia } from '../../../social/provider.js';
import { startMastodonFake, type MastodonFake } from '../../fakes/mastodon.js';
import { rejectionOf } from '../../support/failures.js';
import { testHttpClient } from '../../support/http-client.js';

let fake: MastodonFake;
let http: HttpClient;
let account: AccountRef;

function provider(options: MastodonProviderOptions = {}) {
  return createMastodonProvider({ http, apiUrl: undefined }, { mediaPollIntervalMs: 0, ...options });
}

function draft(...items: Array<string | DraftItem>): Draft {
  const list = items.map((item) => (typeof item === 'string' ? { text: item, media: [] } : item));
  return { items: list as unknown as Draft['items'], idempotencyKey: 'draft-7f3a' };
}

const png = (altText?: string): DraftMedia => ({
  data: new Uint8Array([137, 80, 78, 71]),
  mimeType: 'image/png',
  altText,
});
const mp4: DraftMedia = { data: new Uint8Array([0, 0, 0, 24]), mimeType: 'video/mp4', fileName: 'clip.mp4' };

const failure = (promise: Promise<unknown>) => rejectionOf(promise, ProviderError);

const statusPosts = () => fake.requestsTo('POST', '/api/v1/statuses');

beforeEach(async () => {
  fake = await startMastodonFake();
  http = testHttpClient('mastodon', { timeoutMs: 5000 });
  const alice = fake.addAccount({ username: 'alice' });
  account = {
    platform: 'mastodon',
    accountId: String(alice.id),
    handle: 'alice@mastodon.example',
    instanceUrl: fake.url,
    credentials: { accessToken: fake.issueToken(alice) },
  };
});

afterEach(async () => {
  await http.close();
  await fake.close();
});

describe('Mastodon publish: statuses and threads', () => {
  it("GIVEN one post THEN it is created with the draft's Idempotency-Key and its link comes back", async () => {
    const [published] = await provider().publish!(account, draft('Hello from Herald'));
    const created = fake.statuses.at(-1);
    expect(published).toEqual({
      platformId: created?.id,
      url: `https://mastodon.example/@alice/${String(created?.id)}`,
    });
    const [request] = statusPosts();
    expect(request?.headers['idempotency-key']).toBe('draft-7f3a-0');
    expect(request?.json()).toEqual({ status: 'Hello from Herald' });
  });

  it('GIVEN a thread THEN each item replies to the previous one, each with its own key', async () => {
    const published = await provider().publish!(account, draft('one', 'two', 'three'));
    expect(published).toHaveLength(3);
    const bodies = statusPosts().map((r) => r.json() as Record<string, unknown>);
    expect(bodies.map((b) => b.in_reply_to_id)).toEqual([
      undefined,
      published[0]?.platformId,
      published[1]?.platformId,
    ]);
    expect(statusPosts().map((r) => r.headers['idempotency-key'])).toEqual([
      'draft-7f3a-0',
      'draft-7f3a-1',
      'draft-7f3a-2',
    ]);
    expect(fake.statuses.at(-1)?.in_reply_to_id).toBe(published[1]?.platformId);
  });

  it("GIVEN the same draft published again THEN Mastodon's idempotency answers the same statuses, no duplicates", async () => {
    const first = await provider().publish!(account, draft('one', 'two'));
    const again = await provider().publish!(account, draft('one', 'two'));
    expect(again).toEqual(first);
    expect(fake.statuses).toHaveLength(2);
  });

  it("GIVEN the instance rejects the status THEN it is bad-request with Mastodon's message", async () => {
    fake.injectFault(
      { kind: 'reply', reply: { status: 422, json: { error: "Validation failed: Text can't be blank" } } },
      { path: '/api/v1/statuses' },
    );
    const err = await failure(provider().publish!(account, draft('x')));
    expect(err).toMatchObject({ kind: 'bad-request', status: 422, endpoint: 'POST /api/v1/statuses' });
    expect(err.message).toContain("Text can't be blank");
  });

  it('GIVEN a 429 while posting THEN it is retry-later with the reset from the headers', async () => {
    fake.rateLimit(60, { path: '/api/v1/statuses' });
    const err = await failure(provider().publish!(account, draft('x')));
    expect(err).toMatchObject({ kind: 'retry-later', status: 429 });
    expect(err.retryAfterMs).toBeGreaterThan(55_000);
  });

  it('GIVEN an account without a token THEN it must be reconnected and nothing is sent', async () => {
    const err = await failure(provider().publish!({ ...account, credentials: undefined }, draft('x')));
    expect(err.kind).toBe('revoked');
    expect(fake.requests).toHaveLength(0);
  });
});

describe('Mastodon publish: media', () => {
  it('GIVEN two images THEN each is uploaded with its description and attached, without polling', async () => {
    const [published] = await provider().publish!(
      account,
      draft({ text: 'pics', media: [png('a cat'), png('a dog')] }),
    );
    const uploads = fake.requestsTo('POST', '/api/v2/media');
    expect(uploads).toHaveLength(2);
    expect(String(uploads[0]?.headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);
    const form = await new Response(uploads[0]?.body, {
      headers: { 'content-type': String(uploads[0]?.headers['content-type']) },
    }).formData();
    expect(form.get('description')).toBe('a cat');
    expect((form.get('file') as File).type).toBe('image/png');
    expect(fake.requestsTo('GET', '/api/v1/media/:id')).toHaveLength(0);
    const status = fake.statuses.find((s) => s.id === published?.platformId);
    expect((status?.media_attachments as Array<Record<string, unknown>>).map((m) => m.description)).toEqual([
      'a cat',
      'a dog',
    ]);
    expect((statusPosts()[0]?.json() as { media_ids: string[] }).media_ids).toHaveLength(2);
  });

  it('GIVEN a video the server processes (202) THEN it polls until 200 and only then posts', async () => {
    fake.setMediaProcessingPolls(2);
    await provider().publish!(account, draft({ text: 'clip', media: [mp4] }));
    expect(fake.requestsTo('GET', '/api/v1/media/:id')).toHaveLength(3);
    const order = fake.requests.map((r) => `${r.method} ${r.path.replace(/\/\d+$/, '/:id')}`);
    expect(order.indexOf('POST /api/v1/statuses')).toBeGreaterThan(
      order.lastIndexOf('GET /api/v1/media/:id'),
    );
    expect(fake.statuses).toHaveLength(1);
  });

  it('GIVEN a video that never finishes processing THEN polling stops (bounded) with retry-later and nothing is posted', async () => {
    fake.setMediaProcessingPolls(1000);
    const err = await failure(
      provider({ mediaPollAttempts: 3 }).publish!(account, draft({ text: 'clip', media: [mp4] })),
    );
    expect(err).toMatchObject({ kind: 'retry-later', endpoint: 'GET /api/v1/media/:id' });
    expect(fake.requestsTo('GET', '/api/v1/media/:id')).toHaveLength(3);
    expect(statusPosts()).toHaveLength(0);
  });

  it('GIVEN more attachments than the instance allows THEN nothing is uploaded', async () => {
    fake.setLimits({ maxMediaAttachments: 2 });
    const err = await failure(
      provider().publish!(account, draft({ text: 'pics', media: [png(), png(), png()] })),
    );
    expect(err.kind).toBe('bad-request');
    expect(err.message).toContain('3 attachments; this instance allows 2');
    expect(fake.requestsTo('POST', '/api/v2/media')).toHaveLength(0);
  });
});

describe("Mastodon publish: length against the instance's own limits", () => {
  async function accepts(text: string): Promise<boolean> {
    const before = statusPosts().length;
    const outcome = await provider().publish!(account, draft(text)).then(
      () => true,
      (err: unknown) => {
        expect(err).toMatchObject({ kind: 'bad-request', endpoint: 'publish' });
        return false;
      },
    );
    // A refused draft never reaches the instance.
    expect(statusPosts().length).toBe(before + (outcome ? 1 : 0));
    return outcome;
  }

  it('GIVEN emoji THEN 500 fit and 501 are refused before sending', async () => {
    expect(await accepts('😀'.repeat(500))).toBe(true);
    expect(await accepts('😀'.repeat(501))).toBe(false);
  });

  it('GIVEN CJK text THEN each character counts one: 500 fit, 501 do not', async () => {
    expect(await accepts('日'.repeat(500))).toBe(true);
    expect(await accepts('日'.repeat(501))).toBe(false);
  });

  it("GIVEN a long URL THEN it counts as the instance's characters_reserved_per_url", async () => {
    const url = `https://example.com/${'a'.repeat(200)}`;
    expect(await accepts(`${url} ${'b'.repeat(500 - 24)}`)).toBe(true);
    expect(await accepts(`${url} ${'b'.repeat(501 - 24)}`)).toBe(false);
    fake.setLimits({ charactersReservedPerUrl: 30 });
    expect(await accepts(`${url} ${'b'.repeat(500 - 31)}`)).toBe(true);
    expect(await accepts(`${url} ${'b'.repeat(501 - 31)}`)).toBe(false);
  });

  it('GIVEN an instance that raised its limit THEN its limit applies, not the default 500', async () => {
    fake.setLimits({ maxCharacters: 1000 });
    expect(await accepts('a'.repeat(1000))).toBe(true);
    expect(await accepts('a'.repeat(1001))).toBe(false);
  });
});

describe('Mastodon limitsFor', () => {
  it("GIVEN /api/v2/instance THEN the instance's limits come back", async () => {
    fake.setLimits({
      maxCharacters: 5000,
      maxMediaAttachments: 6,
      descriptionLimit: 10000,
      videoSizeLimit: 99,
    });
    const limits = await provider().limitsFor!(account);
    expect(limits).toMatchObject({
      maxLength: 5000,
      maxMedia: 6,
      maxAltTextLength: 10000,
      maxVideoBytes: 99,
      urlLength: 23,
    });
    expect(limits.videoTypes).toEqual(['video/mp4', 'video/webm']);
  });

  it('GIVEN a server older than 4.0 THEN /api/v1/instance is used, and with neither the defaults apply', async () => {
    fake.setLimits({ maxCharacters: 700 });
    fake.setServerAge({ instanceV2: false });
    expect((await provider().limitsFor!(account)).maxLength).toBe(700);
    fake.setServerAge({ instanceV1: false });
    expect(await provider().limitsFor!(account)).toEqual(DEFAULT_LIMITS);
  });

  it('GIVEN the instance is down THEN limitsFor is retry-later, not silently the defaults', async () => {
    fake.serverError({ path: '/api/v2/instance' });
    expect(await failure(provider().limitsFor!(account))).toMatchObject({ kind: 'retry-later', status: 500 });
  });
});
