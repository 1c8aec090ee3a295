/**
 * The `CommandContext` of one Slack request: the workspace as a tenant, the member with the rights
 * Slack reports now (admin check on every call), and what Herald can do in a channel
 * (`conversations.info`). Handlers see none of Bolt.
 */
import type { WebClient } from '@slack/web-api';
import { upsertTenant } from '../../core/tenant-store.js';
import type { ChannelCheck, ChatCapabilities, CommandContext, CommandDeps } from '../commands/context.js';
import { isWorkspaceAdmin } from './admin.js';
import { slackReference } from './render.js';

/** Slack's error codes that mean "this channel is not one Herald can see". */
const NOT_FOUND = new Set(['channel_not_found', 'not_in_channel', 'missing_scope']);

export function slackChat(client: WebClient): ChatCapabilities {
  return {
    async checkChannel(channelId): Promise<ChannelCheck> {
      try {
        const { channel } = await client.conversations.info({ channel: channelId });
        if (!channel || channel.is_archived) return { ok: false, reason: 'not-found' };
        if (channel.is_im || channel.is_mpim)
          return { ok: false, reason: 'wrong-kind', name: channel.name ?? channelId };
        // chat:write.public lets the bot post in any public channel; a private one needs an invite.
        if (channel.is_private && !channel.is_member) {
          return {
            ok: false,
            reason: 'missing-permissions',
            name: channel.name ?? channelId,
            missing: ['membership (invite Herald with /invite @Herald)'],
          };
        }
        return { ok: true, name: channel.name ?? channelId };
      } catch (err) {
        const code = (err as { data?: { error?: string } }).data?.error;
        if (code && NOT_FOUND.has(code)) return { ok: false, reason: 'not-found' };
        throw err;
      }
    },
    channelMention: (channelId) => slackReference('#', channelId),
    roleMention: (groupId) => slackReference('!subteam^', groupId),
    // Slack's file URLs are private: they need the workspace's bot token, and no other host gets it.
    attachmentBearer: (url) =>
      url.hostname === 'files.slack.com' || url.host === new URL(client.slackApiUrl).host
        ? client.token
        : undefined,
  };
}

export interface SlackRequester {
  readonly teamId: string;
  readonly teamName: string;
  readonly userId: string;
  readonly userName: string;
  readonly channelId: string | undefined;
}

export async function slackContext(
  who: SlackRequester,
  client: WebClient,
  deps: CommandDeps,
  adminUserGroup: string | undefined,
): Promise<CommandContext> {
  const [tenant, isAdmin] = await Promise.all([
    upsertTenant(deps.pool, { chatPlatform: 'slack', externalId: who.teamId, name: who.teamName }),
    isWorkspaceAdmin(client, who.userId, { adminUserGroup, logger: deps.logger }),
  ]);
  return {
    tenant,
    user: {
      id: who.userId,
      name: who.userName,
      isAdmin,
      memberOf: async (groupId) => {
        const group = await client.usergroups.users.list({ usergroup: groupId }).catch(() => undefined);
        return (group?.users ?? []).includes(who.userId);
      },
    },
    channelId: who.channelId,
    chat: slackChat(client),
    deps,
  };
}
