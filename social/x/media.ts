/**
 * Media upload through the v2 endpoints: still images in one request (`POST /2/media/upload`), GIFs
 * and videos in chunks (`/initialize`, `/{id}/append`, `/{id}/finalize`, then `GET ?command=STATUS`
 * until processing succeeds), alt text through `POST /2/media/metadata`. All need `media.write`.
 * @see https://docs.x.com/x-api/media/quickstart/media-upload-chunked
 */
import { FormData } from 'undici';
import { ProviderError } from '../../core/errors.js';
import type { DraftMedia } from '../provider.js';
import { endpointUrl, type XContext } from './context.js';
import { PLATFORM } from './errors.js';
import { mediaUploadResponseSchema, type XProcessingInfo } from './schemas.js';

export const UPLOAD_ENDPOINT = 'POST /2/media/upload';
export const INITIALIZE_ENDPOINT = 'POST /2/media/upload/initialize';
export const APPEND_ENDPOINT = 'POST /2/media/upload/:id/append';
export const FINALIZE_ENDPOINT = 'POST /2/media/upload/:id/finalize';
export const STATUS_ENDPOINT = 'GET /2/media/upload (STATUS)';
export const METADATA_ENDPOINT = 'POST /2/media/metadata';

/** Still images X accepts in one request; GIFs are animated and go through the chunked flow. */
export const STILL_IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export const GIF_TYPE = 'image/gif';
export const VIDEO_TYPES = ['video/mp4', 'video/quicktime'] as const;

export interface MediaOptions {
  /** Bytes per APPEND; X asks for at most 5 MB per segment. */
  readonly chunkBytes: number;
  /** How long to wait, in total, for X to finish processing a video before giving up for now. */
  readonly maxProcessingWaitMs: number;
}

export type MediaCategory = 'tweet_image' | 'tweet_gif' | 'tweet_video';

export function categoryOf(mimeType: string): MediaCategory | undefined {
  if ((STILL_IMAGE_TYPES as readonly string[]).includes(mimeType)) return 'tweet_image';
  if (mimeType === GIF_TYPE) return 'tweet_gif';
  if ((VIDEO_TYPES as readonly string[]).includes(mimeType)) return 'tweet_video';
  return undefined;
}

function blobOf(data: Uint8Array, mimeType: string): Blob {
  // Copy into a plain ArrayBuffer: a Uint8Array view may sit on a larger (or shared) buffer.
  return new Blob([new Uint8Array(data)], { type: mimeType });
}

/** Upload one attachment and return the `media_id` to put in the post. */
export async function uploadMedia(
  context: XContext,
  options: MediaOptions,
  bearer: string,
  media: DraftMedia,
): Promise<string> {
  const category = categoryOf(media.mimeType);
  const id =
    category === 'tweet_image'
      ? await uploadOneShot(context, options, bearer, media)
      : await uploadChunked(context, options, bearer, media, category ?? 'tweet_video');
  if (media.altText !== undefined && media.altText.trim() !== '') {
    await context.http.request({
      method: 'POST',
      url: endpointUrl(context, '/2/media/metadata'),
      endpoint: METADATA_ENDPOINT,
      json: { id, metadata: { alt_text: { text: media.altText } } },
      bearer,
    });
  }
  return id;
}

async function uploadOneShot(context: XContext, options: MediaOptions, bearer: string, media: DraftMedia) {
  const form = new FormData();
  form.append('media', blobOf(media.data, media.mimeType), media.fileName ?? 'image');
  form.append('media_category', 'tweet_image');
  form.append('media_type', media.mimeType);
  const response = await context.http.request({
    method: 'POST',
    url: endpointUrl(context, '/2/media/upload'),
    endpoint: UPLOAD_ENDPOINT,
    multipart: form,
    bearer,
    schema: mediaUploadResponseSchema,
  });
  const { id, processing_info: info } = response.data.data;
  await waitForProcessing(context, options, bearer, id, info);
  return id;
}

async function uploadChunked(
  context: XContext,
  options: MediaOptions,
  bearer: string,
  media: DraftMedia,
  category: MediaCategory,
): Promise<string> {
  const init = await context.http.request({
    method: 'POST',
    url: endpointUrl(context, '/2/media/upload/initialize'),
    endpoint: INITIALIZE_ENDPOINT,
    json: { media_type: media.mimeType, total_bytes: media.data.byteLength, media_category: category },
    bearer,
    schema: mediaUploadResponseSchema,
  });
  const id = init.data.data.id;
  const path = `/2/media/upload/${encodeURIComponent(id)}`;
  for (let offset = 0, segment = 0; offset < media.data.byteLength; offset += options.chunkBytes, segment++) {
    const form = new FormData();
    form.append(
      'media',
      blobOf(media.data.subarray(offset, offset + options.chunkBytes), media.mimeType),
      'chunk',
    );
    form.append('segment_index', String(segment));
    await context.http.request({
      method: 'POST',
      url: endpointUrl(context, `${path}/append`),
      endpoint: APPEND_ENDPOINT,
      multipart: form,
      bearer,
    });
  }
  const finalized = await context.http.request({
    method: 'POST',
    url: endpointUrl(context, `${path}/finalize`),
    endpoint: FINALIZE_ENDPOINT,
    bearer,
    schema: mediaUploadResponseSchema,
  });
  await waitForProcessing(context, options, bearer, id, finalized.data.data.processing_info);
  return id;
}

/** Poll STATUS as X asks (`check_after_secs`) until the media is usable, failed, or took too long. */
async function waitForProcessing(
  context: XContext,
  options: MediaOptions,
  bearer: string,
  id: string,
  first: XProcessingInfo | undefined,
): Promise<void> {
  let info = first;
  let waitedMs = 0;
  while (info !== undefined && info.state !== 'succeeded') {
    if (info.state === 'failed') {
      const reason = info.error?.message ?? info.error?.name ?? 'processing failed';
      throw new ProviderError(
        'bad-request',
        `${PLATFORM}: ${STATUS_ENDPOINT}: X rejected media ${id}: ${reason}`,
        {
          platform: PLATFORM,
          endpoint: STATUS_ENDPOINT,
          hint: 'Check the video against X limits (MP4/MOV, H.264 + AAC, 0.5–140 s, at most 1280×1024).',
        },
      );
    }
    const delayMs = Math.max(1, info.check_after_secs ?? 1) * 1000;
    if (waitedMs + delayMs > options.maxProcessingWaitMs) {
      throw new ProviderError(
        'retry-later',
        `${PLATFORM}: ${STATUS_ENDPOINT}: media ${id} is still processing`,
        {
          platform: PLATFORM,
          endpoint: STATUS_ENDPOINT,
          retryAfterMs: delayMs,
        },
      );
    }
    await context.sleep(delayMs);
    waitedMs += delayMs;
    const status = await context.http.request({
      url: endpointUrl(context, '/2/media/upload'),
      endpoint: STATUS_ENDPOINT,
      query: { command: 'STATUS', media_id: id },
      bearer,
      schema: mediaUploadResponseSchema,
    });
    info = status.data.data.processing_info;
  }
}
