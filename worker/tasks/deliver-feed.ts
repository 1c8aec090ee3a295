/**
 * graphile-worker task: send a feed's pending posts in order. A rate limit or platform error does not
 * throw (graphile-worker's own backoff ignores Retry-After): the task queues its successor at the time
 * the platform asked for and finishes.
 */
import type { Task } from 'graphile-worker';
import { z } from 'zod';
import { enqueueFeedDelivery } from '../../core/import-store.js';
import { deliverFeed, type DeliverDeps } from '../delivery/deliver-feed.js';

export const deliverFeedPayloadSchema = z.object({ feedId: z.uuid() });
export type DeliverFeedPayload = z.input<typeof deliverFeedPayloadSchema>;

export function deliverFeedTask(deps: DeliverDeps): Task<'deliver_feed'> {
  return async (rawPayload, helpers) => {
    const { feedId } = deliverFeedPayloadSchema.parse(rawPayload);
    const outcome = await deliverFeed(
      { ...deps, logger: deps.logger.child({ jobId: helpers.job.id }) },
      feedId,
    );
    if (outcome.retryAt) await enqueueFeedDelivery(deps.pool, [feedId], outcome.retryAt);
    helpers.logger.debug('feed delivered', {
      feedId,
      sent: outcome.sent,
      recovered: outcome.recovered,
      failed: outcome.failed,
    });
  };
}
