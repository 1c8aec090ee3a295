/**
 * Zod schemas of the AT Protocol payloads Herald reads, after the lexicons in bluesky-social/atproto
 * (`lexicons/app/bsky/{feed,embed,actor}`, `lexicons/com/atproto/{server,repo,identity}`). Fields Herald
 * does not use are left out (zod drops them); optional fields stay optional; unions are open, so a new
 * embed or reason type the AppView starts sending is carried as "unknown", not a failure.
 */
import { z } from 'zod';

const did = z.string().startsWith('did:');

export const EMBED = {
  images: 'app.bsky.embed.images#view',
  video: 'app.bsky.embed.video#view',
  external: 'app.bsky.embed.external#view',
  gallery: 'app.bsky.embed.gallery#view',
  record: 'app.bsky.embed.record#view',
  recordWithMedia: 'app.bsky.embed.recordWithMedia#view',
} as const;

export const REASON = {
  repost: 'app.bsky.feed.defs#reasonRepost',
  pin: 'app.bsky.feed.defs#reasonPin',
} as const;

export const FACET = {
  link: 'app.bsky.richtext.facet#link',
  mention: 'app.bsky.richtext.facet#mention',
  tag: 'app.bsky.richtext.facet#tag',
} as const;

/** How an open union carries a member it does not know: its `$type` is kept in `raw`. */
export const UNKNOWN = '#unknown';

/** An open union: the known members by `$type`, then any object whose `$type` is none of them. */
function openUnion<const Known extends readonly [z.ZodObject, ...z.ZodObject[]]>(
  types: readonly string[],
  known: Known,
) {
  const other = z
    .looseObject({ $type: z.string().refine((type) => !types.includes(type), 'unexpected shape') })
    .transform((raw) => ({ $type: UNKNOWN, raw }) as const);
  return z.union([z.discriminatedUnion('$type', known), other]);
}

const profileViewBasicSchema = z.object({
  did,
  handle: z.string().min(1),
  displayName: z.string().optional(),
  avatar: z.string().optional(),
});
export type ProfileViewBasic = z.infer<typeof profileViewBasicSchema>;

export const profileViewDetailedSchema = profileViewBasicSchema.extend({
  description: z.string().optional(),
});

const aspectRatioSchema = z.object({ width: z.int().positive(), height: z.int().positive() });

const facetSchema = z.object({
  index: z.object({ byteStart: z.int().nonnegative(), byteEnd: z.int().nonnegative() }),
  // Features are an open union; unknown ones are ignored by the mapper.
  features: z.array(
    z.looseObject({ $type: z.string().optional(), uri: z.string().optional(), tag: z.string().optional() }),
  ),
});

const strongRefSchema = z.object({ uri: z.string(), cid: z.string() });

/** An `app.bsky.feed.post` record as the AppView returns it inside a view. */
export const postRecordSchema = z.object({
  text: z.string(),
  createdAt: z.string(),
  facets: z.array(facetSchema).optional(),
  reply: z.object({ root: strongRefSchema, parent: strongRefSchema }).optional(),
  langs: z.array(z.string()).optional(),
  tags: z.array(z.string()).optional(),
});
export type PostRecord = z.infer<typeof postRecordSchema>;

const imagesViewSchema = z.object({
  $type: z.literal(EMBED.images),
  images: z.array(
    z.object({
      thumb: z.string(),
      fullsize: z.string(),
      alt: z.string().optional(),
      aspectRatio: aspectRatioSchema.optional(),
    }),
  ),
});

const videoViewSchema = z.object({
  $type: z.literal(EMBED.video),
  cid: z.string(),
  playlist: z.string(),
  thumbnail: z.string().optional(),
  alt: z.string().optional(),
  aspectRatio: aspectRatioSchema.optional(),
  presentation: z.string().optional(),
});

const externalViewSchema = z.object({
  $type: z.literal(EMBED.external),
  external: z.object({
    uri: z.string(),
    title: z.string(),
    description: z.string(),
    thumb: z.string().optional(),
  }),
});

// @NOTE app.bsky.embed.gallery is a 2026 addition; read leniently until older AppViews are gone.
const galleryViewSchema = z.object({
  $type: z.literal(EMBED.gallery),
  items: z.array(
    z.object({
      fullsize: z.string(),
      thumbnail: z.string().optional(),
      alt: z.string().optional(),
      aspectRatio: aspectRatioSchema.optional(),
    }),
  ),
});

const MEDIA_TYPES = [EMBED.images, EMBED.video, EMBED.external, EMBED.gallery];
const mediaViewSchema = openUnion(MEDIA_TYPES, [
  imagesViewSchema,
  videoViewSchema,
  externalViewSchema,
  galleryViewSchema,
]);
export type MediaView = z.infer<typeof mediaViewSchema>;

/** What a quoted post carries in `embeds`: its media; a quote inside the quote is not followed. */
const quotedEmbedSchema = openUnion(
  [...MEDIA_TYPES, EMBED.recordWithMedia],
  [
    imagesViewSchema,
    videoViewSchema,
    externalViewSchema,
    galleryViewSchema,
    z.object({ $type: z.literal(EMBED.recordWithMedia), media: mediaViewSchema }),
  ],
);
export type QuotedEmbed = z.infer<typeof quotedEmbedSchema>;

const counts = {
  replyCount: z.int().nonnegative().optional(),
  repostCount: z.int().nonnegative().optional(),
  likeCount: z.int().nonnegative().optional(),
  quoteCount: z.int().nonnegative().optional(),
};

const VIEW_RECORD = 'app.bsky.embed.record#viewRecord';
const viewRecordSchema = z.object({
  $type: z.literal(VIEW_RECORD),
  uri: z.string(),
  cid: z.string(),
  author: profileViewBasicSchema,
  // A quote may embed a list, a feed or a starter pack: only post records are read as posts.
  value: z.unknown(),
  embeds: z.array(quotedEmbedSchema).optional(),
  indexedAt: z.string(),
  ...counts,
});
export type ViewRecord = z.infer<typeof viewRecordSchema>;

const QUOTED = [VIEW_RECORD];
/** The quoted record: a post view, or anything else (not found, blocked, detached, a list, a feed). */
const quotedRecordSchema = openUnion(QUOTED, [viewRecordSchema]);

const recordViewSchema = z.object({ $type: z.literal(EMBED.record), record: quotedRecordSchema });

const recordWithMediaViewSchema = z.object({
  $type: z.literal(EMBED.recordWithMedia),
  record: z.object({ record: quotedRecordSchema }),
  media: mediaViewSchema,
});

export const embedViewSchema = openUnion(
  [...MEDIA_TYPES, EMBED.record, EMBED.recordWithMedia],
  [
    imagesViewSchema,
    videoViewSchema,
    externalViewSchema,
    galleryViewSchema,
    recordViewSchema,
    recordWithMediaViewSchema,
  ],
);
export type EmbedView = z.infer<typeof embedViewSchema>;

export const postViewSchema = z.object({
  uri: z.string().startsWith('at://'),
  cid: z.string(),
  author: profileViewBasicSchema,
  record: postRecordSchema,
  embed: embedViewSchema.optional(),
  indexedAt: z.string(),
  ...counts,
});
export type PostView = z.infer<typeof postViewSchema>;

/** A reply's root or parent: a post view, or a not-found / blocked stub. */
const replyTargetSchema = z.looseObject({
  uri: z.string().optional(),
  author: z.looseObject({ handle: z.string().optional() }).optional(),
});

const reasonSchema = openUnion(
  [REASON.repost, REASON.pin],
  [
    z.object({
      $type: z.literal(REASON.repost),
      by: profileViewBasicSchema,
      uri: z.string().optional(),
      indexedAt: z.string(),
    }),
    z.object({ $type: z.literal(REASON.pin) }),
  ],
);

export const feedViewPostSchema = z.object({
  post: postViewSchema,
  reply: z.object({ root: replyTargetSchema, parent: replyTargetSchema }).optional(),
  reason: reasonSchema.optional(),
});
export type FeedViewPost = z.infer<typeof feedViewPostSchema>;

export const authorFeedSchema = z.object({
  cursor: z.string().optional(),
  feed: z.array(feedViewPostSchema),
});

export const getPostsSchema = z.object({ posts: z.array(postViewSchema) });

export const sessionSchema = z.object({
  accessJwt: z.string().min(1),
  refreshJwt: z.string().min(1),
  handle: z.string(),
  did,
  didDoc: z.unknown().optional(),
  active: z.boolean().optional(),
  status: z.string().optional(),
});
export type Session = z.infer<typeof sessionSchema>;

export const resolveHandleSchema = z.object({ did });

export const didDocumentSchema = z.object({
  id: did,
  alsoKnownAs: z.array(z.string()).optional(),
  service: z
    .array(z.looseObject({ id: z.string(), type: z.string(), serviceEndpoint: z.unknown() }))
    .optional(),
});
export type DidDocument = z.infer<typeof didDocumentSchema>;

export const blobSchema = z.looseObject({
  $type: z.literal('blob'),
  ref: z.object({ $link: z.string() }),
  mimeType: z.string(),
  size: z.int().nonnegative(),
});

export const uploadBlobSchema = z.object({ blob: blobSchema });
export type Blob = z.infer<typeof blobSchema>;

export const createRecordSchema = z.object({ uri: z.string().startsWith('at://'), cid: z.string() });

/** The XRPC error body: `{ "error": "ExpiredToken", "message": "Token has expired" }`. */
export const xrpcErrorSchema = z.object({ error: z.string(), message: z.string().optional() });
