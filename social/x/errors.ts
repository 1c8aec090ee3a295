/**
 * How X's failures map to what Herald does next. The shared client already reads the status and the
 * `x-rate-limit-*` headers; this refines by X's problem `type` and OAuth `error` codes, never by text:
 * - token endpoint, refresh grant, 400 invalid_request/invalid_grant: the refresh token is dead → revoked;
 * - token endpoint, 401: the app's client id or secret is wrong → bad-request (refreshing cannot help);
 * - 429 usage-capped: the plan's cap is spent → retry-later at the 24-hour reset header, else in a day;
 * - 429 with a spent 24-hour budget: retry-later when that budget resets, not the 15-minute window;
 * - 403 client-forbidden: the app lacks API access → bad-request with a hint;
 * - 200 with only `errors[]` for the account itself (suspended, deleted, protected) → revoked.
 */
import { ProviderError, type ProviderFailureKind } from '../../core/errors.js';
import { toProviderError } from '../classify.js';
import { HttpStatusError } from '../http.js';
import { problemSchema, type XProblem } from './schemas.js';

export const PLATFORM = 'x';

export const TOKEN_ENDPOINT = 'POST /2/oauth2/token';
export const REFRESH_ENDPOINT = 'POST /2/oauth2/token (refresh)';
export const REVOKE_ENDPOINT = 'POST /2/oauth2/revoke';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
/** A spent usage cap is never retried sooner than this, even when a daily reset is close. */
const MIN_CAP_WAIT_MS = 15 * 60 * 1000;

const RECONNECT = 'Reconnect the X account with /herald connect x.';
const CLIENT_HINT =
  'Check HERALD_X_CLIENT_ID and HERALD_X_CLIENT_SECRET against the app in the X developer portal.';

export function classifyXError(err: unknown): ProviderError {
  const base = toProviderError(err, PLATFORM);
  if (!(base instanceof HttpStatusError)) return base;
  const problem = problemOf(base.body);
  if (
    base.endpoint === TOKEN_ENDPOINT ||
    base.endpoint === REFRESH_ENDPOINT ||
    base.endpoint === REVOKE_ENDPOINT
  ) {
    return classifyTokenError(base, problem);
  }
  if (base.status === 429) return classifyRateLimit(base, problem);
  if (base.status === 403 && problem.type?.endsWith('/client-forbidden')) {
    return refine(base, 'bad-request', problem, {
      hint: 'The X app must be attached to a Project with API access (X developer portal).',
    });
  }
  if (base.status === 403) return refine(base, 'bad-request', problem);
  return base;
}

function classifyTokenError(base: HttpStatusError, problem: XProblem): ProviderError {
  const code = problem.error;
  if (base.status === 401 || code === 'unauthorized_client' || code === 'invalid_client') {
    return refine(base, 'bad-request', problem, { hint: CLIENT_HINT });
  }
  if (base.status === 400 && (code === 'invalid_request' || code === 'invalid_grant')) {
    // Refresh tokens are single-use: a rejected one never works again, so the user must relink.
    if (base.endpoint === REFRESH_ENDPOINT) return refine(base, 'revoked', problem, { hint: RECONNECT });
    if (base.endpoint === TOKEN_ENDPOINT) {
      return refine(base, 'bad-request', problem, {
        hint: 'The authorization code was invalid or expired (X allows 30 seconds); start linking again.',
      });
    }
  }
  if (base.kind === 'refresh-token') return refine(base, 'bad-request', problem);
  return base;
}

function classifyRateLimit(base: HttpStatusError, problem: XProblem): ProviderError {
  const now = Date.now();
  if (problem.type?.endsWith('/usage-capped') || problem.title === 'UsageCapExceeded') {
    // x-rate-limit-reset describes the endpoint's 15-minute window, not the cap: only a daily reset counts.
    const resets = [
      resetMs(base, 'x-app-limit-24hour-reset', now),
      resetMs(base, 'x-user-limit-24hour-reset', now),
    ].filter((ms): ms is number => ms !== undefined);
    const wait = resets.length === 0 ? DAY_MS : Math.max(MIN_CAP_WAIT_MS, ...resets);
    // The cap belongs to the app (X's problem says `scope: Product`): every account waits for it.
    return refine(base, 'retry-later', problem, {
      retryAfterMs: Math.min(wait, DAY_MS),
      limitScope: 'app',
      hint: 'The X API usage cap of this app is spent; imports resume when it resets (or raise the plan).',
    });
  }
  // A spent 24-hour budget outlasts the 15-minute window that x-rate-limit-reset describes.
  const spent = ['x-user-limit-24hour', 'x-app-limit-24hour'].filter(
    (prefix) => base.header(`${prefix}-remaining`) === '0',
  );
  const daily = spent
    .map((prefix) => resetMs(base, `${prefix}-reset`, now))
    .filter((ms): ms is number => ms !== undefined);
  if (daily.length === 0) return base;
  return refine(base, 'retry-later', problem, {
    retryAfterMs: Math.min(Math.max(base.retryAfterMs ?? 0, ...daily), DAY_MS),
    limitScope: spent.includes('x-app-limit-24hour') ? 'app' : 'account',
  });
}

function resetMs(base: HttpStatusError, name: string, now: number): number | undefined {
  const value = Number(base.header(name));
  return Number.isFinite(value) && value > 0 ? Math.max(0, value * 1000 - now) : undefined;
}

export function problemOf(body: unknown): XProblem {
  const parsed = problemSchema.safeParse(body);
  return parsed.success ? parsed.data : {};
}

function refine(
  base: ProviderError,
  kind: ProviderFailureKind,
  problem: XProblem,
  extra: { hint?: string; retryAfterMs?: number; limitScope?: 'account' | 'app' } = {},
): ProviderError {
  const detail = problem.detail ?? problem.error_description ?? problem.title ?? problem.error;
  return new ProviderError(kind, detail ? `${base.message}: ${detail}` : base.message, {
    platform: base.platform,
    endpoint: base.endpoint,
    status: base.status,
    retryAfterMs: kind === 'retry-later' ? (extra.retryAfterMs ?? base.retryAfterMs) : undefined,
    limitScope: extra.limitScope,
    cause: base,
    ...(extra.hint ? { hint: extra.hint } : {}),
  });
}

/**
 * A 200 that carries only `errors[]`: for the account's own timeline or profile this means the account
 * is gone or hidden (X answers a suspended or deleted user this way), which no retry will fix.
 */
export function errorsOnlyFailure(endpoint: string, errors: readonly XProblem[]): ProviderError {
  const first = errors[0] ?? {};
  const accountGone = errors.some(
    (e) =>
      e.resource_type === 'user' ||
      e.type?.endsWith('/resource-not-found') ||
      e.type?.endsWith('/not-authorized-for-resource'),
  );
  const detail = first.detail ?? first.title ?? 'the answer held only errors';
  return new ProviderError(accountGone ? 'revoked' : 'bad-request', `${PLATFORM}: ${endpoint}: ${detail}`, {
    platform: PLATFORM,
    endpoint,
    status: 200,
    ...(accountGone
      ? { hint: 'The X account is suspended, deleted or protected; reconnect or remove it.' }
      : {}),
  });
}

/** Run one provider operation so that it fails only with a classified ProviderError. */
export async function runX<T>(endpoint: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw classifyXError(toProviderError(err, PLATFORM, endpoint));
  }
}
