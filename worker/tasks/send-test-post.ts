/**
 * graphile-worker task: send one stored post to a feed's channel because an admin asked (`feed test`).
 * It is marked as a test and recorded nowhere: the feed still decides that post by its filters.
 */
import { randomBytes } from 'node:crypto';
import type { Task } from 'graphile-worker';
import { z } from 'zod';
import type { Pool } from '../../core/db/pool.js';
import { socialPostSchema } from '../../core/social-post.js';
import { loadTestPost } from '../../core/test-posts.js';
import { toDiscordMessage, toSlackMessage } from '../../embeds/index.js';
import { SendError } from '../delivery/chat-sender.js';
import type { SenderFor } from '../delivery/deliver-feed.js';

export const sendTestPostPayloadSchema = z.object({ feedId: z.uuid(), postId: z.string().regex(/^\d+$/) });
export type SendTestPostPayload = z.input<typeof sendTestPostPayloadSchema>;

const MARK = '🧪 Test post, sent with `feed test`';

export function sendTestPostTask(deps: { pool: Pool; senders: SenderFor }): Task<'send_test_post'> {
  return async (rawPayload, helpers) => {
    const { feedId, postId } = sendTestPostPayloadSchema.parse(rawPayload);
    const target = await loadTestPost(deps.pool, feedId, postId);
    if (!target) {
      helpers.logger.info('test post gone before it was sent', { feedId, postId });
      return;
    }
    const post = socialPostSchema.parse(target.post);
    const sender = await deps.senders(target.tenantId, target.chatPlatform);
    const payload =
      target.chatPlatform === 'discord'
        ? { ...toDiscordMessage(post), content: MARK }
        : (() => {
            const message = toSlackMessage(post);
            return {
              ...message,
              text: `${MARK}: ${message.text}`,
              blocks: [
                { type: 'context', elements: [{ type: 'mrkdwn', text: MARK }] },
                ...(message.blocks ?? []),
              ],
            };
          })();
    try {
      await sender.send({
        channelId: target.channelId,
        payload,
        deliveryKey: `t${randomBytes(8).toString('hex')}`,
        permalink: post.permalink,
      });
    } catch (err) {
      // Only a platform hiccup is worth a retry; a refusal would be refused again.
      if (err instanceof SendError && err.kind !== 'retry-later') {
        helpers.logger.warn('test post refused', { feedId, kind: err.kind, message: err.message });
        return;
      }
      throw err;
    }
  };
}
