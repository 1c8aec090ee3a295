/**
 * The catalogue as Discord application commands: one top-level command per group (`/feed`,
 * `/social`, `/herald`) with the group's commands as subcommands. Derived, never written by hand, so
 * Discord's menus always match what the core accepts.
 * @see https://discord.com/developers/docs/interactions/application-commands#application-command-object
 */
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ChannelType,
  InteractionContextType,
  PermissionFlagsBits,
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandSubcommandOption,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  type RESTPutAPIApplicationCommandsJSONBody,
} from 'discord-api-types/v10';
import type { Command, OptionSpec } from '../commands/command.js';
import type { Catalogue } from '../commands/dispatch.js';

/** Discord's limit for every description and choice name. */
export const DESCRIPTION_MAX = 100;
/** Channels Herald can post to: text (0) and announcement (5). */
export const POSTABLE_CHANNEL_TYPES = [ChannelType.GuildText, ChannelType.GuildAnnouncement] as const;

/** Groups have no description of their own in the catalogue; Discord needs one. */
const GROUP_DESCRIPTIONS: Readonly<Record<string, string>> = {
  social: 'Connect and manage the social accounts of this server',
  feed: 'Bring posts from social accounts into channels',
  herald: 'About Herald: status and help',
  post: 'Publish from this server to your social accounts',
};

/** Cut to Discord's 100 characters, with an ellipsis when something was cut. */
export function fitDescription(text: string, max = DESCRIPTION_MAX): string {
  const trimmed = text.trim();
  return trimmed.length <= max ? trimmed : `${trimmed.slice(0, max - 1).trimEnd()}…`;
}

/** `min`/`max` bound integers; strings are bounded by `maxLength` only (the schema checks the rest). */
const stringLimits = (spec: OptionSpec) =>
  spec.maxLength === undefined ? {} : { max_length: spec.maxLength };

function choicesOf(spec: OptionSpec) {
  if (!spec.choices || spec.choices.length === 0) return {};
  return { choices: spec.choices.map((c) => ({ name: fitDescription(c.name), value: c.value })) };
}

/** One option as Discord types it: `account` and `feed` are strings Herald completes as they are typed. */
export function toDiscordOption(spec: OptionSpec): APIApplicationCommandBasicOption {
  const base = {
    name: spec.name,
    description: fitDescription(spec.description),
    required: spec.required === true,
  };
  const T = ApplicationCommandOptionType;
  switch (spec.kind) {
    case 'string':
      return { ...base, type: T.String, ...stringLimits(spec), ...choicesOf(spec) };
    case 'account':
    case 'feed':
      return { ...base, type: T.String, autocomplete: true, ...stringLimits(spec) };
    case 'integer': {
      const limits = {
        ...(spec.min === undefined ? {} : { min_value: spec.min }),
        ...(spec.max === undefined ? {} : { max_value: spec.max }),
      };
      const choices = spec.choices?.length
        ? { choices: spec.choices.map((c) => ({ name: fitDescription(c.name), value: Number(c.value) })) }
        : {};
      return { ...base, type: T.Integer, ...limits, ...choices };
    }
    case 'boolean':
      return { ...base, type: T.Boolean };
    case 'channel':
      return { ...base, type: T.Channel, channel_types: [...POSTABLE_CHANNEL_TYPES] };
    case 'role':
      return { ...base, type: T.Role };
    case 'attachment':
      return { ...base, type: T.Attachment };
  }
}

/** Discord refuses a required option after an optional one: required first, otherwise in order. */
function orderedOptions(options: readonly OptionSpec[]): OptionSpec[] {
  return [...options.filter((o) => o.required === true), ...options.filter((o) => o.required !== true)];
}

function toSubcommand(command: Command): APIApplicationCommandSubcommandOption {
  return {
    type: ApplicationCommandOptionType.Subcommand,
    name: command.path[1],
    description: fitDescription(command.description),
    options: orderedOptions(command.options).map(toDiscordOption),
  };
}

/** The catalogue's groups, in the order their first command appears. */
export function groupsOf(catalogue: Catalogue): Map<string, Command[]> {
  const groups = new Map<string, Command[]>();
  for (const command of catalogue.commands) {
    const [group] = command.path;
    groups.set(group, [...(groups.get(group) ?? []), command]);
  }
  return groups;
}

/**
 * The body of a bulk overwrite. A group whose commands are all admin-only is hidden from members
 * by default (Manage Server); the handler still checks every call, as a server can re-grant it.
 */
export function slashCommands(catalogue: Catalogue): RESTPutAPIApplicationCommandsJSONBody {
  return [...groupsOf(catalogue)].map(
    ([group, commands]): RESTPostAPIChatInputApplicationCommandsJSONBody => {
      const adminOnly = commands.every((command) => command.requires === 'admin');
      return {
        type: ApplicationCommandType.ChatInput,
        name: group,
        description: fitDescription(GROUP_DESCRIPTIONS[group] ?? `Herald ${group} commands`),
        ...(adminOnly ? { default_member_permissions: PermissionFlagsBits.ManageGuild.toString() } : {}),
        contexts: [InteractionContextType.Guild],
        options: commands.map(toSubcommand),
      };
    },
  );
}
