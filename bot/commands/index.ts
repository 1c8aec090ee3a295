/** The command catalogue: every command and action, once, for every adapter. */
import { aggregatorKey, heraldAggregator } from './aggregators.js';
import { apiKeyCreate, apiKeyList, apiKeyRevoke } from './api-keys.js';
import { feedAdd } from './feed-add.js';
import { feedEdit, feedList, feedPause, feedRemove, feedResume } from './feed-manage.js';
import { feedImportNow, feedTest, feedTestSend } from './feed-test.js';
import { heraldHelp, heraldPublishers, heraldStatus, heraldTimezone } from './herald.js';
import { postHistory, postList } from './post-history.js';
import { postCancel, postCancelAction, postEdit, postEditSave, postNew, postPublish } from './post.js';
import { disconnectConfirm, socialAccounts, socialDisconnect, socialReconnect } from './social-accounts.js';
import { connectBluesky, socialConnect } from './social-connect.js';
import type { Command } from './command.js';
import type { Catalogue } from './dispatch.js';

export interface CatalogueOptions {
  /** Seconds between worker heartbeats (config), to tell a live worker from a dead one. */
  readonly heartbeatSeconds: number;
}

export function createCatalogue(options: CatalogueOptions): Catalogue {
  const commands: Command[] = [
    socialConnect,
    socialAccounts,
    socialReconnect,
    socialDisconnect,
    feedAdd,
    feedList,
    feedEdit,
    feedRemove,
    feedPause,
    feedResume,
    feedTest,
    feedImportNow,
    postNew,
    postList,
    postHistory,
    postCancel,
    heraldStatus(options.heartbeatSeconds),
    heraldTimezone,
    heraldPublishers,
    heraldAggregator,
    apiKeyCreate,
    apiKeyList,
    apiKeyRevoke,
  ];
  commands.push(heraldHelp(() => commands));
  return {
    commands,
    actions: [
      feedTestSend,
      connectBluesky,
      disconnectConfirm,
      postPublish,
      postCancelAction,
      postEdit,
      postEditSave,
      aggregatorKey,
    ],
  };
}

export { suggest, type Suggestion } from './suggest.js';
export { runAction, runCommand, findCommand, type Catalogue } from './dispatch.js';
export type { CommandContext } from './context.js';
