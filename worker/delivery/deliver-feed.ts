/**
 * Sending a feed's pending posts to its channel, oldest publication first, exactly once each. The
 * intent is recorded before the send; a delivery found mid-send (a crash between send and record)
 * is looked for in the channel first and only re-sent when it is not there.
 */
import type { Pool } from '../../core/db/pool.js';
import {
  markDelivered,
  markFailed,
  markSending,
  nextOpenDelivery,
  pauseFeed,
  recordSendDeferred,
  type OpenDelivery,
} from '../../core/delivery-store.js';
import type { Logger } from '../../core/logger.js';
import type { ChatPlatform } from '../../core/platforms.js';
import { toDiscordMessage, toSlackMessage } from '../../embeds/index.js';
import { SendError, type ChatPayload, type ChatSender } from './chat-sender.js';

export type SenderFor = (tenantId: string, chatPlatform: ChatPlatform) => Promise<ChatSender>;

export interface DeliverDeps {
  readonly pool: Pool;
  readonly senders: SenderFor;
  readonly logger: Logger;
  /** Messages one run sends before handing over to a fresh job (keeps jobs short). */
  readonly maxPerRun?: number;
  readonly now?: () => Date;
}

export interface DeliverOutcome {
  readonly sent: number;
  /** Deliveries found already posted after an interrupted send, recorded without sending again. */
  readonly recovered: number;
  readonly failed: number;
  /** Set when the feed must be tried again later (rate limit, platform error) or has more to send. */
  readonly retryAt?: Date;
  readonly paused?: string;
}

const MAX_RETRY_DELAY_MS = 10 * 60_000;

function render(delivery: OpenDelivery): ChatPayload {
  if (delivery.chatPlatform === 'discord') {
    return toDiscordMessage(
      delivery.post,
      delivery.mentionRoleId ? { mentionRoleId: delivery.mentionRoleId } : {},
    );
  }
  return toSlackMessage(
    delivery.post,
    delivery.mentionRoleId ? { mentionUserGroupId: delivery.mentionRoleId } : {},
  );
}

/** The link the message carries (Discord's findSent matches it): a repost shows its original's. */
function markerUrl(payload: ChatPayload, delivery: OpenDelivery): string {
  const embeds = (payload as { embeds?: ReadonlyArray<{ url?: string }> }).embeds;
  return embeds?.[0]?.url ?? delivery.post.permalink;
}

function asSendError(err: unknown): SendError {
  if (err instanceof SendError) return err;
  // A bug in rendering (a bad stored role id) is a problem of this message, not of the platform.
  return new SendError('rejected', err instanceof Error ? err.message : String(err), { cause: err });
}

export async function deliverFeed(deps: DeliverDeps, feedId: string): Promise<DeliverOutcome> {
  const maxPerRun = deps.maxPerRun ?? 50;
  let sent = 0;
  let recovered = 0;
  let failed = 0;
  for (let count = 0; count < maxPerRun; count++) {
    const delivery = await nextOpenDelivery(deps.pool, feedId);
    if (!delivery) return { sent, recovered, failed };
    const log = deps.logger.child({ deliveryId: delivery.id, feedId, chat: delivery.chatPlatform });
    try {
      const sender = await deps.senders(delivery.tenantId, delivery.chatPlatform);
      const payload = render(delivery);
      const request = {
        channelId: delivery.channelId,
        deliveryKey: delivery.nonce,
        permalink: markerUrl(payload, delivery),
      };
      if (delivery.status === 'sending') {
        const found = await sender.findSent({ ...request, after: delivery.createdAt });
        if (found) {
          await markDelivered(deps.pool, delivery.id, found.messageId);
          log.info({ messageId: found.messageId }, 'delivery recovered after an interrupted send');
          recovered++;
          continue;
        }
      }
      await markSending(deps.pool, delivery.id);
      const message = await sender.send({ ...request, payload });
      await markDelivered(deps.pool, delivery.id, message.messageId);
      sent++;
    } catch (err) {
      const failure = asSendError(err);
      log.warn({ kind: failure.kind, code: failure.platformCode, err: failure }, 'delivery failed');
      switch (failure.kind) {
        case 'rejected':
          await markFailed(deps.pool, delivery.id, failure.message);
          failed++;
          continue;
        case 'channel-unavailable':
        case 'unauthorized': {
          const reason =
            failure.kind === 'unauthorized'
              ? `the chat platform refused Herald's bot token (${failure.message})`
              : `Herald cannot post in this channel (${failure.message})`;
          await pauseFeed(deps.pool, feedId, reason);
          return { sent, recovered, failed, paused: reason };
        }
        case 'retry-later': {
          await recordSendDeferred(
            deps.pool,
            delivery.id,
            failure.message,
            failure.retryAfterMs !== undefined,
          );
          const wait =
            failure.retryAfterMs ??
            Math.min(1000 * 2 ** Math.min(delivery.attempts + 1, 10), MAX_RETRY_DELAY_MS);
          return {
            sent,
            recovered,
            failed,
            retryAt: new Date((deps.now?.() ?? new Date()).getTime() + wait),
          };
        }
      }
    }
  }
  return { sent, recovered, failed, retryAt: deps.now?.() ?? new Date() };
}
