/**
 * The instance an account lives on: its base URL (named by a user, so always fetched through the SSRF
 * guard) and its own publishing limits from GET /api/v2/instance, falling back to /api/v1/instance on
 * servers older than 4.0 and to Mastodon's defaults for whatever the server does not say.
 * @see https://docs.joinmastodon.org/entities/Instance/#configuration
 */
import type { HttpClient } from '../http.js';
import type { AccountRef, PublishLimits } from '../provider.js';
import { badRequest, isStatus } from './errors.js';
import { instanceSchema, type MastodonInstance } from './schemas.js';

/** Mastodon's stock limits (and those of servers too old to report theirs). */
export const DEFAULT_LIMITS: PublishLimits = {
  maxLength: 500,
  counting: 'characters',
  urlLength: 23,
  maxMedia: 4,
  maxImageBytes: 10 * 1024 * 1024,
  maxVideoBytes: 40 * 1024 * 1024,
  imageTypes: [
    'image/jpeg',
    'image/png',
    'image/gif',
    'image/webp',
    'image/heic',
    'image/heif',
    'image/avif',
  ],
  videoTypes: ['video/mp4', 'video/webm', 'video/quicktime', 'video/ogg'],
  maxAltTextLength: 1500,
};

/** The origin of a user-named instance (`mastodon.social`, `https://mastodon.social/@me`, ...). */
export function instanceOrigin(raw: string | undefined, endpoint: string): string {
  const trimmed = raw?.trim() ?? '';
  if (trimmed === '') {
    throw badRequest(
      endpoint,
      'no Mastodon instance URL was given',
      'Name the instance, e.g. mastodon.social.',
    );
  }
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw badRequest(
      endpoint,
      `"${trimmed}" is not an instance URL`,
      'Name the instance, e.g. mastodon.social.',
    );
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) {
    throw badRequest(endpoint, `"${trimmed}" is not an http(s) instance URL`);
  }
  return url.origin;
}

/** Where an account's API lives: its own instance, else the operator's configured one. */
export function accountOrigin(account: AccountRef, fallback: string | undefined, endpoint: string): string {
  return instanceOrigin(account.instanceUrl ?? fallback, endpoint);
}

function split(types: readonly string[], prefix: string): string[] {
  return types.map((type) => type.toLowerCase()).filter((type) => type.startsWith(prefix));
}

export function limitsFromInstance(instance: MastodonInstance): PublishLimits {
  const statuses = instance.configuration?.statuses;
  const media = instance.configuration?.media_attachments;
  const types = media?.supported_mime_types;
  return {
    ...DEFAULT_LIMITS,
    maxLength: statuses?.max_characters ?? DEFAULT_LIMITS.maxLength,
    urlLength: statuses?.characters_reserved_per_url ?? DEFAULT_LIMITS.urlLength,
    maxMedia: statuses?.max_media_attachments ?? DEFAULT_LIMITS.maxMedia,
    maxImageBytes: media?.image_size_limit ?? DEFAULT_LIMITS.maxImageBytes,
    maxVideoBytes: media?.video_size_limit ?? DEFAULT_LIMITS.maxVideoBytes,
    imageTypes: types && types.length > 0 ? split(types, 'image/') : DEFAULT_LIMITS.imageTypes,
    videoTypes: types && types.length > 0 ? split(types, 'video/') : DEFAULT_LIMITS.videoTypes,
    maxAltTextLength: media?.description_limit ?? DEFAULT_LIMITS.maxAltTextLength,
  };
}

export const INSTANCE_V2 = 'GET /api/v2/instance';
const INSTANCE_V1 = 'GET /api/v1/instance';

/** The instance's limits; only "this server has no such endpoint" (404) falls back, anything else fails. */
export async function fetchInstanceLimits(http: HttpClient, origin: string): Promise<PublishLimits> {
  for (const [path, endpoint] of [
    ['/api/v2/instance', INSTANCE_V2],
    ['/api/v1/instance', INSTANCE_V1],
  ] as const) {
    try {
      const response = await http.request({
        url: `${origin}${path}`,
        endpoint,
        schema: instanceSchema,
        untrusted: true,
      });
      return limitsFromInstance(response.data);
    } catch (err) {
      if (!isStatus(err, 404)) throw err;
    }
  }
  return DEFAULT_LIMITS;
}
