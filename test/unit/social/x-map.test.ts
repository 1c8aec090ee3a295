import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { socialPostSchema } from '../../../core/social-post.js';
import {
  XMappingError,
  lookupOf,
  mapMetrics,
  mapTweet,
  mapTweets,
  snowflakeTime,
} from '../../../social/x/map.js';
import { tweetsResponseSchema, type XTweetsResponse, type XUser } from '../../../social/x/schemas.js';

const FIXTURES = new URL('../../fixtures/x/', import.meta.url);
const TWITTER_DEV: XUser = { id: '2244994945', name: 'Twitter Dev', username: 'TwitterDev' };

function fixture(name: string): XTweetsResponse {
  return tweetsResponseSchema.parse(JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')));
}

function mapOne(name: string, fallbackAuthor?: XUser) {
  const page = fixture(name);
  const posts = mapTweets(page.data ?? [], page.includes, { fallbackAuthor });
  expect(posts).toHaveLength(1);
  return posts[0]!;
}

describe('X payload → SocialPost', () => {
  it('GIVEN a plain post THEN t.co links are expanded, the hashtag is lower-cased and metrics keep their names', () => {
    const post = mapOne('plain-post.json');
    expect(post).toMatchObject({
      platform: 'x',
      platformId: '1296121314218897408',
      permalink: 'https://x.com/TwitterDev/status/1296121314218897408',
      kind: 'post',
      createdAt: '2020-08-19T16:26:16.000Z',
      hashtags: ['twitterapi'],
      links: ['https://twittercommunity.com/t/hide-replies-now-available-in-the-new-twitter-api/140996'],
      metrics: { likes: 172, reposts: 54, replies: 9, quotes: 23 },
      language: 'en',
      author: {
        id: '2244994945',
        displayName: 'Twitter Dev',
        handle: 'TwitterDev',
        profileUrl: 'https://x.com/TwitterDev',
        avatarUrl: 'https://pbs.twimg.com/profile_images/1283786620521652229/lEODkLTh_normal.jpg',
      },
    });
    expect(post.text).toMatch(
      /#TwitterAPI\.\n\nhttps:\/\/twittercommunity\.com\/t\/hide-replies-now-available/,
    );
    expect(post.text).not.toContain('t.co');
    expect(post.metrics).not.toHaveProperty('views');
    expect(post.original).toBeUndefined();
  });

  it('GIVEN a video without variants THEN the pic link leaves the text and the media points to the post page', () => {
    const post = mapOne('video.json');
    expect(
      post.text.endsWith(
        'https://blog.twitter.com/developer/en_us/topics/tools/2020/introducing_new_twitter_api.html',
      ),
    ).toBe(true);
    expect(post.text).not.toContain('pic.twitter.com');
    expect(post.text).not.toContain('KaFSbjWUA8');
    expect(post.links).toEqual([
      'https://blog.twitter.com/developer/en_us/topics/tools/2020/introducing_new_twitter_api.html',
    ]);
    expect(post.media).toEqual([
      {
        type: 'video',
        url: 'https://x.com/TwitterDev/status/1293593516040269825',
        previewUrl:
          'https://pbs.twimg.com/ext_tw_video_thumb/1293565706408038401/pu/img/66P2dvbU4a02jYbV.jpg',
        durationSeconds: 34.875,
        width: 1280,
        height: 720,
      },
    ]);
  });

  it('GIVEN four photos THEN all four come in order with their alt text, and views come from impression_count', () => {
    const post = mapOne('images.json');
    expect(post.media.map((m) => [m.type, m.url, m.altText])).toEqual([
      ['image', 'https://pbs.twimg.com/media/GLaunch01.jpg', 'The team on stage'],
      ['image', 'https://pbs.twimg.com/media/GLaunch02.jpg', 'A close-up of the demo screen'],
      ['image', 'https://pbs.twimg.com/media/GLaunch03.png', 'Chart of sign-ups'],
      ['image', 'https://pbs.twimg.com/media/GLaunch04.jpg', undefined],
    ]);
    expect(post.text).toBe('Launch day photos & a few thank-yous #HeraldLaunch');
    expect(post.links).toEqual([]);
    expect(post.metrics).toEqual({ likes: 51, reposts: 4, replies: 2, quotes: 0, views: 2048 });
  });

  it('GIVEN an animated GIF THEN the highest bit-rate MP4 variant is the media URL', () => {
    const post = mapOne('animated-gif.json');
    expect(post.media).toEqual([
      {
        type: 'gif',
        url: 'https://video.twimg.com/tweet_video/GreenBuild.mp4',
        previewUrl: 'https://pbs.twimg.com/tweet_video_thumb/GreenBuild.jpg',
        width: 498,
        height: 280,
      },
    ]);
    expect(post.text).toBe('when the build goes green');
  });

  it('GIVEN a retweet THEN it is a repost of the full original from includes, with nothing of its own', () => {
    const post = mapOne('retweet.json');
    expect(post).toMatchObject({
      kind: 'repost',
      platformId: '1229851574555508737',
      text: '',
      hashtags: [],
      media: [],
    });
    expect(post.author.handle).toBe('TwitterDev');
    expect(post.original).toMatchObject({
      platformId: '1229843515603144704',
      permalink: 'https://x.com/suhemparack/status/1229843515603144704',
      author: { id: '857699969263964161', handle: 'suhemparack', displayName: 'Suhem Parack' },
      createdAt: '2020-02-18T19:01:58.000Z',
      links: [
        'https://dev.to/twitterdev/building-an-alexa-skill-for-twitter-using-alexa-presentation-language-1aj0',
      ],
      metrics: { likes: 71, reposts: 19, replies: 1, quotes: 6 },
    });
    expect(post.original?.text).toContain('Check it out here 👇\n\nhttps://dev.to/twitterdev/');
  });

  it('GIVEN a retweet whose original was not expanded THEN the original is rebuilt from "RT @user:" and the mention id', () => {
    const post = mapOne('retweet-unexpanded.json');
    expect(post.kind).toBe('repost');
    expect(post.original).toMatchObject({
      platformId: '1229843515603144704',
      author: { id: '857699969263964161', handle: 'suhemparack' },
      text: expect.stringMatching(/^I built an Alexa Skill .*her…$/s),
    });
    // The original's time comes from its snowflake id.
    expect(post.original?.createdAt.startsWith('2020-02-18T19:01:58')).toBe(true);
  });

  it('GIVEN a quote THEN the quoted post is the original and its link leaves the text and the links', () => {
    const post = mapOne('quote.json');
    expect(post.kind).toBe('quote');
    expect(post.text).toBe(
      'As planned, the Labs v2 endpoints referenced below have now been retired. Please let us know in the forums if you have questions or need help with the Twitter API v2!',
    );
    expect(post.links).toEqual([]);
    expect(post.original).toMatchObject({
      platformId: '1327011423252144128',
      hashtags: ['twitterapi'],
      links: ['https://twittercommunity.com/t/retiring-labs-v2-recent-search-and-hide-replies/145795'],
    });
  });

  it('GIVEN a quote whose quoted post is gone THEN it is a plain post that keeps the link', () => {
    const page = fixture('quote.json');
    const post = mapTweets(page.data ?? [], { users: page.includes?.users ?? [] })[0]!;
    expect(post.kind).toBe('post');
    expect(post.original).toBeUndefined();
    expect(post.links).toEqual(['https://twitter.com/TwitterDev/status/1327011423252144128']);
  });

  it('GIVEN a reply without includes.users THEN the account is the author and inReplyTo names the parent', () => {
    const post = mapOne('reply.json', TWITTER_DEV);
    expect(post.kind).toBe('reply');
    expect(post.author.handle).toBe('TwitterDev');
    expect(post.inReplyTo).toEqual({
      platformId: '1212092627178287104',
      permalink: 'https://x.com/i/status/1212092627178287104',
    });
    // The media key was not expanded: no media is guessed, but its pic link still leaves the text.
    expect(post.media).toEqual([]);
    expect(post.text.endsWith('in the new year.')).toBe(true);
  });

  it('GIVEN a post whose author is unknown and no account to fall back on THEN mapping fails loudly', () => {
    const page = fixture('reply.json');
    expect(() => mapTweets(page.data ?? [], page.includes)).toThrow(XMappingError);
  });

  it('GIVEN a long post THEN the full note text, its link and its hashtag are used', () => {
    const post = mapOne('long-text.json');
    expect(post.text).toMatch(
      /^We just shipped the biggest update.*Full notes: https:\/\/example\.com\/herald\/releases\/2\.0 #HeraldRelease$/s,
    );
    expect(post.text).not.toContain('…');
    expect([...post.text].length).toBeGreaterThan(280);
    expect(post.hashtags).toEqual(['heraldrelease']);
    expect(post.links).toEqual(['https://example.com/herald/releases/2.0']);
  });

  it('GIVEN Japanese text with emoji THEN text, tags and language survive, and &lt; is decoded', () => {
    const post = mapOne('emoji-cjk.json');
    expect(post.text).toBe(
      '東京で新しいカフェを見つけました☕️👨‍👩‍👧 ありがとう @TwitterDev 👍🏽 <3 #東京カフェ #Café',
    );
    expect(post.hashtags).toEqual(['東京カフェ', 'café']);
    expect(post.language).toBe('ja');
    expect(post.author.displayName).toBe('Aurelia Specker 🌿');
  });

  it('GIVEN only the default fields THEN author comes from the account, time from the id, and metrics stay unknown', () => {
    const post = mapOne('default-fields.json', TWITTER_DEV);
    expect(post.author.id).toBe('2244994945');
    expect(post.createdAt.startsWith('2020-08-12T17:01:42')).toBe(true);
    expect(post.metrics).toEqual({});
    expect(post.language).toBeUndefined();
    expect(post.kind).toBe('post');
  });

  it("GIVEN X's private language codes THEN no language is claimed", () => {
    const lookup = lookupOf({ users: [TWITTER_DEV] });
    for (const lang of ['und', 'qme', 'qht', 'zxx']) {
      const post = mapTweet({ id: '1293593516040269825', text: '🎉', author_id: '2244994945', lang }, lookup);
      expect(post.language).toBeUndefined();
    }
  });

  it('GIVEN metrics X did not return THEN they stay absent, and a real zero stays zero', () => {
    expect(mapMetrics(undefined)).toEqual({});
    expect(mapMetrics({ like_count: 0 })).toEqual({ likes: 0 });
  });

  it('GIVEN a snowflake id THEN its time is read from the top bits, and a non-id is refused', () => {
    expect(snowflakeTime('1296121314218897408').startsWith('2020-08-19T16:26:16')).toBe(true);
    expect(() => snowflakeTime('abc')).toThrow(XMappingError);
  });

  it('GIVEN every fixture THEN every post it yields is a valid SocialPost', () => {
    const names = readdirSync(FIXTURES).filter((name) => name.endsWith('.json'));
    let count = 0;
    for (const name of names) {
      const page = fixture(name);
      for (const post of mapTweets(page.data ?? [], page.includes, { fallbackAuthor: TWITTER_DEV })) {
        expect(socialPostSchema.safeParse(post).success).toBe(true);
        count += 1;
      }
    }
    expect(count).toBeGreaterThanOrEqual(11);
  });
});
