import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ProviderError, type ProviderFailureKind } from '../../../core/errors.js';
import { HttpStatusError, kindForStatus } from '../../../social/http.js';
import {
  REFRESH_ENDPOINT,
  TOKEN_ENDPOINT,
  classifyXError,
  errorsOnlyFailure,
} from '../../../social/x/errors.js';
import { tweetsResponseSchema } from '../../../social/x/schemas.js';

const HOUR = 60 * 60 * 1000;
const epoch = (inMs: number) => String(Math.floor((Date.now() + inMs) / 1000));

function httpError(
  status: number,
  body: unknown,
  options: { endpoint?: string; headers?: Record<string, string>; retryAfterMs?: number } = {},
): HttpStatusError {
  const kind: ProviderFailureKind = kindForStatus(status);
  const endpoint = options.endpoint ?? 'GET /2/users/:id/tweets';
  return new HttpStatusError(kind, `x: ${endpoint}: HTTP ${status}`, {
    platform: 'x',
    endpoint,
    status,
    retryAfterMs: options.retryAfterMs,
    body,
    header: (name) => options.headers?.[name.toLowerCase()],
  });
}

const USAGE_CAPPED = {
  title: 'UsageCapExceeded',
  detail: 'Usage cap exceeded: Monthly product cap',
  type: 'https://api.twitter.com/2/problems/usage-capped',
  period: 'Monthly',
  scope: 'Product',
};

describe('classifying X failures', () => {
  it('GIVEN a spent usage cap without a reset header THEN retry-later waits a whole day', () => {
    const failure = classifyXError(httpError(429, USAGE_CAPPED, { retryAfterMs: 1000 }));
    expect(failure.kind).toBe('retry-later');
    expect(failure.retryAfterMs).toBe(24 * HOUR);
    expect(failure.hint).toMatch(/usage cap/);
    expect(failure.message).toContain('Monthly product cap');
  });

  it('GIVEN a spent usage cap with a 24-hour reset header THEN it waits until that reset', () => {
    const failure = classifyXError(
      httpError(429, USAGE_CAPPED, { headers: { 'x-app-limit-24hour-reset': epoch(3 * HOUR) } }),
    );
    expect(failure.retryAfterMs).toBeGreaterThan(3 * HOUR - 5_000);
    expect(failure.retryAfterMs).toBeLessThanOrEqual(3 * HOUR);
  });

  it('GIVEN a spent usage cap with only the 15-minute window reset THEN that window is ignored: a day', () => {
    const failure = classifyXError(
      httpError(429, USAGE_CAPPED, { headers: { 'x-rate-limit-reset': epoch(60_000) } }),
    );
    expect(failure.retryAfterMs).toBe(24 * HOUR);
  });

  it('GIVEN a spent usage cap whose daily reset is a minute away THEN it still waits 15 minutes', () => {
    const failure = classifyXError(
      httpError(429, USAGE_CAPPED, { headers: { 'x-user-limit-24hour-reset': epoch(60_000) } }),
    );
    expect(failure.retryAfterMs).toBe(15 * 60 * 1000);
  });

  it('GIVEN a 429 with the 24-hour user budget spent THEN it waits for that reset, not the 15-minute one', () => {
    const headers = {
      'x-rate-limit-remaining': '0',
      'x-rate-limit-reset': epoch(10 * 60 * 1000),
      'x-user-limit-24hour-remaining': '0',
      'x-user-limit-24hour-reset': epoch(5 * HOUR),
    };
    const failure = classifyXError(
      httpError(429, { title: 'Too Many Requests' }, { headers, retryAfterMs: 600_000 }),
    );
    expect(failure.kind).toBe('retry-later');
    expect(failure.retryAfterMs).toBeGreaterThan(5 * HOUR - 5_000);
    expect(failure.limitScope).toBe('account');
  });

  it("GIVEN a 429 with the app's 24-hour budget spent THEN the wait is the whole app's", () => {
    const headers = {
      'x-app-limit-24hour-remaining': '0',
      'x-app-limit-24hour-reset': epoch(3 * HOUR),
      'x-user-limit-24hour-remaining': '12',
    };
    const failure = classifyXError(httpError(429, { title: 'Too Many Requests' }, { headers }));
    expect(failure.limitScope).toBe('app');
    expect(failure.retryAfterMs).toBeGreaterThan(3 * HOUR - 5_000);
    expect(classifyXError(httpError(429, USAGE_CAPPED)).limitScope).toBe('app');
  });

  it('GIVEN an ordinary 429 THEN the shared reading of x-rate-limit-reset stands', () => {
    const original = httpError(
      429,
      { title: 'Too Many Requests', type: 'about:blank' },
      { retryAfterMs: 42_000 },
    );
    expect(classifyXError(original)).toBe(original);
  });

  it('GIVEN 403 client-forbidden THEN bad-request with a hint about the Project', () => {
    const failure = classifyXError(
      httpError(403, {
        title: 'Client Forbidden',
        type: 'https://api.twitter.com/2/problems/client-forbidden',
        reason: 'client-not-enrolled',
      }),
    );
    expect(failure.kind).toBe('bad-request');
    expect(failure.hint).toMatch(/Project/);
  });

  it('GIVEN a refresh answered 400 invalid_request THEN the refresh token is dead: revoked', () => {
    const failure = classifyXError(
      httpError(
        400,
        { error: 'invalid_request', error_description: 'Value passed for the token was invalid.' },
        { endpoint: REFRESH_ENDPOINT },
      ),
    );
    expect(failure.kind).toBe('revoked');
    expect(failure.message).toContain('Value passed for the token was invalid.');
    expect(failure.hint).toMatch(/Reconnect/);
  });

  it('GIVEN a code exchange answered 400 invalid_request THEN bad-request: the user starts linking again', () => {
    const failure = classifyXError(
      httpError(400, { error: 'invalid_request' }, { endpoint: TOKEN_ENDPOINT }),
    );
    expect(failure.kind).toBe('bad-request');
    expect(failure.hint).toMatch(/start linking again/);
  });

  it('GIVEN the token endpoint answers 401 unauthorized_client THEN bad-request, never another refresh', () => {
    const failure = classifyXError(
      httpError(
        401,
        { error: 'unauthorized_client', error_description: 'Missing valid authorization header' },
        { endpoint: REFRESH_ENDPOINT },
      ),
    );
    expect(failure.kind).toBe('bad-request');
    expect(failure.hint).toMatch(/HERALD_X_CLIENT_ID/);
  });

  it('GIVEN an API 401 THEN refresh-token, as the shared client reads it', () => {
    const failure = classifyXError(
      httpError(401, { title: 'Unauthorized', type: 'about:blank', status: 401 }),
    );
    expect(failure.kind).toBe('refresh-token');
  });

  it('GIVEN a 200 holding only errors for the account THEN revoked; other error-only answers are bad-request', () => {
    const suspended = tweetsResponseSchema.parse(
      JSON.parse(readFileSync(new URL('../../fixtures/x/suspended-user.json', import.meta.url), 'utf8')),
    );
    const gone = errorsOnlyFailure('GET /2/users/:id/tweets', suspended.errors ?? []);
    expect(gone.kind).toBe('revoked');
    expect(gone.message).toContain('User has been suspended');
    const other = errorsOnlyFailure('GET /2/tweets', [
      { type: 'https://api.x.com/2/problems/invalid-request' },
    ]);
    expect(other.kind).toBe('bad-request');
  });

  it('GIVEN something that is not a ProviderError THEN it becomes a bad-request naming the platform', () => {
    const failure = classifyXError(new TypeError('boom'));
    expect(failure).toBeInstanceOf(ProviderError);
    expect(failure.kind).toBe('bad-request');
    expect(failure.platform).toBe('x');
  });
});
