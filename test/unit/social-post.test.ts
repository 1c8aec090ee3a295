import { describe, expect, it } from 'vitest';
import { engagementTotal, parseSocialPost, type SocialPostInput } from '../../core/social-post.js';

function post(overrides: Partial<SocialPostInput> = {}): SocialPostInput {
  return {
    platform: 'bluesky',
    platformId: 'at://did:plc:abc/app.bsky.feed.post/3k2',
    permalink: 'https://bsky.app/profile/alice.bsky.social/post/3k2',
    author: { id: 'did:plc:abc', displayName: 'Alice', handle: 'alice.bsky.social' },
    text: 'Shipping Herald today',
    createdAt: '2024-05-01T12:30:00.000Z',
    kind: 'post',
    hashtags: [],
    links: [],
    media: [],
    metrics: {},
    ...overrides,
  };
}

describe('parseSocialPost', () => {
  it('GIVEN a complete post THEN it parses and keeps createdAt as the given string', () => {
    const result = parseSocialPost(
      post({
        createdAt: '2024-05-01T14:30:00+02:00',
        links: ['https://example.com/launch'],
        media: [
          { type: 'image', url: 'https://cdn.example.com/a.jpg', altText: 'a cat', width: 800, height: 600 },
        ],
        metrics: { likes: 3, reposts: 0 },
        language: 'en-GB',
      }),
    );
    expect(result.success).toBe(true);
    expect(result.data?.createdAt).toBe('2024-05-01T14:30:00+02:00');
    expect(result.data?.media[0]?.altText).toBe('a cat');
  });

  it('GIVEN a repost without its original THEN it is rejected on `original`', () => {
    const result = parseSocialPost(post({ kind: 'repost' }));
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['original']);
  });

  it('GIVEN a repost with its original THEN it parses', () => {
    const original = post({ platformId: 'orig', text: 'the original' });
    expect(parseSocialPost(post({ kind: 'repost', text: '', original })).success).toBe(true);
  });

  it('GIVEN a quote whose original is on another platform THEN it is rejected on `original.platform`', () => {
    const original = post({ platform: 'mastodon', platformId: 'orig' });
    const result = parseSocialPost(post({ kind: 'quote', original }));
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['original.platform']);
  });

  it('GIVEN a plain post that carries an original THEN it is rejected', () => {
    const result = parseSocialPost(post({ kind: 'post', original: post({ platformId: 'orig' }) }));
    expect(result.success).toBe(false);
  });

  it('GIVEN hashtags with # and mixed case THEN they come out lower-case, without #, once each', () => {
    const result = parseSocialPost(post({ hashtags: ['#TypeScript', 'Herald', '#herald', '＃ÉtÉ'] }));
    expect(result.data?.hashtags).toEqual(['typescript', 'herald', 'été']);
  });

  it('GIVEN a hashtag that is only "#" THEN it is rejected', () => {
    expect(parseSocialPost(post({ hashtags: ['#'] })).success).toBe(false);
  });

  it('GIVEN no metrics THEN they stay absent instead of becoming 0', () => {
    const result = parseSocialPost(post({ metrics: { likes: 0 } }));
    expect(result.data?.metrics).toEqual({ likes: 0 });
    expect(result.data?.metrics).not.toHaveProperty('reposts');
  });

  it('GIVEN a negative or fractional metric THEN it is rejected', () => {
    expect(parseSocialPost(post({ metrics: { likes: -1 } })).success).toBe(false);
    expect(parseSocialPost(post({ metrics: { views: 1.5 } })).success).toBe(false);
  });

  it.each(['not a url', 'javascript:alert(1)', 'ftp://example.com/post'])(
    'GIVEN the permalink %j THEN the post is rejected on `permalink`',
    (permalink) => {
      const result = parseSocialPost(post({ permalink }));
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual(['permalink']);
    },
  );

  it('GIVEN a created time without an offset THEN it is rejected', () => {
    expect(parseSocialPost(post({ createdAt: '2024-05-01T12:30:00' })).success).toBe(false);
  });
});

describe('engagementTotal', () => {
  it('GIVEN no known metric THEN it is undefined, not 0', () => {
    expect(engagementTotal({})).toBeUndefined();
  });

  it('GIVEN only views THEN it is undefined, since views are not engagement', () => {
    expect(engagementTotal({ views: 10_000 })).toBeUndefined();
  });

  it('GIVEN metrics known to be zero THEN it is 0', () => {
    expect(engagementTotal({ likes: 0 })).toBe(0);
  });

  it('GIVEN several metrics THEN it sums likes, reposts, replies and quotes but not views', () => {
    expect(engagementTotal({ likes: 5, reposts: 2, replies: 1, quotes: 4, views: 1_000 })).toBe(12);
  });
});
