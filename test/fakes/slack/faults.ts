/**
 * Faults on the Web API, in Slack's wire format where Slack has one: 429 with `Retry-After` seconds
 * and `{ ok: false, error: "ratelimited" }`, platform errors at HTTP 200, and the transport failures
 * WebClient retries (a bare 5xx page, a slow answer, a malformed body, a dropped connection).
 * @see https://docs.slack.dev/apis/web-api/rate-limits
 */
import type { FakeReply, FakeServer } from '../fake-server.js';
import type { FaultOptions, SlackFaultControls } from './api.js';
import type { createWebApi } from './web-api.js';
import { error } from './wire.js';

export function faultControls(
  server: FakeServer,
  webApi: ReturnType<typeof createWebApi>,
): SlackFaultControls {
  const faultPath = (options: FaultOptions) =>
    options.method === undefined ? '/api/' : `/api/${options.method}`;
  const inject = (reply: FakeReply, options: FaultOptions) =>
    server.injectFault({ kind: 'reply', reply }, { times: options.times, path: faultPath(options) });

  return {
    limitPostsPerChannel: webApi.limitPostsPerChannel,
    holdPostedMessages: webApi.holdPostedMessages,
    nextCall: webApi.nextCall,
    rateLimit(retryAfterSeconds, options = {}) {
      const headers = { 'retry-after': String(retryAfterSeconds) };
      inject({ status: 429, headers, json: error('ratelimited') }, options);
    },
    platformError(code, options = {}) {
      inject({ json: error(code, options.extra) }, options);
    },
    serverError(status = 500, options = {}) {
      // Not the Web API's JSON: WebClient reads only the status of a non-200, non-429 answer.
      inject({ status, text: `<html><body>${status} Server Error</body></html>` }, options);
    },
    slow(ms, options = {}) {
      server.injectFault({ kind: 'slow', delayMs: ms }, { times: options.times, path: faultPath(options) });
    },
    malformed(body = '{"ok":tru', options = {}) {
      server.injectFault({ kind: 'malformed', body }, { times: options.times, path: faultPath(options) });
    },
    drop(options = {}) {
      server.injectFault({ kind: 'drop' }, { times: options.times, path: faultPath(options) });
    },
  };
}
