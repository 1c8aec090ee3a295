/**
 * Application commands: Bulk Overwrite (global or per guild) with Discord's validation — names
 * (`^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$`, lowercase for slash commands), descriptions of
 * 1–100, at most 25 options and choices, subcommand nesting, required options first, unique names,
 * 8,000 characters a command, 100 slash commands a scope — answered with 50035 Invalid Form Body and
 * its error tree. A command keeps its id across overwrites while its name and type stay the same.
 * @see https://discord.com/developers/docs/interactions/application-commands
 */
import {
  ApplicationCommandOptionType as Opt,
  ApplicationCommandType,
  ApplicationIntegrationType,
  type APIApplicationCommand,
  type APIApplicationCommandOption,
} from 'discord-api-types/v10';
import type { FakeReply } from '../fake-server.js';
import {
  addFieldError,
  badLength,
  discordError,
  invalidForm,
  tooLong,
  type ErrorTree,
  type Json,
} from './wire.js';

const NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const MAX_OPTIONS = 25;
const MAX_CHOICES = 25;
const MAX_SLASH_COMMANDS = 100;
const MAX_COMMAND_CHARS = 8000;
const CHOICE_TYPES: readonly number[] = [Opt.String, Opt.Integer, Opt.Number];
const SUB: readonly number[] = [Opt.Subcommand, Opt.SubcommandGroup];

const invalidName = { code: 'APPLICATION_COMMAND_INVALID_NAME', message: 'Command name is invalid' };
const typeInvalid = {
  code: 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID',
  message: 'Sub-command and sub-command group option types are mutually exclusive to all other types',
};

const asObject = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const str = (value: unknown) => (typeof value === 'string' ? value : '');

const validSlashName = (name: unknown) =>
  typeof name === 'string' && NAME.test(name) && name === name.toLowerCase();

function checkDescription(errors: ErrorTree, path: string[], description: unknown): void {
  const length = str(description).length;
  if (length < 1 || length > 100) addFieldError(errors, [...path, 'description'], badLength(1, 100));
}

function checkChoices(errors: ErrorTree, path: string[], option: Json): void {
  const choices = asArray(option.choices);
  if (choices.length === 0) return;
  if (!CHOICE_TYPES.includes(Number(option.type))) {
    addFieldError(errors, [...path, 'choices'], {
      code: 'BASE_TYPE_MAX_LENGTH',
      message: 'Must be 0 or fewer in length.',
    });
  }
  if (choices.length > MAX_CHOICES) addFieldError(errors, [...path, 'choices'], tooLong(MAX_CHOICES));
  if (option.autocomplete === true) {
    const message = 'Autocomplete and choices are mutually exclusive';
    addFieldError(errors, [...path, 'autocomplete'], {
      code: 'APPLICATION_COMMAND_AUTOCOMPLETE_INVALID',
      message,
    });
  }
  choices.forEach((choice, i) => {
    const name = str(asObject(choice)?.name);
    if (name.length < 1 || name.length > 100)
      addFieldError(errors, [...path, 'choices', String(i), 'name'], badLength(1, 100));
  });
}

/** Checks one level of options; `parent` is the option type holding them (undefined: the command). */
function checkOptions(errors: ErrorTree, path: string[], options: unknown[], parent?: number): void {
  if (options.length > MAX_OPTIONS) addFieldError(errors, [...path, 'options'], tooLong(MAX_OPTIONS));
  const types = options.map((o) => Number(asObject(o)?.type));
  const subs = types.filter((t) => SUB.includes(t)).length;
  // Groups hold only subcommands; subcommands hold no subcommands; a command holds one kind or the other.
  const mixed =
    parent === Opt.SubcommandGroup
      ? types.some((t) => t !== Opt.Subcommand)
      : parent === Opt.Subcommand
        ? subs > 0
        : subs > 0 && subs < types.length;
  if (mixed) addFieldError(errors, [...path, 'options'], typeInvalid);
  const seen = new Set<string>();
  let optionalSeen = false;
  options.forEach((raw, i) => {
    const at = [...path, 'options', String(i)];
    const option = asObject(raw) ?? {};
    const type = Number(option.type);
    if (!Number.isInteger(type) || type < Opt.Subcommand || type > Opt.Attachment) {
      addFieldError(errors, [...at, 'type'], {
        code: 'BASE_TYPE_CHOICES',
        message: 'Value must be one of (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11).',
      });
    }
    if (!validSlashName(option.name)) addFieldError(errors, [...at, 'name'], invalidName);
    checkDescription(errors, at, option.description);
    const name = str(option.name);
    if (seen.has(name)) {
      const message = 'Option names must be unique';
      addFieldError(errors, [...at, 'name'], { code: 'APPLICATION_COMMAND_OPTIONS_DUPLICATE_NAME', message });
    }
    seen.add(name);
    if (!SUB.includes(type)) {
      if (option.required === true && optionalSeen) {
        const message = 'Required options must be placed before non-required options';
        addFieldError(errors, at, { code: 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', message });
      }
      if (option.required !== true) optionalSeen = true;
      checkChoices(errors, at, option);
    } else checkOptions(errors, at, asArray(option.options), type);
  });
}

/** Names, descriptions and choices count towards a command's 8,000 characters. */
function size(node: Json): number {
  const choices = asArray(node.choices).reduce<number>((sum, c) => {
    const choice = asObject(c) ?? {};
    return sum + str(choice.name).length + String(choice.value ?? '').length;
  }, 0);
  const options = asArray(node.options).reduce<number>((sum, o) => sum + size(asObject(o) ?? {}), 0);
  return str(node.name).length + str(node.description).length + choices + options;
}

function checkCommand(errors: ErrorTree, index: number, command: Json): void {
  const at = [String(index)];
  const type = Number(command.type ?? ApplicationCommandType.ChatInput);
  if (type === ApplicationCommandType.ChatInput) {
    if (!validSlashName(command.name)) addFieldError(errors, [...at, 'name'], invalidName);
    checkDescription(errors, at, command.description);
    checkOptions(errors, at, asArray(command.options));
  } else if (type === ApplicationCommandType.User || type === ApplicationCommandType.Message) {
    const length = str(command.name).length;
    if (length < 1 || length > 32) addFieldError(errors, [...at, 'name'], badLength(1, 32));
  } else {
    addFieldError(errors, [...at, 'type'], {
      code: 'BASE_TYPE_CHOICES',
      message: 'Value must be one of (1, 2, 3).',
    });
  }
  if (size(command) > MAX_COMMAND_CHARS) {
    const message = `Command exceeds maximum size (${MAX_COMMAND_CHARS})`;
    addFieldError(errors, at, { code: 'APPLICATION_COMMAND_TOO_LARGE', message });
  }
}

/** Validates a Bulk Overwrite body; the 400 to answer, or undefined when Discord would accept it. */
export function validateCommands(body: unknown): FakeReply | undefined {
  if (!Array.isArray(body)) {
    return invalidForm({ _errors: [{ code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' }] });
  }
  const errors: ErrorTree = {};
  const names = new Set<string>();
  let slash = 0;
  body.forEach((raw, index) => {
    const command = asObject(raw);
    if (!command) {
      addFieldError(errors, [String(index)], {
        code: 'DICT_TYPE_CONVERT',
        message: 'Only dictionaries may be used in a DictType',
      });
      return;
    }
    checkCommand(errors, index, command);
    const type = Number(command.type ?? ApplicationCommandType.ChatInput);
    if (type === ApplicationCommandType.ChatInput) slash += 1;
    const key = `${type}:${str(command.name)}`;
    if (names.has(key)) {
      const message = 'Application command names must be unique';
      addFieldError(errors, [String(index)], { code: 'APPLICATION_COMMANDS_DUPLICATE_NAME', message });
    }
    names.add(key);
  });
  if (Object.keys(errors).length > 0) return invalidForm(errors);
  if (slash > MAX_SLASH_COMMANDS) {
    return discordError(400, `Maximum number of application commands reached (${MAX_SLASH_COMMANDS})`, 30032);
  }
  return undefined;
}

export type CommandStore = ReturnType<typeof createCommandStore>;

export function createCommandStore(deps: { applicationId: string; newId: () => string }) {
  /** Keyed by guild id; `''` holds the global commands. */
  const scopes = new Map<string, APIApplicationCommand[]>();

  const list = (guildId: string | null): APIApplicationCommand[] => scopes.get(guildId ?? '') ?? [];

  /** Replaces a scope's commands with a body `validateCommands` accepted; returns them as stored. */
  function overwrite(guildId: string | null, body: readonly Json[]): APIApplicationCommand[] {
    const previous = list(guildId);
    const stored = body.map((command): APIApplicationCommand => {
      const type = Number(command.type ?? ApplicationCommandType.ChatInput) as ApplicationCommandType;
      const old = previous.find((c) => c.type === type && c.name === command.name);
      const options = asArray(command.options) as APIApplicationCommandOption[];
      const permissions = command.default_member_permissions;
      const next: APIApplicationCommand = {
        id: old?.id ?? deps.newId(),
        application_id: deps.applicationId,
        version: old?.version ?? deps.newId(),
        type,
        name: str(command.name),
        description: str(command.description),
        default_member_permissions:
          permissions === undefined || permissions === null ? null : String(permissions),
        nsfw: command.nsfw === true,
        integration_types: (command.integration_types as ApplicationIntegrationType[] | undefined) ?? [
          ApplicationIntegrationType.GuildInstall,
        ],
        contexts: (command.contexts as APIApplicationCommand['contexts']) ?? null,
        ...(options.length > 0 ? { options } : {}),
        ...(guildId === null ? {} : { guild_id: guildId }),
      };
      // A changed command gets a new version, as Discord bumps it on every update.
      const changed =
        old !== undefined &&
        JSON.stringify({ ...old, version: '' }) !== JSON.stringify({ ...next, version: '' });
      return changed ? { ...next, version: deps.newId() } : next;
    });
    scopes.set(guildId ?? '', stored);
    return stored;
  }

  /** The command a member can run in a guild: the guild's own first, then the global one. */
  const find = (guildId: string, name: string, type: ApplicationCommandType) =>
    [...list(guildId), ...list(null)].find((c) => c.name === name && c.type === type);

  return { list, overwrite, find };
}
