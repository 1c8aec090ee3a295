/**
 * The HTTP client a provider test gives its provider: the platform's own rate-limit header style,
 * loopback allowed (the fakes live there), and a timeout the test chooses.
 */
import { createHttpClient, type HttpClient } from '../../social/http.js';
import { RATE_LIMIT_STYLE, type ImplementedPlatform } from '../../social/registry.js';

export function testHttpClient(
  platform: ImplementedPlatform,
  options: { timeoutMs?: number } = {},
): HttpClient {
  return createHttpClient({
    platform,
    userAgent: 'Herald-test',
    rateLimitStyle: RATE_LIMIT_STYLE[platform],
    allowLoopback: true,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
}
