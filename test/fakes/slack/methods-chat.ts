/**
 * Messages and conversations: `chat.postMessage`, `chat.postEphemeral`, `conversations.history`
 * (newest first, `oldest`/`latest`/`inclusive`, cursor pages, metadata only with
 * `include_all_metadata`) and `conversations.info`. A caller sees only its own workspace's channels,
 * and a private channel only when its bot is in it.
 * @see https://docs.slack.dev/reference/methods/chat.postMessage
 * @see https://docs.slack.dev/reference/methods/chat.postEphemeral
 * @see https://docs.slack.dev/reference/methods/conversations.history
 * @see https://docs.slack.dev/reference/methods/conversations.info
 */
import { lowerBound, parseTs, type BotAuthor, type MessageClock } from './messages.js';
import type { MethodTable, WorkspaceCaller } from './web-api.js';
import { error, flag, readBlocks, readMetadata, type Args, type SlackBody } from './wire.js';
import type { Channel, Workspace, World } from './world.js';

const MAX_TEXT = 40_000;

export const botAuthor = (workspace: Workspace, appId: string): BotAuthor => ({
  teamId: workspace.id,
  botUserId: workspace.botUserId,
  botId: workspace.botId,
  appId,
});

export function registerChatMethods(methods: MethodTable, world: World, clock: MessageClock): void {
  /** The channel as the caller can see it: its own workspace's, and private ones only as a member. */
  function visible(args: Args, caller: WorkspaceCaller): Channel | undefined {
    const channel = world.channels.get(String(args.channel ?? ''));
    if (!channel || channel.teamId !== caller.workspace.id) return undefined;
    return channel.isPrivate && !channel.botIsMember ? undefined : channel;
  }

  /** A channel the bot may post in, or the error Slack gives for it. */
  function postable(args: Args, caller: WorkspaceCaller): Channel | string {
    const channel = visible(args, caller);
    if (!channel) return 'channel_not_found';
    if (channel.archived) return 'is_archived';
    return channel.botIsMember ? channel : 'not_in_channel';
  }

  /** The text and blocks of a message, or the error Slack gives for them. */
  function content(args: Args): { text: string; blocks: readonly unknown[] | undefined } | string {
    const blocks = readBlocks(args.blocks);
    if (blocks === 'invalid') return 'invalid_blocks';
    const text = typeof args.text === 'string' ? args.text : '';
    if (!text && blocks === undefined) return 'no_text';
    if (text.length > MAX_TEXT) return 'msg_too_long';
    return { text, blocks };
  }

  methods.set('chat.postMessage', {
    token: 'workspace',
    handler(args, _request, caller) {
      const channel = postable(args, caller);
      if (typeof channel === 'string') return error(channel);
      if (channel.postingRestricted) return error('restricted_action');
      const message = content(args);
      if (typeof message === 'string') return error(message);
      const metadata = readMetadata(args.metadata);
      if (metadata === 'invalid') return error('invalid_metadata_format');
      const stored = clock.store(
        channel.messages,
        { ...message, metadata },
        botAuthor(caller.workspace, world.appId),
      );
      const { metadata: _hidden, ...shown } = stored;
      return { ok: true, channel: channel.id, ts: stored.ts, message: shown };
    },
  });

  methods.set('chat.postEphemeral', {
    token: 'workspace',
    handler(args, _request, caller) {
      const channel = postable(args, caller);
      if (typeof channel === 'string') return error(channel);
      const user = String(args.user ?? '');
      if (!world.isMember(channel, user)) return error('user_not_in_channel');
      const message = content(args);
      if (typeof message === 'string') return error(message);
      const ts = clock.nextTs();
      world.ephemerals.push({
        channel: channel.id,
        user,
        ts,
        text: message.text,
        ...(message.blocks === undefined ? {} : { blocks: message.blocks }),
        via: 'chat.postEphemeral',
      });
      return { ok: true, message_ts: ts };
    },
  });

  methods.set('conversations.history', {
    token: 'workspace',
    handler(args, _request, caller) {
      const channel = visible(args, caller);
      if (!channel) return error('channel_not_found');
      if (!channel.botIsMember) return error('not_in_channel');
      return history(channel, args);
    },
  });

  methods.set('conversations.info', {
    token: 'workspace',
    handler(args, _request, caller) {
      const channel = visible(args, caller);
      if (!channel) return error('channel_not_found');
      const members = [...world.users.values()].filter(
        (user) => !user.isBot && !user.deleted && world.isMember(channel, user.id),
      ).length;
      return {
        ok: true,
        channel: {
          ...conversation(channel),
          ...(flag(args.include_num_members) ? { num_members: members + (channel.botIsMember ? 1 : 0) } : {}),
        },
      };
    },
  });
}

/** A channel as `conversations.info` describes it (private channels made since 2021 are `is_channel` too). */
function conversation(channel: Channel): SlackBody {
  return {
    id: channel.id,
    name: channel.name,
    is_channel: true,
    is_group: false,
    is_im: false,
    is_mpim: false,
    is_private: channel.isPrivate,
    created: channel.created,
    is_archived: channel.archived,
    is_general: false,
    unlinked: 0,
    name_normalized: channel.name,
    is_shared: false,
    is_org_shared: false,
    is_pending_ext_shared: false,
    pending_shared: [],
    context_team_id: channel.teamId,
    updated: channel.created * 1000,
    parent_conversation: null,
    creator: '',
    is_ext_shared: false,
    shared_team_ids: [channel.teamId],
    pending_connected_team_ids: [],
    is_member: channel.botIsMember,
    topic: { value: channel.topic, creator: '', last_set: 0 },
    purpose: { value: '', creator: '', last_set: 0 },
    previous_names: [],
  };
}

function history(channel: Channel, args: Args): SlackBody {
  const oldest = args.oldest === undefined ? 0 : parseTs(args.oldest);
  if (oldest === undefined) return error('invalid_ts_oldest');
  const latest = args.latest === undefined ? Number.MAX_SAFE_INTEGER : parseTs(args.latest);
  if (latest === undefined) return error('invalid_ts_latest');
  const inclusive = flag(args.inclusive);
  let end = lowerBound(channel.messages, latest, !inclusive);
  if (args.cursor !== undefined && args.cursor !== '') {
    const next = parseTs(
      Buffer.from(String(args.cursor), 'base64')
        .toString()
        .replace(/^next_ts:/u, ''),
    );
    if (next === undefined) return error('invalid_cursor');
    end = Math.min(end, lowerBound(channel.messages, next, false));
  }
  const start = lowerBound(channel.messages, oldest, inclusive);
  const limit = Math.min(Math.max(Number(args.limit ?? 100) || 100, 1), 999);
  const first = Math.max(start, end - limit);
  const withMetadata = flag(args.include_all_metadata);
  const messages = channel.messages
    .slice(first, end)
    .reverse()
    .map(({ message }) => {
      if (withMetadata) return message;
      const { metadata: _hidden, ...shown } = message;
      return shown;
    });
  const nextEntry = first > start ? channel.messages[first - 1] : undefined;
  return {
    ok: true,
    messages,
    has_more: nextEntry !== undefined,
    pin_count: 0,
    channel_actions_ts: null,
    channel_actions_count: 0,
    ...(nextEntry === undefined
      ? {}
      : {
          response_metadata: {
            next_cursor: Buffer.from(`next_ts:${nextEntry.message.ts}`).toString('base64'),
          },
        }),
  };
}
