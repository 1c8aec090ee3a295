/**
 * The X API v2 payloads Herald reads, as zod schemas. Fields the docs mark optional stay optional, and
 * unknown fields are dropped rather than rejected, so X adding a field never breaks a poll.
 * @see https://docs.x.com/x-api/fundamentals/data-dictionary
 */
import { z } from 'zod';

const id = z.string().min(1);
const count = z.number().int().nonnegative();

const urlEntitySchema = z.object({
  url: z.string(),
  expanded_url: z.string().optional(),
  display_url: z.string().optional(),
  unwound_url: z.string().optional(),
  media_key: z.string().optional(),
});

const entitiesSchema = z.object({
  urls: z.array(urlEntitySchema).optional(),
  hashtags: z.array(z.object({ tag: z.string() })).optional(),
  mentions: z.array(z.object({ username: z.string(), id: z.string().optional() })).optional(),
});

const publicMetricsSchema = z.object({
  retweet_count: count.optional(),
  reply_count: count.optional(),
  like_count: count.optional(),
  quote_count: count.optional(),
  bookmark_count: count.optional(),
  impression_count: count.optional(),
});

export const tweetSchema = z.object({
  id,
  text: z.string(),
  created_at: z.string().optional(),
  author_id: z.string().optional(),
  conversation_id: z.string().optional(),
  in_reply_to_user_id: z.string().optional(),
  lang: z.string().optional(),
  possibly_sensitive: z.boolean().optional(),
  edit_history_tweet_ids: z.array(z.string()).optional(),
  // `type` is retweeted | quoted | replied_to today; other values are ignored, not rejected.
  referenced_tweets: z.array(z.object({ type: z.string(), id })).optional(),
  attachments: z.object({ media_keys: z.array(z.string()).optional() }).optional(),
  entities: entitiesSchema.optional(),
  public_metrics: publicMetricsSchema.optional(),
  /** The full text of a post longer than 280 characters; `text` is then truncated. */
  note_tweet: z.object({ text: z.string(), entities: entitiesSchema.optional() }).optional(),
});

export const userSchema = z.object({
  id,
  name: z.string(),
  username: z.string().min(1),
  profile_image_url: z.string().optional(),
});

export const mediaSchema = z.object({
  media_key: z.string(),
  type: z.string(),
  url: z.string().optional(),
  preview_image_url: z.string().optional(),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
  alt_text: z.string().optional(),
  duration_ms: z.number().nonnegative().optional(),
  variants: z
    .array(z.object({ bit_rate: z.number().optional(), content_type: z.string(), url: z.string() }))
    .optional(),
});

/** An RFC 7807 problem, as X sends in `errors[]` (partial errors) and as whole error bodies. */
export const problemSchema = z.object({
  title: z.string().optional(),
  detail: z.string().optional(),
  type: z.string().optional(),
  status: z.number().optional(),
  resource_type: z.string().optional(),
  resource_id: z.string().optional(),
  // OAuth token endpoint errors use these instead.
  error: z.string().optional(),
  error_description: z.string().optional(),
});

export const includesSchema = z.object({
  users: z.array(userSchema).optional(),
  media: z.array(mediaSchema).optional(),
  tweets: z.array(tweetSchema).optional(),
});

/** `GET /2/users/:id/tweets` and `GET /2/tweets`: data may be absent (no posts, or only errors). */
export const tweetsResponseSchema = z.object({
  data: z.array(tweetSchema).optional(),
  includes: includesSchema.optional(),
  meta: z
    .object({
      result_count: z.number().optional(),
      newest_id: z.string().optional(),
      oldest_id: z.string().optional(),
      next_token: z.string().optional(),
    })
    .optional(),
  errors: z.array(problemSchema).optional(),
});

export const meResponseSchema = z.object({ data: userSchema });

/** `POST /2/oauth2/token`; `refresh_token` only when `offline.access` was granted. */
export const tokenResponseSchema = z.object({
  token_type: z.string(),
  access_token: z.string().min(1),
  expires_in: z.number().positive().optional(),
  scope: z.string().optional(),
  refresh_token: z.string().min(1).optional(),
});

export const revokeResponseSchema = z.object({ revoked: z.boolean() });

export const createTweetResponseSchema = z.object({ data: z.object({ id, text: z.string() }) });

export const processingInfoSchema = z.object({
  state: z.enum(['pending', 'in_progress', 'succeeded', 'failed']),
  check_after_secs: z.number().nonnegative().optional(),
  progress_percent: z.number().optional(),
  error: z.object({ name: z.string().optional(), message: z.string().optional() }).optional(),
});

/** Initialize, finalize, one-shot upload and STATUS all answer with this envelope. */
export const mediaUploadResponseSchema = z.object({
  data: z.object({
    id,
    media_key: z.string().optional(),
    size: z.number().optional(),
    expires_after_secs: z.number().optional(),
    processing_info: processingInfoSchema.optional(),
  }),
});

export type XTweet = z.infer<typeof tweetSchema>;
export type XUser = z.infer<typeof userSchema>;
export type XMedia = z.infer<typeof mediaSchema>;
export type XIncludes = z.infer<typeof includesSchema>;
export type XTweetsResponse = z.infer<typeof tweetsResponseSchema>;
export type XProblem = z.infer<typeof problemSchema>;
export type XProcessingInfo = z.infer<typeof processingInfoSchema>;
export type XPublicMetrics = NonNullable<XTweet['public_metrics']>;
