import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { graphemeCount } from '../../../social/text-length.js';
import { mapFeedItem, mapPostView, metricsOf, postPermalink } from '../../../social/bluesky/map.js';
import { feedViewPostSchema, type FeedViewPost } from '../../../social/bluesky/schemas.js';

function raw(name: string): Record<string, unknown> {
  return JSON.parse(
    readFileSync(new URL(`../../fixtures/bluesky/${name}`, import.meta.url), 'utf8'),
  ) as Record<string, unknown>;
}

function item(name: string): FeedViewPost {
  return feedViewPostSchema.parse(raw(name));
}

function mapped(name: string) {
  const post = mapFeedItem(item(name));
  if (!post) throw new Error(`${name} mapped to nothing`);
  return post;
}

describe('Bluesky payload → SocialPost', () => {
  it('GIVEN the documented plain post THEN every field maps, with all four counts known', () => {
    const post = mapped('plain-post.json');
    expect(post).toMatchObject({
      platform: 'bluesky',
      platformId: 'at://did:plc:u5cwb2mwiv2bfq53cjufe6yn/app.bsky.feed.post/3k4duaz5vfs2b',
      permalink: 'https://bsky.app/profile/docs-example.bsky.social/post/3k4duaz5vfs2b',
      text: 'Hello World!',
      createdAt: '2023-08-07T05:31:12.156888Z',
      kind: 'post',
      author: {
        id: 'did:plc:u5cwb2mwiv2bfq53cjufe6yn',
        handle: 'docs-example.bsky.social',
        displayName: 'Docs Example',
        profileUrl: 'https://bsky.app/profile/docs-example.bsky.social',
      },
      metrics: { likes: 0, reposts: 0, replies: 0, quotes: 0 },
      media: [],
      hashtags: [],
      links: [],
    });
    expect(post.author.avatarUrl).toMatch(/^https:\/\/cdn\.bsky\.app\/img\/avatar\//);
    expect(post.original).toBeUndefined();
    expect(post.metrics.views).toBeUndefined();
  });

  it('GIVEN two images with alt text and aspect ratios THEN both map with full size, thumbnail, alt and ratio', () => {
    const post = mapped('images-several.json');
    expect(post.media).toEqual([
      {
        type: 'image',
        url: 'https://cdn.bsky.app/img/feed_fullsize/plain/did:plc:u5cwb2mwiv2bfq53cjufe6yn/bafkreibabalobzn6cd366ukcsjycp4yymjymgfxcv6xczmlgpemzkz3cfa@jpeg',
        previewUrl:
          'https://cdn.bsky.app/img/feed_thumbnail/plain/did:plc:u5cwb2mwiv2bfq53cjufe6yn/bafkreibabalobzn6cd366ukcsjycp4yymjymgfxcv6xczmlgpemzkz3cfa@jpeg',
        altText: 'brief alt text description of the first image',
        width: 1280,
        height: 760,
      },
      expect.objectContaining({
        altText: 'brief alt text description of the second image',
        width: 500,
        height: 300,
      }),
    ]);
  });

  it('GIVEN an image with empty alt text THEN the alt text is absent rather than empty', () => {
    const [image] = mapped('image.json').media;
    expect(image).toMatchObject({ type: 'image', width: 1999, height: 1500 });
    expect(image).not.toHaveProperty('altText');
  });

  it('GIVEN a video with #tag facets THEN it is a video of its HLS playlist and the tags are lower-case hashtags', () => {
    const post = mapped('video.json');
    expect(post.media).toEqual([
      expect.objectContaining({
        type: 'video',
        url: expect.stringMatching(/^https:\/\/video\.bsky\.app\/watch\/.+\/playlist\.m3u8$/) as unknown,
        previewUrl: expect.stringMatching(/thumbnail\.jpg$/) as unknown,
        width: 1920,
        height: 1920,
      }),
    ]);
    expect(post.hashtags).toEqual(['swiftui', 'ios', 'beginner', 'code', 'keeplearning']);
    expect(post.text).toContain('Button" 😄\n#swiftUI');
  });

  it('GIVEN a repost THEN the reposter reposts at the repost time and the original carries the content', () => {
    const post = mapped('repost.json');
    expect(post).toMatchObject({
      kind: 'repost',
      platformId:
        'at://did:plc:niay7ajcptgklwrhknvnhk44/app.bsky.feed.post/3lhjnkjle5s2o#repost-by-did:plc:lw5dadzkguntwgkj2jxmulxk',
      author: { handle: 'daniloc.xyz', displayName: 'Danilo 🇵🇷' },
      createdAt: '2025-02-06T17:58:31.348Z',
      text: '',
      metrics: {},
      permalink: 'https://bsky.app/profile/theferrarilab.bsky.social/post/3lhjnkjle5s2o',
    });
    // The reposted post quotes another: it is a quote itself, carried one level deep.
    expect(post.original).toMatchObject({
      kind: 'quote',
      author: { handle: 'theferrarilab.bsky.social' },
      metrics: { likes: 9, reposts: 7, replies: 1, quotes: 0 },
      createdAt: '2025-02-06T17:50:33.851Z',
      language: 'en',
    });
    expect(post.original?.text).toContain('Welcome to the fight, farmers.');
  });

  it('GIVEN a repost whose reason names the repost record THEN that URI is the platform id', () => {
    const source = raw('repost.json');
    const reason = {
      ...(source.reason as object),
      uri: 'at://did:plc:lw5dadzkguntwgkj2jxmulxk/app.bsky.feed.repost/3lhjnz',
    };
    const post = mapFeedItem(feedViewPostSchema.parse({ ...source, reason }));
    expect(post?.platformId).toBe('at://did:plc:lw5dadzkguntwgkj2jxmulxk/app.bsky.feed.repost/3lhjnz');
  });

  it('GIVEN a reply THEN it is a reply to its parent, linked through the DID when the handle is not known', () => {
    const post = mapped('reply.json');
    expect(post.kind).toBe('reply');
    expect(post.inReplyTo).toEqual({
      platformId: 'at://did:plc:x2rfmy3ldn2k6d2diyp7ofi2/app.bsky.feed.post/3lhmfcfualc2s',
      permalink: 'https://bsky.app/profile/did:plc:x2rfmy3ldn2k6d2diyp7ofi2/post/3lhmfcfualc2s',
    });
  });

  it('GIVEN a feed item with the parent view THEN the reply names the parent author', () => {
    const source = raw('reply.json');
    const parentUri = 'at://did:plc:x2rfmy3ldn2k6d2diyp7ofi2/app.bsky.feed.post/3lhmfcfualc2s';
    const reply = {
      root: {
        $type: 'app.bsky.feed.defs#notFoundPost',
        uri: 'at://did:plc:r6xugwwpp4ss5liddodf7thw/app.bsky.feed.post/3lhmf2be2rc2b',
        notFound: true,
      },
      parent: {
        $type: 'app.bsky.feed.defs#postView',
        uri: parentUri,
        author: { did: 'did:plc:x2rfmy3ldn2k6d2diyp7ofi2', handle: 'peter.example' },
      },
    };
    const post = mapFeedItem(feedViewPostSchema.parse({ ...source, reply }));
    expect(post?.inReplyTo).toEqual({
      platformId: parentUri,
      permalink: 'https://bsky.app/profile/peter.example/post/3lhmfcfualc2s',
      authorHandle: 'peter.example',
    });
  });

  it('GIVEN a quote THEN the quoted post is the original, with its image, mentions left as text and its counts', () => {
    const post = mapped('quote.json');
    expect(post.kind).toBe('quote');
    expect(post.original).toMatchObject({
      kind: 'post',
      platformId: 'at://did:plc:6y3jllixhqf3vjupdvzdtxsf/app.bsky.feed.post/3lhmdqmtrj22m',
      permalink: 'https://bsky.app/profile/deepdishswift.com/post/3lhmdqmtrj22m',
      author: { handle: 'deepdishswift.com' },
      metrics: { likes: 5, replies: 1, reposts: 1, quotes: 3 },
      media: [expect.objectContaining({ type: 'image', width: 1089, height: 676 })],
    });
    expect(post.original?.text).toContain('@charliemchapman.com');
  });

  it('GIVEN recordWithMedia THEN the post has its own image and quotes a post that itself quotes with media', () => {
    const post = mapped('record-with-media.json');
    expect(post.kind).toBe('quote');
    expect(post.text).toBe('');
    expect(post.media).toEqual([
      expect.objectContaining({
        altText: 'Bluesky Alt Text Rating\nHow consistently do you use alt text?\nMy score is 93%',
      }),
    ]);
    expect(post.original).toMatchObject({ kind: 'quote', author: { handle: 'bpavuk.bsky.social' } });
    expect(post.original?.media).toHaveLength(2);
    expect(post.original?.links).toEqual(['https://dame.is/ratingalttext']);
    expect(post.original).not.toHaveProperty('original');
  });

  it('GIVEN a link card THEN its URL is a link and nothing is media', () => {
    const post = mapped('external-card.json');
    expect(post.links).toEqual([
      'https://www.createwithswift.com/designing-for-application-states-creating-seamless-user-experiences/',
    ]);
    expect(post.media).toEqual([]);
  });

  it('GIVEN emoji before a link facet THEN the link comes from the facet URI', () => {
    const post = mapped('emoji-facets.json');
    expect(post.links).toEqual(['https://en.wikipedia.org/wiki/CBOR']);
    expect(post.text).toContain('👨‍❤️‍👨');
  });

  it('GIVEN Thai and English THEN the text is kept and the first language is the post language', () => {
    const post = mapped('non-latin.json');
    expect(post.text).toBe('สวัสดีชาวโลก!\nHello World!');
    expect(post.language).toBe('th');
  });

  it('GIVEN 300 graphemes of CJK and emoji THEN the text is whole and a record tag with a space is dropped', () => {
    const post = mapped('long-text.json');
    expect(graphemeCount(post.text)).toBe(300);
    expect(post.hashtags).toEqual(['長文']);
    expect(post.language).toBe('ja');
  });

  it('GIVEN only the required fields THEN unknown counts stay unknown and the links use the DID', () => {
    const post = mapped('missing-optional.json');
    expect(post.metrics).toEqual({});
    expect(post.author).toEqual({
      id: 'did:plc:ewvi7nxzyoun6zhxrhs64oiz',
      displayName: '',
      handle: 'handle.invalid',
      profileUrl: 'https://bsky.app/profile/did:plc:ewvi7nxzyoun6zhxrhs64oiz',
    });
    expect(post.permalink).toBe(
      'https://bsky.app/profile/did:plc:ewvi7nxzyoun6zhxrhs64oiz/post/3k43tv4rft22g',
    );
    expect(post.language).toBeUndefined();
  });

  it('GIVEN a pinned item THEN it is not a new post', () => {
    expect(mapFeedItem(item('pinned.json'))).toBeUndefined();
  });

  it('GIVEN a createdAt without a time zone THEN the AppView indexedAt is used', () => {
    const source = raw('missing-optional.json') as { post: { record: object } };
    const post = mapFeedItem(
      feedViewPostSchema.parse({
        post: { ...source.post, record: { ...source.post.record, createdAt: '2023-08-07T05:49:40' } },
      }),
    );
    expect(post?.createdAt).toBe('2023-08-07T05:49:41.000Z');
  });

  it('GIVEN a quote of a deleted post or of a list THEN it is a plain post', () => {
    const source = raw('quote.json') as { post: Record<string, unknown> };
    const notFound = {
      $type: 'app.bsky.embed.record#viewNotFound',
      uri: 'at://did:plc:x/app.bsky.feed.post/1',
      notFound: true,
    };
    const list = {
      $type: 'app.bsky.graph.defs#listView',
      uri: 'at://did:plc:x/app.bsky.graph.list/1',
      name: 'a list',
    };
    for (const record of [notFound, list]) {
      const post = mapFeedItem(
        feedViewPostSchema.parse({
          post: { ...source.post, embed: { $type: 'app.bsky.embed.record#view', record } },
        }),
      );
      expect(post?.kind).toBe('post');
      expect(post?.original).toBeUndefined();
    }
  });

  it('GIVEN an embed type this version does not know THEN the post still maps, without media', () => {
    const source = raw('plain-post.json') as { post: Record<string, unknown> };
    const post = mapFeedItem(
      feedViewPostSchema.parse({
        post: { ...source.post, embed: { $type: 'app.bsky.embed.poll#view', options: [] } },
      }),
    );
    expect(post?.media).toEqual([]);
  });

  it('GIVEN a known embed with the wrong shape THEN parsing fails at the embed', () => {
    const source = raw('image.json') as { post: Record<string, unknown> };
    const result = feedViewPostSchema.safeParse({
      post: { ...source.post, embed: { $type: 'app.bsky.embed.images#view', images: 'none' } },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path.slice(0, 2)).toEqual(['post', 'embed']);
  });

  it('GIVEN a post view whose URI is not a post URI THEN mapping throws instead of inventing a link', () => {
    const source = raw('plain-post.json') as { post: Record<string, unknown> };
    const view = feedViewPostSchema.parse({ post: { ...source.post, uri: 'at://did:plc:x' } }).post;
    expect(() => mapPostView(view)).toThrow(/not a post URI/);
  });

  it('GIVEN counts the view omits THEN only the reported ones are metrics', () => {
    expect(metricsOf({ likeCount: 3 })).toEqual({ likes: 3 });
    expect(postPermalink('at://did:plc:abc/app.bsky.feed.post/3k', 'alice.test')).toBe(
      'https://bsky.app/profile/alice.test/post/3k',
    );
  });
});
