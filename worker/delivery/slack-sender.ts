/**
 * The ChatSender for Slack: `chat.postMessage` with the workspace's bot token, and a search of the
 * channel's recent history for a message this delivery already posted. Every message carries Slack
 * message metadata `{ event_type: 'herald_delivery', event_payload: { delivery } }`: invisible to
 * people, returned by `conversations.history` on request, and exact (one key per delivery), so
 * `findSent` never mistakes another post for this one. Slack has no nonce, so that history check is
 * what keeps a retry from posting twice.
 * @see https://docs.slack.dev/reference/methods/chat.postMessage
 * @see https://docs.slack.dev/messaging/message-metadata
 */
import { format } from 'node:util';
import { LogLevel, WebClient, type Logger as SlackLogger } from '@slack/web-api';
import { z } from 'zod';
import type { Logger } from '../../core/logger.js';
import { SendError, type ChatSender, type FindRequest, type SendRequest } from './chat-sender.js';
import { toSendError } from './slack-errors.js';

/** The `event_type` of the metadata on every message Herald delivers. */
export const SLACK_DELIVERY_EVENT_TYPE = 'herald_delivery';

export interface SlackSenderOptions {
  /** The workspace's bot token (`xoxb-…`). One sender per token; the caller caches them. */
  readonly botToken: string;
  /** `config.slack.apiUrl`, e.g. `https://slack.com/api/`. */
  readonly apiUrl: string;
  /** Per request, so a hung Slack cannot hold a worker slot. 10 s by default. */
  readonly timeoutMs?: number;
  /** WebClient's own log lines go here at debug level; nowhere when absent. */
  readonly logger?: Logger;
  /** Pages of 100 messages `findSent` reads before it stops looking. 5 by default. */
  readonly maxHistoryPages?: number;
  /**
   * How far before `after` `findSent` still looks, because `after` is Herald's clock and a message's
   * `ts` is Slack's. Matching is by delivery key, so a wider window costs reads, never a false match.
   * 60 s by default.
   */
  readonly clockSkewMs?: number;
}

const HISTORY_PAGE_SIZE = 100;

const postMessageResult = z.object({ ts: z.string().regex(/^\d+\.\d+$/u) });

const deliveryMarker = z.object({
  event_type: z.literal(SLACK_DELIVERY_EVENT_TYPE),
  event_payload: z.object({ delivery: z.string() }),
});

const historyPage = z.object({
  messages: z.array(
    z.object({
      ts: z.string().regex(/^\d+\.\d+$/u),
      // Other apps' metadata has other shapes; it just never matches.
      metadata: deliveryMarker.optional().catch(undefined),
    }),
  ),
  has_more: z.boolean().optional(),
  response_metadata: z.object({ next_cursor: z.string().optional() }).optional(),
});

/** A time as Slack's `ts`: Unix seconds with six decimals. */
function toSlackTs(epochMs: number): string {
  const ms = Math.max(0, Math.floor(epochMs));
  return `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}000`;
}

/** Microseconds since the epoch, for comparing `ts` values exactly. */
function tsMicros(ts: string): bigint {
  const [seconds = '0', fraction = ''] = ts.split('.');
  return BigInt(seconds) * 1_000_000n + BigInt(fraction.padEnd(6, '0').slice(0, 6));
}

/** WebClient logs through this: to the given pino logger at debug, or nowhere. */
function webClientLogger(logger: Logger | undefined): SlackLogger {
  let level = LogLevel.DEBUG;
  const write = (...msg: unknown[]): void => {
    logger?.debug({ slack: format(...msg) }, 'slack web client');
  };
  return {
    debug: write,
    info: write,
    warn: write,
    error: write,
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

async function call<T>(method: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (err) {
    throw toSendError(err, method);
  }
}

function malformed(method: string, cause: unknown): SendError {
  return new SendError('retry-later', `Slack answered ${method} with an unexpected body`, { cause });
}

export function createSlackSender(options: SlackSenderOptions): ChatSender {
  const maxPages = options.maxHistoryPages ?? 5;
  const clockSkewMs = options.clockSkewMs ?? 60_000;
  const client = new WebClient(options.botToken, {
    slackApiUrl: options.apiUrl,
    // WebClient would retry any non-200 for ~30 minutes, and a 5xx after Slack stored the message
    // would then post it twice. graphile-worker owns retries, after `findSent`.
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: options.timeoutMs ?? 10_000,
    allowAbsoluteUrls: false,
    logger: webClientLogger(options.logger),
  });

  return {
    async send({ channelId, payload, deliveryKey }: SendRequest) {
      // apiCall, not chat.postMessage: the payload is embeds' opaque rendering, passed through as is.
      const result = await call('chat.postMessage', () =>
        client.apiCall('chat.postMessage', {
          ...payload,
          channel: channelId,
          unfurl_links: false,
          unfurl_media: false,
          metadata: { event_type: SLACK_DELIVERY_EVENT_TYPE, event_payload: { delivery: deliveryKey } },
        }),
      );
      const parsed = postMessageResult.safeParse(result);
      if (!parsed.success) throw malformed('chat.postMessage', parsed.error);
      return { messageId: parsed.data.ts };
    },

    async findSent({ channelId, deliveryKey, after }: FindRequest) {
      const oldest = toSlackTs(after.getTime() - clockSkewMs);
      const oldestMicros = tsMicros(oldest);
      let cursor: string | undefined;
      for (let page = 0; page < maxPages; page += 1) {
        const result = await call('conversations.history', () =>
          client.conversations.history({
            channel: channelId,
            oldest,
            include_all_metadata: true,
            limit: HISTORY_PAGE_SIZE,
            cursor,
          }),
        );
        const parsed = historyPage.safeParse(result);
        if (!parsed.success) throw malformed('conversations.history', parsed.error);
        const found = parsed.data.messages.find(
          (message) =>
            message.metadata?.event_payload.delivery === deliveryKey && tsMicros(message.ts) > oldestMicros,
        );
        if (found) return { messageId: found.ts };
        cursor = parsed.data.response_metadata?.next_cursor;
        if (parsed.data.has_more !== true || !cursor) return undefined;
      }
      // @NOTE: a channel busier than maxPages × 100 messages since `after` is read only that far.
      return undefined;
    },
  };
}
