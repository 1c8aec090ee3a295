import { describe, expect, it } from 'vitest';
import { PLATFORM_INFO, SOCIAL_PLATFORMS } from '../../core/platforms.js';
import { PLATFORM_STYLE, colorToHex, formatHandle } from '../../embeds/platform-style.js';

describe('PLATFORM_STYLE', () => {
  it.each(SOCIAL_PLATFORMS)(
    'GIVEN %s THEN its colour is a 24-bit integer and its hex says the same',
    (platform) => {
      const style = PLATFORM_STYLE[platform];
      expect(Number.isInteger(style.color)).toBe(true);
      expect(style.color).toBeGreaterThanOrEqual(0);
      expect(style.color).toBeLessThanOrEqual(0xffffff);
      expect(style.slackColor).toMatch(/^#[0-9A-F]{6}$/);
      expect(Number.parseInt(style.slackColor.slice(1), 16)).toBe(style.color);
      expect(style.displayName).toBe(PLATFORM_INFO[platform].displayName);
    },
  );

  it.each(SOCIAL_PLATFORMS)(
    'GIVEN %s THEN its Discord colour is never 0, which Discord shows as no colour',
    (platform) => {
      expect(PLATFORM_STYLE[platform].discordColor).toBeGreaterThan(0);
      expect(PLATFORM_STYLE[platform].discordColor).toBeLessThanOrEqual(0xffffff);
    },
  );

  it('GIVEN black THEN the hex is zero-padded to six digits', () => {
    expect(colorToHex(0)).toBe('#000000');
    expect(PLATFORM_STYLE.x.slackColor).toBe('#000000');
  });

  it('GIVEN a known brand THEN it carries the official colour', () => {
    expect(PLATFORM_STYLE.bluesky.slackColor).toBe('#1185FE');
    expect(PLATFORM_STYLE.bluesky.discordColor).toBe(0x1185fe);
  });

  it.each(SOCIAL_PLATFORMS)(
    'GIVEN %s THEN its icon, if any, is an https URL and its words are set',
    (platform) => {
      const style = PLATFORM_STYLE[platform];
      if (style.iconUrl !== undefined) expect(new URL(style.iconUrl).protocol).toBe('https:');
      expect(style.repostVerb).toMatch(/^[a-z]+$/);
      expect(style.likeEmoji.length).toBeGreaterThan(0);
    },
  );

  it('GIVEN the platforms whose posts start with a title THEN exactly RSS, YouTube and Reddit have titles', () => {
    const titled = SOCIAL_PLATFORMS.filter((platform) => PLATFORM_STYLE[platform].hasTitle);
    expect(titled).toEqual(['youtube', 'reddit', 'rss']);
  });

  it('GIVEN X, Bluesky and Mastodon THEN mentions and hashtags link back to the platform', () => {
    const home = new URL('https://hachyderm.io/@nova');
    expect(PLATFORM_STYLE.x.links?.profileUrl('jack', home)).toBe('https://x.com/jack');
    expect(PLATFORM_STYLE.bluesky.links?.hashtagUrl('atproto', home)).toBe(
      'https://bsky.app/hashtag/atproto',
    );
    expect(PLATFORM_STYLE.mastodon.links?.profileUrl('kris', home)).toBe('https://hachyderm.io/@kris');
    expect(PLATFORM_STYLE.mastodon.links?.profileUrl('Gargron', home, 'mastodon.social')).toBe(
      'https://mastodon.social/@Gargron',
    );
    expect(PLATFORM_STYLE.mastodon.links?.hashtagUrl('fediverse', home)).toBe(
      'https://hachyderm.io/tags/fediverse',
    );
    expect(PLATFORM_STYLE.rss.links).toBeUndefined();
  });

  it('GIVEN a handle with or without its prefix THEN it is written the platform way', () => {
    expect(formatHandle(PLATFORM_STYLE.x, 'jack')).toBe('@jack');
    expect(formatHandle(PLATFORM_STYLE.x, '@jack')).toBe('@jack');
    expect(formatHandle(PLATFORM_STYLE.reddit, 'u/spez')).toBe('u/spez');
    expect(formatHandle(PLATFORM_STYLE.reddit, 'spez')).toBe('u/spez');
    expect(formatHandle(PLATFORM_STYLE.rss, 'The Verge')).toBe('The Verge');
  });
});
