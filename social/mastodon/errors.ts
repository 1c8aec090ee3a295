/**
 * How Mastodon failures are classified. Mastodon access tokens never expire and there is no refresh
 * token, so a 401 always means the token was revoked (by the user, an admin, or an app removal): the
 * account must be reconnected, and refreshing cannot help. Everything else keeps the shared reading of
 * the status (429 and 5xx retry later with the wait from X-RateLimit-Reset, other 4xx are bad requests).
 * @see https://docs.joinmastodon.org/api/oauth-tokens/
 */
import { ProviderError } from '../../core/errors.js';
import { toProviderError } from '../classify.js';
import { HttpStatusError } from '../http.js';

export const PLATFORM = 'mastodon';

const RECONNECT_HINT = 'Reconnect the Mastodon account: /herald connect mastodon';

/** Mastodon's error entity: `{ error, error_description? }`. */
function describedError(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { error, error_description: description } = body as { error?: unknown; error_description?: unknown };
  if (typeof description === 'string' && description !== '') return description;
  return typeof error === 'string' && error !== '' ? error : undefined;
}

export function classifyMastodonError(err: unknown, endpoint?: string): ProviderError {
  const base = toProviderError(err, PLATFORM, endpoint);
  if (!(base instanceof HttpStatusError)) return base;
  const said = describedError(base.body);
  const revoked = base.status === 401;
  if (!revoked && said === undefined) return base;
  return new ProviderError(
    revoked ? 'revoked' : base.kind,
    said ? `${base.message}: ${said}` : base.message,
    {
      platform: base.platform,
      endpoint: base.endpoint,
      status: base.status,
      retryAfterMs: base.retryAfterMs,
      cause: base,
      ...(revoked ? { hint: RECONNECT_HINT } : base.hint ? { hint: base.hint } : {}),
    },
  );
}

/** Run one Mastodon operation so that it fails only with a classified ProviderError. */
export async function guardMastodon<T>(endpoint: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw classifyMastodonError(err, endpoint);
  }
}

/** A request Herald refuses to send, or an answer it cannot use: retrying would fail the same way. */
export function badRequest(endpoint: string, message: string, hint?: string): ProviderError {
  return new ProviderError('bad-request', `${PLATFORM}: ${endpoint}: ${message}`, {
    platform: PLATFORM,
    endpoint,
    ...(hint ? { hint } : {}),
  });
}

/** The account cannot be used until someone connects it again. */
export function notConnected(endpoint: string, message: string): ProviderError {
  return new ProviderError('revoked', `${PLATFORM}: ${endpoint}: ${message}`, {
    platform: PLATFORM,
    endpoint,
    hint: RECONNECT_HINT,
  });
}

export function isStatus(err: unknown, status: number): boolean {
  return err instanceof ProviderError && err.status === status;
}
