/**
 * Pure mapping from AppView payloads (`app.bsky.feed.defs#feedViewPost`, `#postView`) to SocialPost.
 * Every post leaves through `socialPostSchema.parse`, so a mapping bug is an error, never a bad row.
 */
import { z } from 'zod';
import {
  socialPostSchema,
  type SocialPost,
  type SocialPostInput,
  type SocialPostMedia,
  type SocialPostMetrics,
} from '../../core/social-post.js';
import {
  EMBED,
  FACET,
  REASON,
  UNKNOWN,
  postRecordSchema,
  type EmbedView,
  type FeedViewPost,
  type MediaView,
  type PostRecord,
  type PostView,
  type ProfileViewBasic,
  type QuotedEmbed,
  type ViewRecord,
} from './schemas.js';

export const BLUESKY_WEB_URL = 'https://bsky.app';
const POST_COLLECTION = 'app.bsky.feed.post';
/** What the AppView shows for an account whose handle no longer verifies. */
const INVALID_HANDLE = 'handle.invalid';

const httpUrl = z.httpUrl();
const isoDate = z.iso.datetime({ offset: true });
const language = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;

type BasePost = Omit<SocialPostInput, 'original'>;

/** `at://did/collection/rkey` → its parts, or undefined when the URI is not of that shape. */
export function parseAtUri(uri: string): { repo: string; collection: string; rkey: string } | undefined {
  const match = /^at:\/\/([^/]+)\/([^/]+)\/([^/?#]+)$/.exec(uri);
  if (!match) return undefined;
  return { repo: match[1] ?? '', collection: match[2] ?? '', rkey: match[3] ?? '' };
}

function profileName(handle: string | undefined, did: string): string {
  return handle && handle !== INVALID_HANDLE ? handle : did;
}

/** `https://bsky.app/profile/<handle or DID>/post/<rkey>`; the DID when the handle is unknown or invalid. */
export function postPermalink(uri: string, handle?: string): string {
  const parts = parseAtUri(uri);
  if (!parts) throw new Error(`not a post URI: ${uri}`);
  return `${BLUESKY_WEB_URL}/profile/${profileName(handle, parts.repo)}/post/${parts.rkey}`;
}

function webUrl(value: string | undefined): string | undefined {
  return value !== undefined && httpUrl.safeParse(value).success ? value : undefined;
}

function mapAuthor(author: ProfileViewBasic): SocialPostInput['author'] {
  return {
    id: author.did,
    displayName: author.displayName ?? '',
    handle: author.handle,
    avatarUrl: webUrl(author.avatar),
    profileUrl: `${BLUESKY_WEB_URL}/profile/${profileName(author.handle, author.did)}`,
  };
}

/** Likes, reposts, replies and quotes as the view reports them; a count it omits stays unknown. */
export function metricsOf(
  view: Pick<PostView, 'likeCount' | 'repostCount' | 'replyCount' | 'quoteCount'>,
): SocialPostMetrics {
  return {
    ...(view.likeCount === undefined ? {} : { likes: view.likeCount }),
    ...(view.repostCount === undefined ? {} : { reposts: view.repostCount }),
    ...(view.replyCount === undefined ? {} : { replies: view.replyCount }),
    ...(view.quoteCount === undefined ? {} : { quotes: view.quoteCount }),
  };
}

// A record tag may hold spaces ("open source"); a hashtag filter compares single words only.
function hashtagsOf(record: PostRecord): string[] {
  const fromFacets = (record.facets ?? []).flatMap((facet) =>
    facet.features.filter((feature) => feature.$type === FACET.tag).map((feature) => feature.tag ?? ''),
  );
  return [...fromFacets, ...(record.tags ?? [])]
    .map((tag) => tag.trim().replace(/^[#＃]+/u, ''))
    .filter((tag) => tag !== '' && !/[\s#＃]/u.test(tag));
}

function linksOf(record: PostRecord, extra: readonly string[]): string[] {
  const fromFacets = (record.facets ?? []).flatMap((facet) =>
    facet.features.filter((feature) => feature.$type === FACET.link).map((feature) => feature.uri ?? ''),
  );
  return [...new Set([...fromFacets, ...extra])].filter((link) => webUrl(link) !== undefined);
}

function createdAtOf(record: PostRecord, indexedAt: string): string {
  // createdAt is declared by the client and may be malformed or lack a zone; indexedAt is the AppView's.
  return isoDate.safeParse(record.createdAt).success ? record.createdAt : indexedAt;
}

function languageOf(record: PostRecord): string | undefined {
  const first = record.langs?.[0];
  return first !== undefined && language.test(first) ? first : undefined;
}

function sized(
  ratio: { width: number; height: number } | undefined,
): Pick<SocialPostMedia, 'width' | 'height'> {
  // aspectRatio is a ratio ("may be approximate"), which is what an embed needs to lay the media out.
  return ratio ? { width: ratio.width, height: ratio.height } : {};
}

function altOf(alt: string | undefined): { altText?: string } {
  return alt ? { altText: alt } : {};
}

/** Media of an embed view, and the link of a link card. */
function mediaOf(view: MediaView | undefined): { media: SocialPostMedia[]; links: string[] } {
  if (!view) return { media: [], links: [] };
  switch (view.$type) {
    case EMBED.images:
      return {
        media: view.images.flatMap((image) => {
          const url = webUrl(image.fullsize);
          if (!url) return [];
          return [
            {
              type: 'image',
              url,
              previewUrl: webUrl(image.thumb),
              ...altOf(image.alt),
              ...sized(image.aspectRatio),
            },
          ];
        }),
        links: [],
      };
    case EMBED.gallery:
      return {
        media: view.items.flatMap((item) => {
          const url = webUrl(item.fullsize);
          if (!url) return [];
          return [
            {
              type: 'image',
              url,
              previewUrl: webUrl(item.thumbnail),
              ...altOf(item.alt),
              ...sized(item.aspectRatio),
            },
          ];
        }),
        links: [],
      };
    case EMBED.video: {
      const url = webUrl(view.playlist);
      if (!url) return { media: [], links: [] };
      const type = view.presentation === 'gif' ? 'gif' : 'video';
      return {
        media: [
          { type, url, previewUrl: webUrl(view.thumbnail), ...altOf(view.alt), ...sized(view.aspectRatio) },
        ],
        links: [],
      };
    }
    case EMBED.external:
      return { media: [], links: [view.external.uri] };
    default:
      return { media: [], links: [] };
  }
}

interface EmbedParts {
  readonly media: SocialPostMedia[];
  readonly links: string[];
  /** The quoted post, when the embed quotes a post that could be seen. */
  readonly quoted?: ViewRecord;
}

type QuotedRecord = Extract<EmbedView, { $type: typeof EMBED.record }>['record'];

function quotedPost(record: QuotedRecord): ViewRecord | undefined {
  if (record.$type === UNKNOWN) return undefined;
  return (record.value as { $type?: unknown } | null)?.$type === POST_COLLECTION ? record : undefined;
}

function embedParts(embed: EmbedView | undefined): EmbedParts {
  if (!embed || embed.$type === UNKNOWN) return { media: [], links: [] };
  if (embed.$type === EMBED.record) {
    return { media: [], links: [], quoted: quotedPost(embed.record) };
  }
  if (embed.$type === EMBED.recordWithMedia) {
    return { ...mediaOf(embed.media), quoted: quotedPost(embed.record.record) };
  }
  return { ...mediaOf(embed) };
}

interface PostContent {
  readonly uri: string;
  readonly author: ProfileViewBasic;
  readonly record: PostRecord;
  readonly indexedAt: string;
  readonly media: SocialPostMedia[];
  readonly embedLinks: string[];
  readonly metrics: SocialPostMetrics;
  readonly quotes: boolean;
  readonly parentHandle?: string | undefined;
}

function basePost(content: PostContent): BasePost {
  const { record } = content;
  const parent = record.reply?.parent.uri;
  return {
    platform: 'bluesky',
    platformId: content.uri,
    permalink: postPermalink(content.uri, content.author.handle),
    author: mapAuthor(content.author),
    text: record.text,
    createdAt: createdAtOf(record, content.indexedAt),
    kind: content.quotes ? 'quote' : record.reply ? 'reply' : 'post',
    ...(parent === undefined
      ? {}
      : {
          inReplyTo: {
            platformId: parent,
            ...(parseAtUri(parent) ? { permalink: postPermalink(parent, content.parentHandle) } : {}),
            ...(content.parentHandle ? { authorHandle: content.parentHandle } : {}),
          },
        }),
    hashtags: hashtagsOf(record),
    links: linksOf(record, content.embedLinks),
    media: content.media,
    metrics: content.metrics,
    language: languageOf(record),
  };
}

/** The media of a quoted post's `embeds`: its own media, or the media beside the post it quotes. */
function quotedMedia(embeds: readonly QuotedEmbed[]): {
  media: SocialPostMedia[];
  links: string[];
  quotes: boolean;
} {
  const quotes = embeds.some(
    (embed) =>
      embed.$type === EMBED.recordWithMedia || (embed.$type === UNKNOWN && embed.raw.$type === EMBED.record),
  );
  for (const embed of embeds) {
    if (embed.$type === EMBED.recordWithMedia) return { ...mediaOf(embed.media), quotes };
    if (embed.$type !== UNKNOWN) return { ...mediaOf(embed), quotes };
  }
  return { media: [], links: [], quotes };
}

/** A quoted post, one level deep: its own quote, if any, is not carried. */
function quotedBase(view: ViewRecord): BasePost {
  const record = postRecordSchema.parse(view.value);
  const parts = quotedMedia(view.embeds ?? []);
  return basePost({
    uri: view.uri,
    author: view.author,
    record,
    indexedAt: view.indexedAt,
    media: parts.media,
    embedLinks: parts.links,
    metrics: metricsOf(view),
    quotes: parts.quotes,
  });
}

function postBase(view: PostView, parentHandle?: string): { base: BasePost; quoted?: ViewRecord } {
  const parts = embedParts(view.embed);
  const base = basePost({
    uri: view.uri,
    author: view.author,
    record: view.record,
    indexedAt: view.indexedAt,
    media: parts.media,
    embedLinks: parts.links,
    metrics: metricsOf(view),
    // A quote of something that cannot be shown (deleted, blocked, a list) is kept as a plain post.
    quotes: parts.quoted !== undefined,
    parentHandle,
  });
  return parts.quoted ? { base, quoted: parts.quoted } : { base };
}

/** A post view (from a feed or `getPosts`) as a SocialPost. */
export function mapPostView(view: PostView, parentHandle?: string): SocialPost {
  const { base, quoted } = postBase(view, parentHandle);
  return socialPostSchema.parse(quoted ? { ...base, original: quotedBase(quoted) } : base);
}

/**
 * One author-feed item as a SocialPost: a repost becomes the reposter's `repost` carrying the original;
 * a pinned item is not a new post (undefined), since the same post also appears at its own place.
 */
export function mapFeedItem(item: FeedViewPost): SocialPost | undefined {
  const reason = item.reason;
  if (reason?.$type === REASON.pin) return undefined;
  const parentHandle =
    item.reply?.parent.uri === item.post.record.reply?.parent.uri
      ? item.reply?.parent.author?.handle
      : undefined;
  if (reason?.$type !== REASON.repost) return mapPostView(item.post, parentHandle);

  const { base } = postBase(item.post, parentHandle);
  return socialPostSchema.parse({
    platform: 'bluesky',
    platformId: repostId(item),
    permalink: base.permalink,
    author: mapAuthor(reason.by),
    // A repost says nothing of its own: its content is the original's.
    text: '',
    createdAt: reason.indexedAt,
    kind: 'repost',
    hashtags: [],
    links: [],
    media: [],
    metrics: {},
    original: base,
  } satisfies SocialPostInput);
}

/** The repost record's URI when the AppView gives it (newer AppViews), else a stable stand-in. */
export function repostId(item: FeedViewPost): string {
  const reason = item.reason;
  if (reason?.$type !== REASON.repost) return item.post.uri;
  return reason.uri ?? `${item.post.uri}#repost-by-${reason.by.did}`;
}
