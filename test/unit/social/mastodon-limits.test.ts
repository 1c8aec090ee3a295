import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../../core/errors.js';
import { classifyMastodonError } from '../../../social/mastodon/errors.js';
import { DEFAULT_LIMITS, instanceOrigin, limitsFromInstance } from '../../../social/mastodon/instance.js';
import { draftProblems } from '../../../social/mastodon/publish.js';
import { compareIds, parseLinkHeader } from '../../../social/mastodon/read.js';
import { instanceSchema } from '../../../social/mastodon/schemas.js';
import type { Draft, DraftMedia } from '../../../social/provider.js';
import { HttpStatusError } from '../../../social/http.js';

const instance = instanceSchema.parse(
  JSON.parse(readFileSync(new URL('../../fixtures/mastodon/instance_v2.json', import.meta.url), 'utf8')),
);

const draft = (...items: Array<{ text: string; media?: DraftMedia[] }>): Draft => ({
  items: items.map((item) => ({ text: item.text, media: item.media ?? [] })) as unknown as Draft['items'],
  idempotencyKey: 'key',
});

const image = (bytes = 10, altText?: string): DraftMedia => ({
  data: new Uint8Array(bytes),
  mimeType: 'image/png',
  altText,
});
const video = (bytes = 10): DraftMedia => ({ data: new Uint8Array(bytes), mimeType: 'video/mp4' });

describe('Mastodon instance limits', () => {
  it('GIVEN the documented /api/v2/instance THEN its own limits apply and audio types are not offered', () => {
    const limits = limitsFromInstance(instance);
    expect(limits).toMatchObject({ maxLength: 500, urlLength: 23, maxMedia: 4, counting: 'characters' });
    expect(limits.maxImageBytes).toBe(10485760);
    expect(limits.maxVideoBytes).toBe(41943040);
    expect(limits.imageTypes).toContain('image/heic');
    expect(limits.videoTypes).toEqual([
      'video/webm',
      'video/mp4',
      'video/quicktime',
      'video/ogg',
      'video/x-ms-asf',
    ]);
    expect([...limits.imageTypes, ...limits.videoTypes].some((type) => type.startsWith('audio/'))).toBe(
      false,
    );
  });

  it('GIVEN an instance that raised its limits THEN the raised values win over the defaults', () => {
    const limits = limitsFromInstance({
      configuration: {
        statuses: { max_characters: 5000, max_media_attachments: 8, characters_reserved_per_url: 30 },
        media_attachments: { description_limit: 10000 },
      },
    });
    expect(limits).toMatchObject({ maxLength: 5000, maxMedia: 8, urlLength: 30, maxAltTextLength: 10000 });
  });

  it('GIVEN an instance that reports nothing THEN Mastodon defaults apply (500 characters, 4 media, 23 per URL)', () => {
    expect(limitsFromInstance({})).toEqual(DEFAULT_LIMITS);
    expect(DEFAULT_LIMITS).toMatchObject({ maxLength: 500, maxMedia: 4, urlLength: 23 });
  });

  it('GIVEN instance names as users type them THEN each becomes an origin; nonsense is refused as bad-request', () => {
    expect(instanceOrigin('mastodon.social', 'x')).toBe('https://mastodon.social');
    expect(instanceOrigin(' https://Mastodon.Social/@me?x=1 ', 'x')).toBe('https://mastodon.social');
    expect(() => instanceOrigin('ftp://mastodon.social', 'x')).toThrow(ProviderError);
    expect(() => instanceOrigin('', 'x')).toThrow(/no Mastodon instance URL/);
    expect(() => instanceOrigin('https://user:pw@mastodon.social', 'x')).toThrow(
      /not an http\(s\) instance URL/,
    );
  });
});

describe('Mastodon paging helpers', () => {
  it('GIVEN snowflake ids THEN they sort by length first, never as numbers', () => {
    expect(compareIds('109440146834306693', '99')).toBeGreaterThan(0);
    expect(compareIds('109440146834306693', '109440146834306694')).toBeLessThan(0);
    expect(compareIds('7', '7')).toBe(0);
  });

  it('GIVEN the documented Link header THEN next and prev URLs come out by relation', () => {
    const links = parseLinkHeader(
      '<https://mastodon.example/api/v1/endpoint?max_id=7163058>; rel="next", <https://mastodon.example/api/v1/endpoint?min_id=7275607>; rel="prev"',
    );
    expect(links.get('next')?.searchParams.get('max_id')).toBe('7163058');
    expect(links.get('prev')?.searchParams.get('min_id')).toBe('7275607');
    expect(parseLinkHeader(undefined).size).toBe(0);
    expect(parseLinkHeader('<not a url>; rel="next"').size).toBe(0);
  });
});

describe('Mastodon draft checks', () => {
  const limits = { ...DEFAULT_LIMITS, maxAltTextLength: 5, maxImageBytes: 100 };

  it('GIVEN text at the limit THEN there is no problem, and one past it names the length', () => {
    expect(draftProblems(draft({ text: 'a'.repeat(500) }), limits)).toEqual([]);
    expect(draftProblems(draft({ text: 'a'.repeat(501) }), limits)).toEqual([
      'the post is 501 characters long; this instance allows 500',
    ]);
  });

  it('GIVEN a thread THEN each problem names its post', () => {
    expect(draftProblems(draft({ text: 'ok' }, { text: '' }), limits)).toEqual([
      'post 2 has neither text nor media',
    ]);
  });

  it('GIVEN attachments the instance refuses THEN each reason is listed', () => {
    const problems = draftProblems(
      draft({
        text: 'media',
        media: [
          image(101),
          image(1, 'too long'),
          { data: new Uint8Array(1), mimeType: 'application/pdf' },
          video(),
          image(),
          image(),
        ],
      }),
      limits,
    );
    expect(problems).toEqual([
      'the post has 6 attachments; this instance allows 4',
      'the post mixes a video with other attachments; a video must be alone',
      'the post, attachment 1 is 101 bytes; this instance allows 100',
      'the post, attachment 2: the description is longer than 5 characters',
      'the post, attachment 3: application/pdf is not a type this instance accepts',
    ]);
  });
});

describe('Mastodon error classes', () => {
  const statusError = (status: number, body: unknown) =>
    new HttpStatusError(
      status === 401 ? 'refresh-token' : 'bad-request',
      `mastodon: GET /x: HTTP ${status}`,
      {
        platform: 'mastodon',
        endpoint: 'GET /x',
        status,
        body,
        header: () => undefined,
      },
    );

  it('GIVEN a 401 THEN it is revoked, not refresh-token: Mastodon tokens never expire', () => {
    const err = classifyMastodonError(statusError(401, { error: 'The access token is invalid' }));
    expect(err.kind).toBe('revoked');
    expect(err.message).toContain('The access token is invalid');
    expect(err.hint).toMatch(/connect mastodon/);
  });

  it("GIVEN a 422 with Mastodon's error body THEN it stays bad-request and says why", () => {
    const err = classifyMastodonError(statusError(422, { error: "Validation failed: Text can't be blank" }));
    expect(err).toMatchObject({ kind: 'bad-request', status: 422, platform: 'mastodon', endpoint: 'GET /x' });
    expect(err.message).toContain("Validation failed: Text can't be blank");
  });

  it('GIVEN something untyped THEN it becomes a bad-request ProviderError', () => {
    const err = classifyMastodonError(new Error('boom'), 'GET /y');
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: 'bad-request', platform: 'mastodon', endpoint: 'GET /y' });
  });
});
