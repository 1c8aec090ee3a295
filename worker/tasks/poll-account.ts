/** graphile-worker task: one poll of one account (worker/poll/poll-account.ts does the work). */
import type { Task } from 'graphile-worker';
import { z } from 'zod';
import { pollAccount, type PollDeps } from '../poll/poll-account.js';

export const pollAccountPayloadSchema = z.object({
  accountId: z.uuid(),
  trigger: z.enum(['schedule', 'manual']).default('schedule'),
});
export type PollAccountPayload = z.input<typeof pollAccountPayloadSchema>;

export function pollAccountTask(deps: PollDeps): Task<'poll_account'> {
  return async (rawPayload, helpers) => {
    const payload = pollAccountPayloadSchema.parse(rawPayload);
    const outcome = await pollAccount(
      { ...deps, logger: deps.logger.child({ jobId: helpers.job.id, accountId: payload.accountId }) },
      payload.accountId,
      payload.trigger,
    );
    helpers.logger.debug('poll finished', { ...outcome });
  };
}
