/**
 * A loopback PostForMe API, written from its NestJS source (DayMoonDevelopment/post-for-me, `api/src`)
 * and its Stainless SDK: social accounts with offset pagination (`limit` 1–100, default 50;
 * `{ data, meta: { total, offset, limit, next } }`), the auth-url endpoint, media upload URLs on this
 * same server (a Supabase-style signed PUT by default; `setUploadMethod('POST')` answers like newer
 * servers with a presigned POST and its fields), social posts, and per-account post results that
 * appear once a post is processed. Every `/v1` call needs `Authorization: Bearer <apiKey>`; errors use
 * NestJS bodies `{ statusCode, message, error? }`. Tests add accounts, decide each account's outcome
 * (success, failure with a reason, or pending for a number of result polls) and inject faults.
 */
import { randomBytes } from 'node:crypto';
import { startFakeServer, type FakeReply, type FakeServer, type RecordedRequest } from './fake-server.js';

type Json = Record<string, unknown>;

const POSTFORME_FAKE_KEY = 'pfm_live_5b1f2e7c9a0d4e63b8f1c2a7';

/** Platforms the fake's project has credentials for (PostForMe's own names). */
const PLATFORMS = [
  'x',
  'bluesky',
  'instagram',
  'facebook',
  'linkedin',
  'threads',
  'tiktok',
  'youtube',
  'pinterest',
];

/** What publishing to an account does: the result it gets, possibly after some polls. */
export type PostForMeOutcome =
  | { readonly kind: 'success' }
  | { readonly kind: 'failure'; readonly error: unknown }
  /** No result for the next `polls` reads of the results, then `then` (default success). */
  | { readonly kind: 'pending'; readonly polls: number; readonly then?: PostForMeOutcome };

export interface PostForMeFaultOptions {
  /** Only requests whose path starts with this (or matches it); default every path. */
  readonly path?: string | RegExp;
  readonly times?: number;
}

export interface PostForMeUpload {
  readonly data: Buffer;
  readonly contentType: string;
}

export interface PostForMeFake extends FakeServer {
  readonly apiKey: string;
  readonly accounts: Json[];
  readonly posts: Json[];
  readonly results: Json[];
  /** Uploaded files by the `media_url` they were handed out with. */
  readonly uploads: ReadonlyMap<string, PostForMeUpload>;
  addAccount(input: {
    platform: string;
    username?: string | null;
    status?: 'connected' | 'disconnected';
  }): Json;
  setOutcome(accountId: string, outcome: PostForMeOutcome): void;
  setUploadMethod(method: 'PUT' | 'POST'): void;
  /** 429 with Retry-After and PostForMe's X-Rate-Limit-* headers. */
  rateLimit(retryAfterSeconds: number, options?: PostForMeFaultOptions): void;
  serverError(options?: PostForMeFaultOptions): void;
  slow(ms: number, options?: PostForMeFaultOptions): void;
  /** A 200 whose JSON is not the documented shape (an account `id` that is a number). */
  malformed(options?: PostForMeFaultOptions & { body?: string }): void;
}

const nest = (statusCode: number, message: string | string[], error?: string): FakeReply => ({
  status: statusCode,
  json: { statusCode, message, ...(error ? { error } : {}) },
});

const token = (prefix: string) => `${prefix}_${randomBytes(8).toString('hex')}`;

interface State {
  readonly accounts: Json[];
  readonly posts: Json[];
  readonly results: Json[];
  readonly uploads: Map<string, PostForMeUpload>;
  /** Handed-out upload targets: storage key → its token and public URL. */
  readonly targets: Map<string, { token: string; mediaUrl: string }>;
  readonly outcomes: Map<string, PostForMeOutcome>;
  /** Outcomes still waiting for polls, by `${postId}:${accountId}`. */
  readonly waiting: Map<string, PostForMeOutcome>;
  uploadMethod: 'PUT' | 'POST';
}

export async function startPostForMeFake(options: { apiKey?: string } = {}): Promise<PostForMeFake> {
  const server = await startFakeServer({ notFound: nest(404, 'Cannot GET this route', 'Not Found') });
  const apiKey = options.apiKey ?? POSTFORME_FAKE_KEY;
  const state: State = {
    accounts: [],
    posts: [],
    results: [],
    uploads: new Map(),
    targets: new Map(),
    outcomes: new Map(),
    waiting: new Map(),
    uploadMethod: 'PUT',
  };

  /** PostForMe's AuthGuard: a missing header and a refused key answer different messages. */
  const authed =
    (handler: (request: RecordedRequest) => FakeReply) =>
    (request: RecordedRequest): FakeReply => {
      const header = request.headers.authorization;
      if (typeof header !== 'string' || !header.startsWith('Bearer '))
        return nest(401, 'Authorization token not found.', 'Unauthorized');
      if (header.slice('Bearer '.length).trim() !== apiKey) {
        return nest(401, 'Invalid or expired token, or missing user identifier.', 'Unauthorized');
      }
      return handler(request);
    };

  registerAccountRoutes(server, state, authed);
  registerMediaRoutes(server, state, authed);
  registerPostRoutes(server, state, authed);

  const fault = (reply: FakeReply, opts: PostForMeFaultOptions = {}) =>
    server.injectFault(
      { kind: 'reply', reply },
      { times: opts.times ?? 1, ...(opts.path ? { path: opts.path } : {}) },
    );

  return {
    ...server,
    apiKey,
    accounts: state.accounts,
    posts: state.posts,
    results: state.results,
    uploads: state.uploads,
    addAccount(input) {
      const account: Json = {
        id: token('spc'),
        platform: input.platform,
        username: input.username === undefined ? `user${state.accounts.length + 1}` : input.username,
        user_id: String(1_000_000 + state.accounts.length),
        profile_photo_url: null,
        access_token: token('platform_access'),
        refresh_token: token('platform_refresh'),
        access_token_expires_at: '2030-01-01T00:00:00.000Z',
        refresh_token_expires_at: null,
        status: input.status ?? 'connected',
        external_id: null,
        metadata: null,
      };
      state.accounts.push(account);
      return account;
    },
    setOutcome(accountId, outcome) {
      state.outcomes.set(accountId, outcome);
    },
    setUploadMethod(method) {
      state.uploadMethod = method;
    },
    rateLimit(retryAfterSeconds, opts) {
      const headers = {
        'retry-after': String(retryAfterSeconds),
        'x-rate-limit-limit': '60',
        'x-rate-limit-remaining': '0',
        'x-rate-limit-reset': String(Math.ceil(Date.now() / 1000) + retryAfterSeconds),
        'x-rate-limit-name': 'default',
        'x-rate-limit-duration': '60',
      };
      fault({ ...nest(429, 'Too many requests, please try again later'), headers }, opts);
    },
    serverError(opts) {
      fault(nest(500, 'Internal server error'), opts);
    },
    slow(ms, opts = {}) {
      server.injectFault(
        { kind: 'slow', delayMs: ms },
        { times: opts.times ?? 1, ...(opts.path ? { path: opts.path } : {}) },
      );
    },
    malformed(opts = {}) {
      const body = opts.body ?? '{"data":[{"id":42,"platform":"x","username":"broken"}],"meta":{"total":1}}';
      fault({ status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(body) }, opts);
    },
  };
}

type Authed = (handler: (request: RecordedRequest) => FakeReply) => (request: RecordedRequest) => FakeReply;

/** Offset pagination as PaginationService builds it, `next` included. */
function paginate(server: FakeServer, request: RecordedRequest, items: Json[]): FakeReply {
  const limit = Number(request.query.get('limit') ?? 50);
  const offset = Number(request.query.get('offset') ?? 0);
  const problems = [
    ...(!Number.isInteger(limit) || limit < 1 ? ['limit must not be less than 1'] : []),
    ...(limit > 100 ? ['limit must not be greater than 100'] : []),
    ...(!Number.isInteger(offset) || offset < 0 ? ['offset must not be less than 0'] : []),
  ];
  if (problems.length > 0) return nest(400, problems, 'Bad Request');
  let next: string | null = null;
  if (offset + limit < items.length) {
    const url = new URL(`${server.url}${request.path}`);
    for (const [name, value] of request.query)
      if (name !== 'limit' && name !== 'offset') url.searchParams.set(name, value);
    url.searchParams.set('limit', String(limit));
    url.searchParams.set('offset', String(offset + limit));
    next = url.toString();
  }
  return {
    json: { data: items.slice(offset, offset + limit), meta: { total: items.length, offset, limit, next } },
  };
}

/** `?name=a&name=b` filters, OR within a name, as the query DTOs describe them. */
function matches(request: RecordedRequest, item: Json, filters: Readonly<Record<string, string>>): boolean {
  return Object.entries(filters).every(([param, field]) => {
    const wanted = request.query.getAll(param);
    return wanted.length === 0 || wanted.includes(String(item[field]));
  });
}

function registerAccountRoutes(server: FakeServer, state: State, authed: Authed): void {
  server.on(
    'GET',
    '/v1/social-accounts',
    authed((request) => {
      const filters = { id: 'id', platform: 'platform', username: 'username', external_id: 'external_id' };
      return paginate(
        server,
        request,
        state.accounts.filter((account) => matches(request, account, filters)),
      );
    }),
  );

  server.on(
    'POST',
    '/v1/social-accounts/auth-url',
    authed((request) => {
      const body = request.json() as Json;
      const platform = String(body.platform ?? '')
        .trim()
        .toLowerCase();
      if (!PLATFORMS.includes(platform)) {
        return nest(
          404,
          `Social provider app credentials not found for ${platform}. Please set up or enable this platform in Project Setup.`,
        );
      }
      return { json: { url: `${server.url}/connect/${platform}?state=${token('state')}`, platform } };
    }),
  );
}

function registerMediaRoutes(server: FakeServer, state: State, authed: Authed): void {
  server.on(
    'POST',
    '/v1/media/create-upload-url',
    authed(() => {
      const key = `project_fake/${randomBytes(12).toString('hex')}`;
      const secret = token('sig');
      if (state.uploadMethod === 'POST') {
        const mediaUrl = `${server.url}/r2/public/${key}`;
        state.targets.set(key, { token: secret, mediaUrl });
        return {
          json: {
            upload_url: `${server.url}/r2/post-media`,
            upload_method: 'POST',
            upload_fields: { key, policy: secret, 'x-amz-algorithm': 'AWS4-HMAC-SHA256' },
            media_url: mediaUrl,
          },
        };
      }
      const mediaUrl = `${server.url}/storage/v1/object/public/post-media/${key}`;
      state.targets.set(key, { token: secret, mediaUrl });
      return {
        json: {
          upload_url: `${server.url}/storage/v1/object/upload/sign/post-media/${key}?token=${secret}`,
          media_url: mediaUrl,
        },
      };
    }),
  );

  server.on('PUT', '/storage/v1/object/upload/sign/post-media/:project/:name', (request, params) => {
    const key = `${params.project}/${params.name}`;
    const target = state.targets.get(key);
    if (!target || request.query.get('token') !== target.token)
      return { status: 400, json: { statusCode: '400', error: 'InvalidJWT', message: 'invalid signature' } };
    state.uploads.set(target.mediaUrl, {
      data: request.body,
      contentType: String(request.headers['content-type'] ?? ''),
    });
    return { json: { Key: `post-media/${key}` } };
  });

  server.on('POST', '/r2/post-media', async (request) => {
    const type = String(request.headers['content-type'] ?? '');
    const form = await new Response(request.body, { headers: { 'content-type': type } }).formData();
    const key = String(form.get('key') ?? '');
    const target = state.targets.get(key);
    const file = form.get('file');
    if (!target || form.get('policy') !== target.token || !(file instanceof Blob)) {
      return { status: 403, text: '<Error><Code>AccessDenied</Code></Error>' };
    }
    state.uploads.set(target.mediaUrl, {
      data: Buffer.from(await file.arrayBuffer()),
      contentType: file.type,
    });
    return { status: 204 };
  });
}

function registerPostRoutes(server: FakeServer, state: State, authed: Authed): void {
  const storeResult = (post: Json, accountId: string, outcome: PostForMeOutcome): void => {
    if (outcome.kind === 'pending') {
      state.waiting.set(`${String(post.id)}:${accountId}`, outcome);
      return;
    }
    const account = state.accounts.find((candidate) => candidate.id === accountId) ?? {};
    const platformId = String(1_800_000_000_000_000_000n + BigInt(state.results.length));
    const success = outcome.kind === 'success';
    state.results.push({
      id: token('spr'),
      social_account_id: accountId,
      post_id: post.id,
      chain_item_id: null,
      success,
      error: success ? null : outcome.error,
      details: { attempts: 1 },
      platform_data: success
        ? {
            id: platformId,
            url: `https://${String(account.platform)}.example/${String(account.username)}/${platformId}`,
          }
        : null,
    });
    const ids = post.social_accounts as Json[];
    if (
      ids.every((entry) =>
        state.results.some((r) => r.post_id === post.id && r.social_account_id === entry.id),
      )
    ) {
      post.status = 'processed';
    }
  };

  server.on(
    'POST',
    '/v1/social-posts',
    authed((request) => {
      const body = request.json() as Json;
      const ids = body.social_accounts;
      if (typeof body.caption !== 'string') return nest(400, ['caption must be a string'], 'Bad Request');
      if (!Array.isArray(ids) || ids.length === 0)
        return nest(400, ['social_accounts should not be empty'], 'Bad Request');
      const accounts = ids.map((id) => state.accounts.find((account) => account.id === id));
      if (accounts.some((account) => account === undefined))
        return nest(400, 'Invalid social account ids', 'Bad Request');
      const media = Array.isArray(body.media) ? (body.media as Json[]) : [];
      const missing = media.find((item) => !state.uploads.has(String(item.url)));
      if (missing) return nest(400, `Media could not be fetched: ${String(missing.url)}`, 'Bad Request');
      const now = new Date().toISOString();
      const post: Json = {
        id: token('sp'),
        external_id: body.external_id ?? null,
        caption: body.caption,
        status: 'processing',
        scheduled_at: body.scheduled_at ?? null,
        platform_configurations: body.platform_configurations ?? null,
        account_configurations: body.account_configurations ?? null,
        media: media.map((item) => ({ url: item.url, thumbnail_url: null })),
        social_accounts: accounts,
        created_at: now,
        updated_at: now,
      };
      state.posts.push(post);
      for (const id of ids)
        storeResult(post, String(id), state.outcomes.get(String(id)) ?? { kind: 'success' });
      return { json: post };
    }),
  );

  server.on(
    'GET',
    '/v1/social-post-results',
    authed((request) => {
      // Each read is a poll: outcomes waiting on a post and account this read asks about move on.
      for (const [key, outcome] of [...state.waiting]) {
        const [postId = '', accountId = ''] = key.split(':');
        const asked = matches(
          request,
          { post_id: postId, social_account_id: accountId },
          {
            post_id: 'post_id',
            social_account_id: 'social_account_id',
          },
        );
        if (!asked || outcome.kind !== 'pending') continue;
        if (outcome.polls > 0) state.waiting.set(key, { ...outcome, polls: outcome.polls - 1 });
        else {
          state.waiting.delete(key);
          const post = state.posts.find((candidate) => candidate.id === postId);
          if (post) storeResult(post, accountId, outcome.then ?? { kind: 'success' });
        }
      }
      const filters = { post_id: 'post_id', social_account_id: 'social_account_id' };
      return paginate(
        server,
        request,
        state.results.filter((result) => matches(request, result, filters)),
      );
    }),
  );
}
