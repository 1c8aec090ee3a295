/**
 * What went wrong in a Slack Web API call, as a SendError: WebClient's coded errors (platform `error`
 * codes, rate limits, HTTP statuses, request failures) mapped to how delivery handles them.
 * @see https://docs.slack.dev/reference/methods/chat.postMessage#errors
 * @see https://docs.slack.dev/tools/node-slack-sdk/web-api#handle-errors
 */
import { ErrorCode } from '@slack/web-api';
import { SendError, type SendFailureKind } from './chat-sender.js';

/** The channel is gone or Herald may not post there: an admin must act, so the feed pauses. */
const CHANNEL_UNAVAILABLE = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'channel_is_archived',
  'restricted_action',
  'restricted_action_read_only_channel',
  'restricted_action_thread_only_channel',
  'restricted_action_non_threadable_channel',
  'ekm_access_denied',
]);

/** The install is broken (token revoked, app removed, scope missing): reinstalling fixes it. */
const UNAUTHORIZED = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'team_access_not_granted',
  'missing_scope',
  'not_allowed_token_type',
  'no_permission',
]);

/**
 * Slack's own transient failures. Its docs say some part of the call may have succeeded, so these are
 * retried (after `findSent`), never dropped as `rejected`.
 */
const TRANSIENT = new Set([
  'ratelimited',
  'rate_limited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

/** Slack error codes are snake_case words; anything else came from a body that was not Slack's JSON. */
const SLACK_ERROR_CODE = /^[a-z][a-z0-9_]*$/u;

function kindOf(code: string): SendFailureKind {
  if (TRANSIENT.has(code)) return 'retry-later';
  if (CHANNEL_UNAVAILABLE.has(code)) return 'channel-unavailable';
  if (UNAUTHORIZED.has(code)) return 'unauthorized';
  return 'rejected';
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

function secondsToMs(value: unknown): number | undefined {
  const parsed = typeof value === 'string' ? Number.parseInt(value, 10) : value;
  return typeof parsed === 'number' && Number.isFinite(parsed) && parsed >= 0 ? parsed * 1000 : undefined;
}

/** `{ ok: false, error }` at HTTP 200: WebClient's `slack_webapi_platform_error` with the body as `data`. */
function fromPlatformError(err: unknown, data: Record<string, unknown>, method: string): SendError {
  const code = data.error;
  if (typeof code !== 'string' || !SLACK_ERROR_CODE.test(code)) {
    // WebClient turns an unparsable body into `{ ok: false, error: <the body> }`: the call's outcome
    // is unknown, so it is retried like a dropped connection.
    return new SendError('retry-later', `Slack answered ${method} with a malformed body`, { cause: err });
  }
  const needed = typeof data.needed === 'string' ? ` (needs ${data.needed})` : '';
  const metadata = asRecord(data.response_metadata);
  return new SendError(kindOf(code), `Slack refused ${method}: ${code}${needed}`, {
    platformCode: code,
    retryAfterMs: secondsToMs(metadata?.retryAfter),
    cause: err,
  });
}

/** A status other than 200 and 429: Slack uses few, so the status decides unless the body names a code. */
function fromHttpError(err: unknown, coded: Record<string, unknown>, method: string): SendError {
  const status = typeof coded.statusCode === 'number' ? coded.statusCode : 0;
  const retryAfterMs = secondsToMs(asRecord(coded.headers)?.['retry-after']);
  const body = asRecord(coded.body);
  const code = typeof body?.error === 'string' && SLACK_ERROR_CODE.test(body.error) ? body.error : undefined;
  const details = { retryAfterMs, platformCode: code, cause: err };
  const message = `Slack answered ${method} with HTTP ${status}${code === undefined ? '' : ` (${code})`}`;
  if (status >= 500 || status === 408) return new SendError('retry-later', message, details);
  if (code !== undefined) return new SendError(kindOf(code), message, details);
  if (status === 401) return new SendError('unauthorized', message, details);
  return new SendError('rejected', message, details);
}

/**
 * The SendError for anything a WebClient call threw. Unknown throwables (a 429 without a usable
 * Retry-After, a bug in the client) are `retry-later`: the deliver task looks for the message before
 * sending again, so a retry cannot duplicate it.
 */
export function toSendError(err: unknown, method: string): SendError {
  if (err instanceof SendError) return err;
  const coded = asRecord(err);
  switch (coded?.code) {
    case ErrorCode.RateLimitedError:
      return new SendError('retry-later', `Slack rate-limited ${method}`, {
        retryAfterMs: secondsToMs(coded.retryAfter),
        platformCode: 'ratelimited',
        cause: err,
      });
    case ErrorCode.PlatformError:
      return fromPlatformError(err, asRecord(coded.data) ?? {}, method);
    case ErrorCode.HTTPError:
      return fromHttpError(err, coded, method);
    case ErrorCode.RequestError:
      return new SendError('retry-later', `Slack could not be reached for ${method}`, { cause: err });
    default:
      return new SendError('retry-later', `Slack call ${method} failed`, { cause: err });
  }
}
