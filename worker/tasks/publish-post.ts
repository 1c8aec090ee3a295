/**
 * graphile-worker task: publish one outbound post (worker/publish/publish-post.ts). Throws while a
 * target's outcome is unknown, so graphile-worker retries with its backoff; each retry looks for the
 * post at the platform before sending it again.
 */
import type { Task } from 'graphile-worker';
import { z } from 'zod';
import { publishPost, type PublishDeps } from '../publish/publish-post.js';

export const publishPostPayloadSchema = z.object({ postId: z.uuid() });
export type PublishPostPayload = z.input<typeof publishPostPayloadSchema>;

export class PublishPendingError extends Error {
  override name = 'PublishPendingError';
}

export function publishPostTask(deps: PublishDeps): Task<'publish_post'> {
  return async (rawPayload, helpers) => {
    const { postId } = publishPostPayloadSchema.parse(rawPayload);
    const outcome = await publishPost(
      { ...deps, logger: deps.logger.child({ jobId: helpers.job.id }) },
      postId,
    );
    if (outcome.retry > 0) {
      throw new PublishPendingError(
        `${outcome.retry} target(s) of post ${postId} will be checked and retried`,
      );
    }
    helpers.logger.info('post published', { postId, status: outcome.status });
  };
}
