/**
 * Herald's task list and crontab. Each task lives in its own file; this is where they are wired to
 * their dependencies.
 */
import type { TaskList } from 'graphile-worker';
import type { FollowUpTargets } from '../../core/chat-follow-up.js';
import type { Config } from '../../core/config.js';
import type { Keyring } from '../../core/crypto.js';
import type { Pool } from '../../core/db/pool.js';
import type { Logger } from '../../core/logger.js';
import type { AggregatorRoutes } from '../../social/aggregators/routes.js';
import type { SocialProvider } from '../../social/provider.js';
import type { SenderFor } from '../delivery/deliver-feed.js';
import { cleanupTask, type CleanupPayload } from './cleanup.js';
import { deliverFeedTask, type DeliverFeedPayload } from './deliver-feed.js';
import { notifyChannelsTask, queueNotice, type NotifyPayload } from './notify-channels.js';
import { pollAccountTask, type PollAccountPayload } from './poll-account.js';
import { publishPostTask, type PublishPostPayload } from './publish-post.js';
import { schedulePollsTask } from './schedule-polls.js';
import { sendTestPostTask, type SendTestPostPayload } from './send-test-post.js';

declare global {
  // graphile-worker's documented extension point for typed task payloads.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace GraphileWorker {
    interface Tasks {
      cleanup: CleanupPayload;
      schedule_polls: Record<string, unknown>;
      poll_account: PollAccountPayload;
      deliver_feed: DeliverFeedPayload;
      notify_channels: NotifyPayload;
      send_test_post: SendTestPostPayload;
      publish_post: PublishPostPayload;
    }
  }
}

export interface TaskDependencies {
  readonly pool: Pool;
  readonly keyring: Keyring;
  readonly providers: {
    get(platform: SocialProvider['id']): SocialProvider;
    /** PostForMe and LATE routes, for posts to accounts connected there. */
    readonly aggregators: AggregatorRoutes;
  };
  readonly senders: SenderFor;
  readonly settings: Config['worker'];
  readonly logger: Logger;
  /** Where private reports in chat go (the publish result). */
  readonly followUps?: FollowUpTargets;
}

export function createTaskList(deps: TaskDependencies): TaskList {
  const tasks = {
    cleanup: cleanupTask(deps.pool),
    schedule_polls: schedulePollsTask(deps.pool),
    poll_account: pollAccountTask({ ...deps, notify: queueNotice }),
    deliver_feed: deliverFeedTask(deps),
    notify_channels: notifyChannelsTask(deps),
    send_test_post: sendTestPostTask(deps),
    publish_post: publishPostTask(deps),
  };
  return tasks as unknown as TaskList;
}

/** UTC, graphile-worker crontab syntax. Few lines that fan out, not one line per account. */
export const CRONTAB = [
  '* * * * * schedule_polls ?max=1',
  '17 * * * * cleanup ?max=3 {importLogRetentionDays: 30}',
].join('\n');
