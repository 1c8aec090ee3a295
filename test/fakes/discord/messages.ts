/**
 * Channel messages as Discord keeps them: Create Message's checks (empty message, lengths, nonce),
 * `nonce` + `enforce_nonce` dedupe, mentions that `allowed_mentions` lets through, history pages, and
 * the bot's permissions in the channel (View Channel, Send Messages, Embed Links, Read Message
 * History) as Discord enforces them.
 * @see https://discord.com/developers/docs/resources/message#create-message
 */
import {
  ChannelType,
  EmbedType,
  MessageType,
  PermissionFlagsBits,
  type APIAttachment,
  type APIEmbed,
  type APIMessage,
  type APIUser,
} from 'discord-api-types/v10';
import type { FakeReply } from '../fake-server.js';
import {
  addFieldError,
  compareIds,
  discordError,
  discordTime,
  invalidForm,
  missingAccess,
  missingPermissions,
  tooLong,
  type ErrorTree,
  type Json,
} from './wire.js';
import type { World, WorldChannel } from './world.js';

const MAX_CONTENT = 2000;
const MAX_EMBEDS = 10;
const MAX_NONCE = 25;
const MAX_EMBED_TEXT = 6000;

type MentionRules = { parse?: string[]; roles?: string[] };

function embedText(embed: APIEmbed): number {
  const fields = (embed.fields ?? []).reduce((sum, f) => sum + f.name.length + f.value.length, 0);
  const parts = [embed.title, embed.description, embed.footer?.text, embed.author?.name];
  return fields + parts.reduce((sum, part) => sum + (part?.length ?? 0), 0);
}

const hasBody = (body: Json) =>
  (typeof body.content === 'string' && body.content !== '') ||
  [body.embeds, body.components, body.attachments, body.sticker_ids].some(
    (v) => Array.isArray(v) && v.length > 0,
  ) ||
  (body.poll !== undefined && body.poll !== null);

/** Create Message's checks that matter to a sender: an empty message, lengths, the nonce. */
export function validateMessage(body: Json): FakeReply | undefined {
  const content = typeof body.content === 'string' ? body.content : '';
  const embeds = Array.isArray(body.embeds) ? (body.embeds as APIEmbed[]) : [];
  if (!hasBody(body)) return discordError(400, 'Cannot send an empty message', 50006);
  const errors: ErrorTree = {};
  if (content.length > MAX_CONTENT) addFieldError(errors, ['content'], tooLong(MAX_CONTENT));
  if (embeds.length > MAX_EMBEDS) addFieldError(errors, ['embeds'], tooLong(MAX_EMBEDS));
  else if (embeds.reduce((sum, embed) => sum + embedText(embed), 0) > MAX_EMBED_TEXT) {
    const message = 'Embed size exceeds maximum size of 6000';
    addFieldError(errors, ['embeds'], { code: 'MAX_EMBED_SIZE_EXCEEDED', message });
  }
  if (body.nonce !== undefined && String(body.nonce).length > MAX_NONCE) {
    addFieldError(errors, ['nonce'], tooLong(MAX_NONCE));
  }
  return Object.keys(errors).length > 0 ? invalidForm(errors) : undefined;
}

/**
 * What would ping: role and everyone mentions in the content that `allowed_mentions` lets through.
 * `defaultParse` differs: regular messages parse everything, interaction responses only users.
 */
export function mentionsOf(
  content: string,
  allowed: unknown,
  defaultParse: readonly string[] = ['users', 'roles', 'everyone'],
): Pick<APIMessage, 'mention_roles' | 'mention_everyone'> {
  const rules = (allowed ?? { parse: defaultParse }) as MentionRules;
  const roles = [...content.matchAll(/<@&(\d+)>/gu)].map((m) => m[1] ?? '');
  return {
    mention_roles: roles.filter((id) => rules.parse?.includes('roles') || rules.roles?.includes(id)),
    mention_everyone: /@(everyone|here)/u.test(content) && (rules.parse?.includes('everyone') ?? false),
  };
}

/** One page of history. The three cursors are exclusive in the docs; here `before` wins, then `after`. */
export function page(messages: readonly APIMessage[], query: URLSearchParams, limit: number): APIMessage[] {
  const before = query.get('before');
  const after = query.get('after');
  const around = query.get('around');
  let slice: APIMessage[];
  if (before !== null) slice = messages.filter((m) => compareIds(m.id, before) < 0).slice(-limit);
  else if (after !== null) slice = messages.filter((m) => compareIds(m.id, after) > 0).slice(0, limit);
  else if (around !== null) {
    const index = messages.findIndex((m) => compareIds(m.id, around) >= 0);
    const start = Math.max(0, (index === -1 ? messages.length : index) - Math.floor(limit / 2));
    slice = messages.slice(start, start + limit);
  } else slice = messages.slice(-limit);
  // Discord returns every page newest first, whichever way it was asked for.
  return slice.reverse();
}

export const richEmbeds = (embeds: unknown): APIEmbed[] =>
  ((Array.isArray(embeds) ? embeds : []) as APIEmbed[]).map((embed) => ({ ...embed, type: EmbedType.Rich }));

/** A message object as Create Message and Get Channel Messages return it. */
export function messageJson(
  id: string,
  channelId: string,
  body: Json,
  author: APIUser,
  ms: number,
): APIMessage {
  const content = typeof body.content === 'string' ? body.content : '';
  return {
    id,
    channel_id: channelId,
    author,
    content,
    timestamp: discordTime(ms),
    edited_timestamp: null,
    tts: false,
    mentions: [],
    ...mentionsOf(content, body.allowed_mentions),
    attachments: [],
    embeds: richEmbeds(body.embeds),
    pinned: false,
    type: MessageType.Default,
    components: [],
  };
}

/** Inserts a message in id order; appending is the common case, only a back-dated one needs a search. */
export function insertMessage(channel: WorldChannel, message: APIMessage): void {
  const { messages } = channel;
  const last = messages.at(-1);
  const at =
    !last || compareIds(last.id, message.id) < 0
      ? -1
      : messages.findIndex((m) => compareIds(m.id, message.id) > 0);
  if (at === -1) messages.push(message);
  else messages.splice(at, 0, message);
}

export type ChannelMessages = ReturnType<typeof createChannelMessages>;

export function createChannelMessages(deps: {
  world: World;
  newId: (ms?: number) => string;
  now: () => number;
  nonceWindowMs: number;
}) {
  const { world, newId, now } = deps;
  const nonces = new Map<string, { messageId: string; at: number }>();

  /** The channel if the bot may read it (or write to it), else Discord's answer. */
  function access(id: string, write: boolean): WorldChannel | FakeReply {
    const channel = world.channels.get(id);
    if (!channel || channel.state === 'unknown') return discordError(404, 'Unknown Channel', 10003);
    if (channel.state === 50001) return missingAccess();
    if (channel.state === 50013 && write) return missingPermissions();
    const permissions = world.permissions(channel.guildId, world.bot.id, channel.id);
    if (!(permissions & PermissionFlagsBits.ViewChannel)) return missingAccess();
    if (write && channel.type === ChannelType.GuildCategory) {
      return discordError(400, 'Cannot send messages in a non-text channel', 50008);
    }
    if (write && !(permissions & PermissionFlagsBits.SendMessages)) return missingPermissions();
    return channel;
  }

  const botCan = (channel: WorldChannel, permission: bigint) =>
    (world.permissions(channel.guildId, world.bot.id, channel.id) & permission) !== 0n;

  /** Stores a message; `attachments` are files already on the fake's CDN (see attachments.ts). */
  function store(
    channel: WorldChannel,
    body: Json,
    author: APIUser,
    ms: number,
    attachments: readonly APIAttachment[] = [],
  ): APIMessage {
    const message = {
      ...messageJson(newId(ms), channel.id, body, author, ms),
      attachments: [...attachments],
    };
    insertMessage(channel, message);
    return message;
  }

  /** Create Message for the bot, or with `enforce_nonce` the message its nonce already made. */
  function create(channel: WorldChannel, body: Json): FakeReply {
    const invalid = validateMessage(body);
    if (invalid) return invalid;
    let accepted = body;
    if (
      Array.isArray(body.embeds) &&
      body.embeds.length > 0 &&
      !botCan(channel, PermissionFlagsBits.EmbedLinks)
    ) {
      // Without Embed Links an embed-only message is refused; otherwise the embeds are dropped.
      if (typeof body.content !== 'string' || body.content === '') return missingPermissions();
      accepted = { ...body, embeds: [] };
    }
    const nonce = body.nonce === undefined ? undefined : String(body.nonce);
    const key = `${channel.id}:${world.bot.id}:${nonce}`;
    const seen = nonce === undefined || body.enforce_nonce !== true ? undefined : nonces.get(key);
    if (seen && now() - seen.at < deps.nonceWindowMs) {
      const existing = channel.messages.find((m) => m.id === seen.messageId);
      // Discord does not recreate a message deleted since: the retry gets Unknown Message.
      return existing ? { json: { ...existing, nonce } } : discordError(404, 'Unknown Message', 10008);
    }
    const message = store(channel, accepted, world.bot, now());
    if (nonce !== undefined) nonces.set(key, { messageId: message.id, at: now() });
    return { json: nonce === undefined ? message : { ...message, nonce } };
  }

  /** Get Channel Messages: without Read Message History Discord answers an empty page. */
  function list(channel: WorldChannel, query: URLSearchParams): FakeReply {
    const limit = Number(query.get('limit') ?? 50);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      const message = 'int value should be less than or equal to 100.';
      return invalidForm({ limit: { _errors: [{ code: 'NUMBER_TYPE_MAX', message }] } });
    }
    if (!botCan(channel, PermissionFlagsBits.ReadMessageHistory)) return { json: [] };
    return { json: page(channel.messages, query, limit) };
  }

  return { access, store, create, list };
}
