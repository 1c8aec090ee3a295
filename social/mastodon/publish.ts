/**
 * Publishing to Mastodon: the whole draft is checked against the instance's own limits first (nothing
 * is sent for a draft that cannot go out), then each item's media is uploaded with POST /api/v2/media
 * (200: ready; 202: still processing, polled with GET /api/v1/media/:id until it answers 200 instead of
 * 206), and each item is posted with POST /api/v1/statuses, replying to the previous one for a thread.
 *
 * Every status carries `Idempotency-Key: <draft key>-<index>`: Mastodon keeps the key for an hour and
 * answers a repeated request with the status it already created, so retrying a half-published thread
 * with the same draft does not post its first items twice.
 * @see https://docs.joinmastodon.org/methods/statuses/#create
 * @see https://docs.joinmastodon.org/methods/media/#v2
 */
import { FormData } from 'undici';
import { PartialPublishError, ProviderError } from '../../core/errors.js';
import type { HttpClient } from '../http.js';
import type { Draft, DraftItem, DraftMedia, PublishedRef, PublishLimits } from '../provider.js';
import { measureText } from '../text-length.js';
import { badRequest, classifyMastodonError, PLATFORM } from './errors.js';
import { createdStatusSchema, uploadedMediaSchema } from './schemas.js';

export interface PublishDeps {
  readonly http: HttpClient;
  readonly mediaPollIntervalMs: number;
  readonly mediaPollAttempts: number;
  readonly sleep: (ms: number) => Promise<void>;
}

export const CREATE_STATUS = 'POST /api/v1/statuses';
export const UPLOAD_MEDIA = 'POST /api/v2/media';
export const GET_MEDIA = 'GET /api/v1/media/:id';

const EXTENSIONS: Readonly<Record<string, string>> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'video/mp4': 'mp4',
  'video/webm': 'webm',
  'video/quicktime': 'mov',
};

function isVideo(media: DraftMedia, limits: PublishLimits): boolean {
  return limits.videoTypes.includes(media.mimeType.toLowerCase());
}

function mediaProblems(item: DraftItem, label: string, limits: PublishLimits): string[] {
  const problems: string[] = [];
  if (item.media.length > limits.maxMedia) {
    problems.push(`${label} has ${item.media.length} attachments; this instance allows ${limits.maxMedia}`);
  }
  // Mastodon takes up to 4 images, or exactly one video (user/posting.md).
  if (item.media.length > 1 && item.media.some((media) => isVideo(media, limits))) {
    problems.push(`${label} mixes a video with other attachments; a video must be alone`);
  }
  item.media.forEach((media, index) => {
    const name = `${label}, attachment ${index + 1}`;
    const type = media.mimeType.toLowerCase();
    const video = limits.videoTypes.includes(type);
    if (!video && !limits.imageTypes.includes(type)) {
      problems.push(`${name}: ${media.mimeType} is not a type this instance accepts`);
      return;
    }
    const max = video ? limits.maxVideoBytes : limits.maxImageBytes;
    if (max !== undefined && media.data.byteLength > max) {
      problems.push(`${name} is ${media.data.byteLength} bytes; this instance allows ${max}`);
    }
    const alt = media.altText ?? '';
    if (limits.maxAltTextLength !== undefined && [...alt].length > limits.maxAltTextLength) {
      problems.push(`${name}: the description is longer than ${limits.maxAltTextLength} characters`);
    }
  });
  return problems;
}

/** Every reason the draft cannot be published on this instance; empty when it can. */
export function draftProblems(draft: Draft, limits: PublishLimits): string[] {
  return draft.items.flatMap((item, index) => {
    const label = draft.items.length > 1 ? `post ${index + 1}` : 'the post';
    const problems: string[] = [];
    const length = measureText(item.text, limits);
    if (length > limits.maxLength) {
      problems.push(`${label} is ${length} characters long; this instance allows ${limits.maxLength}`);
    }
    if (item.text.trim() === '' && item.media.length === 0)
      problems.push(`${label} has neither text nor media`);
    return [...problems, ...mediaProblems(item, label, limits)];
  });
}

async function uploadMedia(
  deps: PublishDeps,
  origin: string,
  token: string,
  media: DraftMedia,
): Promise<string> {
  const form = new FormData();
  const fileName = media.fileName ?? `upload.${EXTENSIONS[media.mimeType.toLowerCase()] ?? 'bin'}`;
  form.append('file', new Blob([Buffer.from(media.data)], { type: media.mimeType }), fileName);
  if (media.altText) form.append('description', media.altText);
  const uploaded = await deps.http.request({
    method: 'POST',
    url: `${origin}/api/v2/media`,
    endpoint: UPLOAD_MEDIA,
    bearer: token,
    multipart: form,
    schema: uploadedMediaSchema,
    untrusted: true,
  });
  if (uploaded.status === 200 && uploaded.data.url) return uploaded.data.id;
  return waitForMedia(deps, origin, token, uploaded.data.id);
}

async function waitForMedia(deps: PublishDeps, origin: string, token: string, id: string): Promise<string> {
  for (let attempt = 0; attempt < deps.mediaPollAttempts; attempt++) {
    await deps.sleep(deps.mediaPollIntervalMs);
    // No schema: a 206 ("still processing") may come with an empty body.
    const check = await deps.http.request({
      url: `${origin}/api/v1/media/${encodeURIComponent(id)}`,
      endpoint: GET_MEDIA,
      bearer: token,
      untrusted: true,
    });
    if (check.status === 200) return id;
  }
  throw new ProviderError(
    'retry-later',
    `${PLATFORM}: ${GET_MEDIA}: the media was still processing after ${deps.mediaPollAttempts} checks`,
    { platform: PLATFORM, endpoint: GET_MEDIA },
  );
}

export async function publishDraft(
  deps: PublishDeps,
  origin: string,
  token: string,
  draft: Draft,
  limits: PublishLimits,
): Promise<PublishedRef> {
  const problems = draftProblems(draft, limits);
  if (problems.length > 0) {
    throw badRequest(
      'publish',
      problems.join('; '),
      'Shorten the text or change the attachments, then post again.',
    );
  }
  const published: Array<{ platformId: string; url: string }> = [];
  for (const [index, item] of draft.items.entries()) {
    try {
      published.push(await publishItem(deps, origin, token, draft, index, item, published.at(-1)));
    } catch (err) {
      if (published.length === 0) throw err;
      throw new PartialPublishError(classifyMastodonError(err, CREATE_STATUS), [...published]);
    }
  }
  return published;
}

/** One item of the thread; its Idempotency-Key makes a retried call answer the same status. */
async function publishItem(
  deps: PublishDeps,
  origin: string,
  token: string,
  draft: Draft,
  index: number,
  item: DraftItem,
  previous: { platformId: string } | undefined,
): Promise<{ platformId: string; url: string }> {
  const mediaIds: string[] = [];
  for (const media of item.media) mediaIds.push(await uploadMedia(deps, origin, token, media));
  const created = await deps.http.request({
    method: 'POST',
    url: `${origin}/api/v1/statuses`,
    endpoint: CREATE_STATUS,
    bearer: token,
    headers: { 'idempotency-key': `${draft.idempotencyKey}-${index}` },
    json: {
      status: item.text,
      ...(mediaIds.length > 0 ? { media_ids: mediaIds } : {}),
      ...(previous ? { in_reply_to_id: previous.platformId } : {}),
    },
    schema: createdStatusSchema,
    untrusted: true,
  });
  return { platformId: created.data.id, url: created.data.url ?? created.data.uri };
}
