/**
 * What the deliver task needs from a chat platform: send one rendered message, and find a message it
 * may already have sent (a retry after a crash between send and record). One implementation per chat
 * platform; chat SDK types stay behind this interface.
 */

/** A message rendered for one chat platform (embeds/), as the platform's API takes it. */
export type ChatPayload = object;

export interface SendRequest {
  readonly channelId: string;
  readonly payload: ChatPayload;
  /**
   * Stable for one delivery across every retry: Discord's `nonce` (with `enforce_nonce`), and the
   * marker `findSent` looks for.
   */
  readonly deliveryKey: string;
  /** The link the message carries (Discord: the first embed's `url`, the original's for a repost), which `findSent` matches. */
  readonly permalink: string;
}

export interface SentMessage {
  readonly messageId: string;
}

export interface FindRequest {
  readonly channelId: string;
  readonly deliveryKey: string;
  readonly permalink: string;
  /** Only messages after this time can be ours (the delivery row's creation). */
  readonly after: Date;
}

/**
 * How a failed send should be handled:
 * - `retry-later`: rate limited or the platform failed (5xx, timeout); retry after `retryAfterMs`.
 * - `channel-unavailable`: the channel is gone or the bot may not post there (403/404): pause the feed.
 * - `unauthorized`: the bot token is invalid or the workspace uninstalled Herald.
 * - `rejected`: the platform refused this message (400): retrying it will not help.
 */
export type SendFailureKind = 'retry-later' | 'channel-unavailable' | 'unauthorized' | 'rejected';

export class SendError extends Error {
  override name = 'SendError';
  readonly kind: SendFailureKind;
  readonly retryAfterMs: number | undefined;
  /** The platform's own error code, when it gave one (Discord `code`, Slack `error`). */
  readonly platformCode: string | undefined;

  constructor(
    kind: SendFailureKind,
    message: string,
    details: { retryAfterMs?: number; platformCode?: string; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = kind;
    this.retryAfterMs = details.retryAfterMs;
    this.platformCode = details.platformCode;
  }
}

export interface ChatSender {
  /** Post the message. Throws only SendError. */
  send(request: SendRequest): Promise<SentMessage>;
  /** The message Herald already posted for this delivery, if the channel's recent history has it. */
  findSent(request: FindRequest): Promise<SentMessage | undefined>;
}
