/**
 * Mastodon statuses to SocialPosts: pure functions. A boost is a wrapper status whose `reblog` is the
 * original; a quote (4.4+) carries the quoted status in `quote.quoted_status`; a reply has
 * `in_reply_to_id`. Every post is validated with `socialPostSchema` so a mapping bug surfaces as a
 * bad-request error, never as a bad row.
 * @see https://docs.joinmastodon.org/entities/Status/
 */
import {
  socialPostSchema,
  type SocialPost,
  type SocialPostInput,
  type SocialPostMetrics,
} from '../../core/social-post.js';
import { fullAcct, statusHtmlToText } from './html.js';
import type {
  MastodonAccount,
  MastodonInnerStatus,
  MastodonMediaAttachment,
  MastodonStatus,
} from './schemas.js';

export interface MapContext {
  /** The instance the status was read from: local accounts' handles get its host. */
  readonly instanceUrl?: string | undefined;
}

type BasePost = Omit<SocialPostInput, 'original'>;
type MediaInput = SocialPostInput['media'][number];

const MEDIA_TYPES: Readonly<Record<string, MediaInput['type']>> = {
  image: 'image',
  gifv: 'gif',
  video: 'video',
  audio: 'audio',
};

const LANGUAGE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;

function webUrl(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? value : undefined;
  } catch {
    return undefined;
  }
}

function hostOf(value: string | null | undefined): string | undefined {
  const url = webUrl(value);
  return url === undefined ? undefined : new URL(url).host;
}

function positiveInt(value: number | null | undefined): number | undefined {
  return value !== null && value !== undefined && Number.isInteger(value) && value > 0 ? value : undefined;
}

/** A local account's domain: where its profile lives (the web domain), else the instance read from. */
function localDomainOf(profileUrl: string | null | undefined, context: MapContext): string | undefined {
  return hostOf(profileUrl) ?? hostOf(context.instanceUrl);
}

function authorOf(account: MastodonAccount, context: MapContext): BasePost['author'] {
  const localDomain = localDomainOf(account.url, context);
  return {
    id: account.id,
    displayName: account.display_name?.trim() || account.username,
    handle: fullAcct(account.acct, localDomain),
    avatarUrl: webUrl(account.avatar_static) ?? webUrl(account.avatar),
    profileUrl: webUrl(account.url),
  };
}

function mediaOf(attachment: MastodonMediaAttachment): MediaInput | undefined {
  const type = MEDIA_TYPES[attachment.type];
  const url = webUrl(attachment.url) ?? webUrl(attachment.remote_url);
  if (type === undefined || url === undefined) return undefined;
  const meta = attachment.meta;
  const duration = meta?.original?.duration ?? meta?.duration;
  return {
    type,
    url,
    previewUrl: webUrl(attachment.preview_url),
    altText: attachment.description?.trim() || undefined,
    width: positiveInt(meta?.original?.width ?? meta?.width),
    height: positiveInt(meta?.original?.height ?? meta?.height),
    // Mastodon reports pixel sizes ("640x480"), never byte sizes: sizeBytes stays unknown.
    durationSeconds: duration !== null && duration !== undefined && duration >= 0 ? duration : undefined,
  };
}

/** Unknown is not zero: only counts the server sent become metrics. */
function metricsOf(status: MastodonInnerStatus): SocialPostMetrics {
  return {
    likes: status.favourites_count ?? undefined,
    reposts: status.reblogs_count ?? undefined,
    replies: status.replies_count ?? undefined,
    quotes: status.quotes_count ?? undefined,
  };
}

function inReplyToOf(
  status: MastodonInnerStatus,
  handle: string,
  context: MapContext,
): BasePost['inReplyTo'] {
  if (!status.in_reply_to_id) return undefined;
  const accountId = status.in_reply_to_account_id;
  const mentioned = status.mentions?.find((mention) => mention.id === accountId);
  const authorHandle =
    accountId === status.account.id
      ? handle
      : mentioned
        ? fullAcct(mentioned.acct, localDomainOf(mentioned.url, context))
        : undefined;
  return { platformId: status.in_reply_to_id, authorHandle };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The text, with a content warning (spoiler_text) kept as its first line so it is never lost. */
function textOf(status: MastodonInnerStatus, context: MapContext, stripQuoteInline: boolean) {
  const html = status.content ?? (status.text ? `<p>${escapeHtml(status.text)}</p>` : '');
  const plain = statusHtmlToText(html, {
    mentions: status.mentions ?? [],
    localDomain: hostOf(context.instanceUrl),
    stripQuoteInline,
  });
  const warning = status.spoiler_text?.trim();
  return { text: warning ? `CW: ${warning}\n\n${plain.text}`.trim() : plain.text, links: plain.links };
}

function kindOf(status: MastodonInnerStatus): SocialPost['kind'] {
  if (status.quote?.state === 'accepted' || status.quote?.quoted_status) return 'quote';
  return status.in_reply_to_id ? 'reply' : 'post';
}

/** A status mapped on its own, without `original`: the shape of an original and of a plain post. */
function mapBase(
  status: MastodonInnerStatus,
  context: MapContext,
  kind: SocialPost['kind'],
  carriesOriginal = false,
): BasePost {
  const author = authorOf(status.account, context);
  const attachments = status.media_attachments ?? [];
  // The `RE: <link>` fallback is dropped only where the quoted post travels along as `original`.
  const { text, links } = textOf(status, context, carriesOriginal);
  // An attachment Herald cannot show (type "unknown": remote media the server could not fetch) stays a link.
  const unshown = attachments
    .filter((attachment) => mediaOf(attachment) === undefined)
    .map((attachment) => webUrl(attachment.remote_url) ?? webUrl(attachment.url))
    .filter((url): url is string => url !== undefined && !links.includes(url));
  return {
    platform: 'mastodon',
    platformId: status.id,
    permalink: webUrl(status.url) ?? status.uri,
    author,
    text,
    createdAt: normaliseDate(status.created_at),
    kind,
    inReplyTo: inReplyToOf(status, author.handle, context),
    hashtags: (status.tags ?? []).map((tag) => tag.name),
    links: [...links, ...unshown],
    media: attachments.map(mediaOf).filter((media): media is MediaInput => media !== undefined),
    metrics: metricsOf(status),
    language: status.language && LANGUAGE.test(status.language) ? status.language : undefined,
  };
}

function normaliseDate(value: string): string {
  const time = Date.parse(value);
  // An unparseable date is left as it is, so that the schema names it instead of hiding it.
  return Number.isNaN(time) ? value : new Date(time).toISOString();
}

/**
 * One status as a SocialPost. Throws a ZodError naming the offending path when the result is not a
 * valid post; providers turn it into a bad-request ProviderError.
 */
export function mapStatus(status: MastodonStatus, context: MapContext = {}): SocialPost {
  if (status.reblog) {
    const original = mapBase(status.reblog, context, kindOf(status.reblog));
    // A boost has no page and no engagement of its own (favouriting a boost favourites the original).
    const wrapper = mapBase(status, context, 'repost');
    return socialPostSchema.parse({
      ...wrapper,
      permalink: original.permalink,
      metrics: {},
      original,
    } satisfies SocialPostInput);
  }
  const quoted = status.quote?.quoted_status;
  if (quoted) {
    const original = mapBase(quoted, context, kindOf(quoted));
    return socialPostSchema.parse({
      ...mapBase(status, context, 'quote', true),
      original,
    } satisfies SocialPostInput);
  }
  // A quote the viewer may not see (pending, rejected, deleted) is shown as the post it wraps.
  const kind = status.in_reply_to_id ? 'reply' : 'post';
  return socialPostSchema.parse(mapBase(status, context, kind) satisfies SocialPostInput);
}

/** The engagement of a status, as `fetchMetrics` reports it; a boost has none of its own. */
export function metricsOfStatus(status: MastodonStatus): SocialPostMetrics {
  return status.reblog ? {} : metricsOf(status);
}
