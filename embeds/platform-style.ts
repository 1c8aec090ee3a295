/**
 * How each social platform looks in chat, one row per platform: name, brand colour, icon, whether its
 * posts have titles, how a repost is worded, and how @mentions and #hashtags in its text link back to
 * it. A new provider adds one row here and nothing else in embeds/.
 */
import { PLATFORM_INFO, type SocialPlatform } from '../core/platforms.js';

/** How a platform's mentions and hashtags become links; absent where text stays plain. */
export interface PlatformLinks {
  /**
   * Matches one mention (the `@` included): group `user` is the name, optional group `host` the
   * server of a remote account (Mastodon's `@user@host`).
   */
  readonly mention: RegExp;
  /**
   * The profile page of a handle. `home` is the post's own server (its permalink's origin), which
   * only platforms with many servers need.
   */
  profileUrl(user: string, home: URL, host?: string): string;
  hashtagUrl(tag: string, home: URL): string;
}

export interface PlatformStyle {
  readonly displayName: string;
  /** The official brand colour as 0xRRGGBB. */
  readonly color: number;
  /** The value for a Discord embed's `color`: the brand colour, except that pure black becomes 0x010101. */
  readonly discordColor: number;
  /** The brand colour as `#RRGGBB`, for a Slack attachment's `color`. */
  readonly slackColor: string;
  /** A small square PNG of the brand, for the embed footer and Slack's context line. */
  readonly iconUrl?: string;
  /** Whether posts start with a title line (an article, a video, a Reddit submission). */
  readonly hasTitle: boolean;
  /** The verb for "shared someone else's post": "reposted", Mastodon's "boosted". */
  readonly repostVerb: string;
  /** What goes before a handle: `@` on most networks, `u/` on Reddit, nothing for a feed's author. */
  readonly handlePrefix: string;
  /** The emoji for `likes`: a heart, or the thumb or arrow of platforms that vote. */
  readonly likeEmoji: string;
  /** Whether the footer names the post's server, for platforms where that differs per account. */
  readonly showsHost: boolean;
  readonly links?: PlatformLinks;
}

/** `0xRRGGBB` as `#RRGGBB`, zero-padded so black is `#000000`, not `#0`. */
export function colorToHex(color: number): string {
  if (!Number.isInteger(color) || color < 0 || color > 0xffffff) {
    throw new RangeError(`a colour is an integer in 0..0xFFFFFF, got ${color}`);
  }
  return `#${color.toString(16).toUpperCase().padStart(6, '0')}`;
}

// Discord treats an embed colour of 0 as "no colour" (the theme's grey bar), so black brands would vanish.
const DISCORD_BLACK = 0x010101;

// Chat clients render PNG but not the SVG or ICO most brands publish, so icons come from one favicon
// service that converts; swapping it for self-hosted files is a change to this one function.
function favicon(domain: string): string {
  return `https://www.google.com/s2/favicons?domain=${domain}&sz=64`;
}

const path = (segment: string) => encodeURIComponent(segment);

// A mention must not follow a word character, '@', '/', '.' or '<', so e-mail addresses, URLs and
// chat mention syntax (`<@123>`) stay text.
const MENTION_START = String.raw`(?<![\p{L}\p{N}_@/.<])@`;

const X_LINKS: PlatformLinks = {
  mention: new RegExp(`${MENTION_START}(?<user>[A-Za-z0-9_]{1,15})(?![A-Za-z0-9_@])`, 'u'),
  profileUrl: (user) => `https://x.com/${path(user)}`,
  hashtagUrl: (tag) => `https://x.com/hashtag/${path(tag)}`,
};

const BLUESKY_LINKS: PlatformLinks = {
  // Handles are domain names: at least two labels, the last starting with a letter.
  mention: new RegExp(
    `${MENTION_START}(?<user>(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)`,
    'u',
  ),
  profileUrl: (user) => `https://bsky.app/profile/${path(user)}`,
  hashtagUrl: (tag) => `https://bsky.app/hashtag/${path(tag)}`,
};

const MASTODON_LINKS: PlatformLinks = {
  mention: new RegExp(
    `${MENTION_START}(?<user>[A-Za-z0-9_]+(?:[.-]+[A-Za-z0-9_]+)*)(?:@(?<host>(?:[\\p{L}\\p{N}-]+\\.)+[\\p{L}\\p{N}-]{2,}))?`,
    'u',
  ),
  // A remote account's profile lives on its own server; a local one on the post's server.
  profileUrl: (user, home, host) => `https://${host ?? home.host}/@${path(user)}`,
  hashtagUrl: (tag, home) => `${home.origin}/tags/${path(tag)}`,
};

interface StyleRow {
  readonly color: number;
  readonly domain?: string;
  readonly hasTitle?: boolean;
  readonly repostVerb?: string;
  readonly handlePrefix?: string;
  readonly likeEmoji?: string;
  readonly showsHost?: boolean;
  readonly links?: PlatformLinks;
}

function style(platform: SocialPlatform, row: StyleRow): PlatformStyle {
  const { color, domain, links } = row;
  return {
    displayName: PLATFORM_INFO[platform].displayName,
    color,
    discordColor: color === 0 ? DISCORD_BLACK : color,
    slackColor: colorToHex(color),
    ...(domain === undefined ? {} : { iconUrl: favicon(domain) }),
    hasTitle: row.hasTitle ?? false,
    repostVerb: row.repostVerb ?? 'reposted',
    handlePrefix: row.handlePrefix ?? '@',
    likeEmoji: row.likeEmoji ?? '❤️',
    showsHost: row.showsHost ?? false,
    ...(links === undefined ? {} : { links }),
  };
}

/** The look of every platform; colours from each platform's published brand guidelines. */
export const PLATFORM_STYLE = {
  x: style('x', { color: 0x000000, domain: 'x.com', links: X_LINKS }),
  bluesky: style('bluesky', { color: 0x1185fe, domain: 'bsky.app', links: BLUESKY_LINKS }),
  mastodon: style('mastodon', {
    color: 0x6364ff,
    domain: 'joinmastodon.org',
    repostVerb: 'boosted',
    showsHost: true,
    links: MASTODON_LINKS,
  }),
  instagram: style('instagram', { color: 0xe4405f, domain: 'instagram.com' }),
  linkedin: style('linkedin', { color: 0x0a66c2, domain: 'linkedin.com', likeEmoji: '👍' }),
  facebook: style('facebook', {
    color: 0x0866ff,
    domain: 'facebook.com',
    repostVerb: 'shared',
    likeEmoji: '👍',
  }),
  threads: style('threads', { color: 0x000000, domain: 'threads.net' }),
  youtube: style('youtube', { color: 0xff0000, domain: 'youtube.com', hasTitle: true, likeEmoji: '👍' }),
  tiktok: style('tiktok', { color: 0x000000, domain: 'tiktok.com' }),
  pinterest: style('pinterest', { color: 0xe60023, domain: 'pinterest.com', repostVerb: 'saved' }),
  reddit: style('reddit', {
    color: 0xff4500,
    domain: 'reddit.com',
    hasTitle: true,
    repostVerb: 'crossposted',
    handlePrefix: 'u/',
    likeEmoji: '⬆️',
  }),
  rss: style('rss', {
    color: 0xf26522,
    hasTitle: true,
    repostVerb: 'shared',
    handlePrefix: '',
    showsHost: true,
  }),
} satisfies Record<SocialPlatform, PlatformStyle>;

/** `handle` as the platform writes it (`@alice`, `u/spez`), whether or not the provider kept the prefix. */
export function formatHandle(style: PlatformStyle, handle: string): string {
  const bare = style.handlePrefix === '' ? handle : handle.replace(/^(?:@|u\/)/u, '');
  return `${style.handlePrefix}${bare}`;
}
