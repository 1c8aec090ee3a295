/**
 * Sending a feed's pending posts to its channel, oldest publication first, exactly once each. The
 * intent is recorded before the send; a delivery found mid-send (a crash between send and record)
 * is looked for in the channel first and only re-sent when it is not there.
 */
import type { Pool, PoolClient } from '../../core/db/pool.js';
import {
  lockFeedForSending,
  markDelivered,
  markDeliveredAndUnlock,
  markDeliveredThenSending,
  markFailed,
  markSending,
  openDeliveries,
  pauseFeed,
  recordSendDeferred,
  unlockFeed,
  type OpenDelivery,
  type SentMessage,
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
  /** Another job is sending this feed right now; nothing was read or sent. */
  readonly busy?: boolean;
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

/** Deliveries read per query; a run reads again while it finds full pages. */
const PAGE = 10;

const NOTHING = { sent: 0, recovered: 0, failed: 0 } as const;

/**
 * Send the feed's unsent posts, oldest first, holding the feed's send lock on one client for the run.
 * `busy` when another job holds it (that job, or the successor this one's caller queues, sends them).
 */
export async function deliverFeed(deps: DeliverDeps, feedId: string): Promise<DeliverOutcome> {
  const client = await deps.pool.connect();
  let locked = false;
  let broken: Error | undefined;
  try {
    const first = await lockFeedForSending(client, feedId, PAGE);
    if (!first.locked) return { ...NOTHING, busy: true };
    locked = true;
    const run = new FeedRun(deps, client, feedId);
    const outcome = await run.sendAll(first.deliveries);
    locked = !(await run.finish());
    return outcome;
  } catch (err) {
    broken = err instanceof Error ? err : new Error(String(err));
    throw err;
  } finally {
    if (locked) {
      await unlockFeed(client, feedId).catch((err: unknown) => {
        // A connection that cannot unlock is thrown away, and the lock goes with it.
        broken = err instanceof Error ? err : new Error(String(err));
      });
    }
    client.release(broken);
  }
}

/**
 * One run over a feed. The record of a sent message is written together with the next message's
 * intent (or the unlock), so a run of N messages costs about N writes.
 */
class FeedRun {
  private sent = 0;
  private recovered = 0;
  private failed = 0;
  /** Sent, not yet recorded: written by the next write of this run, before anything else is sent. */
  private unrecorded: SentMessage | undefined;

  constructor(
    private readonly deps: DeliverDeps,
    private readonly client: PoolClient,
    private readonly feedId: string,
  ) {}

  async sendAll(firstPage: readonly OpenDelivery[]): Promise<DeliverOutcome> {
    const maxPerRun = this.deps.maxPerRun ?? 50;
    let page = firstPage;
    let done = 0;
    while (page.length > 0) {
      for (const delivery of page) {
        if (done++ >= maxPerRun) return this.outcome({ retryAt: this.now() });
        const stop = await this.deliverOne(delivery);
        if (stop) return stop;
      }
      if (page.length < PAGE) break;
      const exclude = this.unrecorded ? [this.unrecorded.deliveryId] : [];
      page = await openDeliveries(this.client, this.feedId, PAGE, exclude);
    }
    return this.outcome({});
  }

  /** Write what is unrecorded and give the lock back; true when the lock was released. */
  async finish(): Promise<boolean> {
    if (!this.unrecorded) return false;
    await markDeliveredAndUnlock(this.client, this.unrecorded, this.feedId);
    this.unrecorded = undefined;
    return true;
  }

  private outcome(extra: Partial<DeliverOutcome>): DeliverOutcome {
    return { sent: this.sent, recovered: this.recovered, failed: this.failed, ...extra };
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  private async flush(): Promise<void> {
    if (!this.unrecorded) return;
    await markDelivered(this.client, this.unrecorded.deliveryId, this.unrecorded.messageId);
    this.unrecorded = undefined;
  }

  /** Returns the outcome when the run must stop here. */
  private async deliverOne(delivery: OpenDelivery): Promise<DeliverOutcome | undefined> {
    const log = this.deps.logger.child({
      deliveryId: delivery.id,
      feedId: this.feedId,
      chat: delivery.chatPlatform,
    });
    try {
      const sender = await this.deps.senders(delivery.tenantId, delivery.chatPlatform);
      const payload = render(delivery);
      const request = {
        channelId: delivery.channelId,
        deliveryKey: delivery.nonce,
        permalink: markerUrl(payload, delivery),
      };
      if (delivery.status === 'sending') {
        const found = await sender.findSent({ ...request, after: delivery.createdAt });
        if (found) {
          await this.flush();
          await markDelivered(this.client, delivery.id, found.messageId);
          log.info({ messageId: found.messageId }, 'delivery recovered after an interrupted send');
          this.recovered++;
          return undefined;
        }
      }
      if (this.unrecorded) await markDeliveredThenSending(this.client, this.unrecorded, delivery.id);
      else await markSending(this.client, delivery.id);
      this.unrecorded = undefined;
      const message = await sender.send({ ...request, payload });
      this.unrecorded = { deliveryId: delivery.id, messageId: message.messageId };
      this.sent++;
      return undefined;
    } catch (err) {
      await this.flush();
      return this.handleFailure(delivery, asSendError(err), log);
    }
  }

  private async handleFailure(
    delivery: OpenDelivery,
    failure: SendError,
    log: Logger,
  ): Promise<DeliverOutcome | undefined> {
    log.warn({ kind: failure.kind, code: failure.platformCode, err: failure }, 'delivery failed');
    switch (failure.kind) {
      case 'rejected':
        await markFailed(this.client, delivery.id, failure.message);
        this.failed++;
        return undefined;
      case 'channel-unavailable':
      case 'unauthorized': {
        const reason =
          failure.kind === 'unauthorized'
            ? `the chat platform refused Herald's bot token (${failure.message})`
            : `Herald cannot post in this channel (${failure.message})`;
        await pauseFeed(this.client, this.feedId, reason);
        return this.outcome({ paused: reason });
      }
      case 'retry-later': {
        await recordSendDeferred(
          this.client,
          delivery.id,
          failure.message,
          failure.retryAfterMs !== undefined,
        );
        const wait =
          failure.retryAfterMs ??
          Math.min(1000 * 2 ** Math.min(delivery.attempts + 1, 10), MAX_RETRY_DELAY_MS);
        return this.outcome({ retryAt: new Date(this.now().getTime() + wait) });
      }
    }
  }
}
