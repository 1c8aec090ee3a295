/**
 * The public API's shapes, once: handlers parse requests and build responses with these zod schemas,
 * and the OpenAPI document is generated from the same objects. They follow the public API Herald
 * was specified from (integrations, posts with `type`/`date`/`tags`/`posts[].value[]`), so a client
 * written for it only changes its base URL.
 */
import { z } from 'zod';

export const ErrorBody = z.object({
  msg: z.string().meta({ description: 'What went wrong and what to do about it' }),
  errors: z
    .array(
      z.object({
        integration: z.string().meta({ description: 'The integration id the problem is about' }),
        msg: z.string(),
      }),
    )
    .optional()
    .meta({ description: 'One entry per integration that cannot take its post' }),
});

export const Integration = z.object({
  id: z.string().meta({ description: 'Stable while the account stays linked; use it in posts' }),
  name: z.string(),
  identifier: z.string().meta({ description: 'The platform: x, bluesky, mastodon, …' }),
  picture: z.string().nullable(),
  disabled: z.boolean().meta({ description: 'True while the account needs reconnecting or is paused' }),
  profile: z.string().meta({ description: 'The handle on the platform' }),
  customer: z.object({ id: z.string(), name: z.string() }).optional(),
});

export const IntegrationList = z.array(Integration);

const Image = z.object({
  id: z.string().optional(),
  path: z.url({ protocol: /^https?$/ }).meta({ description: 'A public http(s) URL Herald downloads once' }),
});

const ValueItem = z.object({
  content: z.string().trim().min(1, { error: 'is empty' }).max(25_000),
  id: z.string().optional(),
  image: z.array(Image).max(4, { error: 'takes at most 4 images' }).default([]),
});

const Tag = z.union([
  z.string().min(1).max(80),
  z.object({ value: z.string().min(1).max(80), label: z.string() }),
]);

export const CreatePostBody = z.object({
  type: z.enum(['now', 'schedule', 'draft'], { error: 'must be now, schedule or draft' }),
  date: z.iso
    .datetime({
      offset: true,
      error: 'must be an ISO 8601 time with its offset, e.g. 2026-12-31T12:00:00Z',
    })
    .optional(),
  shortLink: z
    .boolean()
    .optional()
    .meta({ description: 'Accepted for compatibility; links are kept as typed' }),
  tags: z.array(Tag).max(10).default([]),
  posts: z
    .array(
      z.object({
        integration: z.object({ id: z.string().min(1) }),
        value: z
          .array(ValueItem)
          .min(1, { error: 'needs at least one item' })
          .max(25)
          .meta({ description: 'One item is a post; several are a thread, in order' }),
        settings: z.record(z.string(), z.unknown()).optional(),
      }),
    )
    .min(1, { error: 'needs at least one integration' })
    .max(20),
});

export type CreatePostInput = z.output<typeof CreatePostBody>;

export const CreatedPosts = z.array(z.object({ postId: z.string(), integration: z.string() }));

export const POST_STATES = ['DRAFT', 'QUEUE', 'PUBLISHING', 'PUBLISHED', 'ERROR', 'CANCELLED'] as const;

export const PostEntry = z.object({
  id: z
    .string()
    .meta({ description: 'The post; shared by its entries when it went to several integrations' }),
  group: z.string(),
  content: z.string(),
  value: z.array(z.object({ content: z.string() })),
  publishDate: z.string().nullable().meta({ description: 'When it is (or was) due, ISO 8601' }),
  state: z.enum(POST_STATES),
  releaseURL: z.string().nullable().meta({ description: 'The link on the platform once published' }),
  error: z.string().nullable(),
  tags: z.array(z.string()),
  integration: z.object({
    id: z.string().nullable(),
    name: z.string(),
    identifier: z.string(),
    picture: z.string().nullable(),
  }),
});

export const PostList = z.object({ posts: z.array(PostEntry) });

export const ListPostsQuery = z.object({
  startDate: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time' }).optional(),
  endDate: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time' }).optional(),
  status: z
    .string()
    .transform((value) => value.toUpperCase())
    .pipe(z.enum(POST_STATES, { error: `must be one of ${POST_STATES.join(', ')}` }))
    .optional(),
  integration: z.string().optional(),
});

export const CancelledPost = z.object({ id: z.string(), state: z.literal('CANCELLED') });
