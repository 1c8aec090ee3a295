import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { mapStatus, metricsOfStatus } from '../../../social/mastodon/map.js';
import { statusSchema, type MastodonStatus } from '../../../social/mastodon/schemas.js';

const INSTANCE = { instanceUrl: 'https://mastodon.social' };

function fixture(name: string): MastodonStatus {
  const raw = JSON.parse(
    readFileSync(new URL(`../../fixtures/mastodon/${name}.json`, import.meta.url), 'utf8'),
  ) as unknown;
  return statusSchema.parse(raw);
}

function raw(name: string): Record<string, unknown> {
  return JSON.parse(
    readFileSync(new URL(`../../fixtures/mastodon/${name}.json`, import.meta.url), 'utf8'),
  ) as Record<string, unknown>;
}

describe('mapping Mastodon statuses', () => {
  it('GIVEN the documented plain status THEN it is a post with the instance-qualified handle and every count', () => {
    const post = mapStatus(fixture('status_plain'), INSTANCE);
    expect(post).toMatchObject({
      platform: 'mastodon',
      platformId: '1',
      permalink: 'https://mastodon.social/@Gargron/1',
      author: {
        id: '1',
        displayName: 'Eugen',
        handle: 'Gargron@mastodon.social',
        profileUrl: 'https://mastodon.social/@Gargron',
      },
      text: 'Hello world',
      createdAt: '2016-03-16T14:44:31.580Z',
      kind: 'post',
      language: 'en',
      metrics: { likes: 112, reposts: 98, replies: 7 },
    });
    expect(post.metrics.quotes).toBeUndefined();
    expect(post.original).toBeUndefined();
  });

  it('GIVEN a link shortened with invisible spans THEN the text and links carry the full href, entities decoded', () => {
    const post = mapStatus(fixture('status_link'), INSTANCE);
    const href =
      'https://www.theguardian.com/money/2019/dec/07/i-lost-my-193000-inheritance-with-one-wrong-digit-on-my-sort-code';
    expect(post.text).toBe(`"I lost my inheritance with one wrong digit on my sort code"\n\n${href}`);
    expect(post.links).toEqual([href]);
  });

  it('GIVEN two images THEN both are images with their alt text, preview and pixel size, and no byte size', () => {
    const post = mapStatus(fixture('status_images'), INSTANCE);
    expect(post.media).toHaveLength(2);
    expect(post.media[0]).toEqual({
      type: 'image',
      url: 'https://files.mastodon.social/media_attachments/files/022/345/792/original/57859aede991da25.jpeg',
      previewUrl:
        'https://files.mastodon.social/media_attachments/files/022/345/792/small/57859aede991da25.jpeg',
      altText: 'test media description',
      width: 640,
      height: 480,
    });
    expect(post.media[1]?.altText).toBe('test uploaded via api');
    expect(post.media.every((media) => media.sizeBytes === undefined)).toBe(true);
    expect(post.author.avatarUrl).toBeUndefined();
  });

  it('GIVEN a video without description THEN it is a video with its duration and no alt text', () => {
    const [video] = mapStatus(fixture('status_video'), INSTANCE).media;
    expect(video).toMatchObject({ type: 'video', width: 1280, height: 720, durationSeconds: 88.654 });
    expect(video?.altText).toBeUndefined();
  });

  it('GIVEN a remote gifv post with a mention, a hashtag and a content warning THEN all survive as text', () => {
    const post = mapStatus(fixture('status_gifv_mention_hashtag_cw'), INSTANCE);
    expect(post.author.handle).toBe('halcy@icosahedron.website');
    expect(post.text).toBe(
      "CW: test post for mastodon.py stuff\n\n@halcy@icosahedron.website you're a doo-doo head\n\n" +
        'edit: editing this to have the maximum amount of fields filled :trans_heart: #ThisIsAHashtag',
    );
    expect(post.hashtags).toEqual(['thisisahashtag']);
    expect(post.links).toEqual([]);
    expect(post.media[0]).toMatchObject({
      type: 'gif',
      altText: 'a furry cube breakdancing',
      durationSeconds: 5.76,
    });
  });

  it('GIVEN a boost THEN it is a repost of the original, pointing at the original, with no engagement of its own', () => {
    const status = fixture('status_reblog');
    const post = mapStatus(status, INSTANCE);
    expect(post).toMatchObject({ platformId: '109440146837184212', kind: 'repost', text: '', metrics: {} });
    expect(post.permalink).toBe('https://mastodon.example/@mastodonpy_test/109440146834306693');
    expect(post.original).toMatchObject({
      platformId: '109440146834306693',
      kind: 'post',
      text: 'Toot!',
      language: 'ja',
      metrics: { likes: 0, reposts: 1, replies: 0 },
    });
    expect(metricsOfStatus(status)).toEqual({});
  });

  it('GIVEN a self-reply THEN it is a reply naming the status and the author it answers', () => {
    const post = mapStatus(fixture('status_reply'), INSTANCE);
    expect(post.kind).toBe('reply');
    expect(post.inReplyTo).toEqual({
      platformId: '109440142472665266',
      authorHandle: 'mastodonpy_test@mastodon.example',
    });
  });

  it('GIVEN a 4.5 quote THEN it carries the quoted post and drops only its own "RE:" fallback', () => {
    const post = mapStatus(fixture('status_quote'), INSTANCE);
    expect(post.kind).toBe('quote');
    expect(post.text).toBe(
      'actual reply that quotes a post that quotes a post https://bsky.app/profile/h4lcy.bsky.social/post/3lwlumdwf522i',
    );
    expect(post.links).toEqual(['https://bsky.app/profile/h4lcy.bsky.social/post/3lwlumdwf522i']);
    expect(post.inReplyTo?.platformId).toBe('115044053131672379');
    expect(post.metrics.quotes).toBe(0);
    expect(post.author.displayName).toBe('h4lcy.bsky.social');
    // The quoted post quotes a third one that is not included: its fallback link is all there is of it.
    expect(post.original).toMatchObject({ platformId: '115044070560414080', kind: 'quote' });
    expect(post.original?.text).toContain(
      'RE: https://bsky.app/profile/did:plc:5syfqzormjkutgo5hi2u2gpr/post/3lwlug73kn22i',
    );
    expect(post.original).not.toHaveProperty('original');
  });

  it('GIVEN a quote whose quoted post cannot be shown THEN it stays a plain reply with the fallback link', () => {
    const status = fixture('status_quote');
    const post = mapStatus({ ...status, quote: { state: 'pending', quoted_status: null } }, INSTANCE);
    expect(post.kind).toBe('reply');
    expect(post.original).toBeUndefined();
    expect(post.text).toContain(
      'RE: https://bsky.app/profile/did:plc:5syfqzormjkutgo5hi2u2gpr/post/3lwlumdwf522i',
    );
  });

  it('GIVEN long text with paragraphs, <br> and entities THEN no line is wrapped and breaks follow the markup', () => {
    const post = mapStatus(fixture('status_long'), INSTANCE);
    const paragraphs = post.text.split('\n\n');
    expect(paragraphs).toHaveLength(3);
    expect(paragraphs[0]).toBe('Mastodon lets each server choose its own character limit. '.repeat(4).trim());
    expect(paragraphs[1]?.split('\n')).toHaveLength(4);
    expect(paragraphs[1]).toContain('entities: 5 < 7 && 9 > 3.');
    expect(paragraphs[2]).toBe('The end.');
  });

  it('GIVEN emoji and non-Latin text THEN it is kept exactly and hashtags are lower-cased', () => {
    const post = mapStatus(fixture('status_emoji_cjk'), INSTANCE);
    expect(post.text).toBe('こんにちは、世界！🎉 Привет, мир! مرحبا بالعالم 👨‍👩‍👧‍👦 #日本 #Café');
    expect(post.hashtags).toEqual(['日本', 'café']);
    expect(post.author.displayName).toBe('🐓🦃 Heck Partridge 🤠 🦆');
    expect(post.language).toBe('ja');
  });

  it('GIVEN a status with only the required fields THEN unknown stays absent, never zero', () => {
    const post = mapStatus(fixture('status_missing_optional'), INSTANCE);
    expect(post.metrics).toEqual({});
    expect(post.language).toBeUndefined();
    expect(post.permalink).toBe('https://example.social/objects/9d2b7c1e');
    expect(post.author).toEqual({ id: '103641', displayName: 'someone', handle: 'someone@example.social' });
    expect(post.media).toEqual([]);
    expect(post.hashtags).toEqual([]);
  });

  it('GIVEN media the server could not fetch (type unknown) THEN it is a link, not media', () => {
    const status = raw('status_images');
    const media = status.media_attachments as Array<Record<string, unknown>>;
    const unknown = {
      ...media[0],
      id: '1',
      type: 'unknown',
      url: null,
      remote_url: 'https://remote.example/file.xyz',
    };
    const post = mapStatus(statusSchema.parse({ ...status, media_attachments: [unknown] }), INSTANCE);
    expect(post.media).toEqual([]);
    expect(post.links).toEqual(['https://remote.example/file.xyz']);
  });

  it('GIVEN a status that cannot make a valid post THEN mapping fails naming the offending field', () => {
    const broken = statusSchema.parse({ ...raw('status_plain'), created_at: 'yesterday' });
    expect(() => mapStatus(broken, INSTANCE)).toThrow(ZodError);
    try {
      mapStatus(broken, INSTANCE);
    } catch (err) {
      expect((err as ZodError).issues[0]?.path).toEqual(['createdAt']);
    }
  });

  it('GIVEN a payload missing a required field THEN the schema names its path', () => {
    const { account: _account, ...withoutAccount } = raw('status_plain');
    const result = statusSchema.safeParse(withoutAccount);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['account']);
  });
});
