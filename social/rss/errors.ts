/**
 * How feed failures are classified. A feed has no token to refresh or revoke, so HTTP 401 and 403 are
 * not `refresh-token` (the shared default) but a feed that is not public; 404 and 410 mean the feed is
 * gone. Both are `bad-request` with a hint, since polling again changes nothing until someone acts.
 */
import { ProviderError, type ProviderFailureKind } from '../../core/errors.js';
import { toProviderError } from '../classify.js';
import { HttpStatusError } from '../http.js';
import { retryAfterMs } from '../rate-limit.js';

export const PLATFORM = 'rss';
export const FEED_ENDPOINT = 'GET feed';
export const CHANNEL_PAGE_ENDPOINT = 'GET channel page';

/** A failure Herald found in what a feed server sent (not a feed, unreadable, a bad URL). */
export function feedError(
  message: string,
  details: {
    endpoint?: string;
    status?: number;
    hint?: string;
    cause?: unknown;
    kind?: ProviderFailureKind;
  } = {},
): ProviderError {
  const endpoint = details.endpoint ?? FEED_ENDPOINT;
  return new ProviderError(details.kind ?? 'bad-request', `${PLATFORM}: ${endpoint}: ${message}`, {
    platform: PLATFORM,
    endpoint,
    ...(details.status === undefined ? {} : { status: details.status }),
    ...(details.hint === undefined ? {} : { hint: details.hint }),
    cause: details.cause,
  });
}

function where(host: string | undefined): string {
  return host === undefined ? 'the server' : host;
}

function refine(err: HttpStatusError, host: string | undefined): ProviderError {
  const { status = 0, endpoint } = err;
  if (status === 404 || status === 410) {
    return feedError(`${where(host)} answered HTTP ${status}: the feed is gone`, {
      endpoint,
      status,
      cause: err,
      hint: 'Check the feed URL on the site (it may have moved), then link the new one or remove this feed.',
    });
  }
  if (status === 401 || status === 403) {
    return feedError(`${where(host)} answered HTTP ${status}: the feed is not public`, {
      endpoint,
      status,
      cause: err,
      hint: 'Herald reads only feeds anyone can open without signing in; use a public feed URL.',
    });
  }
  // Reddit's feeds answer 429 with its own X-Ratelimit-* trio and no Retry-After.
  if (status === 429 && err.retryAfterMs === undefined && err.header('x-ratelimit-used') !== undefined) {
    return new ProviderError('retry-later', err.message, {
      platform: PLATFORM,
      endpoint,
      status,
      retryAfterMs: retryAfterMs('reddit', err.header, true),
      cause: err,
    });
  }
  return err;
}

/** Turn anything a feed operation threw into a classified ProviderError; `host` names the server in messages. */
export function classifyRssError(err: unknown, host?: string, endpoint = FEED_ENDPOINT): ProviderError {
  const error = toProviderError(err, PLATFORM, endpoint);
  return error instanceof HttpStatusError ? refine(error, host) : error;
}
