/**
 * What every feed mapper shares: the mapping context, text composition (title + body, cut at a
 * bound), links, hashtags, language, dates, and validation of the finished post.
 */
import { socialPostSchema, type SocialPost, type SocialPostInput } from '../../core/social-post.js';
import { digestHtml, type HtmlDigest } from './html.js';
import { webUrl } from './identity.js';
import type { FeedDocument, FeedEntry, FeedText } from './normalize.js';

/** What the mappers know besides the item: where the feed is and when it was read. */
export interface MappingContext {
  /** The account's feed URL. */
  readonly feedUrl: string;
  /** The URL that answered, after redirects: relative links resolve against it. */
  readonly baseUrl: string;
  readonly fetchedAt: Date;
  /** The YouTube channel's picture, when it was found. */
  readonly channelAvatarUrl?: string | undefined;
}

/** An item with its identity settled (see identity.ts). */
export interface IdentifiedEntry {
  readonly entry: FeedEntry;
  readonly id: string;
  readonly publishedAt: Date | undefined;
}

/** Imported text is for a chat embed and for filters, not an archive of whole articles. */
export const MAX_TEXT_LENGTH = 5000;
const MAX_LINKS = 10;
const MAX_HASHTAGS = 30;

export const EMPTY_DIGEST: HtmlDigest = { text: '', images: [], links: [] };

export function digestText(text: FeedText | undefined): HtmlDigest {
  if (text === undefined) return EMPTY_DIGEST;
  return text.html ? digestHtml(text.value) : { text: text.value.trim(), images: [], links: [] };
}

const graphemes = new Intl.Segmenter('und', { granularity: 'grapheme' });

/** At most MAX_TEXT_LENGTH graphemes (never half an emoji), marked with an ellipsis when cut. */
export function truncate(text: string): string {
  if (text.length <= MAX_TEXT_LENGTH) return text;
  let kept = 0;
  let end = 0;
  for (const { index } of graphemes.segment(text)) {
    if (kept === MAX_TEXT_LENGTH) return `${text.slice(0, end).trimEnd()}…`;
    if (kept === MAX_TEXT_LENGTH - 1) end = index;
    kept += 1;
  }
  return text;
}

const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

/** Title, blank line, body; the title alone is dropped when the body already starts with it. */
export function composeText(title: string, body: string): string {
  if (title === '') return truncate(body);
  if (body === '' || squash(body).startsWith(squash(title))) return truncate(body === '' ? title : body);
  return truncate(`${title}\n\n${body}`);
}

// Tracking parameters and fragments differ between a permalink and the same page linked in the body.
const page = (url: string) => {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
};

/** Absolute http(s) links, without the post's own page, in order, without repeats. */
export function uniqueLinks(hrefs: readonly string[], base: string, exclude: readonly string[]): string[] {
  const skip = new Set(exclude.map(page));
  const links = hrefs.map((href) => webUrl(href, base)).filter((url): url is string => url !== undefined);
  return [...new Set(links)].filter((url) => !skip.has(page(url))).slice(0, MAX_LINKS);
}

/** Categories as hashtags: no spaces, no '#'; a category that cannot be one ("C#") is left out. */
export function hashtagsFrom(categories: readonly string[]): string[] {
  const tags = categories
    .map((category) =>
      category
        .trim()
        .replace(/^[#＃]+/u, '')
        .replace(/\s+/gu, ''),
    )
    .filter((tag) => tag !== '' && !/[#＃]/u.test(tag));
  return [...new Set(tags.map((tag) => tag.normalize('NFC').toLowerCase()))].slice(0, MAX_HASHTAGS);
}

/** The feed's language as a BCP 47 tag (`en-GB`), or undefined when it is not one. */
export function languageOf(doc: FeedDocument): string | undefined {
  const tag = doc.language?.trim().replace(/_/g, '-');
  return tag && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(tag) ? tag : undefined;
}

/** When the item was published; an undated item is dated when first seen, keeping the feed's order. */
export function createdAt(item: IdentifiedEntry, context: MappingContext): string {
  const date = item.publishedAt ?? new Date(context.fetchedAt.getTime() - item.entry.position);
  return date.toISOString();
}

export function feedTitle(doc: FeedDocument, context: MappingContext): string {
  return digestText(doc.title).text || new URL(context.feedUrl).host;
}

export function validated(post: SocialPostInput): SocialPost {
  return socialPostSchema.parse(post);
}
