/**
 * The normalized post: every provider maps its platform's payload to a `SocialPost`, and filters and
 * embeds see only this type (DESIGN.md, "The normalized post").
 */
import { z } from 'zod';
import { SOCIAL_PLATFORMS } from './platforms.js';

/** What a post is relative to others; `repost` and `quote` carry the `original` they share. */
export const SOCIAL_POST_KINDS = ['post', 'repost', 'reply', 'quote'] as const;
export type SocialPostKind = (typeof SOCIAL_POST_KINDS)[number];

/** Media kinds an embed knows how to show. */
export const MEDIA_TYPES = ['image', 'video', 'gif', 'audio'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

// Only http(s): these URLs end up as links in chat, where `javascript:` or `file:` must never appear.
// Any host is accepted (a self-hosted feed or instance may live on an IP or a single-label name).
const webUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

const count = z.int().nonnegative();

const nonEmpty = z.string().trim().min(1);

// Platforms disagree on case and on whether the '#' is part of the tag; filters compare one form.
const hashtag = z
  .string()
  .transform((tag) =>
    tag
      .trim()
      .replace(/^[#＃]+/u, '')
      .normalize('NFC')
      .toLowerCase(),
  )
  .pipe(z.string().regex(/^[^\s#＃]+$/u, { error: 'must be a single hashtag without spaces' }));

const authorSchema = z.object({
  id: nonEmpty,
  displayName: z.string(),
  handle: nonEmpty,
  avatarUrl: webUrl.optional(),
  profileUrl: webUrl.optional(),
});

const mediaSchema = z.object({
  type: z.enum(MEDIA_TYPES),
  url: webUrl,
  previewUrl: webUrl.optional(),
  altText: z.string().optional(),
  width: z.int().positive().optional(),
  height: z.int().positive().optional(),
  sizeBytes: count.optional(),
  durationSeconds: z.number().nonnegative().optional(),
});

// No defaults on purpose: a platform that does not report a metric leaves it absent, never 0.
const metricsSchema = z.object({
  likes: count.optional(),
  reposts: count.optional(),
  replies: count.optional(),
  quotes: count.optional(),
  views: count.optional(),
});

const inReplyToSchema = z.object({
  platformId: nonEmpty,
  permalink: webUrl.optional(),
  authorHandle: nonEmpty.optional(),
});

// BCP-47-ish: a 2-3 letter language, then optional subtags (script, region, variant): en, pt-BR, zh-Hant.
const language = z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, { error: 'must be a BCP-47 tag' });

/** A post without `original`: the shape of an original itself, so nesting stops at one level. */
const basePostSchema = z.object({
  platform: z.enum(SOCIAL_PLATFORMS),
  platformId: nonEmpty,
  permalink: webUrl,
  author: authorSchema,
  text: z.string(),
  createdAt: z.iso.datetime({ offset: true }),
  kind: z.enum(SOCIAL_POST_KINDS),
  inReplyTo: inReplyToSchema.optional(),
  hashtags: z.array(hashtag).transform((tags) => [...new Set(tags)]),
  links: z.array(webUrl),
  media: z.array(mediaSchema),
  metrics: metricsSchema,
  language: language.optional(),
});

const KINDS_WITH_ORIGINAL: ReadonlySet<SocialPostKind> = new Set(['repost', 'quote']);

/**
 * The normalized post. `original` is required for reposts and quotes and forbidden otherwise; an
 * original that is itself a quote keeps no `original` of its own (embeds show one level).
 */
export const socialPostSchema = basePostSchema
  .extend({ original: basePostSchema.optional() })
  .check((ctx) => {
    const post = ctx.value;
    const needsOriginal = KINDS_WITH_ORIGINAL.has(post.kind);
    if (needsOriginal && post.original === undefined) {
      ctx.issues.push({
        code: 'custom',
        input: post.original,
        path: ['original'],
        message: `a ${post.kind} must carry the original post`,
      });
    } else if (!needsOriginal && post.original !== undefined) {
      ctx.issues.push({
        code: 'custom',
        input: post.original,
        path: ['original'],
        message: `a ${post.kind} has no original post; use kind "repost" or "quote"`,
      });
    } else if (post.original !== undefined && post.original.platform !== post.platform) {
      ctx.issues.push({
        code: 'custom',
        input: post.original.platform,
        path: ['original', 'platform'],
        message: `the original of a ${post.platform} post must be on ${post.platform} too`,
      });
    }
  });

export type SocialPost = z.infer<typeof socialPostSchema>;
/** A post as a provider may hand it in, before hashtags are normalized. */
export type SocialPostInput = z.input<typeof socialPostSchema>;
export type SocialPostAuthor = SocialPost['author'];
export type SocialPostMedia = SocialPost['media'][number];
export type SocialPostMetrics = SocialPost['metrics'];

/** Parse an untrusted payload into a SocialPost; a bad shape is an expected outcome, so this never throws. */
export function parseSocialPost(input: unknown): z.ZodSafeParseResult<SocialPost> {
  return socialPostSchema.safeParse(input);
}

/**
 * likes + reposts + replies + quotes, counting only the metrics the platform reported; `undefined`
 * when it reported none of them, so a filter can tell "unknown" from 0. Views are reach, not engagement.
 */
export function engagementTotal(metrics: SocialPostMetrics): number | undefined {
  const known = [metrics.likes, metrics.reposts, metrics.replies, metrics.quotes].filter(
    (value): value is number => value !== undefined,
  );
  return known.length === 0 ? undefined : known.reduce((sum, value) => sum + value, 0);
}
