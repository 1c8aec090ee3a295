/**
 * The PostForMe client (api.postforme.dev, open source: DayMoonDevelopment/post-for-me, a NestJS API).
 * Accounts come from `GET /v1/social-accounts`, offset-paginated (`limit` ≤ 100) with `meta.next`
 * (newer servers also give `meta.next_cursor`); `POST /v1/social-accounts/auth-url` gives the connect
 * page. Publishing uploads each file to the signed URL from `POST /v1/media/create-upload-url` (PUT,
 * or a presigned POST on servers that say `upload_method: "POST"`), creates the post with
 * `POST /v1/social-posts` (no `scheduled_at`: now), and reads the per-account outcome from
 * `GET /v1/social-post-results`, which has no entry until the post was processed.
 * @see https://api.postforme.dev/docs
 */
import { FormData } from 'undici';
import { z } from 'zod';
import type { SocialPlatform } from '../../core/platforms.js';
import type { HttpClient } from '../http.js';
import {
  apiBase,
  describeFailure,
  pollResult,
  type AggregatorAccount,
  type AggregatorClient,
  type AggregatorClientOptions,
  type AggregatorDeps,
  type AggregatorMedia,
  type AggregatorResult,
} from './aggregator.js';
import { createAggregatorErrors, type AggregatorErrors } from './errors.js';

const LIST_ACCOUNTS = 'GET /v1/social-accounts';
const AUTH_URL = 'POST /v1/social-accounts/auth-url';
const CREATE_UPLOAD_URL = 'POST /v1/media/create-upload-url';
const UPLOAD_MEDIA = 'upload to the signed media URL';
const CREATE_POST = 'POST /v1/social-posts';
const POST_RESULTS = 'GET /v1/social-post-results';

const PAGE_SIZE = 100;
/** 20 pages of 100: far more accounts than one Herald install links, and a bound on a looping `next`. */
const MAX_PAGES = 20;

/** PostForMe's platform names to Herald's. `twitter` is the older name of `x`. */
const FROM_POSTFORME: Readonly<Record<string, SocialPlatform>> = {
  x: 'x',
  twitter: 'x',
  bluesky: 'bluesky',
  instagram: 'instagram',
  facebook: 'facebook',
  linkedin: 'linkedin',
  threads: 'threads',
  tiktok: 'tiktok',
  tiktok_business: 'tiktok',
  youtube: 'youtube',
  pinterest: 'pinterest',
};

/** Herald's platform names to the one PostForMe's auth-url takes; absent where PostForMe has none. */
const TO_POSTFORME: Partial<Readonly<Record<SocialPlatform, string>>> = {
  x: 'x',
  bluesky: 'bluesky',
  instagram: 'instagram',
  facebook: 'facebook',
  linkedin: 'linkedin',
  threads: 'threads',
  tiktok: 'tiktok',
  youtube: 'youtube',
  pinterest: 'pinterest',
};

// The account DTO also carries the account's access and refresh tokens: they are left out here, so
// they are dropped at the edge and never held by Herald.
const socialAccountSchema = z.object({
  id: z.string().min(1),
  platform: z.string(),
  username: z.string().nullish(),
  user_id: z.string().nullish(),
  status: z.string().nullish(),
});

const pageMetaSchema = z.object({
  total: z.number().optional(),
  offset: z.number().optional(),
  limit: z.number().optional(),
  next: z.string().nullish(),
  next_cursor: z.string().nullish(),
});

const accountsPageSchema = z.object({ data: z.array(socialAccountSchema), meta: pageMetaSchema });

const authUrlSchema = z.object({ url: z.url() });

const uploadUrlSchema = z.object({
  upload_url: z.url(),
  media_url: z.url(),
  upload_method: z.enum(['PUT', 'POST']).optional(),
  upload_fields: z.record(z.string(), z.string()).nullish(),
});

const socialPostSchema = z.object({ id: z.string().min(1), status: z.string().optional() });

const postResultSchema = z.object({
  id: z.string(),
  social_account_id: z.string(),
  post_id: z.string(),
  /** Set for the replies of a thread; the root post's result has none. */
  chain_item_id: z.string().nullish(),
  success: z.boolean(),
  error: z.unknown().optional(),
  platform_data: z.object({ id: z.string().nullish(), url: z.string().nullish() }).nullish(),
});

const resultsPageSchema = z.object({ data: z.array(postResultSchema), meta: pageMetaSchema.optional() });

type PostResult = z.infer<typeof postResultSchema>;

interface Context {
  readonly http: HttpClient;
  readonly base: string;
  readonly apiKey: string;
  readonly errors: AggregatorErrors;
}

function toAccount(account: z.infer<typeof socialAccountSchema>): AggregatorAccount | undefined {
  const platform = FROM_POSTFORME[account.platform.trim().toLowerCase()];
  if (!platform || account.status === 'disconnected') return undefined;
  return { id: account.id, platform, username: account.username ?? account.user_id ?? account.id };
}

type PagePosition = { readonly offset: number } | { readonly cursor: string };

async function accountsPage(ctx: Context, position: PagePosition) {
  const { data } = await ctx.http.request({
    url: `${ctx.base}/v1/social-accounts`,
    endpoint: LIST_ACCOUNTS,
    bearer: ctx.apiKey,
    query: { limit: PAGE_SIZE, ...position },
    schema: accountsPageSchema,
  });
  return data;
}

async function listAccounts(ctx: Context): Promise<AggregatorAccount[]> {
  const accounts: AggregatorAccount[] = [];
  let position: PagePosition = { offset: 0 };
  for (let page = 0; page < MAX_PAGES; page++) {
    const { data, meta } = await accountsPage(ctx, position);
    for (const account of data) {
      const mapped = toAccount(account);
      if (mapped) accounts.push(mapped);
    }
    // `meta.next` is a full URL built from the server's view of its own host; only its presence is used.
    if (meta.next_cursor) position = { cursor: meta.next_cursor };
    else if (meta.next && data.length > 0 && 'offset' in position)
      position = { offset: (meta.offset ?? position.offset) + data.length };
    else return accounts;
  }
  return accounts;
}

async function authUrl(ctx: Context, platform: SocialPlatform): Promise<string> {
  const name = TO_POSTFORME[platform];
  if (!name) throw ctx.errors.badRequest(AUTH_URL, `PostForMe cannot connect ${platform} accounts`);
  // `redirect_url_override` is not sent: it replaces the OAuth callback registered with the platform
  // (PostForMe's own, which finishes the sign-in), not the page the user lands on afterwards. That page
  // is the project's redirect URL, set in PostForMe's dashboard.
  const { data } = await ctx.http.request({
    method: 'POST',
    url: `${ctx.base}/v1/social-accounts/auth-url`,
    endpoint: AUTH_URL,
    bearer: ctx.apiKey,
    json: { platform: name },
    schema: authUrlSchema,
  });
  return data.url;
}

async function uploadMedia(ctx: Context, media: AggregatorMedia, index: number): Promise<string> {
  // Older servers take no body; newer ones require `mime_type`. Unknown fields are ignored by both.
  const { data: target } = await ctx.http.request({
    method: 'POST',
    url: `${ctx.base}/v1/media/create-upload-url`,
    endpoint: CREATE_UPLOAD_URL,
    bearer: ctx.apiKey,
    json: {
      mime_type: media.mimeType,
      content_type: media.mimeType,
      ...(media.data.byteLength > 0 ? { size_bytes: media.data.byteLength } : {}),
    },
    schema: uploadUrlSchema,
  });
  // The signed URL is a storage host named in an answer: no API key goes there, and the SSRF guard applies.
  if (target.upload_method === 'POST') {
    const form = new FormData();
    for (const [field, value] of Object.entries(target.upload_fields ?? {})) form.append(field, value);
    const name = media.fileName ?? `media-${index + 1}`;
    form.append('file', new Blob([Buffer.from(media.data)], { type: media.mimeType }), name);
    await ctx.http.request({
      method: 'POST',
      url: target.upload_url,
      endpoint: UPLOAD_MEDIA,
      multipart: form,
      responseType: 'text',
      untrusted: true,
    });
  } else {
    await ctx.http.request({
      method: 'PUT',
      url: target.upload_url,
      endpoint: UPLOAD_MEDIA,
      bytes: { data: media.data, contentType: media.mimeType },
      responseType: 'text',
      untrusted: true,
    });
  }
  return target.media_url;
}

function toResult(result: PostResult): AggregatorResult {
  if (!result.success) {
    return {
      state: 'failed',
      error: describeFailure(result.error, 'PostForMe reported a failure without a reason'),
    };
  }
  return {
    state: 'published',
    platformPostId: result.platform_data?.id ?? undefined,
    url: result.platform_data?.url ?? '',
  };
}

async function fetchResult(ctx: Context, postId: string, accountId: string): Promise<AggregatorResult> {
  const { data } = await ctx.http.request({
    url: `${ctx.base}/v1/social-post-results`,
    endpoint: POST_RESULTS,
    bearer: ctx.apiKey,
    query: { post_id: postId, social_account_id: accountId, limit: PAGE_SIZE },
    schema: resultsPageSchema,
  });
  const mine = data.data.filter(
    (result) => result.social_account_id === accountId && result.post_id === postId && !result.chain_item_id,
  );
  // A post retried at PostForMe may hold several results: any success means it is out.
  const chosen = mine.find((result) => result.success) ?? mine.at(-1);
  return chosen ? toResult(chosen) : { state: 'pending' };
}

export function createPostForMeClient(
  deps: AggregatorDeps,
  options: AggregatorClientOptions = {},
): AggregatorClient {
  const errors = createAggregatorErrors('postforme', deps.apiKey);
  const ctx: Context = { http: deps.http, base: apiBase(deps.apiUrl), apiKey: deps.apiKey, errors };

  return {
    id: 'postforme',
    displayName: 'PostForMe',

    listAccounts: () => errors.guard(LIST_ACCOUNTS, () => listAccounts(ctx)),

    authUrl: (platform: SocialPlatform, _redirectUrl: string) =>
      errors.guard(AUTH_URL, () => authUrl(ctx, platform)),

    publish: (request) =>
      errors.guard(CREATE_POST, async () => {
        const mediaUrls: string[] = [];
        for (const [index, media] of request.media.entries()) {
          mediaUrls.push(await uploadMedia(ctx, media, index));
        }
        const { data: post } = await ctx.http.request({
          method: 'POST',
          url: `${ctx.base}/v1/social-posts`,
          endpoint: CREATE_POST,
          bearer: ctx.apiKey,
          json: {
            caption: request.text,
            social_accounts: [request.account.id],
            ...(mediaUrls.length > 0 ? { media: mediaUrls.map((url) => ({ url })) } : {}),
          },
          schema: socialPostSchema,
        });
        const result = await pollResult(() => fetchResult(ctx, post.id, request.account.id), options);
        return { postId: post.id, result };
      }),

    result: (postId, account) => errors.guard(POST_RESULTS, () => fetchResult(ctx, postId, account.id)),

    classifyError: (err: unknown) => errors.classify(err),
  };
}
