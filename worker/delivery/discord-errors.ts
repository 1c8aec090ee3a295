/**
 * What a failed Discord REST call means for a delivery: every throwable from `@discordjs/rest` (or the
 * network under it) becomes one `SendError`, classified by HTTP status and Discord's JSON error code.
 * @see https://discord.com/developers/docs/topics/opcodes-and-status-codes#json
 */
import { DiscordAPIError, HTTPError, RateLimitError } from '@discordjs/rest';
import { SendError } from './chat-sender.js';

/** Discord JSON error codes the delivery reacts to. */
const DiscordErrorCode = {
  UnknownChannel: 10003,
  UnknownGuild: 10004,
  UnknownMessage: 10008,
  MissingAccess: 50001,
  MissingPermissions: 50013,
  InvalidFormBody: 50035,
} as const;

// The channel (or its server) no longer exists: nothing to retry, the feed should pause.
const GONE_CODES: ReadonlySet<number> = new Set([
  DiscordErrorCode.UnknownChannel,
  DiscordErrorCode.UnknownGuild,
]);

function fromApiError(err: DiscordAPIError): SendError {
  const { status } = err;
  const code = typeof err.code === 'number' ? err.code : Number.NaN;
  const details = { platformCode: String(err.code), cause: err };
  const said = `Discord answered ${status} (code ${String(err.code)}): ${err.message}`;
  if (status === 401) return new SendError('unauthorized', `${said}; the bot token is invalid`, details);
  // Every 403 on these routes is about the bot's access to the channel (50001, 50013 and kin). Retrying
  // cannot help and counts toward Discord's 10,000-invalid-requests ban, so the feed pauses instead.
  if (status === 403) return new SendError('channel-unavailable', said, details);
  if (status === 404 && GONE_CODES.has(code)) return new SendError('channel-unavailable', said, details);
  if (status === 429 || status === 408) return new SendError('retry-later', said, details);
  // 400 (50035 Invalid Form Body, 50006 empty message), 413, and 404 10008 (the nonce's message was
  // deleted since): this message will never be accepted as it is.
  return new SendError('rejected', said, details);
}

function fromRateLimit(err: RateLimitError): SendError {
  const scope = err.global ? 'global' : err.scope;
  return new SendError(
    'retry-later',
    `Discord rate limit (${scope}) on ${err.method.toUpperCase()} ${err.route}: retry in ${err.retryAfter} ms`,
    { retryAfterMs: Math.max(0, Math.ceil(err.retryAfter)), cause: err },
  );
}

/**
 * The `SendError` for anything a Discord call threw. Rate limits, 5xx, timeouts, resets and unreadable
 * answers are `retry-later`: a POST that failed that way may still have landed, which the nonce and
 * `findSent` cover on the retry.
 */
export function toDiscordSendError(err: unknown): SendError {
  if (err instanceof SendError) return err;
  if (err instanceof RateLimitError) return fromRateLimit(err);
  if (err instanceof DiscordAPIError) return fromApiError(err);
  if (err instanceof HTTPError) {
    return new SendError('retry-later', `Discord answered ${err.status} ${err.message}`, { cause: err });
  }
  if (err instanceof Error && err.name === 'AbortError') {
    return new SendError('retry-later', 'Discord did not answer in time', { cause: err });
  }
  const reason = err instanceof Error ? err.message : String(err);
  return new SendError('retry-later', `Discord could not be reached or answered unreadably: ${reason}`, {
    cause: err,
  });
}
