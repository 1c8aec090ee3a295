/**
 * A loopback LATE (now Zernio) API, written from its documentation (docs.getlate.dev) and OpenAPI
 * (`getlate-dev/late-java` `api/openapi.yaml`): profiles, connected accounts (`profileId` populated),
 * the connect endpoint answering `{ authUrl, state }`, presigned media uploads on this same server,
 * posts created with `publishNow` (201 `{ post, message }`, per-platform targets with `accountId`
 * populated) and read back with `GET /v1/posts/{id}`, and the duplicate-content 409. Every `/v1` call
 * needs `Authorization: Bearer <apiKey>`; errors are `{ error, details? }`, 401 `{"error":"Unauthorized"}`.
 * Tests add accounts, decide each account's outcome (published, failed with a message, or pending for
 * a number of post reads) and inject faults.
 */
import { randomBytes } from 'node:crypto';
import { startFakeServer, type FakeReply, type FakeServer, type RecordedRequest } from './fake-server.js';

type Json = Record<string, unknown>;

const LATE_FAKE_KEY = 'sk_4f9a1c2e7b3d8f60a5e1c9b2d7f3a8e4';

/** LATE's platform names (the connect endpoint's enum). */
const PLATFORMS = [
  'facebook',
  'instagram',
  'linkedin',
  'twitter',
  'tiktok',
  'youtube',
  'threads',
  'reddit',
  'pinterest',
  'bluesky',
  'googlebusiness',
  'telegram',
  'snapchat',
];

/** The presign endpoint's allowed content types. */
const CONTENT_TYPES = [
  'image/jpeg',
  'image/jpg',
  'image/png',
  'image/webp',
  'image/gif',
  'video/mp4',
  'video/mpeg',
  'video/quicktime',
  'video/avi',
  'video/x-msvideo',
  'video/webm',
  'video/x-m4v',
  'application/pdf',
];

/** What publishing to an account does, possibly after some reads of the post. */
export type LateOutcome =
  | { readonly kind: 'success' }
  | { readonly kind: 'failure'; readonly errorMessage: string }
  /** The target stays `publishing` for the next `polls` reads of the post, then `then` (default success). */
  | { readonly kind: 'pending'; readonly polls: number; readonly then?: LateOutcome };

export interface LateFaultOptions {
  /** Only requests whose path starts with this (or matches it); default every path. */
  readonly path?: string | RegExp;
  readonly times?: number;
}

export interface LateUpload {
  readonly data: Buffer;
  readonly contentType: string;
}

export interface LateFake extends FakeServer {
  readonly apiKey: string;
  readonly profiles: Json[];
  readonly accounts: Json[];
  readonly posts: Json[];
  /** Uploaded files by the `publicUrl` they were handed out with. */
  readonly uploads: ReadonlyMap<string, LateUpload>;
  addProfile(input: { name: string; isDefault?: boolean }): Json;
  addAccount(input: {
    platform: string;
    username: string;
    displayName?: string;
    isActive?: boolean;
    profile?: Json;
  }): Json;
  setOutcome(accountId: string, outcome: LateOutcome): void;
  /** 429 with Retry-After and X-RateLimit-* headers. */
  rateLimit(retryAfterSeconds: number, options?: LateFaultOptions): void;
  serverError(options?: LateFaultOptions): void;
  slow(ms: number, options?: LateFaultOptions): void;
  /** A 200 whose JSON is not the documented shape (an account `_id` that is a number). */
  malformed(options?: LateFaultOptions & { body?: string }): void;
}

const error = (status: number, message: string, details?: Json): FakeReply => ({
  status,
  json: { error: message, ...(details ? { details } : {}) },
});

const objectId = () => randomBytes(12).toString('hex');

interface Target {
  readonly account: Json;
  outcome: LateOutcome;
  json: Json;
}

interface State {
  readonly profiles: Json[];
  readonly accounts: Json[];
  readonly posts: Json[];
  readonly targets: Map<string, Target[]>;
  readonly uploads: Map<string, LateUpload>;
  readonly signatures: Map<string, { signature: string; publicUrl: string }>;
  readonly outcomes: Map<string, LateOutcome>;
}

export async function startLateFake(options: { apiKey?: string } = {}): Promise<LateFake> {
  const server = await startFakeServer({ notFound: error(404, 'Not found') });
  const apiKey = options.apiKey ?? LATE_FAKE_KEY;
  const state: State = {
    profiles: [],
    accounts: [],
    posts: [],
    targets: new Map(),
    uploads: new Map(),
    signatures: new Map(),
    outcomes: new Map(),
  };

  const authed =
    (handler: (request: RecordedRequest) => FakeReply) =>
    (request: RecordedRequest): FakeReply =>
      request.headers.authorization === `Bearer ${apiKey}` ? handler(request) : error(401, 'Unauthorized');

  const addProfile = (input: { name: string; isDefault?: boolean }): Json => {
    const profile: Json = {
      _id: objectId(),
      name: input.name,
      slug: input.name.toLowerCase().replace(/\W+/g, '-'),
      color: '#ffeda0',
      isDefault: input.isDefault ?? false,
    };
    state.profiles.push(profile);
    return profile;
  };
  addProfile({ name: 'Personal Brand', isDefault: true });

  registerAccountRoutes(server, state, authed);
  registerMediaRoutes(server, state, authed);
  registerPostRoutes(server, state, authed);

  const where = (opts: LateFaultOptions) => ({
    times: opts.times ?? 1,
    ...(opts.path ? { path: opts.path } : {}),
  });
  const fault = (reply: FakeReply, opts: LateFaultOptions = {}) =>
    server.injectFault({ kind: 'reply', reply }, where(opts));

  return {
    ...server,
    apiKey,
    profiles: state.profiles,
    accounts: state.accounts,
    posts: state.posts,
    uploads: state.uploads,
    addProfile,
    addAccount(input) {
      const profile = input.profile ?? state.profiles[0] ?? {};
      const account: Json = {
        _id: objectId(),
        platform: input.platform,
        profileId: { _id: profile._id, name: profile.name, slug: profile.slug },
        username: input.username,
        displayName: input.displayName ?? input.username,
        profileUrl: `https://${input.platform}.example/${input.username}`,
        isActive: input.isActive ?? true,
      };
      state.accounts.push(account);
      return account;
    },
    setOutcome(accountId, outcome) {
      state.outcomes.set(accountId, outcome);
    },
    rateLimit(retryAfterSeconds, opts) {
      const headers = {
        'retry-after': String(retryAfterSeconds),
        'x-ratelimit-limit': '60',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + retryAfterSeconds),
      };
      fault({ ...error(429, 'Too many requests'), headers }, opts);
    },
    serverError(opts) {
      fault(error(500, 'Internal server error'), opts);
    },
    slow(ms, opts = {}) {
      server.injectFault({ kind: 'slow', delayMs: ms }, where(opts));
    },
    malformed(opts = {}) {
      const body = opts.body ?? '{"accounts":[{"_id":7,"platform":"twitter","username":"broken"}]}';
      fault({ status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(body) }, opts);
    },
  };
}

type Authed = (handler: (request: RecordedRequest) => FakeReply) => (request: RecordedRequest) => FakeReply;

function registerAccountRoutes(server: FakeServer, state: State, authed: Authed): void {
  server.on(
    'GET',
    '/v1/profiles',
    authed(() => ({ json: { profiles: state.profiles } })),
  );

  server.on(
    'GET',
    '/v1/accounts',
    authed((request) => {
      const profileId = request.query.get('profileId');
      const accounts = state.accounts.filter(
        (account) => !profileId || (account.profileId as Json)._id === profileId,
      );
      return { json: { accounts, hasAnalyticsAccess: false } };
    }),
  );

  server.on(
    'GET',
    '/v1/connect/:platform',
    authed((request) => {
      const platform = request.path.split('/').at(-1) ?? '';
      if (!PLATFORMS.includes(platform)) return error(400, `Unsupported platform: ${platform}`);
      const profileId = request.query.get('profileId');
      if (!profileId) return error(400, 'profileId is required');
      if (!state.profiles.some((profile) => profile._id === profileId))
        return error(404, 'Profile not found');
      const redirect = request.query.get('redirect_url');
      if (redirect !== null && !URL.canParse(redirect)) return error(400, 'redirect_url must be a valid URL');
      const stateParam = `user0001-${profileId}-${Date.now()}-${redirect ?? ''}`;
      const authUrl = `${server.url}/oauth/${platform}/authorize?state=${encodeURIComponent(stateParam)}`;
      return { json: { authUrl, state: stateParam } };
    }),
  );
}

function registerMediaRoutes(server: FakeServer, state: State, authed: Authed): void {
  server.on(
    'POST',
    '/v1/media/presign',
    authed((request) => {
      const body = request.json() as Json;
      if (typeof body.filename !== 'string' || body.filename === '')
        return error(400, 'filename is required');
      const contentType = String(body.contentType ?? '');
      if (!CONTENT_TYPES.includes(contentType))
        return error(400, 'Invalid content type', { allowed: CONTENT_TYPES });
      const key = `${objectId()}-${body.filename.replace(/[^\w.-]/g, '_')}`;
      const signature = randomBytes(16).toString('hex');
      const publicUrl = `${server.url}/storage/media/${key}`;
      state.signatures.set(key, { signature, publicUrl });
      return {
        json: {
          uploadUrl: `${server.url}/storage/upload/${key}?X-Goog-Signature=${signature}`,
          publicUrl,
          key,
          type: contentType.split('/')[0],
          expires: new Date(Date.now() + 3_600_000).toISOString(),
        },
      };
    }),
  );

  server.on('PUT', '/storage/upload/:key', (request, params) => {
    const target = state.signatures.get(params.key ?? '');
    if (!target || request.query.get('X-Goog-Signature') !== target.signature) {
      return { status: 403, text: '<Error><Code>SignatureDoesNotMatch</Code></Error>' };
    }
    state.uploads.set(target.publicUrl, {
      data: request.body,
      contentType: String(request.headers['content-type'] ?? ''),
    });
    return { status: 200 };
  });
}

function applyOutcome(target: Target): void {
  const { outcome, json } = target;
  if (outcome.kind === 'pending') {
    json.status = 'publishing';
  } else if (outcome.kind === 'failure') {
    Object.assign(json, { status: 'failed', errorMessage: outcome.errorMessage });
  } else {
    const platformPostId = String(1_800_000_000_000_000_000n + BigInt(Math.floor(Math.random() * 1e9)));
    const username = String(target.account.username).replace(/^@/, '');
    Object.assign(json, {
      status: 'published',
      platformPostId,
      platformPostUrl: `https://${String(target.account.platform)}.example/${username}/status/${platformPostId}`,
      publishedAt: new Date().toISOString(),
    });
  }
}

/** The post's status from its targets: published, failed, partial, or still publishing. */
function postStatus(targets: readonly Target[]): string {
  const statuses = targets.map((target) => target.json.status);
  if (statuses.some((status) => status === 'publishing')) return 'publishing';
  if (statuses.every((status) => status === 'published')) return 'published';
  if (statuses.every((status) => status === 'failed')) return 'failed';
  return 'partial';
}

function validatePost(state: State, body: Json): FakeReply | Target[] {
  const platforms = Array.isArray(body.platforms) ? (body.platforms as Json[]) : [];
  if (platforms.length === 0) return error(400, 'At least one platform is required');
  const media = Array.isArray(body.mediaItems) ? (body.mediaItems as Json[]) : [];
  if ((typeof body.content !== 'string' || body.content === '') && media.length === 0)
    return error(400, 'Content is required for text-only posts');
  const missing = media.find((item) => !state.uploads.has(String(item.url)));
  if (missing) return error(400, `Media URL is not reachable: ${String(missing.url)}`);
  const targets: Target[] = [];
  for (const entry of platforms) {
    const account = state.accounts.find((candidate) => candidate._id === entry.accountId);
    if (!account || account.platform !== entry.platform)
      return error(
        400,
        `Account ${String(entry.accountId)} not found for platform ${String(entry.platform)}`,
      );
    const duplicate = state.posts.find(
      (post) =>
        post.content === body.content &&
        (state.targets.get(String(post._id)) ?? []).some((t) => t.account === account),
    );
    if (duplicate) {
      return error(409, 'This exact content was already posted to this account within the last 24 hours.', {
        existingPostId: duplicate._id,
        accountId: account._id,
        platform: account.platform,
      });
    }
    const populated = {
      _id: account._id,
      platform: account.platform,
      username: account.username,
      displayName: account.displayName,
      isActive: account.isActive,
    };
    const outcome = state.outcomes.get(String(account._id)) ?? { kind: 'success' };
    targets.push({
      account,
      outcome,
      json: { platform: entry.platform, accountId: populated, status: 'pending' },
    });
  }
  return targets;
}

function registerPostRoutes(server: FakeServer, state: State, authed: Authed): void {
  server.on(
    'POST',
    '/v1/posts',
    authed((request) => {
      const body = request.json() as Json;
      const targets = validatePost(state, body);
      if (!Array.isArray(targets)) return targets;
      if (body.publishNow === true) for (const target of targets) applyOutcome(target);
      const now = new Date().toISOString();
      const post: Json = {
        _id: objectId(),
        content: body.content ?? '',
        mediaItems: body.mediaItems ?? [],
        status: body.publishNow === true ? postStatus(targets) : 'scheduled',
        scheduledFor: body.scheduledFor ?? now,
        timezone: body.timezone ?? 'UTC',
        platforms: targets.map((target) => target.json),
        createdAt: now,
        updatedAt: now,
      };
      state.posts.push(post);
      state.targets.set(String(post._id), targets);
      const message =
        body.publishNow === true ? 'Post published successfully' : 'Post scheduled successfully';
      return { status: 201, json: { post, message } };
    }),
  );

  server.on(
    'GET',
    '/v1/posts/:id',
    authed((request) => {
      const id = request.path.split('/').at(-1);
      const post = state.posts.find((candidate) => candidate._id === id);
      if (!post) return error(404, 'Not found');
      // Each read is a poll: a target still publishing moves on once its polls are spent.
      for (const target of state.targets.get(String(post._id)) ?? []) {
        if (target.outcome.kind !== 'pending') continue;
        if (target.outcome.polls > 0) target.outcome = { ...target.outcome, polls: target.outcome.polls - 1 };
        else {
          target.outcome = target.outcome.then ?? { kind: 'success' };
          applyOutcome(target);
        }
      }
      if (post.status !== 'scheduled') post.status = postStatus(state.targets.get(String(post._id)) ?? []);
      return { json: { post } };
    }),
  );
}
