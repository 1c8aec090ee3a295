/**
 * What a test calls on the Discord fake beyond the HTTP server itself: the world (guilds, roles,
 * members, channels and their messages, permissions) and interactions (registered commands, firing
 * them as a member, reading the answers).
 */
import type {
  APIApplicationCommand,
  APIApplicationCommandAutocompleteGuildInteraction,
  APIChatInputApplicationCommandGuildInteraction,
  APIEmbed,
  APIMessage,
  APIMessageApplicationCommandGuildInteraction,
  APIMessageComponentGuildInteraction,
  APIUser,
} from 'discord-api-types/v10';
import type { FakeAttachmentInput } from './attachments.js';
import type {
  AutocompleteInput,
  ComponentInput,
  MessageCommandInput,
  SlashCommandInput,
} from './interaction-payloads.js';
import type { InteractionHandle } from './interactions.js';
import type {
  ChannelOptions,
  ForbiddenCode,
  GuildOptions,
  MemberOptions,
  OverwriteOptions,
  PermissionBits,
  RoleOptions,
} from './world.js';

export interface FakeMessageInput {
  readonly content?: string;
  readonly embeds?: readonly APIEmbed[];
  /** The bot (default) or another user. */
  readonly author?: APIUser;
  /** A known user's id (a member who posted it), instead of `author`. */
  readonly authorId?: string;
  /** Files on the message, served from the fake's CDN under `/attachments/<channel>/…`. */
  readonly attachments?: readonly FakeAttachmentInput[];
  /** When it was posted (its snowflake follows): default now. */
  readonly at?: Date;
}

export interface DiscordWorldControls {
  /** The bot user; its id is also the application's. */
  readonly bot: APIUser;
  readonly applicationId: string;
  /** A guild with @everyone, the owner, and the bot with its managed role; announced with GUILD_CREATE. */
  addGuild(options?: GuildOptions): string;
  addRole(guildId: string, options?: RoleOptions): string;
  /** A member (a new user unless `id` names a known one); returns the user id. */
  addMember(guildId: string, options?: MemberOptions): string;
  /** A channel (text by default) in `guildId`, or in the fake's default guild; returns its id. */
  addChannel(options?: ChannelOptions): string;
  setRolePermissions(guildId: string, roleId: string, permissions: PermissionBits): void;
  setMemberRoles(guildId: string, userId: string, roleIds: readonly string[]): void;
  /** Adds or replaces the overwrite for `overwrite.id` (CHANNEL_UPDATE follows). */
  setPermissionOverwrite(channelId: string, overwrite: OverwriteOptions): void;
  removePermissionOverwrite(channelId: string, targetId: string): void;
  /** The bot's managed role in a guild (the role its invite created). */
  botRoleId(guildId: string): string;
  /** A member's permissions in the guild, or in a channel with its overwrites. */
  permissions(guildId: string, userId: string, channelId?: string): bigint;
  /** The channel's messages, oldest first, as Discord stores them (ephemeral replies excluded). */
  messages(channelId: string): readonly APIMessage[];
  /** A message already in the channel: someone else's, or the bot's own from before a crash. */
  addMessage(channelId: string, input?: FakeMessageInput): APIMessage;
  /**
   * A file a member uploads to a slash command's ATTACHMENT option; returns its id, the option's
   * `value` (the interaction carries the file in `data.resolved.attachments`). The fake's CDN serves
   * it at a signed `/ephemeral-attachments/<application>/<id>/<filename>` URL.
   */
  addAttachment(input: FakeAttachmentInput): string;
  deleteMessage(channelId: string, messageId: string): void;
  /** The channel was deleted: 404 `{"message":"Unknown Channel","code":10003}` (CHANNEL_DELETE follows). */
  makeChannelUnknown(channelId: string): void;
  /** 50001 Missing Access (reads and writes) or 50013 Missing Permissions (writes): 403, whatever the permissions. */
  forbidChannel(channelId: string, code?: ForbiddenCode): void;
  allowChannel(channelId: string): void;
}

export interface DiscordInteractionControls {
  /** The application's commands: global ones, or a guild's. */
  commands(guildId?: string): readonly APIApplicationCommand[];
  /** A member runs a registered slash command; the handle follows the app's answers. */
  fireSlashCommand(
    input: SlashCommandInput,
  ): InteractionHandle<APIChatInputApplicationCommandGuildInteraction>;
  /** A member runs a message command on a message of a channel (`target_id`, `resolved.messages`). */
  fireMessageCommand(
    input: MessageCommandInput,
  ): InteractionHandle<APIMessageApplicationCommandGuildInteraction>;
  /** A member types in an autocomplete option (exactly one option has `focused: true`). */
  fireAutocomplete(
    input: AutocompleteInput,
  ): InteractionHandle<APIApplicationCommandAutocompleteGuildInteraction>;
  /** A member clicks a button on a message (the message must carry that custom_id). */
  fireButton(
    input: Omit<ComponentInput, 'componentType' | 'values'>,
  ): InteractionHandle<APIMessageComponentGuildInteraction>;
  /** Any message component: a button, or a select menu with `values`. */
  fireComponent(input: ComponentInput): InteractionHandle<APIMessageComponentGuildInteraction>;
  /** The handle of an interaction fired earlier (e.g. from inside the app's handler). */
  interaction(id: string): InteractionHandle | undefined;
}
