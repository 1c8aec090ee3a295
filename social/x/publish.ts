/**
 * Publishing a draft to X: every item is checked before anything is sent (length as twitter-text
 * weighs it, media kinds, counts and sizes, alt text), then each item is posted with `POST /2/tweets`,
 * a thread as a chain of replies to the previous item.
 * @see https://docs.x.com/x-api/posts/create-post
 */
import { PartialPublishError, ProviderError } from '../../core/errors.js';
import { checkLength } from '../text-length.js';
import type {
  AccountRef,
  Draft,
  DraftItem,
  PublishedItem,
  PublishedRef,
  PublishLimits,
} from '../provider.js';
import { accessTokenOf, endpointUrl, type XContext } from './context.js';
import { PLATFORM, classifyXError } from './errors.js';
import { permalink } from './map.js';
import {
  GIF_TYPE,
  STILL_IMAGE_TYPES,
  VIDEO_TYPES,
  categoryOf,
  uploadMedia,
  type MediaOptions,
} from './media.js';
import { createTweetResponseSchema } from './schemas.js';

export const CREATE_ENDPOINT = 'POST /2/tweets';

const MB = 1024 * 1024;
const MAX_GIF_BYTES = 15 * MB;

/** @see https://docs.x.com/x-api/media/quickstart/best-practices */
export const X_LIMITS: PublishLimits = {
  maxLength: 280,
  counting: 'twitter-text',
  urlLength: 23,
  maxMedia: 4,
  maxImageBytes: 5 * MB,
  maxVideoBytes: 512 * MB,
  imageTypes: [...STILL_IMAGE_TYPES, GIF_TYPE],
  videoTypes: [...VIDEO_TYPES],
  maxAltTextLength: 1000,
};

/** A thread X took part of (see PartialPublishError). */
export class XPartialPublishError extends PartialPublishError {
  override name = 'XPartialPublishError';
}

function itemProblems(item: DraftItem, position: string): string[] {
  const problems: string[] = [];
  if (item.text.trim() === '' && item.media.length === 0)
    problems.push(`${position} has neither text nor media`);
  const length = checkLength(item.text, X_LIMITS);
  if (!length.ok)
    problems.push(`${position} is ${length.length} characters as X counts them (max ${length.max})`);
  const categories = item.media.map((media) => categoryOf(media.mimeType));
  const images = categories.filter((category) => category === 'tweet_image').length;
  if (images > X_LIMITS.maxMedia)
    problems.push(`${position} has ${images} images (max ${X_LIMITS.maxMedia})`);
  if (categories.some((c) => c !== 'tweet_image') && item.media.length > 1) {
    problems.push(
      `${position} mixes a GIF or video with other media (X allows 4 images, or 1 GIF, or 1 video)`,
    );
  }
  item.media.forEach((media, index) => {
    const what = `${position}, attachment ${index + 1}`;
    const category = categories[index];
    const max =
      category === 'tweet_image'
        ? X_LIMITS.maxImageBytes
        : category === 'tweet_gif'
          ? MAX_GIF_BYTES
          : X_LIMITS.maxVideoBytes;
    if (category === undefined) problems.push(`${what} is ${media.mimeType}, which X does not accept`);
    else if (max !== undefined && media.data.byteLength > max) {
      problems.push(`${what} is ${(media.data.byteLength / MB).toFixed(1)} MB (max ${max / MB} MB)`);
    }
    const alt = media.altText === undefined ? 0 : [...media.altText].length;
    if (alt > (X_LIMITS.maxAltTextLength ?? Infinity)) {
      problems.push(`${what} has ${alt} characters of alt text (max ${X_LIMITS.maxAltTextLength})`);
    }
  });
  return problems;
}

/** Every reason X would refuse the draft, found before the first request. */
export function validateDraft(draft: Draft): void {
  const problems = draft.items.flatMap((item, index) =>
    itemProblems(item, draft.items.length === 1 ? 'the post' : `post ${index + 1} of the thread`),
  );
  if (problems.length === 0) return;
  throw new ProviderError('bad-request', `${PLATFORM}: ${CREATE_ENDPOINT}: ${problems.join('; ')}`, {
    platform: PLATFORM,
    endpoint: CREATE_ENDPOINT,
    hint: 'Shorten the text or change the attachments, then post again.',
  });
}

export async function publishDraft(
  context: XContext,
  mediaOptions: MediaOptions,
  account: AccountRef,
  draft: Draft,
): Promise<PublishedRef> {
  validateDraft(draft);
  const bearer = accessTokenOf(account, CREATE_ENDPOINT);
  const published: PublishedItem[] = [];
  for (const item of draft.items) {
    try {
      const mediaIds: string[] = [];
      for (const media of item.media) mediaIds.push(await uploadMedia(context, mediaOptions, bearer, media));
      const previous = published.at(-1)?.platformId;
      const response = await context.http.request({
        method: 'POST',
        url: endpointUrl(context, '/2/tweets'),
        endpoint: CREATE_ENDPOINT,
        json: {
          ...(item.text.trim() === '' ? {} : { text: item.text }),
          ...(mediaIds.length > 0 ? { media: { media_ids: mediaIds } } : {}),
          ...(previous === undefined ? {} : { reply: { in_reply_to_tweet_id: previous } }),
        },
        bearer,
        schema: createTweetResponseSchema,
      });
      const id = response.data.data.id;
      published.push({ platformId: id, url: permalink(account.handle, id) });
    } catch (err) {
      const failure = classifyXError(err);
      throw published.length === 0 ? failure : new XPartialPublishError(failure, [...published]);
    }
  }
  return published;
}
