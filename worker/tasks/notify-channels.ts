/**
 * graphile-worker task: tell the channels of an account's feeds, in plain words, about a problem with
 * the account (access revoked, paused after failures). Queued once per problem by the poller; each
 * channel is tried once, and a channel that cannot be reached is logged, not retried forever.
 */
import { createHash } from 'node:crypto';
import type { Task } from 'graphile-worker';
import { z } from 'zod';
import type { Pool } from '../../core/db/pool.js';
import { noticeTargets } from '../../core/delivery-store.js';
import type { Logger } from '../../core/logger.js';
import type { SenderFor } from '../delivery/deliver-feed.js';

export const notifyPayloadSchema = z.object({ accountId: z.uuid(), text: z.string().min(1).max(1800) });
export type NotifyPayload = z.input<typeof notifyPayloadSchema>;

/** Queue a notice (the poller calls this once per problem). */
export async function queueNotice(pool: Pool, accountId: string, text: string): Promise<void> {
  await pool.query(
    `SELECT graphile_worker.add_job('notify_channels', json_build_object('accountId', $1::text, 'text', $2::text), max_attempts => 1)`,
    [accountId, text],
  );
}

export function notifyChannelsTask(deps: {
  pool: Pool;
  senders: SenderFor;
  logger: Logger;
}): Task<'notify_channels'> {
  return async (rawPayload) => {
    const { accountId, text } = notifyPayloadSchema.parse(rawPayload);
    const key = createHash('sha256').update(`${accountId}\n${text}`).digest('hex').slice(0, 24);
    for (const target of await noticeTargets(deps.pool, accountId)) {
      const payload =
        target.chatPlatform === 'discord'
          ? { content: text, allowed_mentions: { parse: [] } }
          : { text, unfurl_links: false };
      try {
        const sender = await deps.senders(target.tenantId, target.chatPlatform);
        await sender.send({ channelId: target.channelId, payload, deliveryKey: `n${key}`, permalink: '' });
      } catch (err) {
        deps.logger.warn({ accountId, feedId: target.feedId, err }, 'account notice not delivered');
      }
    }
  };
}
