/**
 * What a chat message shows of a post, decided once for Discord and Slack alike: whose post it is,
 * what it says (as tokens), which pictures, which context ("🔁 @a reposted @b"), which counts.
 */
import { domainToUnicode } from 'node:url';
import type { SocialPost, SocialPostKind, SocialPostMedia } from '../core/social-post.js';
import { engagementLine, hasMetrics } from './engagement.js';
import { linkToken, linkify, textToken, type Token } from './linkify.js';
import { PLATFORM_STYLE, formatHandle, type PlatformStyle } from './platform-style.js';
import { MAX_LINK_URL_LENGTH, isolate, linkTarget, oneLine, tidyText, truncateText } from './text.js';

type BasePost = Omit<SocialPost, 'original'>;

/** Discord merges at most four same-URL embeds into one gallery; Slack posts look best with as many. */
const GALLERY_SIZE = 4;

// Names and handles are capped so that context lines stay one line, whatever a profile says.
const NAME_GRAPHEMES = 64;

export interface AuthorView {
  /** The display name, one line, isolated when its direction could reorder what follows. */
  readonly name: string;
  /** `@alice`, `u/spez`; for a feed without handles, the same as the name. */
  readonly handle: string;
  /** "Name (@handle)", or one of the two when they say the same. */
  readonly label: string;
  readonly avatarUrl?: string;
  readonly profileUrl?: string;
}

export interface Picture {
  readonly url: string;
  readonly kind: SocialPostMedia['type'];
  readonly altText?: string;
}

export interface QuotedView {
  readonly author: AuthorView;
  readonly body: readonly Token[];
  readonly permalink: string;
  readonly pictures: readonly Picture[];
}

export interface PostView {
  readonly kind: SocialPostKind;
  readonly style: PlatformStyle;
  readonly author: AuthorView;
  /** "🔁 @a reposted @b" or "↩️ Replying to @b"; absent for a plain post or a quote. */
  readonly context?: readonly Token[];
  readonly title?: string;
  readonly body: readonly Token[];
  /** Up to four pictures: images, and the preview frames of videos and GIFs. */
  readonly pictures: readonly Picture[];
  /** "▶ video · +2 more": media the pictures do not show, linking to the post. */
  readonly mediaNote?: readonly Token[];
  readonly engagement?: string;
  readonly quoted?: QuotedView;
  /** The page of what is shown: the original of a repost, else the post. */
  readonly permalink: string;
  /** The post's time as an ISO-8601 UTC string. */
  readonly createdAt: string;
  /** The platform's name, with the server for platforms of many servers ("Mastodon · mastodon.social"). */
  readonly footer: string;
  /** Where to send a reader who wants the post: the server's name where it has one, else the platform's. */
  readonly siteName: string;
}

const usableUrl = (url: string | undefined) =>
  url !== undefined && url.length <= MAX_LINK_URL_LENGTH ? url : undefined;

/** The server a post lives on: Mastodon resolves bare mentions there. */
function homeOf(post: BasePost): URL {
  return new URL(post.author.profileUrl ?? post.permalink);
}

const shorten = (text: string) =>
  truncateText(text, Number.POSITIVE_INFINITY, { maxGraphemes: NAME_GRAPHEMES });

const sameName = (name: string, handle: string) =>
  name === handle || name === handle.replace(/^(?:@|u\/)/u, '');

function profileUrlOf(style: PlatformStyle, handle: string, home: URL): string | undefined {
  if (style.links === undefined) return undefined;
  const [user = handle, host] = handle.replace(/^@/u, '').split('@');
  return style.links.profileUrl(user, home, host);
}

function authorView(post: BasePost, style: PlatformStyle): AuthorView {
  // A handle of only control characters is valid to the schema but empty on screen.
  const fullHandle = formatHandle(style, oneLine(post.author.handle) || oneLine(post.author.id) || '?');
  // A profile URL built from a handle is only as valid as the handle; linkTarget drops a broken one.
  const built = post.author.profileUrl ?? profileUrlOf(style, fullHandle, homeOf(post));
  const profileUrl = built === undefined ? undefined : linkTarget(built);
  const avatarUrl = usableUrl(post.author.avatarUrl);
  const handle = shorten(fullHandle);
  const rawName = oneLine(post.author.displayName);
  const name = rawName === '' ? handle : isolate(shorten(rawName));
  return {
    name,
    handle,
    // "alpine_lens (u/alpine_lens)" says one thing twice; the handle alone is clearer.
    label: rawName === '' || sameName(rawName, fullHandle) ? handle : `${name} (${handle})`,
    ...(avatarUrl === undefined ? {} : { avatarUrl }),
    ...(profileUrl === undefined ? {} : { profileUrl }),
  };
}

function pictureOf(media: SocialPostMedia): Picture | undefined {
  const isGifFile = media.type === 'gif' && /\.gif(?:$|[?#])/iu.test(media.url);
  const url = usableUrl(media.type === 'image' || isGifFile ? media.url : media.previewUrl);
  if (url === undefined) return undefined;
  const altText = media.altText === undefined ? '' : oneLine(media.altText);
  return { url, kind: media.type, ...(altText === '' ? {} : { altText }) };
}

function picturesOf(post: BasePost): Picture[] {
  return post.media.flatMap((media) => pictureOf(media) ?? []);
}

function countLabel(count: number, one: string, many: string): string {
  return count === 1 ? one : `${count} ${many}`;
}

/** Links to what the gallery cannot play or hold: videos, GIFs, audio, and images past the fourth. */
function mediaNote(post: BasePost, gallery: readonly Picture[]): Token[] | undefined {
  const { permalink } = post;
  const count = (type: SocialPostMedia['type']) => post.media.filter((media) => media.type === type).length;
  const playable = [
    ['▶ ', count('video'), 'video', 'videos'],
    ['▶ ', count('gif'), 'GIF', 'GIFs'],
    ['🔊 ', count('audio'), 'audio', 'audio files'],
  ] as const;
  const hiddenImages = count('image') - gallery.filter((picture) => picture.kind === 'image').length;
  const notes = playable
    .filter(([, n]) => n > 0)
    // The emoji stays outside the link: Discord has printed masked links with an emoji label as raw text.
    .map(([emoji, n, one, many]) => [textToken(emoji), linkToken(countLabel(n, one, many), permalink)]);
  if (hiddenImages > 0) notes.push([textToken('🖼️ '), linkToken(`+${hiddenImages} more`, permalink)]);
  if (notes.length === 0) return undefined;
  return notes.flatMap((note, index) => (index === 0 ? note : [textToken(' · '), ...note]));
}

function contextOf(post: SocialPost, style: PlatformStyle): Token[] | undefined {
  if (post.kind === 'repost' && post.original !== undefined) {
    const reposter = authorView(post, style);
    const author = authorView(post.original, style);
    return [
      textToken('🔁 '),
      linkToken(reposter.handle, reposter.profileUrl),
      textToken(` ${style.repostVerb} `),
      linkToken(author.handle, author.profileUrl),
    ];
  }
  if (post.kind !== 'reply') return undefined;
  const target = post.inReplyTo;
  const handle =
    target?.authorHandle === undefined ? undefined : formatHandle(style, oneLine(target.authorHandle));
  const label = handle === undefined ? 'a post' : shorten(handle);
  const url =
    target?.permalink ?? (handle === undefined ? undefined : profileUrlOf(style, handle, homeOf(post)));
  return [textToken('↩️ Replying to '), linkToken(label, url)];
}

/** Titled platforms put the title on the first line of the text; the rest is the body. */
function splitTitle(text: string, style: PlatformStyle): { title?: string; body: string } {
  const tidy = tidyText(text);
  if (!style.hasTitle || tidy === '') return { body: tidy };
  const newline = tidy.indexOf('\n');
  const title = oneLine(newline === -1 ? tidy : tidy.slice(0, newline));
  return { title, body: newline === -1 ? '' : tidy.slice(newline + 1).trim() };
}

function quotedView(original: BasePost, style: PlatformStyle): QuotedView {
  return {
    author: authorView(original, style),
    body: linkify(tidyText(original.text), style, homeOf(original)),
    permalink: original.permalink,
    pictures: picturesOf(original),
  };
}

/** Everything a chat message shows of `post`, independent of the chat platform. */
export function describePost(post: SocialPost): PostView {
  const style = PLATFORM_STYLE[post.platform];
  const shown: BasePost = post.kind === 'repost' && post.original !== undefined ? post.original : post;
  const home = homeOf(shown);
  const { title, body } = splitTitle(shown.text, style);
  // A repost usually carries no counts of its own; the original's are the ones readers care about.
  const metrics = hasMetrics(shown.metrics) ? shown.metrics : post.metrics;
  const context = contextOf(post, style);
  const pictures = picturesOf(shown).slice(0, GALLERY_SIZE);
  const note = mediaNote(shown, pictures);
  const engagement = engagementLine(metrics, style);
  const { hostname } = new URL(shown.permalink);
  const host = domainToUnicode(hostname) || hostname;
  return {
    kind: post.kind,
    style,
    author: authorView(shown, style),
    ...(context === undefined ? {} : { context }),
    ...(title === undefined ? {} : { title }),
    body: linkify(body, style, home),
    pictures,
    ...(note === undefined ? {} : { mediaNote: note }),
    ...(engagement === undefined ? {} : { engagement }),
    ...(post.kind === 'quote' && post.original !== undefined
      ? { quoted: quotedView(post.original, style) }
      : {}),
    permalink: shown.permalink,
    createdAt: new Date(post.createdAt).toISOString(),
    footer: style.showsHost ? `${style.displayName} · ${host}` : style.displayName,
    siteName: style.showsHost ? host : style.displayName,
  };
}
