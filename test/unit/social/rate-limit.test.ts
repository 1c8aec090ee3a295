import { describe, expect, it } from 'vitest';
import { parseRetryAfter, readRateLimit, retryAfterMs } from '../../../social/rate-limit.js';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const headers = (values: Record<string, string>) => (name: string) => values[name.toLowerCase()];

describe('rate-limit headers', () => {
  it('GIVEN Retry-After in seconds or as an HTTP date THEN both become milliseconds', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 12:00:30 GMT', NOW)).toBe(30_000);
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
    expect(parseRetryAfter('-5', NOW)).toBeUndefined();
  });

  it("GIVEN X's 429 THEN waits until x-rate-limit-reset (epoch seconds)", () => {
    const h = headers({ 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(NOW / 1000 + 600) });
    expect(retryAfterMs('x', h, true, NOW)).toBe(600_000);
  });

  it("GIVEN Bluesky's 429 THEN waits until ratelimit-reset (epoch seconds)", () => {
    const h = headers({ 'ratelimit-remaining': '0', 'ratelimit-reset': String(NOW / 1000 + 90) });
    expect(retryAfterMs('atproto', h, true, NOW)).toBe(90_000);
  });

  it("GIVEN Mastodon's 429 THEN waits until the ISO 8601 x-ratelimit-reset", () => {
    const h = headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2026-11-23T12:05:00.071450Z' });
    expect(retryAfterMs('mastodon', h, true, NOW)).toBe(300_071);
  });

  it("GIVEN Reddit's headers THEN reset is seconds from now and remaining may be a float", () => {
    const h = headers({ 'x-ratelimit-remaining': '0.0', 'x-ratelimit-reset': '42' });
    expect(retryAfterMs('reddit', h, false, NOW)).toBe(42_000);
    expect(readRateLimit('reddit', headers({ 'x-ratelimit-remaining': '995.0' }), NOW).remaining).toBe(995);
  });

  it('GIVEN budget left and no 429 THEN there is nothing to wait for', () => {
    const h = headers({ 'x-rate-limit-remaining': '12', 'x-rate-limit-reset': String(NOW / 1000 + 600) });
    expect(retryAfterMs('x', h, false, NOW)).toBeUndefined();
  });

  it('GIVEN Retry-After and a reset header THEN Retry-After wins', () => {
    const h = headers({ 'retry-after': '5', 'x-rate-limit-reset': String(NOW / 1000 + 600) });
    expect(retryAfterMs('x', h, true, NOW)).toBe(5_000);
  });

  it('GIVEN a reset absurdly far away THEN waits at most a day', () => {
    const h = headers({ 'x-rate-limit-reset': String(NOW / 1000 + 10 * 86_400) });
    expect(retryAfterMs('x', h, true, NOW)).toBe(86_400_000);
  });
});
