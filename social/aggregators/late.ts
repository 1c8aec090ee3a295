/**
 * The LATE client (getlate.dev, renamed Zernio: the same `/v1` paths answer at zernio.com/api, so the
 * base URL is config). Accounts come from `GET /v1/accounts`; `GET /v1/connect/{platform}` answers
 * JSON `{ authUrl, state }` for a profile (the caller's option, else the default one from
 * `GET /v1/profiles`). Publishing uploads each file to the presigned URL from `POST /v1/media/presign`
 * (PUT), creates the post with `POST /v1/posts` and `publishNow: true` (201 `{ post, message }`, whose
 * `post.platforms[]` often already carries the outcome), and reads it again with `GET /v1/posts/{id}`.
 * X is `twitter` on LATE.
 * @see https://docs.getlate.dev/core/posts
 */
import { z } from 'zod';
import type { SocialPlatform } from '../../core/platforms.js';
import type { HttpClient } from '../http.js';
import {
  apiBase,
  pollResult,
  type AggregatorAccount,
  type AggregatorClient,
  type AggregatorClientOptions,
  type AggregatorDeps,
  type AggregatorMedia,
  type AggregatorPublishRequest,
  type AggregatorResult,
} from './aggregator.js';
import { createAggregatorErrors, type AggregatorErrors } from './errors.js';

const LIST_ACCOUNTS = 'GET /v1/accounts';
const LIST_PROFILES = 'GET /v1/profiles';
const CONNECT = 'GET /v1/connect/:platform';
const PRESIGN = 'POST /v1/media/presign';
const UPLOAD_MEDIA = 'upload to the presigned media URL';
const CREATE_POST = 'POST /v1/posts';
const GET_POST = 'GET /v1/posts/:id';

export interface LateClientOptions extends AggregatorClientOptions {
  /** The LATE profile new connections join; default the account's default profile. */
  readonly profileId?: string;
}

/** LATE's platform names to Herald's. */
const FROM_LATE: Readonly<Record<string, SocialPlatform>> = {
  twitter: 'x',
  x: 'x',
  bluesky: 'bluesky',
  instagram: 'instagram',
  facebook: 'facebook',
  linkedin: 'linkedin',
  threads: 'threads',
  tiktok: 'tiktok',
  youtube: 'youtube',
  pinterest: 'pinterest',
  reddit: 'reddit',
};

/** Herald's platform names to LATE's; absent where LATE has none. */
const TO_LATE: Partial<Readonly<Record<SocialPlatform, string>>> = {
  x: 'twitter',
  bluesky: 'bluesky',
  instagram: 'instagram',
  facebook: 'facebook',
  linkedin: 'linkedin',
  threads: 'threads',
  tiktok: 'tiktok',
  youtube: 'youtube',
  pinterest: 'pinterest',
  reddit: 'reddit',
};

const EXTENSIONS: Readonly<Record<string, string>> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'video/webm': 'webm',
  'application/pdf': 'pdf',
};

/** A reference LATE sends either as an id or as the populated document. */
const refSchema = z.union([z.string(), z.object({ _id: z.string() })]);
type Ref = z.infer<typeof refSchema>;

const accountsSchema = z.object({
  accounts: z.array(
    z.object({
      _id: z.string().min(1),
      platform: z.string(),
      username: z.string().nullish(),
      displayName: z.string().nullish(),
      isActive: z.boolean().optional(),
      profileId: refSchema.nullish(),
    }),
  ),
});

const profilesSchema = z.object({
  profiles: z.array(z.object({ _id: z.string().min(1), isDefault: z.boolean().optional() })),
});

const connectSchema = z.object({ authUrl: z.url() });

const presignSchema = z.object({ uploadUrl: z.url(), publicUrl: z.url() });

const postSchema = z.object({
  _id: z.string().min(1),
  status: z.string().optional(),
  platforms: z
    .array(
      z.object({
        platform: z.string(),
        accountId: refSchema.nullish(),
        status: z.string().optional(),
        platformPostId: z.string().nullish(),
        platformPostUrl: z.string().nullish(),
        errorMessage: z.string().nullish(),
      }),
    )
    .default([]),
});
type LatePost = z.infer<typeof postSchema>;

const postEnvelopeSchema = z.object({ post: postSchema });

interface Context {
  readonly http: HttpClient;
  readonly base: string;
  readonly apiKey: string;
  readonly errors: AggregatorErrors;
  readonly profileId: string | undefined;
}

const refId = (ref: Ref | null | undefined): string | undefined =>
  typeof ref === 'string' ? ref : (ref?._id ?? undefined);

async function listAccounts(ctx: Context): Promise<AggregatorAccount[]> {
  const { data } = await ctx.http.request({
    url: `${ctx.base}/v1/accounts`,
    endpoint: LIST_ACCOUNTS,
    bearer: ctx.apiKey,
    schema: accountsSchema,
  });
  return data.accounts.flatMap((account) => {
    const platform = FROM_LATE[account.platform.trim().toLowerCase()];
    // isActive is false once LATE lost the account's tokens: it cannot publish until reconnected.
    if (!platform || account.isActive === false) return [];
    return [
      {
        id: account._id,
        platform,
        username: account.username ?? account.displayName ?? account._id,
        displayName: account.displayName ?? undefined,
        profileId: refId(account.profileId),
      },
    ];
  });
}

async function defaultProfileId(ctx: Context): Promise<string> {
  const { data } = await ctx.http.request({
    url: `${ctx.base}/v1/profiles`,
    endpoint: LIST_PROFILES,
    bearer: ctx.apiKey,
    schema: profilesSchema,
  });
  const profile = data.profiles.find((candidate) => candidate.isDefault) ?? data.profiles[0];
  if (!profile) {
    throw ctx.errors.badRequest(
      LIST_PROFILES,
      'the LATE account has no profile',
      'Create a profile in LATE first.',
    );
  }
  return profile._id;
}

async function authUrl(ctx: Context, platform: SocialPlatform, redirectUrl: string): Promise<string> {
  const name = TO_LATE[platform];
  if (!name) throw ctx.errors.badRequest(CONNECT, `LATE cannot connect ${platform} accounts`);
  const profileId = ctx.profileId ?? (await defaultProfileId(ctx));
  const { data } = await ctx.http.request({
    url: `${ctx.base}/v1/connect/${encodeURIComponent(name)}`,
    endpoint: CONNECT,
    bearer: ctx.apiKey,
    query: { profileId, redirect_url: redirectUrl },
    schema: connectSchema,
  });
  return data.authUrl;
}

function mediaType(mimeType: string): 'image' | 'video' | 'gif' | 'document' {
  const type = mimeType.toLowerCase();
  if (type === 'image/gif') return 'gif';
  if (type.startsWith('video/')) return 'video';
  if (type === 'application/pdf') return 'document';
  return 'image';
}

async function uploadMedia(ctx: Context, media: AggregatorMedia, index: number): Promise<string> {
  const filename =
    media.fileName ?? `media-${index + 1}.${EXTENSIONS[media.mimeType.toLowerCase()] ?? 'bin'}`;
  const { data: target } = await ctx.http.request({
    method: 'POST',
    url: `${ctx.base}/v1/media/presign`,
    endpoint: PRESIGN,
    bearer: ctx.apiKey,
    json: {
      filename,
      contentType: media.mimeType,
      ...(media.data.byteLength > 0 ? { size: media.data.byteLength } : {}),
    },
    schema: presignSchema,
  });
  // The presigned URL is a storage host named in an answer: no API key goes there, and the SSRF guard applies.
  await ctx.http.request({
    method: 'PUT',
    url: target.uploadUrl,
    endpoint: UPLOAD_MEDIA,
    bytes: { data: media.data, contentType: media.mimeType },
    responseType: 'text',
    untrusted: true,
  });
  return target.publicUrl;
}

/** The outcome on one account, from the post's per-platform targets. */
function toResult(post: LatePost, accountId: string): AggregatorResult {
  const target = post.platforms.find((candidate) => refId(candidate.accountId) === accountId);
  if (!target) {
    return post.status === 'failed'
      ? { state: 'failed', error: 'LATE marked the post failed without a reason for this account' }
      : { state: 'pending' };
  }
  if (target.status === 'published') {
    return {
      state: 'published',
      platformPostId: target.platformPostId ?? undefined,
      url: target.platformPostUrl ?? '',
    };
  }
  if (target.status === 'failed') {
    return { state: 'failed', error: target.errorMessage || 'LATE reported a failure without a reason' };
  }
  return { state: 'pending' };
}

async function fetchPost(ctx: Context, postId: string): Promise<LatePost> {
  const { data } = await ctx.http.request({
    url: `${ctx.base}/v1/posts/${encodeURIComponent(postId)}`,
    endpoint: GET_POST,
    bearer: ctx.apiKey,
    schema: postEnvelopeSchema,
  });
  return data.post;
}

async function createPost(
  ctx: Context,
  request: AggregatorPublishRequest,
  platform: string,
  media: ReadonlyArray<{ type: string; url: string }>,
): Promise<LatePost> {
  const { data } = await ctx.http.request({
    method: 'POST',
    url: `${ctx.base}/v1/posts`,
    endpoint: CREATE_POST,
    bearer: ctx.apiKey,
    json: {
      content: request.text,
      ...(media.length > 0 ? { mediaItems: media } : {}),
      platforms: [{ platform, accountId: request.account.id }],
      publishNow: true,
    },
    schema: postEnvelopeSchema,
  });
  return data.post;
}

export function createLateClient(deps: AggregatorDeps, options: LateClientOptions = {}): AggregatorClient {
  const errors = createAggregatorErrors('late', deps.apiKey);
  const ctx: Context = {
    http: deps.http,
    base: apiBase(deps.apiUrl),
    apiKey: deps.apiKey,
    errors,
    profileId: options.profileId,
  };

  return {
    id: 'late',
    displayName: 'LATE',

    listAccounts: () => errors.guard(LIST_ACCOUNTS, () => listAccounts(ctx)),

    authUrl: (platform, redirectUrl) => errors.guard(CONNECT, () => authUrl(ctx, platform, redirectUrl)),

    publish: (request) =>
      errors.guard(CREATE_POST, async () => {
        // Checked before any upload, so that nothing is left behind for a post that cannot be made.
        const platform = TO_LATE[request.account.platform];
        if (!platform)
          throw errors.badRequest(CREATE_POST, `LATE cannot publish to ${request.account.platform}`);
        const media: Array<{ type: string; url: string }> = [];
        for (const [index, item] of request.media.entries()) {
          media.push({ type: mediaType(item.mimeType), url: await uploadMedia(ctx, item, index) });
        }
        const post = await createPost(ctx, request, platform, media);
        const first = toResult(post, request.account.id);
        const result =
          first.state === 'pending'
            ? await pollResult(
                async () => toResult(await fetchPost(ctx, post._id), request.account.id),
                options,
              )
            : first;
        return { postId: post._id, result };
      }),

    result: (postId, account) =>
      errors.guard(GET_POST, async () => toResult(await fetchPost(ctx, postId), account.id)),

    classifyError: (err: unknown) => errors.classify(err),
  };
}
