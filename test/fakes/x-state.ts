/**
 * The state behind the X fake (users, posts, media, uploads, OAuth tokens, rate-limit windows) and the
 * wire-format pieces every X route shares: `x-rate-limit-*` headers, bearer checks, problem bodies.
 * Shapes follow docs.x.com (data dictionary, response codes, OAuth 2.0 user access token).
 */
import type { FakeHandler, FakeReply, RecordedRequest } from './fake-server.js';
import { createHeldAnswers } from './held-answers.js';

export const PROBLEMS = 'https://api.twitter.com/2/problems';

export interface XFakeUser {
  id: string;
  username: string;
  name: string;
  profile_image_url?: string;
  suspended?: boolean;
}

/** A stored post in the v2 shape with every field filled; routes pick the requested ones. */
export type XFakeTweet = Record<string, unknown> & {
  id: string;
  text: string;
  author_id: string;
  created_at: string;
  attachments?: { media_keys: string[] };
  referenced_tweets?: Array<{ type: string; id: string }>;
  in_reply_to_user_id?: string;
};

export type XFakeMedia = Record<string, unknown> & { media_key: string; type: string };

export type ProcessingState = 'pending' | 'in_progress' | 'succeeded' | 'failed';

export interface XFakeUpload {
  readonly id: string;
  readonly mediaKey: string;
  readonly ownerId: string;
  readonly category: string;
  readonly mediaType: string;
  readonly totalBytes: number;
  readonly segments: Map<number, Buffer>;
  finalized: boolean;
  /** STATUS answers still to give, one per poll; the last one repeats. */
  states: ProcessingState[];
  altText?: string;
}

export interface XFakeAccessToken {
  readonly userId: string;
  readonly scopes: readonly string[];
  expiresAt: number;
}

export interface XFakeRefreshToken {
  readonly userId: string;
  readonly scopes: readonly string[];
  used: boolean;
}

export interface XFakeCode {
  readonly userId: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly challenge: string;
  readonly scopes: readonly string[];
  used: boolean;
}

export interface XFakeState {
  readonly users: Map<string, XFakeUser>;
  readonly tweets: Map<string, XFakeTweet>;
  readonly media: Map<string, XFakeMedia>;
  readonly uploads: Map<string, XFakeUpload>;
  readonly accessTokens: Map<string, XFakeAccessToken>;
  readonly refreshTokens: Map<string, XFakeRefreshToken>;
  readonly codes: Map<string, XFakeCode>;
  readonly client: { readonly clientId: string; readonly clientSecret?: string | undefined };
  /** Who approves the authorize page; undefined answers it with an error page. */
  consentUserId: string | undefined;
  /** STATUS answers the next chunked upload gets after FINALIZE. */
  processingStates: ProcessingState[];
  /** Requests allowed per 15-minute window, per route and token. */
  readonly limits: Map<string, number>;
  readonly windows: Map<string, { remaining: number; reset: number }>;
  sequence: number;
  /** Create Tweet answers kept back while a test holds them (the tweet is stored first). */
  readonly heldTweets: ReturnType<typeof createHeldAnswers<XFakeTweet>>;
}

const SNOWFLAKE_EPOCH_MS = 1288834974657n;

export function createXState(client: XFakeState['client']): XFakeState {
  return {
    users: new Map(),
    tweets: new Map(),
    media: new Map(),
    uploads: new Map(),
    accessTokens: new Map(),
    refreshTokens: new Map(),
    codes: new Map(),
    client,
    consentUserId: undefined,
    processingStates: ['in_progress', 'succeeded'],
    limits: new Map(),
    windows: new Map(),
    sequence: 0,
    heldTweets: createHeldAnswers<XFakeTweet>(),
  };
}

/** A snowflake id for `at`, unique and increasing within this fake. */
export function nextId(state: XFakeState, at: Date = new Date()): string {
  state.sequence += 1;
  return (((BigInt(at.getTime()) - SNOWFLAKE_EPOCH_MS) << 22n) + BigInt(state.sequence)).toString();
}

export function secret(state: XFakeState, prefix: string): string {
  state.sequence += 1;
  return `${prefix}-${state.sequence}-${Math.random().toString(36).slice(2, 10)}`;
}

export const epochSeconds = (offsetSeconds = 0) => Math.floor(Date.now() / 1000) + offsetSeconds;

export function rateLimitHeaders(limit: number, remaining: number, reset: number): Record<string, string> {
  return {
    'x-rate-limit-limit': String(limit),
    'x-rate-limit-remaining': String(Math.max(0, remaining)),
    'x-rate-limit-reset': String(reset),
  };
}

export const TOO_MANY_REQUESTS = {
  title: 'Too Many Requests',
  detail: 'Too Many Requests',
  type: 'about:blank',
  status: 429,
};
export const UNAUTHORIZED = {
  title: 'Unauthorized',
  type: 'about:blank',
  status: 401,
  detail: 'Unauthorized',
};

export function invalidRequest(message: string): FakeReply {
  return {
    status: 400,
    json: {
      errors: [{ message }],
      title: 'Invalid Request',
      detail: 'One or more parameters to your request was invalid.',
      type: `${PROBLEMS}/invalid-request`,
    },
  };
}

export function forbidden(detail: string): FakeReply {
  return { status: 403, json: { detail, type: 'about:blank', title: 'Forbidden', status: 403 } };
}

export function bearerOf(request: RecordedRequest): string | undefined {
  const header = request.headers.authorization;
  return typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : undefined;
}

/**
 * Wrap a route: count the request against its 15-minute window (per token), answer 429 past the
 * limit, and put the `x-rate-limit-*` headers on every answer as X does.
 */
export function limited(
  state: XFakeState,
  route: string,
  defaultLimit: number,
  handler: FakeHandler,
): FakeHandler {
  return async (request, params) => {
    const limit = state.limits.get(route) ?? defaultLimit;
    const key = `${route} ${bearerOf(request) ?? 'app'}`;
    const now = epochSeconds();
    let window = state.windows.get(key);
    if (!window || window.reset <= now) {
      window = { remaining: limit, reset: now + 900 };
      state.windows.set(key, window);
    }
    window.remaining -= 1;
    const headers = rateLimitHeaders(limit, window.remaining, window.reset);
    if (window.remaining < 0) return { status: 429, headers, json: TOO_MANY_REQUESTS };
    const reply = await handler(request, params);
    return { ...reply, headers: { ...headers, ...reply.headers } };
  };
}

/** The user behind a valid, unexpired bearer token (with `scope` when given), or X's 401/403 answer. */
export function authenticate(
  state: XFakeState,
  request: RecordedRequest,
  scope?: string,
): { userId: string } | { reply: FakeReply } {
  const token = state.accessTokens.get(bearerOf(request) ?? '');
  if (!token || token.expiresAt <= Date.now()) return { reply: { status: 401, json: UNAUTHORIZED } };
  if (scope !== undefined && !token.scopes.includes(scope)) {
    return { reply: forbidden('You are not permitted to perform this action.') };
  }
  return { userId: token.userId };
}
