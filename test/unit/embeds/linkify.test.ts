import { describe, expect, it } from 'vitest';
import { displayUrl, linkify, trimUrl, type Token } from '../../../embeds/linkify.js';
import { PLATFORM_STYLE } from '../../../embeds/platform-style.js';

const links = (tokens: Token[]) =>
  tokens.flatMap((token) => (token.kind === 'link' ? [[token.text, token.url]] : []));

describe('linkify', () => {
  it('GIVEN an X post THEN mentions, hashtags and URLs link to x.com and the page', () => {
    const tokens = linkify(
      'hi @jack, see #Launch https://example.com/a.',
      PLATFORM_STYLE.x,
      new URL('https://x.com'),
    );
    expect(links(tokens)).toEqual([
      ['@jack', 'https://x.com/jack'],
      ['#Launch', 'https://x.com/hashtag/Launch'],
      ['example.com/a', 'https://example.com/a'],
    ]);
    expect(tokens.map((token) => token.text).join('')).toBe('hi @jack, see #Launch example.com/a.');
  });

  it('GIVEN a Bluesky post THEN a domain handle links to its bsky.app profile, without the final dot', () => {
    const tokens = linkify(
      'thanks @alice.bsky.social. #atproto',
      PLATFORM_STYLE.bluesky,
      new URL('https://bsky.app'),
    );
    expect(links(tokens)).toEqual([
      ['@alice.bsky.social', 'https://bsky.app/profile/alice.bsky.social'],
      ['#atproto', 'https://bsky.app/hashtag/atproto'],
    ]);
  });

  it('GIVEN a Mastodon post THEN local mentions and tags use the post server, remote ones their own', () => {
    const home = new URL('https://hachyderm.io/@nova');
    const tokens = linkify('hi @kris and @Gargron@mastodon.social #Fediverse', PLATFORM_STYLE.mastodon, home);
    expect(links(tokens)).toEqual([
      ['@kris', 'https://hachyderm.io/@kris'],
      ['@Gargron@mastodon.social', 'https://mastodon.social/@Gargron'],
      ['#Fediverse', 'https://hachyderm.io/tags/Fediverse'],
    ]);
  });

  it('GIVEN a platform without mention rules THEN only URLs link and @ and # stay text', () => {
    const tokens = linkify(
      '@someone #tag https://example.com',
      PLATFORM_STYLE.linkedin,
      new URL('https://linkedin.com'),
    );
    expect(links(tokens)).toEqual([['example.com', 'https://example.com/']]);
  });

  it('GIVEN e-mail addresses, numbers, entities and chat syntax THEN none becomes a mention or tag', () => {
    const tokens = linkify('mail a@b.co #1 &#39; <@123> x#y', PLATFORM_STYLE.x, new URL('https://x.com'));
    expect(links(tokens)).toEqual([]);
  });

  it('GIVEN a URL that cannot be a link THEN it stays exactly as written', () => {
    const tokens = linkify('<https://evil.example|click>', PLATFORM_STYLE.x, new URL('https://x.com'));
    expect(tokens).toEqual([{ kind: 'text', text: '<https://evil.example|click>' }]);
  });
});

describe('trimUrl', () => {
  it.each([
    ['https://a.example/x.', 'https://a.example/x'],
    ['https://a.example/x),', 'https://a.example/x'],
    ['https://en.wikipedia.org/wiki/Mercury_(planet)', 'https://en.wikipedia.org/wiki/Mercury_(planet)'],
    ['https://a.example/?q="x"', 'https://a.example/?q="x'],
  ])('GIVEN %s in prose THEN the URL is %s', (input, expected) => {
    expect(trimUrl(input)).toBe(expected);
  });
});

describe('displayUrl', () => {
  it('GIVEN a long URL THEN it reads without scheme or www and is cut to 32 graphemes', () => {
    const label = displayUrl('https://www.example.com/a/very/long/path/that/goes/on/and/on');
    expect(label).toBe('example.com/a/very/long/path/tha…');
  });

  it('GIVEN a URL inside a query string THEN the label stops before it (Discord would print it raw)', () => {
    expect(displayUrl('https://t.example/?u=https://evil.example')).toBe('t.example/?u=…');
  });

  it('GIVEN percent-encoded Unicode THEN the label shows it decoded', () => {
    expect(displayUrl('https://ja.wikipedia.org/wiki/%E6%97%A5%E6%9C%AC')).toBe('ja.wikipedia.org/wiki/日本');
  });
});
