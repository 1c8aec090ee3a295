/**
 * INTERACTION_CREATE payloads as Discord builds them for a guild member: the member with their
 * permissions in the channel (overwrites included), the bot's `app_permissions`, locales,
 * `entitlements`, `authorizing_integration_owners`, `context`, and `data` with `resolved` users,
 * members, roles, channels and attachments for the options that name them (a message command's
 * `target_id` and its message in `resolved.messages`). It refuses what Discord's client
 * would not let the member do: run a command that is not registered, or one whose
 * `default_member_permissions` or the channel's Use Application Commands the member lacks.
 * @see https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object
 */
import { randomBytes } from 'node:crypto';
import {
  ApplicationCommandOptionType as Opt,
  ApplicationCommandType,
  ApplicationIntegrationType,
  ComponentType,
  InteractionContextType,
  InteractionType,
  PermissionFlagsBits,
  type APIApplicationCommandAutocompleteGuildInteraction,
  type APIApplicationCommandInteractionDataOption,
  type APIAttachment,
  type APIChatInputApplicationCommandGuildInteraction,
  type APIGuildInteraction,
  type APIInteractionDataResolved,
  type APIInteractionDataResolvedChannel,
  type APIMessage,
  type APIMessageApplicationCommandGuildInteraction,
  type APIMessageComponentGuildInteraction,
  type APIModalSubmissionComponent,
  type APIModalSubmitGuildInteraction,
  type Locale,
} from 'discord-api-types/v10';
import type { Attachments } from './attachments.js';
import type { CommandStore } from './commands.js';
import { channelJson, memberJson, roleJson } from './world-json.js';
import type { World } from './world.js';

type DataOption = APIApplicationCommandInteractionDataOption;

/** Who does what, where. */
export interface InteractionContext {
  readonly guildId: string;
  readonly channelId: string;
  readonly userId: string;
  /** The member's client locale. Default en-US. */
  readonly locale?: Locale;
}

export interface SlashCommandInput extends InteractionContext {
  /** The top-level command's name; subcommand groups and subcommands go in `options`. */
  readonly name: string;
  /** Discord's nested form: `[{ name: 'link', type: 1, options: [{ name: 'handle', type: 3, value: '@a' }] }]`. */
  readonly options?: readonly DataOption[];
  /** A server admin re-granted the command (Integrations settings): skip `default_member_permissions`. */
  readonly bypassDefaultPermissions?: boolean;
}

/** A member runs a message command (the message's menu → Apps) on a message in a channel. */
export interface MessageCommandInput extends Omit<InteractionContext, 'guildId'> {
  /** The command's name as registered: `Publish to social`. */
  readonly name: string;
  /** A message of `channelId` (see `addMessage`). */
  readonly messageId: string;
  readonly bypassDefaultPermissions?: boolean;
}

/** Options as typed so far, with exactly one `focused: true` (its value is the partial text). */
export type AutocompleteInput = SlashCommandInput;

export interface ComponentInput extends Omit<InteractionContext, 'channelId' | 'guildId'> {
  /** The message that carries the component (found among the channels and interaction replies). */
  readonly messageId: string;
  readonly customId: string;
  /** Default: a button. */
  readonly componentType?: ComponentType;
  /** A select menu's chosen values. */
  readonly values?: readonly string[];
}

export interface ModalSubmitInput {
  readonly customId: string;
  readonly components: readonly APIModalSubmissionComponent[];
  /** Set when the modal answered a component interaction. */
  readonly message?: APIMessage;
}

const ATTACHMENT_LIMIT = 10 * 1024 * 1024;

export type InteractionPayloads = ReturnType<typeof createInteractionPayloads>;

export function createInteractionPayloads(deps: {
  world: World;
  commands: CommandStore;
  attachments: Attachments;
  applicationId: string;
  newId: () => string;
}) {
  const { world } = deps;

  function permissionsIn(guildId: string, userId: string, channelId: string): bigint {
    return world.permissions(guildId, userId, channelId);
  }

  function base<T extends InteractionType>(type: T, context: InteractionContext) {
    const guild = world.guild(context.guildId);
    const channel = world.channel(context.channelId);
    if (channel.guildId !== guild.id) throw new Error(`Channel ${channel.id} is not in guild ${guild.id}`);
    const member = world.member(guild.id, context.userId);
    const permissions = permissionsIn(guild.id, context.userId, channel.id);
    if (!(permissions & PermissionFlagsBits.ViewChannel)) {
      throw new Error(`Member ${context.userId} cannot see channel ${channel.id}, so cannot interact there`);
    }
    return {
      id: deps.newId(),
      application_id: deps.applicationId,
      type,
      // Interaction tokens are long opaque strings; only the fake needs to recognise them.
      token: `aW50ZXJhY3Rpb246${randomBytes(48).toString('base64url')}`,
      version: 1 as const,
      guild: { id: guild.id, features: [], locale: guild.locale },
      guild_id: guild.id,
      channel: channelJson(channel),
      channel_id: channel.id,
      member: { ...memberJson(member), user: member.user, permissions: permissions.toString() },
      app_permissions: permissionsIn(guild.id, world.bot.id, channel.id).toString(),
      locale: context.locale ?? ('en-US' as Locale),
      guild_locale: guild.locale,
      entitlements: [],
      authorizing_integration_owners: { [ApplicationIntegrationType.GuildInstall]: guild.id },
      context: InteractionContextType.Guild,
      attachment_size_limit: ATTACHMENT_LIMIT,
    };
  }

  /** `resolved` for the user, member, role, channel and attachment options, wherever they are nested. */
  function resolve(context: InteractionContext, options: readonly DataOption[]): APIInteractionDataResolved {
    const resolved: Required<
      Pick<APIInteractionDataResolved, 'users' | 'members' | 'roles' | 'channels' | 'attachments'>
    > = { users: {}, members: {}, roles: {}, channels: {}, attachments: {} };
    const guild = world.guild(context.guildId);
    const addUser = (id: string) => {
      const user = world.users.get(id);
      if (!user) return false;
      resolved.users[id] = user;
      const member = guild.members.get(id);
      if (member) {
        const { user: _user, deaf: _deaf, mute: _mute, ...partial } = memberJson(member);
        const permissions = permissionsIn(guild.id, id, context.channelId).toString();
        resolved.members[id] = { ...partial, permissions };
      }
      return true;
    };
    const addRole = (id: string) => {
      const role = guild.roles.get(id);
      if (role) resolved.roles[id] = roleJson(role);
      return role !== undefined;
    };
    const walk = (list: readonly DataOption[]) => {
      for (const option of list) {
        if ('options' in option && option.options) walk(option.options);
        if (!('value' in option) || typeof option.value !== 'string') continue;
        const id = option.value;
        if (option.type === Opt.User && !addUser(id)) throw new Error(`The Discord fake has no user ${id}`);
        if (option.type === Opt.Role && !addRole(id)) throw new Error(`Guild ${guild.id} has no role ${id}`);
        if (option.type === Opt.Mentionable && !addUser(id) && !addRole(id)) {
          throw new Error(`Guild ${guild.id} has no user or role ${id}`);
        }
        if (option.type === Opt.Attachment) {
          const file: APIAttachment | undefined = deps.attachments.find(id);
          if (!file) throw new Error(`The Discord fake has no attachment ${id} (see addAttachment)`);
          resolved.attachments[id] = file;
        }
        if (option.type === Opt.Channel) {
          // Resolved channels are partial: id, name, type and the invoker's permissions there.
          const { name, type } = world.channel(id);
          const permissions = permissionsIn(guild.id, context.userId, id).toString();
          const channel: APIInteractionDataResolvedChannel = { id, name, type, permissions };
          resolved.channels[id] = channel;
        }
      }
    };
    walk(options);
    const entries = Object.entries(resolved).filter(([, value]) => Object.keys(value).length > 0);
    return Object.fromEntries(entries) as APIInteractionDataResolved;
  }

  function command(
    input: SlashCommandInput,
    type:
      ApplicationCommandType.ChatInput | ApplicationCommandType.Message = ApplicationCommandType.ChatInput,
  ) {
    const found = deps.commands.find(input.guildId, input.name, type);
    const kind = type === ApplicationCommandType.ChatInput ? 'slash command' : 'message command';
    if (!found) throw new Error(`No ${kind} "${input.name}" is registered for guild ${input.guildId}`);
    const permissions = permissionsIn(input.guildId, input.userId, input.channelId);
    if (!(permissions & PermissionFlagsBits.UseApplicationCommands)) {
      throw new Error(`Member ${input.userId} lacks Use Application Commands in channel ${input.channelId}`);
    }
    const required =
      found.default_member_permissions === null ? 0n : BigInt(found.default_member_permissions);
    const admin = (permissions & PermissionFlagsBits.Administrator) !== 0n;
    if (!input.bypassDefaultPermissions && !admin && (permissions & required) !== required) {
      throw new Error(
        `Discord would not show ${kind} "${input.name}" to member ${input.userId} (default_member_permissions)`,
      );
    }
    return found;
  }

  function slashCommand(input: SlashCommandInput): APIChatInputApplicationCommandGuildInteraction {
    const found = command(input);
    const options = [...(input.options ?? [])];
    const resolved = resolve(input, options);
    return {
      ...base(InteractionType.ApplicationCommand, input),
      data: {
        id: found.id,
        name: found.name,
        type: ApplicationCommandType.ChatInput,
        ...(found.guild_id === undefined ? {} : { guild_id: found.guild_id }),
        ...(options.length > 0 ? { options: options as never } : {}),
        ...(Object.keys(resolved).length > 0 ? { resolved } : {}),
      },
    };
  }

  /** The message as Discord resolves it for a message command: the stored message, attachments included. */
  function messageCommand(input: MessageCommandInput): APIMessageApplicationCommandGuildInteraction {
    const channel = world.channel(input.channelId);
    const message = channel.messages.find((m) => m.id === input.messageId);
    if (!message) throw new Error(`Channel ${channel.id} has no message ${input.messageId}`);
    const context = { ...input, guildId: channel.guildId };
    const found = command(context, ApplicationCommandType.Message);
    return {
      ...base(InteractionType.ApplicationCommand, context),
      data: {
        id: found.id,
        name: found.name,
        type: ApplicationCommandType.Message,
        ...(found.guild_id === undefined ? {} : { guild_id: found.guild_id }),
        target_id: message.id,
        resolved: { messages: { [message.id]: message } },
      },
    };
  }

  function autocomplete(input: AutocompleteInput): APIApplicationCommandAutocompleteGuildInteraction {
    const found = command(input);
    const focused: DataOption[] = [];
    const walk = (list: readonly DataOption[]) =>
      list.forEach((o) =>
        'options' in o && o.options ? walk(o.options) : 'focused' in o && o.focused && focused.push(o),
      );
    walk(input.options ?? []);
    if (focused.length !== 1) throw new Error('An autocomplete interaction has exactly one focused option');
    return {
      ...base(InteractionType.ApplicationCommandAutocomplete, input),
      data: {
        id: found.id,
        name: found.name,
        type: ApplicationCommandType.ChatInput,
        ...(found.guild_id === undefined ? {} : { guild_id: found.guild_id }),
        options: [...(input.options ?? [])] as never,
      },
    };
  }

  function component(input: ComponentInput, message: APIMessage): APIMessageComponentGuildInteraction {
    const channel = world.channel(message.channel_id);
    const context = { ...input, guildId: channel.guildId, channelId: channel.id };
    const componentType = input.componentType ?? ComponentType.Button;
    const values = input.values === undefined ? {} : { values: [...input.values] };
    return {
      ...base(InteractionType.MessageComponent, context),
      message,
      data: { custom_id: input.customId, component_type: componentType, ...values } as never,
    };
  }

  function modalSubmit(context: InteractionContext, input: ModalSubmitInput): APIModalSubmitGuildInteraction {
    return {
      ...base(InteractionType.ModalSubmit, context),
      ...(input.message === undefined ? {} : { message: input.message }),
      data: { custom_id: input.customId, components: [...input.components] },
    };
  }

  return { slashCommand, messageCommand, autocomplete, component, modalSubmit };
}

export type GuildInteraction = APIGuildInteraction;
