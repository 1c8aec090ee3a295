/**
 * X API v2 posts (with their `includes`) to SocialPost. Pure: no I/O, no clock. Every post leaves
 * through `socialPostSchema.parse`, so a mapping bug fails loudly instead of storing a bad row.
 */
import { HeraldError } from '../../core/errors.js';
import {
  socialPostSchema,
  type SocialPost,
  type SocialPostInput,
  type SocialPostMetrics,
} from '../../core/social-post.js';
import type { XIncludes, XMedia, XPublicMetrics, XTweet, XUser } from './schemas.js';

const X_WEB = 'https://x.com';
/** X ids are snowflakes: milliseconds since this epoch, shifted left by 22 bits. */
const SNOWFLAKE_EPOCH_MS = 1288834974657n;

type BasePost = Omit<SocialPostInput, 'original'>;
type MediaInput = BasePost['media'][number];
type UrlEntity = NonNullable<NonNullable<XTweet['entities']>['urls']>[number];

/** A payload the mapper cannot turn into a post; the provider reports it as bad-request on its endpoint. */
export class XMappingError extends HeraldError {
  override name = 'XMappingError';

  constructor(message: string) {
    super('provider-failed', message);
  }
}

export interface XMapContext {
  /** The author to assume for a post without `author_id`: the account whose timeline this is. */
  readonly fallbackAuthor?: XUser | undefined;
}

export interface XLookup {
  readonly users: ReadonlyMap<string, XUser>;
  readonly media: ReadonlyMap<string, XMedia>;
  readonly tweets: ReadonlyMap<string, XTweet>;
}

export function lookupOf(includes: XIncludes | undefined): XLookup {
  return {
    users: new Map((includes?.users ?? []).map((user) => [user.id, user])),
    media: new Map((includes?.media ?? []).map((media) => [media.media_key, media])),
    tweets: new Map((includes?.tweets ?? []).map((tweet) => [tweet.id, tweet])),
  };
}

export function permalink(handle: string, id: string): string {
  return `${X_WEB}/${handle}/status/${id}`;
}

/** When a post was created, read from its snowflake id (for payloads without `created_at`). */
export function snowflakeTime(id: string): string {
  if (!/^\d{1,20}$/.test(id)) {
    throw new XMappingError(`post id ${JSON.stringify(id)} is not a snowflake`);
  }
  return new Date(Number((BigInt(id) >> 22n) + SNOWFLAKE_EPOCH_MS)).toISOString();
}

/** Only the metrics X returned; a missing count stays missing (unknown is not zero). */
export function mapMetrics(metrics: XPublicMetrics | undefined): SocialPostMetrics {
  const out: { -readonly [K in keyof SocialPostMetrics]: SocialPostMetrics[K] } = {};
  if (metrics?.like_count !== undefined) out.likes = metrics.like_count;
  if (metrics?.retweet_count !== undefined) out.reposts = metrics.retweet_count;
  if (metrics?.reply_count !== undefined) out.replies = metrics.reply_count;
  if (metrics?.quote_count !== undefined) out.quotes = metrics.quote_count;
  if (metrics?.impression_count !== undefined) out.views = metrics.impression_count;
  return out;
}

export function mapTweets(
  tweets: readonly XTweet[],
  includes: XIncludes | undefined,
  context: XMapContext = {},
): SocialPost[] {
  const lookup = lookupOf(includes);
  return tweets.map((tweet) => mapTweet(tweet, lookup, context));
}

export function mapTweet(tweet: XTweet, lookup: XLookup, context: XMapContext = {}): SocialPost {
  const author = authorOf(tweet, lookup, context.fallbackAuthor);
  if (!author) {
    throw new XMappingError(`the author of post ${tweet.id} is not in includes.users`);
  }
  const retweeted = referenced(tweet, 'retweeted');
  const quoted = referenced(tweet, 'quoted');
  const repliedTo = referenced(tweet, 'replied_to');
  const inReplyTo = repliedTo === undefined ? undefined : replyTarget(tweet, repliedTo, lookup);

  if (retweeted !== undefined) {
    const original = retweetOriginal(tweet, retweeted, lookup);
    // A repost says nothing of its own: its text, tags, links and media belong to the original.
    if (original) {
      const shell = basePost(tweet, lookup, author);
      return finish({ ...shell, text: '', hashtags: [], links: [], media: [], kind: 'repost', original });
    }
  }
  if (quoted !== undefined) {
    const target = lookup.tweets.get(quoted);
    const targetAuthor = target && authorOf(target, lookup);
    // A quote whose post is gone (deleted, protected) is shown as a plain post that keeps the link.
    if (target && targetAuthor) {
      const original = basePost(target, lookup, targetAuthor);
      return finish({ ...basePost(tweet, lookup, author, quoted), kind: 'quote', inReplyTo, original });
    }
  }
  return finish({ ...basePost(tweet, lookup, author), kind: inReplyTo ? 'reply' : 'post', inReplyTo });
}

function finish(input: SocialPostInput): SocialPost {
  return socialPostSchema.parse(input);
}

function referenced(tweet: XTweet, type: string): string | undefined {
  return tweet.referenced_tweets?.find((ref) => ref.type === type)?.id;
}

function authorOf(tweet: XTweet, lookup: XLookup, fallback?: XUser): XUser | undefined {
  const known = tweet.author_id === undefined ? undefined : lookup.users.get(tweet.author_id);
  if (known) return known;
  if (fallback && (tweet.author_id === undefined || tweet.author_id === fallback.id)) return fallback;
  return undefined;
}

function basePost(tweet: XTweet, lookup: XLookup, author: XUser, hiddenStatusId?: string): BasePost {
  const body = tweet.note_tweet ?? tweet;
  const entities = body.entities ?? tweet.entities;
  // A long post's note carries its own entities; the truncated text's entities still name the media.
  const urls = [...(tweet.note_tweet?.entities?.urls ?? []), ...(tweet.entities?.urls ?? [])];
  const link = permalink(author.username, tweet.id);
  const kind = referenced(tweet, 'quoted') ? 'quote' : referenced(tweet, 'replied_to') ? 'reply' : 'post';
  return {
    platform: 'x',
    platformId: tweet.id,
    permalink: link,
    author: {
      id: author.id,
      displayName: author.name,
      handle: author.username,
      avatarUrl: webUrl(author.profile_image_url),
      profileUrl: `${X_WEB}/${author.username}`,
    },
    text: cleanText(body.text, urls, hiddenStatusId),
    createdAt: tweet.created_at ?? snowflakeTime(tweet.id),
    kind,
    hashtags: (entities?.hashtags ?? []).map((hashtag) => hashtag.tag),
    links: linksOf(urls, hiddenStatusId),
    media: mediaOf(tweet, lookup, link, urls),
    metrics: mapMetrics(tweet.public_metrics),
    language: language(tweet.lang),
  };
}

/**
 * The reposted post: from `includes.tweets` when X expanded it, else rebuilt from the "RT @user: …"
 * text X sends (truncated past 140 characters) when the mention names the author's id.
 */
function retweetOriginal(tweet: XTweet, id: string, lookup: XLookup): BasePost | undefined {
  const target = lookup.tweets.get(id);
  const targetAuthor = target && authorOf(target, lookup);
  if (target && targetAuthor) return basePost(target, lookup, targetAuthor);
  const match = /^RT @(\w{1,15}): ([\s\S]*)$/.exec(tweet.text);
  const handle = match?.[1]?.toLowerCase();
  const mention = tweet.entities?.mentions?.find((m) => m.username.toLowerCase() === handle);
  if (!match || !mention?.id) return undefined;
  const user: XUser = { id: mention.id, name: mention.username, username: mention.username };
  return basePost(target ?? { id, text: match[2] ?? '' }, lookup, user);
}

function replyTarget(tweet: XTweet, id: string, lookup: XLookup): NonNullable<BasePost['inReplyTo']> {
  const target = lookup.tweets.get(id);
  const user =
    (target?.author_id === undefined ? undefined : lookup.users.get(target.author_id)) ??
    (tweet.in_reply_to_user_id === undefined ? undefined : lookup.users.get(tweet.in_reply_to_user_id));
  return {
    platformId: id,
    permalink: user ? permalink(user.username, id) : `${X_WEB}/i/status/${id}`,
    authorHandle: user?.username,
  };
}

const MEDIA_DISPLAY = /^pic\.(x|twitter)\.com\//;

function isMediaLink(url: UrlEntity): boolean {
  return url.media_key !== undefined || MEDIA_DISPLAY.test(url.display_url ?? '');
}

function isStatusLink(url: UrlEntity, statusId: string | undefined): boolean {
  if (statusId === undefined || url.expanded_url === undefined) return false;
  return new RegExp(`^https?://(www\\.|mobile\\.)?(x|twitter)\\.com/\\w+/status/${statusId}([/?#]|$)`).test(
    url.expanded_url,
  );
}

/**
 * X's text with t.co links expanded, the trailing links to attached media (and to the quoted post,
 * which the embed shows anyway) removed, and the three HTML entities X escapes decoded.
 */
function cleanText(text: string, urls: readonly UrlEntity[], hiddenStatusId: string | undefined): string {
  let out = text;
  for (const url of urls) {
    const hide = isMediaLink(url) || isStatusLink(url, hiddenStatusId);
    out = out.split(url.url).join(hide ? '' : (url.expanded_url ?? url.url));
  }
  return out
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+$/gm, '')
    .trim();
}

function linksOf(urls: readonly UrlEntity[], hiddenStatusId: string | undefined): string[] {
  const links = urls
    .filter((url) => !isMediaLink(url) && !isStatusLink(url, hiddenStatusId))
    .map((url) => webUrl(url.expanded_url ?? url.url))
    .filter((url): url is string => url !== undefined);
  return [...new Set(links)];
}

function mediaOf(
  tweet: XTweet,
  lookup: XLookup,
  fallbackUrl: string,
  urls: readonly UrlEntity[],
): MediaInput[] {
  const out: MediaInput[] = [];
  for (const key of tweet.attachments?.media_keys ?? []) {
    // Media X did not expand is left out rather than guessed.
    const media = lookup.media.get(key);
    const pageUrl = webUrl(urls.find((url) => url.media_key === key)?.expanded_url) ?? fallbackUrl;
    const mapped = media && toMedia(media, pageUrl);
    if (mapped) out.push(mapped);
  }
  return out;
}

function toMedia(media: XMedia, pageUrl: string): MediaInput | undefined {
  const common = {
    altText: media.alt_text === undefined || media.alt_text === '' ? undefined : media.alt_text,
    width: positive(media.width),
    height: positive(media.height),
  };
  if (media.type === 'photo') {
    const url = webUrl(media.url);
    return url === undefined ? undefined : { type: 'image', url, ...common };
  }
  if (media.type !== 'video' && media.type !== 'animated_gif') return undefined;
  // Without playable variants the post's media page is the best link there is.
  const best = (media.variants ?? [])
    .filter((variant) => variant.content_type === 'video/mp4' && webUrl(variant.url) !== undefined)
    .sort((a, b) => (b.bit_rate ?? 0) - (a.bit_rate ?? 0))[0];
  return {
    type: media.type === 'video' ? 'video' : 'gif',
    url: best?.url ?? pageUrl,
    previewUrl: webUrl(media.preview_image_url),
    durationSeconds: media.duration_ms === undefined ? undefined : media.duration_ms / 1000,
    ...common,
  };
}

function positive(value: number | undefined): number | undefined {
  return value !== undefined && value > 0 ? value : undefined;
}

function webUrl(value: string | undefined): string | undefined {
  if (value === undefined || !URL.canParse(value)) return undefined;
  const { protocol } = new URL(value);
  return protocol === 'https:' || protocol === 'http:' ? value : undefined;
}

/** X's `lang` as a BCP-47 tag; `und`, `zxx` and its private `qxx` codes (media only, hashtags only) say nothing. */
function language(lang: string | undefined): string | undefined {
  if (lang === undefined || lang === 'und' || lang === 'zxx' || /^q[a-t][a-z]$/.test(lang)) return undefined;
  return /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(lang) ? lang : undefined;
}
