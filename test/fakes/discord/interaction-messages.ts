/**
 * The messages interactions make (replies, deferred "thinking" messages, follow-ups) and the edits of
 * them through the interaction webhook. Ephemeral ones exist only for the member who interacted, so
 * they are kept here and not in the channel; the others also land in the channel's history, as in
 * Discord. A component's own message (a bot post, or an earlier reply) is edited where it lives.
 * @see https://discord.com/developers/docs/interactions/receiving-and-responding#responding-to-an-interaction
 */
import {
  InteractionType,
  MessageFlags,
  MessageType,
  type APIActionRowComponent,
  type APIApplicationCommandInteractionMetadata,
  type APIComponentInMessageActionRow,
  type APIGuildInteraction,
  type APIMessage,
  type APIMessageInteractionMetadata,
} from 'discord-api-types/v10';
import type { FakeReply } from '../fake-server.js';
import { insertMessage, mentionsOf, richEmbeds, validateMessage } from './messages.js';
import { discordError, discordTime, type Json } from './wire.js';
import type { World } from './world.js';

/** The flags a message sent through an interaction may carry (docs: "Interaction callback data"). */
const SETTABLE_FLAGS =
  MessageFlags.SuppressEmbeds |
  MessageFlags.Ephemeral |
  MessageFlags.SuppressNotifications |
  MessageFlags.IsComponentsV2;

/** What a message made through an interaction remembers of it. */
export interface MessageOrigin {
  readonly interaction: APIGuildInteraction;
  /** The metadata of the interaction a modal answered, for MODAL_SUBMIT. */
  readonly triggering?: APIMessageInteractionMetadata;
  /** For follow-ups: the reply they follow. */
  readonly originalResponseId?: string;
}

export function interactionMetadata(origin: MessageOrigin): APIMessageInteractionMetadata {
  const { interaction } = origin;
  const user = interaction.member.user;
  const common = {
    id: interaction.id,
    user,
    authorizing_integration_owners: interaction.authorizing_integration_owners,
    ...(origin.originalResponseId === undefined
      ? {}
      : { original_response_message_id: origin.originalResponseId }),
  };
  switch (interaction.type) {
    case InteractionType.MessageComponent:
      return { ...common, type: interaction.type, interacted_message_id: interaction.message.id };
    case InteractionType.ModalSubmit:
      return {
        ...common,
        type: interaction.type,
        triggering_interaction_metadata: origin.triggering as APIApplicationCommandInteractionMetadata,
      };
    default: {
      const data = interaction.type === InteractionType.ApplicationCommand ? interaction.data : undefined;
      const target = data && 'target_id' in data && 'messages' in data.resolved ? data.target_id : undefined;
      return {
        ...common,
        type: InteractionType.ApplicationCommand,
        ...(target === undefined ? {} : { target_message_id: target }),
      };
    }
  }
}

/** Searches nested components (rows, sections, containers, labels) for a custom_id. */
export function hasCustomId(components: unknown, customId: string): boolean {
  if (!Array.isArray(components)) return false;
  return components.some((raw: unknown) => {
    const c = (raw ?? {}) as Json;
    return (
      c.custom_id === customId ||
      hasCustomId(c.components, customId) ||
      hasCustomId(c.accessory === undefined ? [] : [c.accessory], customId) ||
      hasCustomId(c.component === undefined ? [] : [c.component], customId)
    );
  });
}

export type InteractionMessages = ReturnType<typeof createInteractionMessages>;

export function createInteractionMessages(deps: {
  world: World;
  newId: () => string;
  now: () => number;
  applicationId: string;
}) {
  const { world } = deps;
  const own = new Map<string, { message: APIMessage; ephemeral: boolean }>();

  /** A message by id: one an interaction made, or any channel's. */
  function find(id: string): APIMessage | undefined {
    const made = own.get(id);
    if (made) return made.message;
    for (const channel of world.channels.values()) {
      const found = channel.messages.find((m) => m.id === id);
      if (found) return found;
    }
    return undefined;
  }

  function replace(message: APIMessage): void {
    const made = own.get(message.id);
    if (made) made.message = message;
    if (made?.ephemeral) return;
    const channel = world.channels.get(message.channel_id);
    const index = channel?.messages.findIndex((m) => m.id === message.id) ?? -1;
    if (channel && index !== -1) channel.messages[index] = message;
  }

  /** A reply (`loading` for a deferred one) or a follow-up, made by the app through `origin`. */
  function create(origin: MessageOrigin, data: Json, loading = false): APIMessage {
    const { interaction } = origin;
    const content = typeof data.content === 'string' ? data.content : '';
    const flags = (Number(data.flags ?? 0) & SETTABLE_FLAGS) | (loading ? MessageFlags.Loading : 0);
    const command =
      interaction.type === InteractionType.ApplicationCommand && origin.originalResponseId === undefined;
    const message: APIMessage = {
      id: deps.newId(),
      channel_id: interaction.channel_id ?? interaction.channel?.id ?? '',
      author: world.bot,
      content,
      timestamp: discordTime(deps.now()),
      edited_timestamp: null,
      tts: data.tts === true,
      mentions: [],
      // Interaction responses parse only user mentions unless allowed_mentions says otherwise.
      ...mentionsOf(content, data.allowed_mentions, ['users']),
      attachments: [],
      embeds: richEmbeds(data.embeds),
      pinned: false,
      type: command ? MessageType.ChatInputCommand : MessageType.Default,
      flags,
      components: (Array.isArray(data.components)
        ? data.components
        : []) as APIActionRowComponent<APIComponentInMessageActionRow>[],
      webhook_id: deps.applicationId,
      application_id: deps.applicationId,
      interaction_metadata: interactionMetadata(origin),
    };
    const ephemeral = (flags & MessageFlags.Ephemeral) !== 0;
    own.set(message.id, { message, ephemeral });
    const channel = world.channels.get(message.channel_id);
    if (!ephemeral && channel) insertMessage(channel, message);
    return message;
  }

  /** Edit Webhook Message's semantics: fields present replace, absent ones stay; a deferred message stops loading. */
  function edit(id: string, body: Json): APIMessage | FakeReply {
    const current = find(id);
    if (!current) return discordError(404, 'Unknown Message', 10008);
    const loading = ((current.flags ?? 0) & MessageFlags.Loading) !== 0;
    const next: APIMessage = { ...current };
    if ('content' in body) next.content = typeof body.content === 'string' ? body.content : '';
    if ('embeds' in body) next.embeds = richEmbeds(body.embeds);
    if ('components' in body)
      next.components = (Array.isArray(body.components) ? body.components : []) as APIMessage['components'];
    if ('attachments' in body) next.attachments = [];
    if ('flags' in body) {
      const kept = (current.flags ?? 0) & ~(MessageFlags.SuppressEmbeds | MessageFlags.IsComponentsV2);
      next.flags =
        kept | (Number(body.flags ?? 0) & (MessageFlags.SuppressEmbeds | MessageFlags.IsComponentsV2));
    }
    const invalid = validateMessage({
      content: next.content,
      embeds: next.embeds,
      components: next.components,
      poll: next.poll,
    });
    if (invalid) return invalid;
    Object.assign(next, mentionsOf(next.content, body.allowed_mentions, ['users']));
    // The first edit of a deferred reply fills it in; later edits are edits.
    if (loading) next.flags = (next.flags ?? 0) & ~MessageFlags.Loading;
    else next.edited_timestamp = discordTime(deps.now());
    replace(next);
    return next;
  }

  function remove(id: string): boolean {
    const message = find(id);
    if (!message) return false;
    own.delete(id);
    const channel = world.channels.get(message.channel_id);
    const index = channel?.messages.findIndex((m) => m.id === id) ?? -1;
    if (channel && index !== -1) channel.messages.splice(index, 1);
    return true;
  }

  return { find, create, edit, remove };
}
