/**
 * Publishing a draft as `app.bsky.feed.post` records (`com.atproto.repo.createRecord`): facets for
 * links, mentions (resolved to DIDs) and hashtags; images uploaded with `com.atproto.repo.uploadBlob`;
 * a link card for the first link when there are no images; a thread as a reply chain whose `root` is
 * the first post and whose `parent` is the previous one. Every item is checked before anything is sent.
 * @see https://docs.bsky.app/docs/advanced-guides/posts
 */
import { PartialPublishError } from '../../core/errors.js';
import type {
  AccountRef,
  Draft,
  DraftItem,
  DraftMedia,
  PublishLimits,
  PublishedItem,
  PublishedRef,
} from '../provider.js';
import { checkLength } from '../text-length.js';
import { resolveHandle } from './auth.js';
import { endpointOf, sessionOf, xrpcUrl, type AccountSession, type BlueskyContext } from './context.js';
import { blueskyError, classified, classifyBlueskyError } from './errors.js';
import { detectFacets, toRecordFacets, utf8Length, type DetectedFacet } from './facets.js';
import { imageSize } from './image-size.js';
import { linkCard } from './link-card.js';
import { parseAtUri, postPermalink } from './map.js';
import { createRecordSchema, uploadBlobSchema, type Blob } from './schemas.js';

const CREATE_RECORD = endpointOf('POST', 'com.atproto.repo.createRecord');
const UPLOAD_BLOB = endpointOf('POST', 'com.atproto.repo.uploadBlob');

/** `app.bsky.feed.post` text: 300 graphemes and 3000 UTF-8 bytes (lexicon `maxGraphemes`, `maxLength`). */
const MAX_TEXT_BYTES = 3000;

/**
 * Bluesky's limits. Images: 4 per post, 1,000,000 bytes each (`app.bsky.embed.images` maxSize; newer
 * lexicons allow 2 MB, older AppViews and clients do not). Video needs the video service's upload and
 * processing jobs, which Herald does not drive yet, so drafts with video are refused up front.
 */
export const BLUESKY_LIMITS: PublishLimits = {
  maxLength: 300,
  counting: 'graphemes',
  maxMedia: 4,
  maxImageBytes: 1_000_000,
  imageTypes: ['image/jpeg', 'image/png', 'image/webp', 'image/gif'],
  videoTypes: [],
};

interface StrongRef {
  readonly uri: string;
  readonly cid: string;
}

function refuse(message: string, hint?: string): never {
  throw blueskyError('bad-request', CREATE_RECORD, message, hint);
}

function checkMedia(media: readonly DraftMedia[], label: string): void {
  if (media.length > BLUESKY_LIMITS.maxMedia)
    refuse(`${label} has ${media.length} images; Bluesky takes at most 4`);
  media.forEach((item, index) => {
    if (!BLUESKY_LIMITS.imageTypes.includes(item.mimeType)) {
      refuse(
        `${label}: ${item.mimeType} cannot be posted to Bluesky`,
        'Attach JPEG, PNG, WebP or GIF images.',
      );
    }
    if (item.data.byteLength > BLUESKY_LIMITS.maxImageBytes) {
      refuse(
        `${label}: image ${index + 1} is ${item.data.byteLength} bytes; Bluesky takes at most ${BLUESKY_LIMITS.maxImageBytes}`,
        'Resize or compress the image.',
      );
    }
  });
}

/** Every item of the draft, checked before the first request: nothing half-published on a bad draft. */
function checkDraft(draft: Draft): void {
  draft.items.forEach((item, index) => {
    const label = draft.items.length > 1 ? `post ${index + 1} of the thread` : 'the post';
    const length = checkLength(item.text, BLUESKY_LIMITS);
    if (!length.ok)
      refuse(
        `${label} is ${length.length} characters; Bluesky takes at most ${length.max}`,
        'Shorten the text.',
      );
    const bytes = utf8Length(item.text);
    if (bytes > MAX_TEXT_BYTES)
      refuse(`${label} is ${bytes} bytes; Bluesky takes at most ${MAX_TEXT_BYTES}`, 'Shorten the text.');
    if (item.text.trim() === '' && item.media.length === 0) refuse(`${label} is empty`);
    checkMedia(item.media, label);
  });
}

async function uploadImage(ctx: BlueskyContext, session: AccountSession, media: DraftMedia): Promise<Blob> {
  return classified('call', UPLOAD_BLOB, async () => {
    const response = await ctx.http.request({
      method: 'POST',
      url: xrpcUrl(session.pds, 'com.atproto.repo.uploadBlob'),
      endpoint: UPLOAD_BLOB,
      bytes: { data: media.data, contentType: media.mimeType },
      bearer: session.accessToken,
      untrusted: true,
      schema: uploadBlobSchema,
    });
    return response.data.blob;
  });
}

async function imagesEmbed(ctx: BlueskyContext, session: AccountSession, media: readonly DraftMedia[]) {
  const images = [];
  for (const item of media) {
    const blob = await uploadImage(ctx, session, item);
    const size = imageSize(item.data);
    images.push({ image: blob, alt: item.altText ?? '', ...(size ? { aspectRatio: size } : {}) });
  }
  return { $type: 'app.bsky.embed.images', images };
}

/** Handle → DID for every mention, resolved once per publish; unknown handles stay plain text. */
async function resolveMentions(
  ctx: BlueskyContext,
  facets: readonly DetectedFacet[],
  dids: Map<string, string | null>,
) {
  for (const facet of facets) {
    if (facet.kind !== 'mention' || dids.has(facet.value)) continue;
    try {
      dids.set(facet.value, await resolveHandle(ctx, facet.value));
    } catch (err) {
      // A handle that does not resolve is a typo or a name that is not a Bluesky account; anything else is a real failure.
      if ((err as { kind?: unknown }).kind !== 'bad-request') throw err;
      dids.set(facet.value, null);
    }
  }
}

async function buildRecord(
  ctx: BlueskyContext,
  session: AccountSession,
  item: DraftItem,
  dids: Map<string, string | null>,
): Promise<Record<string, unknown>> {
  const detected = detectFacets(item.text);
  await resolveMentions(ctx, detected, dids);
  const resolved = new Map([...dids].filter((entry): entry is [string, string] => entry[1] !== null));
  const facets = toRecordFacets(item.text, detected, resolved);
  const firstLink = detected.find((facet) => facet.kind === 'link')?.value;
  let embed: Record<string, unknown> | undefined;
  if (item.media.length > 0) embed = await imagesEmbed(ctx, session, item.media);
  else if (firstLink) embed = { $type: 'app.bsky.embed.external', external: await linkCard(ctx, firstLink) };
  return {
    $type: 'app.bsky.feed.post',
    text: item.text,
    createdAt: ctx.now().toISOString(),
    ...(facets.length > 0 ? { facets } : {}),
    ...(embed ? { embed } : {}),
  };
}

async function createPost(
  ctx: BlueskyContext,
  session: AccountSession,
  record: Record<string, unknown>,
): Promise<StrongRef> {
  return classified('call', CREATE_RECORD, async () => {
    const response = await ctx.http.request({
      method: 'POST',
      url: xrpcUrl(session.pds, 'com.atproto.repo.createRecord'),
      endpoint: CREATE_RECORD,
      json: { repo: session.did, collection: 'app.bsky.feed.post', record },
      bearer: session.accessToken,
      untrusted: true,
      schema: createRecordSchema,
    });
    return response.data;
  });
}

/** Publish each item in order; items after the first reply to the previous one, under the first. */
export async function publish(ctx: BlueskyContext, account: AccountRef, draft: Draft): Promise<PublishedRef> {
  checkDraft(draft);
  const session = sessionOf(account, ctx, CREATE_RECORD);
  const dids = new Map<string, string | null>();
  const published: PublishedItem[] = [];
  let root: StrongRef | undefined;
  let parent: StrongRef | undefined;
  for (const item of draft.items) {
    try {
      const record = await buildRecord(ctx, session, item, dids);
      const reply = root && parent ? { reply: { root, parent } } : {};
      const created = await createPost(ctx, session, { ...record, ...reply });
      root ??= created;
      parent = created;
      const handle = parseAtUri(created.uri)?.repo === account.accountId ? account.handle : undefined;
      published.push({ platformId: created.uri, url: postPermalink(created.uri, handle) });
    } catch (err) {
      if (published.length === 0) throw err;
      throw new PartialPublishError(classifyBlueskyError(err, 'call', CREATE_RECORD), [...published]);
    }
  }
  return published;
}
