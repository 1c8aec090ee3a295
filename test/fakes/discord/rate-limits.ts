/**
 * Per-route buckets as Discord reports them (`X-RateLimit-*` on every answer) and its 429 answers for
 * the user, shared and global scopes.
 * @see https://discord.com/developers/docs/topics/rate-limits
 */
import { createHash } from 'node:crypto';
import type { FakeReply } from '../fake-server.js';

export type RateLimitScope = 'user' | 'shared' | 'global';

export interface Bucket {
  readonly limit: number;
  readonly resetAfterMs: number;
}

/** A bucket's opaque id, stable per route as Discord's are. */
export const bucketHash = (route: string): string =>
  createHash('sha1').update(route).digest('hex').slice(0, 32);

export const BUCKETS = {
  me: bucketHash('GET /users/@me'),
  post: bucketHash('POST /channels/:id/messages'),
  list: bucketHash('GET /channels/:id/messages'),
};

export interface RateLimits {
  headers(hash: string, used: number, resetAt: number): Record<string, string>;
  tooMany(retryAfter: number, scope: RateLimitScope, hash?: string): FakeReply;
  /** Counts a request in its bucket (per `major` resource); past the limit, answers Discord's 429. */
  limited(hash: string, major: string, handle: () => FakeReply): FakeReply;
}

export function createRateLimits(bucket: Bucket, now: () => number): RateLimits {
  const windows = new Map<string, { used: number; resetAt: number }>();

  function headers(hash: string, used: number, resetAt: number): Record<string, string> {
    return {
      'x-ratelimit-limit': String(bucket.limit),
      'x-ratelimit-remaining': String(Math.max(0, bucket.limit - used)),
      'x-ratelimit-reset': (resetAt / 1000).toFixed(3),
      'x-ratelimit-reset-after': (Math.max(0, resetAt - now()) / 1000).toFixed(3),
      'x-ratelimit-bucket': hash,
    };
  }

  function tooMany(retryAfter: number, scope: RateLimitScope, hash = BUCKETS.post): FakeReply {
    const global = scope === 'global';
    // A global limit carries no bucket headers; a shared one does not use up the caller's bucket.
    const base = global
      ? { 'x-ratelimit-global': 'true' }
      : headers(hash, scope === 'user' ? bucket.limit : 0, now() + retryAfter * 1000);
    return {
      status: 429,
      headers: { ...base, 'retry-after': String(Math.ceil(retryAfter)), 'x-ratelimit-scope': scope },
      json: {
        message: scope === 'shared' ? 'The resource is being rate limited.' : 'You are being rate limited.',
        retry_after: retryAfter,
        global,
      },
    };
  }

  function limited(hash: string, major: string, handle: () => FakeReply): FakeReply {
    const key = `${hash}:${major}`;
    let window = windows.get(key);
    if (!window || now() >= window.resetAt) {
      window = { used: 0, resetAt: now() + bucket.resetAfterMs };
      windows.set(key, window);
    }
    if (window.used >= bucket.limit) return tooMany((window.resetAt - now()) / 1000, 'user', hash);
    window.used += 1;
    const reply = handle();
    return { ...reply, headers: { ...headers(hash, window.used, window.resetAt), ...reply.headers } };
  }

  return { headers, tooMany, limited };
}
