/**
 * Mastodon entities as the real API serialises them (Account, Status, MediaAttachment, Instance), for
 * the Mastodon fake. Shapes follow the documented examples in test/fixtures/mastodon/.
 */

export type Json = Record<string, unknown>;

export interface FakeAccountInput {
  readonly username: string;
  readonly displayName?: string;
  /** Set for a remote account: its acct becomes username@domain. */
  readonly domain?: string;
}

export interface FakeMediaInput {
  readonly type?: 'image' | 'video' | 'gifv' | 'audio' | 'unknown';
  readonly description?: string | null;
  readonly width?: number;
  readonly height?: number;
  readonly duration?: number;
}

export interface FakeStatusInput {
  /** HTML content; default `<p>${text}</p>`. */
  readonly content?: string;
  readonly text?: string;
  readonly createdAt?: string;
  readonly spoilerText?: string;
  readonly language?: string | null;
  readonly visibility?: 'public' | 'unlisted' | 'private' | 'direct';
  readonly inReplyTo?: Json;
  /** A boost: the wrapper gets `content: ""` and this status as `reblog`. */
  readonly reblogOf?: Json;
  /** A 4.4+ quote of this status. */
  readonly quoteOf?: Json;
  readonly media?: readonly FakeMediaInput[];
  readonly tags?: readonly string[];
  readonly counts?: { replies?: number; reblogs?: number; favourites?: number; quotes?: number };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function accountJson(id: string, input: FakeAccountInput, localDomain: string): Json {
  const domain = input.domain ?? localDomain;
  return {
    id,
    username: input.username,
    acct: input.domain ? `${input.username}@${input.domain}` : input.username,
    display_name: input.displayName ?? input.username,
    locked: false,
    bot: false,
    discoverable: true,
    group: false,
    created_at: '2024-01-01T00:00:00.000Z',
    note: '',
    url: `https://${domain}/@${input.username}`,
    uri: `https://${domain}/users/${input.username}`,
    avatar: `https://files.${localDomain}/accounts/avatars/${id}/original/avatar.png`,
    avatar_static: `https://files.${localDomain}/accounts/avatars/${id}/original/avatar.png`,
    header: `https://${localDomain}/headers/original/missing.png`,
    header_static: `https://${localDomain}/headers/original/missing.png`,
    followers_count: 0,
    following_count: 0,
    statuses_count: 0,
    last_status_at: null,
    emojis: [],
    fields: [],
  };
}

export function mediaJson(id: string, input: FakeMediaInput, localDomain: string, processed = true): Json {
  const type = input.type ?? 'image';
  const extension = type === 'image' ? 'jpeg' : type === 'audio' ? 'mp3' : 'mp4';
  const base = `https://files.${localDomain}/media_attachments/files/${id}`;
  const original: Json = { width: input.width ?? 640, height: input.height ?? 480 };
  if (input.duration !== undefined) original.duration = input.duration;
  return {
    id,
    type,
    url: processed ? `${base}/original/file.${extension}` : null,
    preview_url: `${base}/small/file.${type === 'image' ? 'jpeg' : 'png'}`,
    remote_url: null,
    preview_remote_url: null,
    text_url: null,
    meta: { original, small: { width: 400, height: 300, size: '400x300', aspect: 1.3333333333333333 } },
    description: input.description ?? null,
    blurhash: 'UFBWY:8_0Jxv4mx]t8t64.%M-:IUWGWAt6M}',
  };
}

export function statusJson(
  id: string,
  account: Json,
  input: FakeStatusInput,
  localDomain: string,
  media: readonly Json[],
): Json {
  const username = String(account.username);
  const reblog = input.reblogOf;
  const content = reblog ? '' : (input.content ?? `<p>${escapeHtml(input.text ?? '')}</p>`);
  const uri = `https://${localDomain}/users/${username}/statuses/${id}${reblog ? '/activity' : ''}`;
  return {
    id,
    created_at: input.createdAt ?? new Date().toISOString(),
    in_reply_to_id: input.inReplyTo ? input.inReplyTo.id : null,
    in_reply_to_account_id: input.inReplyTo ? (input.inReplyTo.account as Json).id : null,
    sensitive: Boolean(input.spoilerText),
    spoiler_text: input.spoilerText ?? '',
    visibility: input.visibility ?? 'public',
    language: reblog ? null : input.language === undefined ? 'en' : input.language,
    uri,
    url: reblog ? uri : `https://${localDomain}/@${username}/${id}`,
    replies_count: input.counts?.replies ?? 0,
    reblogs_count: input.counts?.reblogs ?? 0,
    favourites_count: input.counts?.favourites ?? 0,
    quotes_count: input.counts?.quotes ?? 0,
    edited_at: null,
    content,
    reblog: reblog ?? null,
    application: { name: 'Web', website: null },
    account,
    media_attachments: media,
    mentions: [],
    tags: (input.tags ?? []).map((name) => ({
      name,
      url: `https://${localDomain}/tags/${encodeURIComponent(name)}`,
    })),
    emojis: [],
    card: null,
    poll: null,
    quote: input.quoteOf ? { state: 'accepted', quoted_status: input.quoteOf } : null,
  };
}

export interface FakeInstanceLimits {
  readonly maxCharacters?: number;
  readonly maxMediaAttachments?: number;
  readonly charactersReservedPerUrl?: number;
  readonly imageSizeLimit?: number;
  readonly videoSizeLimit?: number;
  readonly descriptionLimit?: number;
  readonly supportedMimeTypes?: readonly string[];
}

export function instanceJson(localDomain: string, limits: FakeInstanceLimits): Json {
  return {
    domain: localDomain,
    title: 'Mastodon',
    version: '4.5.0',
    source_url: 'https://github.com/mastodon/mastodon',
    description: 'A loopback fake of a Mastodon server',
    usage: { users: { active_month: 1 } },
    languages: ['en'],
    configuration: {
      urls: { streaming: `wss://${localDomain}` },
      accounts: { max_featured_tags: 10 },
      statuses: {
        max_characters: limits.maxCharacters ?? 500,
        max_media_attachments: limits.maxMediaAttachments ?? 4,
        characters_reserved_per_url: limits.charactersReservedPerUrl ?? 23,
      },
      media_attachments: {
        supported_mime_types: limits.supportedMimeTypes ?? [
          'image/jpeg',
          'image/png',
          'image/gif',
          'image/webp',
          'video/mp4',
          'video/webm',
          'audio/mpeg',
        ],
        image_size_limit: limits.imageSizeLimit ?? 16777216,
        image_matrix_limit: 33177600,
        video_size_limit: limits.videoSizeLimit ?? 103809024,
        video_frame_rate_limit: 120,
        video_matrix_limit: 8294400,
        description_limit: limits.descriptionLimit ?? 1500,
      },
      polls: { max_options: 4, max_characters_per_option: 50, min_expiration: 300, max_expiration: 2629746 },
      translation: { enabled: false },
    },
    registrations: { enabled: false, approval_required: false, message: null },
    rules: [],
  };
}

/** Mastodon's own count (StatusLengthValidator): graphemes, each URL as 23, `@user@domain` as `@user`. */
export function mastodonLength(text: string, urlLength: number): number {
  const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  const urls = text.match(/https?:\/\/\S+/g) ?? [];
  const rest = text.replace(/https?:\/\/\S+/g, '').replace(/@(\w+)@[\w.-]+\w/g, '@$1');
  return [...segmenter.segment(rest)].length + urls.length * urlLength;
}
