/**
 * Rate-limit headers, each platform in its own format, turned into one number: how long to wait.
 * Retry-After wins when present; otherwise the platform's reset header applies once the budget is
 * spent (a 429, or `remaining` at 0).
 */

export type RateLimitStyle =
  /** X: `x-rate-limit-remaining`, `x-rate-limit-reset` in epoch seconds. */
  | 'x'
  /** AT Protocol (Bluesky): `ratelimit-remaining`, `ratelimit-reset` in epoch seconds. */
  | 'atproto'
  /** Mastodon: `x-ratelimit-remaining`, `x-ratelimit-reset` as an ISO 8601 timestamp. */
  | 'mastodon'
  /** Reddit: `x-ratelimit-remaining` (a float), `x-ratelimit-reset` in seconds from now. */
  | 'reddit'
  /** Only the standard Retry-After header. */
  | 'none';

export interface RateLimitState {
  /** Requests left in the current window, when the platform says. */
  readonly remaining: number | undefined;
  /** When the window resets, when the platform says. */
  readonly resetAt: Date | undefined;
}

export type HeaderReader = (name: string) => string | undefined;

/** Never wait longer than a day on the word of a header: a wrong clock must not park an account for years. */
const MAX_WAIT_MS = 24 * 60 * 60 * 1000;

function number(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

/** Milliseconds from Retry-After (delta seconds or an HTTP date), if present and valid. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const seconds = number(value);
  if (seconds !== undefined) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function readRateLimit(style: RateLimitStyle, header: HeaderReader, now: number): RateLimitState {
  switch (style) {
    case 'x': {
      const reset = number(header('x-rate-limit-reset'));
      return {
        remaining: number(header('x-rate-limit-remaining')),
        resetAt: reset === undefined ? undefined : new Date(reset * 1000),
      };
    }
    case 'atproto': {
      const reset = number(header('ratelimit-reset'));
      return {
        remaining: number(header('ratelimit-remaining')),
        resetAt: reset === undefined ? undefined : new Date(reset * 1000),
      };
    }
    case 'mastodon': {
      const reset = header('x-ratelimit-reset');
      const parsed = reset === undefined ? Number.NaN : Date.parse(reset);
      return {
        remaining: number(header('x-ratelimit-remaining')),
        resetAt: Number.isNaN(parsed) ? undefined : new Date(parsed),
      };
    }
    case 'reddit': {
      const reset = number(header('x-ratelimit-reset'));
      return {
        remaining: number(header('x-ratelimit-remaining')),
        resetAt: reset === undefined ? undefined : new Date(now + reset * 1000),
      };
    }
    case 'none':
      return { remaining: undefined, resetAt: undefined };
  }
}

/**
 * How long to wait before calling again, or undefined when the headers do not say. `limited` is true
 * when the response itself was a rate-limit answer (429, or a platform's equivalent).
 */
export function retryAfterMs(
  style: RateLimitStyle,
  header: HeaderReader,
  limited: boolean,
  now: number = Date.now(),
): number | undefined {
  const explicit = parseRetryAfter(header('retry-after'), now);
  if (explicit !== undefined) return Math.min(explicit, MAX_WAIT_MS);
  const state = readRateLimit(style, header, now);
  if (!limited && state.remaining !== 0) return undefined;
  if (state.resetAt === undefined) return undefined;
  return Math.min(Math.max(0, state.resetAt.getTime() - now), MAX_WAIT_MS);
}
