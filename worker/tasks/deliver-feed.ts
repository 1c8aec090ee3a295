/**
 * graphile-worker task: send a feed's pending posts in order. A rate limit or platform error does not
 * throw (graphile-worker's own backoff ignores Retry-After): the task queues its successor at the time
 * the platform asked for and finishes.
 */
import type { Task } from 'graphile-worker';
import { z } from 'zod';
import { queueFeedDelivery } from '../../core/delivery-store.js';
import { deliverFeed, type DeliverDeps } from '../delivery/deliver-feed.js';

const BUSY_RETRY_MS = 1_000;

export const deliverFeedPayloadSchema = z.object({ feedId: z.uuid() });
export type DeliverFeedPayload = z.input<typeof deliverFeedPayloadSchema>;

export function deliverFeedTask(deps: DeliverDeps): Task<'deliver_feed'> {
  return async (rawPayload, helpers) => {
    const { feedId } = deliverFeedPayloadSchema.parse(rawPayload);
    const outcome = await deliverFeed(
      { ...deps, logger: deps.logger.child({ jobId: helpers.job.id }) },
      feedId,
    );
    if (outcome.busy) {
      // The job sending this feed may have read its posts before this job's arrived: look again soon.
      await queueFeedDelivery(deps.pool, feedId, new Date(Date.now() + BUSY_RETRY_MS), 'preserve_run_at');
    } else if (outcome.retryAt) {
      await queueFeedDelivery(deps.pool, feedId, outcome.retryAt, 'replace');
    }
    helpers.logger.debug('feed delivered', {
      feedId,
      sent: outcome.sent,
      recovered: outcome.recovered,
      failed: outcome.failed,
      busy: outcome.busy ?? false,
    });
  };
}
