/**
 * A loopback fake of the X API v2 that speaks its wire format: `GET /2/users/:id/tweets` with
 * since_id/until_id/pagination_token paging and fields/expansions, `GET /2/tweets?ids=`,
 * `GET /2/users/me`, `POST /2/tweets`, the media upload endpoints, OAuth 2.0 with PKCE and rotating
 * single-use refresh tokens, `x-rate-limit-*` headers on every answer, and X's own error bodies.
 * It records every request (`requests`, `requestsTo`). Tests add users and posts, issue tokens, and
 * inject X's real failures: `expireToken`, `rateLimit`, `usageCap`, `serverError`, `slow`, `malformed`.
 */
import { startFakeServer, type FakeReply, type FakeServer } from './fake-server.js';
import { registerMediaRoutes } from './x-media.js';
import { issueTokens, registerOAuthRoutes, type IssuedTokens } from './x-oauth.js';
import { registerPostRoutes, storeTweet, type StoreTweetInput } from './x-posts.js';
import type { HeldAnswers } from './held-answers.js';
import {
  PROBLEMS,
  TOO_MANY_REQUESTS,
  createXState,
  epochSeconds,
  nextId,
  rateLimitHeaders,
  type ProcessingState,
  type XFakeState,
  type XFakeTweet,
  type XFakeUser,
} from './x-state.js';

export type { XFakeTweet, XFakeUser, ProcessingState } from './x-state.js';

export const X_FAKE_CLIENT = { clientId: 'herald-test-client', clientSecret: 'herald-test-secret' };
export const ALL_SCOPES = ['tweet.read', 'tweet.write', 'users.read', 'media.write', 'offline.access'];

export interface FaultOptions {
  /** Only requests whose path starts with this (or matches it); default every path. */
  readonly path?: string | RegExp;
  /** How many requests meet the fault; default 1. */
  readonly times?: number;
}

/** A post to add: author, text, and optionally time, media keys, a parent and any other v2 field. */
export type XTweetInput = StoreTweetInput;

export interface XFake extends FakeServer {
  readonly state: XFakeState;
  addUser(user: Partial<XFakeUser> & { username: string }): XFakeUser;
  addTweet(input: XTweetInput): XFakeTweet;
  /** `count` posts by `authorId`, oldest first, texts `${prefix} 1`, `${prefix} 2`, … */
  addTweets(authorId: string, count: number, prefix?: string): XFakeTweet[];
  /** A media object posts can carry (`mediaKeys`), in the shape `GET` returns it. */
  addMedia(media: Record<string, unknown> & { media_key: string; type: string }): void;
  issueTokens(userId: string, scopes?: readonly string[]): IssuedTokens;
  /** The user who approves the next authorize page. */
  consentAs(userId: string): void;
  /** STATUS answers for the next chunked uploads, in order (the last repeats). */
  setProcessing(states: ProcessingState[]): void;
  suspend(userId: string): void;
  /** Expire one access token, or all of them: X then answers 401 Unauthorized. */
  expireToken(accessToken?: string): void;
  /** The next request(s) get 429 with `x-rate-limit-remaining: 0` and a reset `resetInSeconds` away. */
  rateLimit(resetInSeconds: number, options?: FaultOptions): void;
  /** The next request(s) get X's 429 UsageCapExceeded problem; `resetInSeconds` adds a reset header. */
  usageCap(options?: FaultOptions & { resetInSeconds?: number }): void;
  serverError(options?: FaultOptions & { status?: number }): void;
  slow(ms: number, options?: FaultOptions): void;
  /** A 200 whose JSON does not have the documented shape (`data[0].id` is a number). */
  malformed(options?: FaultOptions & { body?: string }): void;
  /** The next request(s) get 403 client-forbidden (the app is not attached to a Project). */
  clientForbidden(options?: FaultOptions): void;
  /** Store the next created tweet(s) but keep the answer back until `release()` (a crash mid-call). */
  holdCreatedTweets(options?: { readonly times?: number }): HeldAnswers<XFakeTweet>;
}

type DataHelpers = Omit<XFake, keyof FakeServer | 'state' | FaultHelperNames>;
type FaultHelperNames = 'rateLimit' | 'usageCap' | 'serverError' | 'slow' | 'malformed' | 'clientForbidden';

function dataHelpers(state: XFakeState): DataHelpers {
  const addTweet = (input: XTweetInput) => storeTweet(state, input);
  return {
    addUser(user) {
      const stored: XFakeUser = { id: user.id ?? nextId(state), name: user.name ?? user.username, ...user };
      state.users.set(stored.id, stored);
      return stored;
    },
    addTweet,
    holdCreatedTweets: (options) => state.heldTweets.start(options),
    addTweets: (authorId, count, prefix = 'post') =>
      Array.from({ length: count }, (_, i) => addTweet({ authorId, text: `${prefix} ${i + 1}` })),
    addMedia(media) {
      state.media.set(media.media_key, media);
    },
    issueTokens: (userId, scopes = ALL_SCOPES) => issueTokens(state, userId, scopes),
    consentAs(userId) {
      state.consentUserId = userId;
    },
    setProcessing(states) {
      state.processingStates = states;
    },
    suspend(userId) {
      const user = state.users.get(userId);
      if (user) user.suspended = true;
    },
    expireToken(accessToken) {
      for (const [token, entry] of state.accessTokens) {
        if (accessToken === undefined || token === accessToken) entry.expiresAt = 0;
      }
    },
  };
}

/** Headers of an answer from a window with budget left, for faults that are not about the limit. */
const freshWindow = () => rateLimitHeaders(900, 899, epochSeconds(900));

function faultHelpers(server: FakeServer): Pick<XFake, FaultHelperNames> {
  const where = (opts: FaultOptions) => ({
    times: opts.times ?? 1,
    ...(opts.path ? { path: opts.path } : {}),
  });
  const fault = (reply: FakeReply, opts: FaultOptions = {}) =>
    server.injectFault({ kind: 'reply', reply }, where(opts));
  return {
    rateLimit(resetInSeconds, opts) {
      const headers = rateLimitHeaders(900, 0, epochSeconds(resetInSeconds));
      fault({ status: 429, headers, json: TOO_MANY_REQUESTS }, opts);
    },
    usageCap(opts = {}) {
      const json = {
        title: 'UsageCapExceeded',
        detail: 'Usage cap exceeded: Monthly product cap',
        type: `${PROBLEMS}/usage-capped`,
        period: 'Monthly',
        scope: 'Product',
      };
      const reset: Record<string, string> =
        opts.resetInSeconds === undefined
          ? {}
          : { 'x-app-limit-24hour-reset': String(epochSeconds(opts.resetInSeconds)) };
      fault({ status: 429, headers: { ...freshWindow(), ...reset }, json }, opts);
    },
    serverError(opts = {}) {
      const status = opts.status ?? 503;
      const json = {
        title: 'Service Unavailable',
        detail: 'Service Unavailable',
        type: 'about:blank',
        status,
      };
      fault({ status, headers: freshWindow(), json }, opts);
    },
    slow(ms, opts = {}) {
      server.injectFault({ kind: 'slow', delayMs: ms }, where(opts));
    },
    malformed(opts = {}) {
      const body = Buffer.from(
        opts.body ?? '{"data":[{"id":1293593516040269825,"text":"wrong id type"}],"meta":{"result_count":1}}',
      );
      fault({ status: 200, headers: { 'content-type': 'application/json', ...freshWindow() }, body }, opts);
    },
    clientForbidden(opts) {
      const json = {
        client_id: X_FAKE_CLIENT.clientId,
        detail:
          'When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App that is attached to a Project. You can create a project via the developer portal.',
        registration_url: 'https://developer.twitter.com/en/docs/projects/overview',
        title: 'Client Forbidden',
        required_enrollment: 'Appropriate Level of API Access',
        reason: 'client-not-enrolled',
        type: `${PROBLEMS}/client-forbidden`,
      };
      fault({ status: 403, headers: freshWindow(), json }, opts);
    },
  };
}

export async function startXFake(options: { clientSecret?: string | null } = {}): Promise<XFake> {
  const server = await startFakeServer({
    notFound: { status: 404, json: { title: 'Not Found', type: 'about:blank', status: 404 } },
  });
  const state = createXState({
    clientId: X_FAKE_CLIENT.clientId,
    clientSecret:
      options.clientSecret === null ? undefined : (options.clientSecret ?? X_FAKE_CLIENT.clientSecret),
  });
  registerPostRoutes(server, state);
  registerMediaRoutes(server, state);
  registerOAuthRoutes(server, state);
  return { ...server, state, ...dataHelpers(state), ...faultHelpers(server) };
}
