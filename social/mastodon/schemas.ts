/**
 * The Mastodon payloads Herald reads, as zod schemas. Documented optional fields are optional, fields
 * Herald does not use are left out, and every object is loose so that what a newer server adds (or a
 * fork such as Pleroma or GoToSocial sends) never fails a poll.
 * @see https://docs.joinmastodon.org/entities/Status/
 */
import { z } from 'zod';

const id = z.union([z.string(), z.number()]).transform(String);
const count = z.number().int().nonnegative();
const nullableString = z.string().nullish();

export const accountSchema = z.looseObject({
  id,
  username: z.string(),
  /** `username` for local accounts, `username@domain` for remote ones. */
  acct: z.string(),
  display_name: z.string().nullish(),
  url: nullableString,
  avatar: nullableString,
  avatar_static: nullableString,
  bot: z.boolean().nullish(),
});
export type MastodonAccount = z.infer<typeof accountSchema>;

const mediaDimensions = z.looseObject({
  width: z.number().nullish(),
  height: z.number().nullish(),
  duration: z.number().nullish(),
});

export const mediaAttachmentSchema = z.looseObject({
  id,
  /** image | gifv | video | audio | unknown, and whatever a future server adds. */
  type: z.string(),
  /** Null while the server is still processing the file (a 202 upload). */
  url: nullableString,
  preview_url: nullableString,
  remote_url: nullableString,
  description: nullableString,
  meta: mediaDimensions
    .extend({ original: mediaDimensions.nullish(), small: mediaDimensions.nullish() })
    .nullish(),
});
export type MastodonMediaAttachment = z.infer<typeof mediaAttachmentSchema>;

const mentionSchema = z.looseObject({ id, username: z.string(), acct: z.string(), url: nullableString });
const tagSchema = z.looseObject({ name: z.string() });

const statusFields = {
  id,
  uri: z.string(),
  url: nullableString,
  created_at: z.string(),
  account: accountSchema,
  /** HTML. Absent only on the redraft copy a delete returns, which carries `text` instead. */
  content: z.string().optional(),
  text: nullableString,
  spoiler_text: nullableString,
  visibility: nullableString,
  language: nullableString,
  in_reply_to_id: id.nullish(),
  in_reply_to_account_id: id.nullish(),
  media_attachments: z.array(mediaAttachmentSchema).nullish(),
  mentions: z.array(mentionSchema).nullish(),
  tags: z.array(tagSchema).nullish(),
  replies_count: count.nullish(),
  reblogs_count: count.nullish(),
  favourites_count: count.nullish(),
  /** Mastodon 4.5+. */
  quotes_count: count.nullish(),
};

/** Quote (4.4+) carries the quoted status; ShallowQuote only its id, which is all a nested quote gets. */
const shallowQuoteSchema = z.looseObject({
  state: z.string(),
  quoted_status_id: id.nullish(),
  quoted_status: z.unknown().optional(),
});

/** A status as it appears inside another one (the boosted or the quoted status): one level deep. */
export const innerStatusSchema = z.looseObject({ ...statusFields, quote: shallowQuoteSchema.nullish() });
export type MastodonInnerStatus = z.infer<typeof innerStatusSchema>;

export const statusSchema = z.looseObject({
  ...statusFields,
  reblog: innerStatusSchema.nullish(),
  quote: z
    .looseObject({
      state: z.string(),
      quoted_status: innerStatusSchema.nullish(),
      quoted_status_id: id.nullish(),
    })
    .nullish(),
});
export type MastodonStatus = z.infer<typeof statusSchema>;

export const statusListSchema = z.array(statusSchema);

/** POST /api/v1/apps: a CredentialApplication. */
export const credentialApplicationSchema = z.looseObject({
  id: id.optional(),
  name: z.string().optional(),
  client_id: z.string().min(1),
  client_secret: z.string().min(1),
  scopes: z.union([z.array(z.string()), z.string()]).optional(),
  redirect_uris: z.array(z.string()).optional(),
  redirect_uri: z.string().optional(),
});

/** POST /oauth/token. Mastodon tokens never expire, so there is no `expires_in` or refresh token. */
export const tokenSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  scope: z.string().optional(),
  created_at: z.number().optional(),
});

/** POST /api/v2/media (200 or 202) and GET /api/v1/media/:id. */
export const uploadedMediaSchema = z.looseObject({ id, type: z.string().optional(), url: nullableString });

/** The status POST /api/v1/statuses returns, reduced to what a PublishedRef needs. */
export const createdStatusSchema = z.looseObject({ id, uri: z.string(), url: nullableString });

const positiveInt = z.number().int().positive();

const configurationSchema = z.looseObject({
  statuses: z
    .looseObject({
      max_characters: positiveInt.nullish(),
      max_media_attachments: positiveInt.nullish(),
      characters_reserved_per_url: positiveInt.nullish(),
    })
    .nullish(),
  media_attachments: z
    .looseObject({
      supported_mime_types: z.array(z.string()).nullish(),
      image_size_limit: positiveInt.nullish(),
      video_size_limit: positiveInt.nullish(),
      /** Mastodon 4.4+. */
      description_limit: positiveInt.nullish(),
    })
    .nullish(),
});

/** GET /api/v2/instance, and the `configuration` part of GET /api/v1/instance (3.4+). */
export const instanceSchema = z.looseObject({ configuration: configurationSchema.nullish() });
export type MastodonInstance = z.infer<typeof instanceSchema>;
