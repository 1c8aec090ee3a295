/**
 * Feeds that are really another platform's posts, mapped as that platform's:
 * - a YouTube channel feed (`/feeds/videos.xml?channel_id=…`): each entry is a video, with its
 *   `media:group` thumbnail, description, views (`media:statistics@views`) and likes
 *   (`media:starRating@count`) when the feed carries them;
 * - a Reddit listing (`/r/<sub>/.rss`, `/user/<name>/submitted/.rss`, Atom): each entry is a
 *   submission whose HTML holds the self-text in `<div class="md">` and a "[link]" to its target.
 */
import type { SocialPost, SocialPostMedia, SocialPostMetrics } from '../../core/social-post.js';
import { digestHtml, digestRedditHtml } from './html.js';
import { webUrl } from './identity.js';
import {
  composeText,
  createdAt,
  digestText,
  EMPTY_DIGEST,
  feedTitle,
  uniqueLinks,
  validated,
  type IdentifiedEntry,
  type MappingContext,
} from './map-shared.js';
import { mediaKind } from './media.js';
import type { FeedDocument } from './normalize.js';

const count = (n: number | undefined) => (n !== undefined && Number.isInteger(n) && n >= 0 ? n : undefined);

// A '#' after a letter, '/', '&' or another '#' is a URL fragment or an entity, not a hashtag.
const HASHTAG = /(?<![\p{L}\p{N}_/&#])#([\p{L}\p{N}_]+)/gu;
const URL_IN_TEXT = /https?:\/\/[^\s<>"']+/g;

function hashtagsInText(text: string): string[] {
  return [...text.matchAll(HASHTAG)].map((match) => match[1] ?? '').filter(Boolean);
}

function urlsInText(text: string): string[] {
  return [...text.matchAll(URL_IN_TEXT)].map((match) => match[0].replace(/[.,;:!?)\]]+$/, ''));
}

/** `@name` from a channel URL such as https://www.youtube.com/@name, else undefined. */
export function youtubeHandle(uri: string | undefined): string | undefined {
  const segment = webUrl(uri)?.split('/')[3];
  return segment?.startsWith('@') ? decodeURIComponent(segment.slice(1)) : undefined;
}

/** A YouTube channel feed entry as a `youtube` post: the video, its thumbnail and its counts. */
export function mapYoutubeEntry(
  doc: FeedDocument,
  item: IdentifiedEntry,
  context: MappingContext,
): SocialPost {
  const { entry } = item;
  const group = entry.media?.groups?.[0] ?? entry.media;
  const permalink =
    webUrl(entry.link, context.baseUrl) ?? `https://www.youtube.com/watch?v=${encodeURIComponent(item.id)}`;
  const description = group?.description?.value?.trim() ?? '';
  const previewUrl = webUrl(group?.thumbnails?.[0]?.url, context.baseUrl);
  const person = entry.authors[0] ?? doc.author;
  const channelId = entry.youtube?.channelId ?? doc.youtubeChannelId;
  const name = person?.name?.trim() || feedTitle(doc, context);
  const profileUrl = webUrl(person?.uri, context.baseUrl) ?? webUrl(doc.siteUrl, context.baseUrl);
  const likes = count(group?.community?.starRating?.count);
  const views = count(group?.community?.statistics?.views);
  const metrics: SocialPostMetrics = {
    ...(likes === undefined ? {} : { likes }),
    ...(views === undefined ? {} : { views }),
  };
  const video: SocialPostMedia = { type: 'video', url: permalink, ...(previewUrl ? { previewUrl } : {}) };
  return validated({
    platform: 'youtube',
    platformId: item.id,
    permalink,
    author: {
      id: channelId ?? name,
      displayName: name,
      handle: youtubeHandle(person?.uri) ?? channelId ?? name,
      ...(context.channelAvatarUrl ? { avatarUrl: context.channelAvatarUrl } : {}),
      ...(profileUrl ? { profileUrl } : {}),
    },
    text: composeText(digestText(entry.title).text, description),
    createdAt: createdAt(item, context),
    kind: 'post',
    hashtags: hashtagsInText(description),
    links: uniqueLinks(urlsInText(description), permalink, [permalink]),
    media: [video],
    metrics,
  });
}

function isRedditOwned(url: string): boolean {
  const host = new URL(url).hostname;
  return (
    /(?:^|\.)reddit\.com$/.test(host) || /(?:^|\.)redd\.it$/.test(host) || host.endsWith('redditmedia.com')
  );
}

/** The submission's picture: the full image its "[link]" points to, else the preview in its HTML, else the thumbnail. */
function redditPicture(
  hrefs: readonly string[],
  imageSrc: string | undefined,
  thumbnail: string | undefined,
) {
  const direct = hrefs.find((href) => {
    const url = webUrl(href);
    return url !== undefined && isRedditOwned(url) && mediaKind(undefined, url) === 'image';
  });
  return webUrl(direct) ?? webUrl(imageSrc) ?? thumbnail;
}

/** A Reddit listing entry as a `reddit` post: title and self-text, the author, the picture, the link target. */
export function mapRedditEntry(
  doc: FeedDocument,
  item: IdentifiedEntry,
  context: MappingContext,
): SocialPost {
  const { entry } = item;
  const permalink =
    webUrl(entry.link, context.baseUrl) ?? webUrl(doc.siteUrl, context.baseUrl) ?? context.feedUrl;
  const html = entry.content ?? entry.summary;
  const whole = html?.html ? digestHtml(html.value) : digestText(html);
  const own = html?.html ? digestRedditHtml(html.value) : EMPTY_DIGEST;
  const person = entry.authors[0];
  // Reddit writes authors as "/u/name"; a deleted account has no <author> at all.
  const user = person?.name?.trim().replace(/^\/?u\//, '') || '[deleted]';
  const profileUrl =
    webUrl(person?.uri, context.baseUrl) ??
    (person ? `https://www.reddit.com/user/${encodeURIComponent(user)}` : undefined);
  const groups = [entry.media, ...(entry.media?.groups ?? [])];
  const thumbnail = webUrl(groups.flatMap((group) => group?.thumbnails ?? [])[0]?.url, context.baseUrl);
  const picture = redditPicture(whole.links, whole.images[0]?.src, thumbnail);
  const media: SocialPostMedia[] = picture
    ? [
        {
          type: 'image',
          url: picture,
          ...(thumbnail && thumbnail !== picture ? { previewUrl: thumbnail } : {}),
        },
      ]
    : [];
  const links = uniqueLinks(whole.links, permalink, [permalink]).filter((url) => !isRedditOwned(url));
  return validated({
    platform: 'reddit',
    platformId: item.id,
    permalink,
    author: { id: user, displayName: user, handle: user, ...(profileUrl ? { profileUrl } : {}) },
    text: composeText(digestText(entry.title).text, own.text),
    createdAt: createdAt(item, context),
    kind: 'post',
    hashtags: [],
    links,
    media,
    metrics: {},
  });
}
