/**
 * Feed items to SocialPosts (pure). A generic feed's item becomes an `rss` post: the title and the
 * item's HTML stripped to text, its author (or the feed's), enclosures and Media RSS as media,
 * categories as hashtags. YouTube channel feeds and Reddit listings have their own mappers
 * (map-platforms.ts). Every post is validated with `socialPostSchema`, so a mapping bug fails loudly.
 */
import type { SocialPost, SocialPostInput } from '../../core/social-post.js';
import { webUrl, type FeedPlatform } from './identity.js';
import { mapRedditEntry, mapYoutubeEntry } from './map-platforms.js';
import {
  composeText,
  createdAt,
  digestText,
  feedTitle,
  hashtagsFrom,
  languageOf,
  uniqueLinks,
  validated,
  type IdentifiedEntry,
  type MappingContext,
} from './map-shared.js';
import { collectMedia } from './media.js';
import type { FeedDocument, FeedEntry } from './normalize.js';

function authorOf(doc: FeedDocument, entry: FeedEntry, context: MappingContext): SocialPostInput['author'] {
  const person = entry.authors.find((author) => author.name?.trim()) ?? entry.authors[0] ?? doc.author;
  const name = person?.name?.trim() || feedTitle(doc, context);
  const profileUrl = webUrl(person?.uri, context.baseUrl) ?? webUrl(doc.siteUrl, context.baseUrl);
  const avatarUrl = webUrl(person?.avatar, context.baseUrl) ?? webUrl(doc.imageUrl, context.baseUrl);
  return {
    id: webUrl(person?.uri, context.baseUrl) ?? name,
    displayName: name,
    handle: name,
    ...(avatarUrl === undefined ? {} : { avatarUrl }),
    ...(profileUrl === undefined ? {} : { profileUrl }),
  };
}

/** A generic feed item as an `rss` post. */
export function mapFeedEntry(doc: FeedDocument, item: IdentifiedEntry, context: MappingContext): SocialPost {
  const { entry } = item;
  const base = webUrl(entry.link, context.baseUrl) ?? context.baseUrl;
  const permalink =
    webUrl(entry.link, context.baseUrl) ?? webUrl(doc.siteUrl, context.baseUrl) ?? context.feedUrl;
  // The summary makes the better post; the full content still lends its pictures when the summary has none.
  const summary = digestText(entry.summary);
  const content = digestText(entry.content);
  const body = summary.text !== '' ? summary : content;
  const images = body.images.length > 0 ? body.images : content.images;
  const language = languageOf(doc);
  return validated({
    platform: 'rss',
    platformId: item.id,
    permalink,
    author: authorOf(doc, entry, context),
    text: composeText(digestText(entry.title).text, body.text),
    createdAt: createdAt(item, context),
    kind: 'post',
    hashtags: hashtagsFrom(entry.categories),
    links: uniqueLinks(body.links, base, [permalink]),
    media: collectMedia(entry, images, base),
    metrics: {},
    ...(language === undefined ? {} : { language }),
  });
}

/** Map one item with the mapper of the platform the feed was recognised as. */
export function mapEntry(
  doc: FeedDocument,
  platform: FeedPlatform,
  item: IdentifiedEntry,
  context: MappingContext,
): SocialPost {
  switch (platform) {
    case 'youtube':
      return mapYoutubeEntry(doc, item, context);
    case 'reddit':
      return mapRedditEntry(doc, item, context);
    case 'rss':
      return mapFeedEntry(doc, item, context);
  }
}
