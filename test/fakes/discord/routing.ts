/**
 * How every route of the fake is mounted: under `/api/v10`, with `@me`-style segments also matched
 * percent-encoded (as @discordjs/rest sends them), the body parsed before anything happens, the
 * route's bucket counted (and its `X-RateLimit-*` headers added), and `Authorization: Bot <token>`
 * checked unless the route is one Discord serves without it (interaction callbacks and webhooks).
 */
import type { FakeReply, FakeServer, RecordedRequest } from '../fake-server.js';
import { bucketHash, type RateLimits } from './rate-limits.js';
import { API_PREFIX, readBody, unauthorized, type Json } from './wire.js';

export interface RouteContext {
  readonly request: RecordedRequest;
  readonly params: Readonly<Record<string, string>>;
  /** The JSON (or multipart `payload_json`) body; `undefined` when it is not valid JSON. */
  readonly body: Json | unknown[] | undefined;
}

export interface RouteOptions {
  /** Default true. */
  readonly auth?: boolean;
  /** The path parameter naming the bucket's top-level resource (channel, guild, webhook…). */
  readonly major?: string;
  /** Lets a test hold the answer back (see `holdCreatedMessages`). */
  readonly hold?: (reply: FakeReply) => FakeReply | Promise<FakeReply>;
}

export type Route = (
  method: string,
  pattern: string,
  handler: (context: RouteContext) => FakeReply,
  options?: RouteOptions,
) => void;

export function createRouter(deps: { server: FakeServer; limits: RateLimits; token: () => string }): Route {
  return (method, pattern, handler, options = {}) => {
    const hash = bucketHash(`${method} ${pattern}`);
    const paths = pattern.includes('@') ? [pattern, pattern.replaceAll('@', '%40')] : [pattern];
    for (const path of paths) {
      deps.server.on(method, `${API_PREFIX}${path}`, async (request, params) => {
        const body = await readBody(request);
        const major = (options.major === undefined ? undefined : params[options.major]) || 'global';
        const reply = deps.limits.limited(hash, major, () =>
          options.auth === false || request.headers.authorization === `Bot ${deps.token()}`
            ? handler({ request, params, body })
            : unauthorized(),
        );
        return options.hold ? options.hold(reply) : reply;
      });
    }
  };
}

/** The body as an object, for routes that take one. */
export const objectBody = (body: RouteContext['body']): Json | undefined =>
  body === undefined || Array.isArray(body) ? undefined : body;
